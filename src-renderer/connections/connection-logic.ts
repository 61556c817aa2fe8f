// Pure logic of the connection list (no DOM, no Svelte): folding connection.state events in,
// the demo connection, and which connection to show first.
import type { ConnectionStatus } from '../../src-main/contract';

/** Applies a 'connection.state' event: replaces or appends; 'closed' removes it. */
export function upsertConnection(list: readonly ConnectionStatus[], status: ConnectionStatus): ConnectionStatus[] {
  if (status.state === 'closed') return list.filter((c) => c.uri !== status.uri);
  const i = list.findIndex((c) => c.uri === status.uri);
  if (i === -1) return [...list, status];
  const next = list.slice();
  // Events carry the full status; keep a label we knew if the event lacks it.
  const prev = list[i] as ConnectionStatus;
  next[i] = { ...status, ...(status.label === undefined && prev.label !== undefined ? { label: prev.label } : {}) };
  return next;
}

export const DEMO_URI = 'test:///default';

export function isDemoConnection(c: Pick<ConnectionStatus, 'uri' | 'isDemo'>): boolean {
  return c.isDemo || c.uri === DEMO_URI;
}

/** The connection to show first: the connected default, else the first connected one. */
export function pickConnection(list: readonly ConnectionStatus[], current: string | null): string | null {
  if (current && list.some((c) => c.uri === current)) return current;
  return (
    list.find((c) => c.isDefault && c.state === 'connected')?.uri ??
    list.find((c) => c.state === 'connected')?.uri ??
    list.find((c) => c.isDefault)?.uri ??
    list[0]?.uri ??
    null
  );
}

/**
 * Hosts a lab (or anything placed on one host) may go on: the connected connections, with
 * `current` first even when it is not connected right now (the page it was chosen on).
 */
export function placementHosts(list: readonly ConnectionStatus[], current: string): ConnectionStatus[] {
  const connected = list.filter((c) => c.state === 'connected' && c.uri !== current);
  const here = list.find((c) => c.uri === current);
  return here ? [here, ...connected] : connected;
}
