// The corpus test: every document in test/fixtures/domain-xml (libvirt's own test data,
// virt-install --print-xml output, virsh dumpxml; regenerate with scripts/collect-domain-xml.sh)
// goes parse → write and must come back canonically identical, after every typed accessor was
// read. Then libvirt's test driver (define with VIR_DOMAIN_DEFINE_VALIDATE, i.e. schema
// validation) must accept the written form of every document it accepts in its original form.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Connection } from '../../../src-main/libvirt/binding';
import { canonicalXml, parseDomain, type Device, type Domain } from '../../../src-main/domain';

const ROOT = path.resolve(__dirname, '../../fixtures/domain-xml');

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.xml') ? [path.join(dir, e.name)] : []));
}

const files = walk(ROOT).sort();
const rel = (f: string): string => path.relative(ROOT, f);

/** Reads every getter of the model (a getter must never change the document). */
function readEverything(d: Domain): void {
  const touch = (o: object): void => {
    for (let proto = Object.getPrototypeOf(o); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const [name, desc] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
        if (desc.get && name !== 'el') void (o as Record<string, unknown>)[name];
      }
    }
  };
  for (const part of [d, d.os, d.cpu, d.features, d.clock, d.lifecycle]) touch(part);
  for (const { device } of d.deviceEntries()) touch(device as Device);
  void d.virtdeskMeta;
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at ${i}: …${a.slice(Math.max(0, i - 60), i + 60)}… vs …${b.slice(Math.max(0, i - 60), i + 60)}…`;
}

const written = new Map<string, string>();

describe('domain XML corpus', () => {
  it('holds hundreds of real documents from every source, under 5 MB', () => {
    const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
    const bySource = (s: string): number => files.filter((f) => rel(f).startsWith(`${s}/`)).length;
    console.log(`corpus: ${files.length} documents, ${(bytes / 1e6).toFixed(2)} MB (libvirt ${bySource('libvirt')}, virt-install ${bySource('virt-install')}, dumpxml ${bySource('dumpxml')})`);
    expect(files.length).toBeGreaterThan(300);
    expect(bySource('libvirt')).toBeGreaterThan(200);
    expect(bySource('virt-install')).toBeGreaterThan(40);
    expect(bySource('dumpxml')).toBeGreaterThan(3);
    expect(bytes).toBeLessThan(5_000_000);
  });

  it('writes every document back canonically identical', () => {
    const failures: string[] = [];
    for (const f of files) {
      const xml = fs.readFileSync(f, 'utf8');
      try {
        const d = parseDomain(xml);
        readEverything(d);
        const out = d.toXml();
        written.set(f, out);
        const [a, b] = [canonicalXml(xml), canonicalXml(out)];
        if (a !== b) failures.push(`${rel(f)}: ${firstDifference(a, b)}`);
      } catch (e) {
        failures.push(`${rel(f)}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    console.log(`round trip: ${files.length - failures.length} of ${files.length} identical`);
    expect(failures).toEqual([]);
  });

  describe('libvirt accepts the written form (test:///default, define --validate)', () => {
    let conn: Connection | undefined;
    afterAll(() => conn?.close());

    it('accepts the written form of every document it accepts as is', { timeout: 300_000 }, () => {
      conn = Connection.open('test:///default');
      const tryDefine = (xml: string): string | null => {
        try {
          const dom = conn!.defineDomain(xml, true);
          try {
            dom.undefine();
          } finally {
            dom.close();
          }
          return null;
        } catch (e) {
          return e instanceof Error ? e.message : String(e);
        }
      };
      let accepted = 0;
      const failures: string[] = [];
      for (const f of files) {
        const out = written.get(f);
        if (out === undefined) continue;
        if (tryDefine(fs.readFileSync(f, 'utf8')) !== null) continue;
        accepted++;
        const err = tryDefine(out);
        if (err !== null) failures.push(`${rel(f)}: ${err}`);
      }
      console.log(`test driver: accepts ${accepted} of ${written.size} documents as is; written form accepted for ${accepted - failures.length}`);
      expect(accepted).toBeGreaterThan(100);
      expect(failures).toEqual([]);
    });
  });
});
