// The new binding.ts pieces in-process on the test driver: snapshot handles (borrowed names,
// caller-freed XML, idempotent close, errors read right after the failing call), metadata and
// virStorageVolCreateXMLFrom.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, closeAll } from '../../../src-main/libvirt/binding';
import { LibvirtError } from '../../../src-main/libvirt/errors';
import { DEFAULT_DOMAIN, DEFAULT_POOL, TEST_URI, thrownBy } from '../libvirt/helpers';

const NS = 'https://virtdesk.invalid/xmlns/1';

describe('binding.ts snapshots, metadata and volume copies (test:///default)', () => {
  let conn: Connection;
  beforeAll(() => {
    conn = Connection.open(TEST_URI);
  });
  afterAll(() => conn.close());

  it('creates, walks and deletes snapshots; a root has no parent; handles close once', () => {
    const dom = conn.domainByName(DEFAULT_DOMAIN);
    try {
      const a = dom.createSnapshot('<domainsnapshot><name>a</name></domainsnapshot>');
      const b = dom.createSnapshot('<domainsnapshot><name>b</name></domainsnapshot>');
      expect(a.parentName()).toBeNull();
      expect(b.parentName()).toBe('a');
      expect(b.isCurrent()).toBe(true);
      expect(a.hasMetadata()).toBe(true);
      expect(a.xml()).toContain('<name>a</name>');
      const all = dom.snapshots(1 << 10);
      expect(all.map((s) => s.name)).toEqual(['a', 'b']);
      closeAll(all);
      b.close();
      b.close(); // idempotent
      expect(() => b.name).toThrow(/handle used after close/);
      a.revert();
      a.delete(1); // with children
      a.close();
      expect(dom.snapshots()).toEqual([]);
      const e = thrownBy(() => dom.snapshot('nope')) as LibvirtError;
      expect(e).toBeInstanceOf(LibvirtError);
      expect(e.code).toBe(72);
      expect(e.message).toBe(`find snapshot 'nope' of domain '${DEFAULT_DOMAIN}': ${e.libvirtMessage}`);
    } finally {
      dom.close();
    }
  });

  it('reads null for missing metadata, sets and removes an element in our namespace', () => {
    const dom = conn.domainByName(DEFAULT_DOMAIN);
    try {
      expect(dom.metadata(2, NS)).toBeNull();
      dom.setMetadata(2, '<vm><template/></vm>', 'virtdesk', NS, 0);
      expect(dom.metadata(2, NS)).toMatch(/<vm>\s*<template\/>\s*<\/vm>/);
      expect(dom.xml()).toContain(`<virtdesk:vm xmlns:virtdesk="${NS}">`);
      dom.setMetadata(2, null, 'virtdesk', NS, 0);
      expect(dom.metadata(2, NS)).toBeNull();
      const bad = thrownBy(() => dom.setMetadata(2, '<not xml', 'virtdesk', NS, 0)) as LibvirtError;
      expect(bad).toBeInstanceOf(LibvirtError);
      expect(bad.message.startsWith(`set metadata of domain '${DEFAULT_DOMAIN}': `)).toBe(true);
    } finally {
      dom.close();
    }
  });

  it('copies a volume with virStorageVolCreateXMLFrom', () => {
    const pool = conn.poolByName(DEFAULT_POOL);
    try {
      const src = pool.createVolume("<volume><name>bind-src.img</name><capacity unit='MiB'>8</capacity></volume>");
      const copy = pool.createVolumeFrom("<volume><name>bind-copy.img</name><capacity unit='MiB'>8</capacity></volume>", src);
      expect(copy.name).toBe('bind-copy.img');
      expect(copy.info().capacity).toBe(8 * 2 ** 20);
      const dup = thrownBy(() => pool.createVolumeFrom("<volume><name>bind-copy.img</name><capacity unit='MiB'>8</capacity></volume>", src)) as LibvirtError;
      expect(dup.message.startsWith(`copy volume 'bind-src.img' into storage pool '${DEFAULT_POOL}': `)).toBe(true);
      copy.delete();
      src.delete();
      closeAll([copy, src]);
    } finally {
      pool.close();
    }
  });
});
