// End to end with Debian's REAL netboot installer (package debian-installer-12-netboot-amd64):
// laid out on a 127.0.0.1 HTTP server as a Debian mirror, found by detectTree over HTTP, its
// kernel and initrd downloaded like a network install does, and booted on qemu:///system as a
// transient domain until the installer's first screen shows on the serial console.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLBuilder } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFile } from '../../src-main/install/download';
import { detectTree, httpFetcher } from '../../src-main/install/url-tree';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { removeDomainsWithPrefix } from '../support/cleanup';
import { consoleText, waitFor } from '../support/host-events';
import { DEBIAN_MIRROR_INSTALLER, DEBIAN_NETBOOT_DIR, startDebianNetbootMirror, type InstallTree } from '../support/install-tree';
import { SYSTEM_URI, uniqueName } from '../support/tiny-guest';

// debian-installer's newt frontend draws its first dialog over the serial line with these texts.
const FIRST_SCREEN = ['Select a language', 'Choose the language to be used for the installation process'];

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function installerDomainXml(name: string, kernel: string, initrd: string): string {
  return new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true }).build({
    domain: {
      '@_type': 'qemu',
      name,
      memory: { '@_unit': 'MiB', '#text': '1024' },
      vcpu: '1',
      os: {
        type: { '@_arch': 'x86_64', '@_machine': 'pc', '#text': 'hvm' },
        kernel,
        initrd,
        // The text frontend on the first serial port; priority=critical skips nothing before the language question.
        cmdline: 'console=ttyS0,115200n8 priority=critical',
      },
      features: { acpi: '' },
      on_poweroff: 'destroy',
      on_reboot: 'destroy',
      devices: {
        serial: { '@_type': 'pty', target: { '@_port': '0' } },
        console: { '@_type': 'pty', target: { '@_type': 'serial', '@_port': '0' } },
        interface: { '@_type': 'user', model: { '@_type': 'virtio' } },
      },
    },
  });
}

describe('Debian 12 netboot installer from a local mirror on qemu:///system', () => {
  const client = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
  const name = uniqueName('vdt-debinst');
  let mirror: InstallTree;
  let dir: string;

  beforeAll(async () => {
    mirror = await startDebianNetbootMirror();
    await client.connect();
    // qemu (not root) reads the boot files: a world-readable folder of our own.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-debinst-'));
    fs.chmodSync(dir, 0o755);
  });

  afterAll(async () => {
    await removeDomainsWithPrefix(client, name);
    await client.close();
    await mirror?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('detectTree finds the bookworm installer from the mirror root and from its installer folder', async () => {
    const stable = `${mirror.mirrorUrl}dists/stable/main/installer-amd64/`;
    for (const [url, installer] of [
      [mirror.installerUrl, mirror.installerUrl],
      [mirror.mirrorUrl, stable],
    ]) {
      const netboot = `${installer}current/images/netboot/debian-installer/amd64/`;
      const t = await detectTree(url, httpFetcher(10_000));
      expect(t).toEqual({
        url: installer,
        family: 'debian',
        name: 'Debian 12 bookworm',
        osCandidates: ['debian12'],
        kernelUrl: `${netboot}linux`,
        initrdUrl: `${netboot}initrd.gz`,
        cmdline: '',
      });
    }
    expect(mirror.installerUrl.endsWith(DEBIAN_MIRROR_INSTALLER)).toBe(true);
    expect(mirror.requests).toContain('/debian/dists/bookworm/Release');
    expect(mirror.requests).toContain('/debian/dists/stable/Release');
  });

  it('boots the downloaded kernel and initrd until the installer asks for the language', { timeout: 330_000 }, async () => {
    const tree = await detectTree(mirror.mirrorUrl, httpFetcher(10_000));
    const kernel = path.join(dir, 'linux');
    const initrd = path.join(dir, 'initrd.gz');
    await downloadFile(tree.kernelUrl, kernel);
    await downloadFile(tree.initrdUrl, initrd);
    fs.chmodSync(kernel, 0o644);
    fs.chmodSync(initrd, 0o644);
    // What came over HTTP is the packaged installer, byte for byte.
    expect(sha256(kernel)).toBe(sha256(path.join(DEBIAN_NETBOOT_DIR, 'debian-installer/amd64/linux')));
    expect(sha256(initrd)).toBe(sha256(path.join(DEBIAN_NETBOOT_DIR, 'debian-installer/amd64/initrd.gz')));

    await client.api.createDomain(installerDomainXml(name, kernel, initrd));
    const ref = { name };
    expect((await client.api.domainState(ref)).state).toBe('running');
    const { streamId } = await client.api.openConsole(ref, { force: true });
    const con = consoleText(client, streamId);
    try {
      await waitFor('the Debian installer language screen on the serial console', () => FIRST_SCREEN.every((t) => con.text().includes(t)), 300_000, 250);
      expect(con.text()).toMatch(/Linux version \S+ .*Debian/);
    } finally {
      con.stop();
      await client.api.streamClose(streamId).catch(() => undefined);
    }

    // Transient: destroying it leaves nothing defined.
    await client.api.destroyDomain(ref);
    expect((await client.api.listDomains()).some((d) => d.name === name)).toBe(false);
  });
});
