// Plain data that libvirt reports and the API passes on as it is (the libvirt host protocol
// uses the same types). Data only: the renderer and the CLI import it.

export type DomainState = 'nostate' | 'running' | 'blocked' | 'paused' | 'shutdown' | 'shutoff' | 'crashed' | 'pmsuspended';

/** A domain is addressed by UUID (stable) or by name. */
export type DomainRef = { uuid: string } | { name: string };

export interface ConnectionInfo {
  uri: string;
  hostname: string;
  hypervisorType: string;
  libVersion: number;
  hypervisorVersion: number;
}

export interface NodeInfo {
  model: string;
  memoryKiB: number;
  cpus: number;
  mhz: number;
  nodes: number;
  sockets: number;
  cores: number;
  threads: number;
}

export interface PoolSummary {
  name: string;
  uuid: string;
  active: boolean;
  persistent: boolean;
  autostart: boolean;
  capacity: number;
  allocation: number;
  available: number;
}

export interface VolumeSummary {
  name: string;
  key: string;
  path: string;
  type: number;
  capacity: number;
  allocation: number;
}

export interface NetworkSummary {
  name: string;
  uuid: string;
  active: boolean;
  persistent: boolean;
  autostart: boolean;
}

/** A domain as libvirt lists it (the API's VmSummary adds the connection and Virtdesk's data). */
export interface DomainSummary {
  name: string;
  uuid: string;
  /** -1 when not running. */
  id: number;
  state: DomainState;
  stateReason: number;
  persistent: boolean;
  autostart: boolean;
  hasManagedSave: boolean;
  vcpus: number;
  memoryKiB: number;
  maxMemoryKiB: number;
  cpuTimeNs: number;
}
