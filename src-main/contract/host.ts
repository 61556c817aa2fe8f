// The host: its virtualization check, facts, and what the New-VM wizard may offer on it.
import { z } from 'zod';
import { method, onConnection } from './common';
import type { ConnectionInfo, NodeInfo } from './libvirt-types';
import type { MessageRef } from './messages';
import type { NetworkDetails } from './networks';
import type { PoolDetails } from './storage';

export type CpuVendor = 'intel' | 'amd' | 'other' | 'unknown';

export type Verdict = 'kvm' | 'emulation' | 'none';

export interface HostCheck {
  id: string;
  title: string;
  status: 'ok' | 'warn' | 'fail' | 'info';
  detail: string;
  fix?: string;
  /** The same texts as message keys with parameters (the English above is built from them). */
  text?: { title: MessageRef; detail: MessageRef; fix?: MessageRef };
}

export interface HostCheckReport {
  verdict: Verdict;
  headline: string;
  /** One plain-words paragraph. */
  explanation: string;
  containers: { available: boolean; detail: string; text?: MessageRef; connection?: string };
  cpu: { vendor: CpuVendor; model: string; hardwareVirt: 'vmx' | 'svm' | null; insideVm: boolean };
  checks: HostCheck[];
  /** headline and explanation as message keys with parameters. */
  text?: { headline: MessageRef; explanation: MessageRef };
}


export interface HostSummary {
  connection: string;
  info: ConnectionInfo;
  node: NodeInfo;
  freeMemoryBytes: number;
}

/** host.stats: the host's load now (one sample; the caller keeps the history). */
export interface HostStatsSample {
  connection: string;
  /** Milliseconds since the epoch when it was read. */
  at: number;
  /** Busy share of all host CPUs, 0..100, since the previous host.stats call on this connection; null on the first. */
  cpuPercent: number | null;
  cpus: number;
  /** Total minus free memory (page cache counts as used, as libvirt's free figure excludes it). */
  memoryUsedKiB: number;
  memoryTotalKiB: number;
}

export interface CreateOptions {
  connection: string;
  /** Domain capabilities list a UEFI loader / firmware. */
  uefi: boolean;
  /** A TPM 2.0 emulator (swtpm) backend is available. */
  tpm: boolean;
  /** KVM works (domain capabilities list kvm AND the host check says verdict 'kvm'). */
  kvm: boolean;
  /** What domainType 'auto' picks, and which types are allowed. */
  domainTypes: ('qemu' | 'kvm')[];
  defaultDomainType: 'qemu' | 'kvm';
  machines: string[];
  memoryTotalMiB: number;
  memoryFreeMiB: number;
  cpus: number;
  pools: PoolDetails[];
  networks: NetworkDetails[];
  /** Port forwarding with user networking (needs passt on the host). */
  portForwarding: boolean;
  /** Whether the paths given are checked on this computer (local connection). */
  local: boolean;
  osinfo: { source: 'osinfo-db' | 'fallback'; count: number };
}

export const hostMethods = {
  'host.summary': method(z.object(onConnection).strict(), {} as HostSummary),
  'host.check': method(z.object(onConnection).strict(), {} as HostCheckReport),
  'host.createOptions': method(z.object(onConnection).strict(), {} as CreateOptions),
  'host.stats': method(z.object(onConnection).strict(), {} as HostStatsSample),
} as const;
