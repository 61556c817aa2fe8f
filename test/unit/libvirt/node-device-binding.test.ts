// The node-device calls of binding.ts in-process on the test driver: names (borrowed strings),
// XML (caller-freed), the capability filter, idempotent close; and virDomainBlockResize's error
// read on the failing call's thread.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, NODE_DEVICE_CAP, closeAll } from '../../../src-main/libvirt/binding';
import { LibvirtError } from '../../../src-main/libvirt/errors';
import { DEFAULT_DOMAIN, TEST_URI, thrownBy } from '../libvirt/helpers';

describe('binding.ts node devices (test:///default)', () => {
  let conn: Connection;
  beforeAll(() => {
    conn = Connection.open(TEST_URI);
  });
  afterAll(() => conn.close());

  it('lists the host devices with their XML; the USB/PCI filter leaves out the others', () => {
    const all = conn.nodeDevices();
    try {
      expect(all.map((d) => d.name)).toContain('computer');
      for (const d of all) expect(d.xml()).toContain(`<name>${d.name}</name>`);
    } finally {
      closeAll(all);
    }
    expect(all.every((d) => d.closed)).toBe(true);
    all[0].close();
    expect(() => all[0].name).toThrow(/used after close/);
    const filtered = conn.nodeDevices(NODE_DEVICE_CAP.usb | NODE_DEVICE_CAP.pci);
    expect(filtered.map((d) => d.name)).not.toContain('computer');
    closeAll(filtered);
  });

  it('reports a failed block resize as a LibvirtError naming the disk', () => {
    const dom = conn.domainByName(DEFAULT_DOMAIN);
    try {
      const e = thrownBy(() => dom.blockResize('vdz', 1 << 30));
      expect(e).toBeInstanceOf(LibvirtError);
      expect((e as LibvirtError).message).toMatch(/resize disk vdz of domain 'test'/);
    } finally {
      dom.close();
    }
  });
});
