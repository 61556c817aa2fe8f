// libvirt connections the app keeps (one host process each).
import { z } from 'zod';
import { connectionUri, method, savedConnectionUri } from './common';
import type { ConnectionInfo } from './libvirt-types';

export type ConnectionStateName = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export interface ConnectionStatus {
  uri: string;
  label?: string;
  state: ConnectionStateName;
  /** Why it failed or is reconnecting. */
  error?: string;
  info?: ConnectionInfo;
  isDefault: boolean;
  /** The demo connection (test:///default) offered when no libvirt is reachable. */
  isDemo: boolean;
}

const empty = z.object({}).strict();

export const connectionMethods = {
  'connections.list': method(empty, [] as ConnectionStatus[]),
  'connections.add': method(z.object({ uri: connectionUri, label: z.string().trim().max(100).optional() }).strict(), {} as ConnectionStatus),
  /** Also takes a saved URI the policy refuses (listed as 'failed', "refused: …"), so it can be forgotten. */
  'connections.remove': method(z.object({ uri: savedConnectionUri }).strict(), undefined as void),
  'connections.reconnect': method(z.object({ uri: connectionUri }).strict(), {} as ConnectionStatus),
} as const;
