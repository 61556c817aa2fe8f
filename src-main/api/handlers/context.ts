// What every handler module gets: a connected client per URI, the shared services (OS database,
// host facts, storage usage), ONE per-connection queue for everything that changes libvirt state
// (a create, a clone and a lab up on one connection must not pick the same free names at once),
// and the typed shape of a handler set.
import type { LibvirtHostClient } from '../../libvirt/host-client';
import type { DomainXmlRecord, PoolSummary } from '../../libvirt/protocol';
import type { MethodName, MethodParsed, MethodResult, TypedApiEvent } from '../../contract';
import type { LibvirtProbe } from '../../host/read-host-facts';
import { createFactsReader } from '../../host/create-facts';
import { OsInfoDb, sharedOsInfo } from '../../osinfo/osinfo-db';
import type { UrlPolicy } from '../../install/url-target';
import { scanStorageUsage, type StorageUsage } from '../../storage/usage-scan';
import type { CreateHostFacts } from '../../xml/vm-plan';
import { serialQueue } from '../serial-queue';
import { imagesAreLocal } from '../../contract/connection-uri';

export interface HandlerDeps {
  /** A connected client for a URI (or the default connection): ConnectionManager.client. */
  client(uri?: string): Promise<{ uri: string; client: LibvirtHostClient }>;
  /** Receives progress events (vm.createProgress, vm.cloneProgress). */
  emit?: (event: TypedApiEvent) => void;
  osinfo?: OsInfoDb;
  /** The host check verdict for a connection (default: virt-check over the connection + /proc). */
  hostVerdict?: (uri: string, probe: LibvirtProbe) => Promise<{ verdict: 'kvm' | 'emulation' | 'none'; headline: string }>;
  /** Whether passt (user-mode port forwarding) is installed; default: looks in PATH. */
  hasPasst?: () => Promise<boolean>;
  /** Whether virtiofsd (virtiofs shared folders) is installed; default: looks where QEMU packages put it. */
  hasVirtiofsd?: () => Promise<boolean>;
  /** How long static host facts (capabilities, verdict) are reused. Default 60 s. */
  factsTtlMs?: number;
  /** Timeout of the "URL answers" check. Default 5 s. */
  urlTimeoutMs?: number;
  /** Where install URLs may lead (browser mode beyond loopback refuses this computer's loopback / link-local). */
  urlPolicy?: () => UrlPolicy;
  /** Extra file roots (the CLI's named files; tests). */
  browseRoots?: string[];
  /** The folders the user added in the settings (read at each use). */
  browseFolders?: () => string[];
  /** Domains of the other connections to this same computer (safe delete looks at them too). */
  peerDomains?: (uri: string) => Promise<{ connection: string; records: DomainXmlRecord[] }[]>;
  /** Test-only hooks into vm.create. */
  hooks?: {
    /** Rewrites the domain XML right before it is defined (to provoke a define failure). */
    beforeDefine?: (xml: string) => string;
  };
}

export interface HandlerContext {
  deps: HandlerDeps;
  osinfo: OsInfoDb;
  /** Runs `fn` after every earlier mutation on the same connection. */
  locked: <T>(uri: string, fn: () => Promise<T>) => Promise<T>;
  conn(uri?: string): Promise<{ uri: string; api: LibvirtHostClient['api']; client: LibvirtHostClient }>;
  hostFacts(uri: string, client: LibvirtHostClient): Promise<CreateHostFacts>;
  /** Who uses which image on a connection (safe delete; storage/usage-scan.ts). */
  usageOf(uri: string, api: LibvirtHostClient['api'], pools?: PoolSummary[]): Promise<StorageUsage>;
}

export function handlerContext(deps: HandlerDeps): HandlerContext {
  const peers = deps.peerDomains;
  return {
    deps,
    osinfo: deps.osinfo ?? sharedOsInfo(),
    locked: serialQueue(),
    async conn(uri) {
      const c = await deps.client(uri);
      return { uri: c.uri, api: c.client.api, client: c.client };
    },
    hostFacts: createFactsReader(deps),
    usageOf: (uri, api, pools) =>
      scanStorageUsage(api, { local: imagesAreLocal(uri), ...(pools ? { pools } : {}), ...(peers ? { peers: () => peers(uri) } : {}) }),
  };
}

/** The handlers of some methods, typed by the contract. */
export type HandlersFor<K extends MethodName> = { [M in K]: (input: MethodParsed<M>) => Promise<MethodResult<M>> };
/** The method names that start with `P` (e.g. 'pool.'). */
export type MethodsOf<P extends string> = Extract<MethodName, `${P}${string}`>;
