// The libvirt host process against the REAL qemu:///system daemon with the tiny TCG guest.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { HostProcessError, LibvirtError } from '../../src-main/libvirt/errors';
import { SYSTEM_URI, TINY_GUEST_MARKER, tinyGuestXml, uniqueName } from '../support/tiny-guest';
import { collectEvents, consoleText, waitFor } from '../support/host-events';

describe('libvirt host process on qemu:///system', () => {
  const client = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
  const name = uniqueName('vdtest-host');
  const ref = { name };

  beforeAll(async () => {
    const info = await client.connect();
    expect(info.hypervisorType).toBe('QEMU');
  });

  afterAll(async () => {
    // Remove only the domain this test defined.
    await client.api.destroyDomain(ref).catch(() => undefined);
    await client.api.undefineDomain(ref, { nvram: true, managedSave: true, snapshotsMetadata: true }).catch(() => undefined);
    await client.close();
  });

  it('boots the tiny guest, streams its console, and reports events, stats, screenshot and graphics', { timeout: 180_000 }, async () => {
    const { events } = collectEvents(client);
    const mine = () => events.flatMap((e) => (e.type === 'domain-lifecycle' && e.name === name ? [e.event] : []));

    const summary = await client.api.defineDomain(tinyGuestXml(name));
    expect(summary.state).toBe('shutoff');
    await client.api.startDomain(ref);

    // Serial console: marker line, then a command and its answer.
    const { streamId } = await client.api.openConsole(ref, { force: true });
    const con = consoleText(client, streamId);
    await waitFor('the boot marker on the serial console', () => con.text().includes(TINY_GUEST_MARKER), 60_000);
    await new Promise((r) => setTimeout(r, 300));
    await client.api.streamWrite(streamId, new TextEncoder().encode('echo $((6*7))\n'));
    await waitFor('42 from the guest shell', () => /\r?\n42\r?\n/.test(con.text()), 20_000);

    await client.api.suspendDomain(ref);
    expect((await client.api.domainState(ref)).state).toBe('paused');
    await client.api.resumeDomain(ref);

    const shot = await client.api.screenshot(ref);
    const png = Buffer.from(shot.data);
    expect(shot.mime).toBe('image/png');
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(png.readUInt32BE(16)).toBeGreaterThan(0); // IHDR width

    const stats = await client.api.domainStats();
    const mineStats = stats.find((s) => s.name === name);
    expect(mineStats?.params['cpu.time']).toBeGreaterThan(0);
    expect(mineStats?.params['state.state']).toBe(1);

    // Graphics fd: the guest's VNC server greets through the one-shot socket.
    const { path } = await client.api.openGraphics(ref);
    const greeting = await new Promise<string>((resolve, reject) => {
      const s = net.connect(path);
      s.once('data', (d) => {
        resolve(d.toString('latin1'));
        s.destroy();
      });
      s.once('error', reject);
    });
    expect(greeting.startsWith('RFB 003.008')).toBe(true);

    // Graceful shutdown through ACPI.
    await client.api.shutdownDomain(ref);
    await waitFor('the guest to power off', () => mine().includes('stopped'), 30_000);
    con.stop();
    await client.api.undefineDomain(ref);
    await waitFor('the undefined event', () => mine().includes('undefined'), 5_000);
    // QEMU also reports 'resumed' at boot and 'shutdown' before 'stopped': check the order of the ones that matter.
    const expected = ['defined', 'started', 'suspended', 'resumed', 'stopped', 'undefined'];
    const seen = mine().filter((e, i, all) => expected.includes(e) && !(e === 'resumed' && !all.slice(0, i).includes('suspended')));
    expect(seen).toEqual(expected);
  });

  it('rejects a pending call with a clear error when the host process dies, and the next call works', async () => {
    await client.connect();
    const pending = client.api.listDomains();
    client.killHost();
    const err = await pending.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(HostProcessError);
    expect((err as Error).message).toContain(SYSTEM_URI);
    expect((err as Error).message).toMatch(/killed|exited/);
    const list = await client.api.listDomains();
    expect(Array.isArray(list)).toBe(true);
  });

  it('names the domain that does not exist', async () => {
    const err = await client.api.lookupDomain({ name: 'vdtest-no-such-domain' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).code).toBe(42);
    expect((err as Error).message).toContain("find domain 'vdtest-no-such-domain'");
  });

  it('names the URI that cannot be opened', async () => {
    const bad = new LibvirtHostClient('qemu+unix:///system?socket=/nonexistent/libvirt-sock', nodeHostSpawner);
    const err = await bad.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as Error).message).toContain('connect to qemu+unix:///system?socket=/nonexistent/libvirt-sock');
    await bad.close();
  });
});
