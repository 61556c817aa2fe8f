// Fix texts match the host: systemctl only where systemd runs (/run/systemd/system), otherwise
// the daemons are started by hand (`sudo libvirtd -d`). Host fixtures both ways.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { noLibvirtHelp } from '../../../src-main/api/connection-manager';
import { readHostFacts } from '../../../src-main/host/read-host-facts';
import { evaluateHost, type HostFacts } from '../../../src-main/host/virt-check';
import { loadFixture } from './load-fixture';

const roots: string[] = [];
afterAll(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

async function fakeRoot(systemd: boolean): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'vdt-systemd-'));
  roots.push(root);
  if (systemd) await mkdir(path.join(root, 'run/systemd/system'), { recursive: true });
  return root;
}

/** Every fix the check shows, for a host without libvirt running and with libvirt lacking kvm/QEMU. */
function fixes(facts: HostFacts): string {
  const noLibvirt = evaluateHost({ ...facts, libvirt: null });
  const broken = evaluateHost({ ...facts, libvirt: facts.libvirt && { ...facts.libvirt, capabilitiesXml: '<capabilities/>', domainCapabilitiesXml: {}, lxcAvailable: false } });
  return JSON.stringify([noLibvirt, broken]);
}

describe('systemd in the host facts', () => {
  it('is read from /run/systemd/system', async () => {
    expect((await readHostFacts(null, { root: await fakeRoot(true) })).systemd).toBe(true);
    expect((await readHostFacts(null, { root: await fakeRoot(false) })).systemd).toBe(false);
  });
});

describe('fix texts', () => {
  it('say systemctl on a systemd host', () => {
    const text = fixes({ ...loadFixture('intel-kvm'), systemd: true });
    expect(text).toContain('sudo systemctl enable --now libvirtd');
    expect(text).toContain('sudo systemctl restart libvirtd');
    expect(noLibvirtHelp(true)).toContain('sudo systemctl enable --now libvirtd');
  });

  it('never say systemctl without systemd: start libvirtd by hand', () => {
    const text = fixes({ ...loadFixture('intel-kvm'), systemd: false });
    expect(text).not.toContain('systemctl');
    expect(text).toContain('sudo libvirtd -d');
    expect(noLibvirtHelp(false)).not.toContain('systemctl');
    expect(noLibvirtHelp(false)).toContain('sudo virtlogd -d && sudo libvirtd -d');
  });
});
