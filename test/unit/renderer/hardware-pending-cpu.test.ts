// The pending list's CPU lines: a running VM's CPU (its live XML, as libvirt 9 writes it) against
// its definition. libvirt expands a running host-model CPU into mode custom + the host's model +
// <vendor>, and turns fallback/check into forbid/full: none of that is a change.
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { readDomainFacts, type ParseXml, type XmlElement } from '../../../src-renderer/vm/hardware/domain-facts';
import { cpuPending, pendingChanges } from '../../../src-renderer/vm/hardware/hardware-logic';

const parse: ParseXml = (xml) => new DOMParser().parseFromString(xml, 'text/xml') as unknown as { documentElement: XmlElement | null };
const domain = (vcpu: string, cpu: string) => `<domain type='qemu'><name>vm</name><memory unit='KiB'>262144</memory>${vcpu}${cpu}<devices/></domain>`;
const facts = (vcpu: string, cpu: string) => readDomainFacts(domain(vcpu, cpu), parse);
const cpuOf = (cpu: string) => facts("<vcpu placement='static'>2</vcpu>", cpu).cpu;

const HOST_MODEL = "<cpu mode='host-model' check='partial'><topology sockets='1' dies='1' cores='2' threads='1'/></cpu>";
const HOST_MODEL_LIVE = "<cpu mode='custom' match='exact' check='full'><model fallback='forbid'>EPYC</model><vendor>AMD</vendor><topology sockets='1' dies='1' cores='2' threads='1'/><feature policy='require' name='x2apic'/></cpu>";
const QEMU64 = "<cpu mode='custom' match='exact' check='none'><model fallback='allow'>qemu64</model><topology sockets='1' dies='1' cores='2' threads='1'/></cpu>";
const QEMU64_LIVE = "<cpu mode='custom' match='exact' check='full'><model fallback='forbid'>qemu64</model><topology sockets='1' dies='1' cores='2' threads='1'/></cpu>";

describe('CPU changes waiting for the VM to be shut down', () => {
  it('reads mode, model, vendor and topology from <cpu>', () => {
    expect(cpuOf(HOST_MODEL_LIVE)).toEqual({ mode: 'custom', model: 'EPYC', vendor: 'AMD', topology: { sockets: 1, cores: 2, threads: 1 } });
    expect(cpuOf(HOST_MODEL)).toEqual({ mode: 'host-model', topology: { sockets: 1, cores: 2, threads: 1 } });
    expect(cpuOf('')).toBeUndefined();
  });

  it('shows nothing when only libvirt\'s expansion of the running CPU differs', () => {
    expect(cpuPending(cpuOf(HOST_MODEL_LIVE), cpuOf(HOST_MODEL))).toEqual([]);
    expect(cpuPending(cpuOf(QEMU64_LIVE), cpuOf(QEMU64))).toEqual([]);
    // No <cpu> in the definition: the hypervisor's default, nothing to compare.
    expect(cpuPending(cpuOf(QEMU64_LIVE), undefined)).toEqual([]);
  });

  it('shows a new mode or model for the next boot', () => {
    const skylake = "<cpu mode='custom' match='exact'><model fallback='allow'>Skylake-Client</model><topology sockets='1' dies='1' cores='2' threads='1'/></cpu>";
    expect(cpuPending(cpuOf(HOST_MODEL_LIVE), cpuOf(skylake))).toEqual([{ what: 'cpuModel', now: { mode: 'host-model' }, next: { mode: 'custom', model: 'Skylake-Client' } }]);
    expect(cpuPending(cpuOf(QEMU64_LIVE), cpuOf(skylake))).toEqual([{ what: 'cpuModel', now: { mode: 'custom', model: 'qemu64' }, next: { mode: 'custom', model: 'Skylake-Client' } }]);
    expect(cpuPending(cpuOf(QEMU64_LIVE), cpuOf(HOST_MODEL))).toEqual([{ what: 'cpuModel', now: { mode: 'custom', model: 'qemu64' }, next: { mode: 'host-model' } }]);
    const passthrough = "<cpu mode='host-passthrough' check='none' migratable='on'><topology sockets='1' dies='1' cores='2' threads='1'/></cpu>";
    expect(cpuPending(cpuOf(HOST_MODEL_LIVE), cpuOf(passthrough))).toEqual([{ what: 'cpuModel', now: { mode: 'host-model' }, next: { mode: 'host-passthrough' } }]);
  });

  it('shows a new topology, or its removal', () => {
    const threads = QEMU64.replace("cores='2' threads='1'", "cores='1' threads='2'");
    expect(cpuPending(cpuOf(QEMU64_LIVE), cpuOf(threads))).toEqual([{ what: 'cpuTopology', now: { sockets: 1, cores: 2, threads: 1 }, next: { sockets: 1, cores: 1, threads: 2 } }]);
    const none = "<cpu mode='custom' match='exact'><model>qemu64</model></cpu>";
    expect(cpuPending(cpuOf(QEMU64_LIVE), cpuOf(none))).toEqual([{ what: 'cpuTopology', now: { sockets: 1, cores: 2, threads: 1 } }]);
  });

  it('lists CPU changes with the vCPU count in the pending list of the Hardware tab', () => {
    const live = facts("<vcpu placement='static'>2</vcpu>", HOST_MODEL_LIVE);
    const config = facts("<vcpu placement='static'>4</vcpu>", "<cpu mode='custom'><model>qemu64</model><topology sockets='1' dies='1' cores='4' threads='1'/></cpu>");
    expect(pendingChanges(live, config)).toEqual([
      { what: 'vcpus', now: 2, next: 4 },
      { what: 'maxVcpus', now: 2, next: 4 },
      { what: 'cpuModel', now: { mode: 'host-model' }, next: { mode: 'custom', model: 'qemu64' } },
      { what: 'cpuTopology', now: { sockets: 1, cores: 2, threads: 1 }, next: { sockets: 1, cores: 4, threads: 1 } },
    ]);
  });
});
