// The one-shot `virtdesk list` reads the OS, lab and tags with a one-pass reader instead of the
// DOM: it must give exactly what the full parser (summarizeDomainXml, which the core's vm.list
// uses) gives — on every real domain XML fixture, on generated documents with Virtdesk and
// libosinfo metadata written through the domain model, and on documents built to fool it.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIST_NAMESPACES, readListMetadata, type ListMetadata } from '../../../src-main/cli/list-metadata';
import { LIBOSINFO_NS, parseDomain } from '../../../src-main/domain';
import { summarizeDomainXml } from '../../../src-main/xml/domain-summary';
import { VIRTDESK_NS } from '../../../src-main/xml/virtdesk-meta';

const FIXTURES = path.join(__dirname, '../../fixtures/domain-xml');

function fixtureFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? fixtureFiles(path.join(dir, e.name)) : e.name.endsWith('.xml') ? [path.join(dir, e.name)] : []));
}

/** What the full parser says (summarizeDomainXml, as vm.list reads it). */
function full(xml: string): ListMetadata {
  const s = summarizeDomainXml(xml);
  return { ...(s.os ? { os: s.os } : {}), ...(s.lab ? { lab: s.lab } : {}), ...(s.tags ? { tags: s.tags } : {}) };
}

function agrees(xml: string): ListMetadata | null {
  const quick = readListMetadata(xml);
  if (quick !== null) expect(quick, xml).toEqual(full(xml));
  return quick;
}

const VD = `xmlns:virtdesk="${VIRTDESK_NS}"`;
const LO = `xmlns:libosinfo="${LIBOSINFO_NS}"`;
const domainWith = (metadata: string, before = ''): string => `<domain type='kvm'><name>x</name>${before}<metadata>${metadata}</metadata><devices/></domain>`;

describe('readListMetadata', () => {
  it('spells the namespaces as the domain model does', () => {
    expect(LIST_NAMESPACES).toEqual({ libosinfo: LIBOSINFO_NS, virtdesk: VIRTDESK_NS });
  });

  const files = fixtureFiles(FIXTURES);
  it(`answers as the full parser on all ${files.length} domain XML fixtures`, () => {
    expect(files.length).toBeGreaterThan(1000);
    const unsure = files.filter((f) => agrees(fs.readFileSync(f, 'utf8')) === null);
    // Only documents the reader declines (it then hands them to the full parser).
    expect(unsure.map((f) => path.relative(FIXTURES, f))).toEqual([]);
  });

  it('answers as the full parser on the fixtures with Virtdesk metadata written by the domain model', () => {
    let compared = 0;
    for (const f of files.filter((_, i) => i % 7 === 0)) {
      let d;
      try {
        d = parseDomain(fs.readFileSync(f, 'utf8'));
      } catch {
        continue;
      }
      d.virtdeskMeta = { template: false, lab: { name: `lab <${compared}> & "q"`, machine: 'm', instance: 'i' }, tags: ['ci', ' spaced ', 'a&b<c>]]>'], disks: [] };
      const xml = d.toXml();
      const quick = agrees(xml);
      expect(quick?.lab).toBe(`lab <${compared}> & "q"`);
      expect(quick?.tags).toEqual(['ci', 'spaced', 'a&b<c>]]>']);
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('reads the OS, lab and tags whatever the prefix, and only in our namespace', () => {
    const xml = domainWith(
      `<lo:libosinfo xmlns:lo="${LIBOSINFO_NS}"><lo:os id="http://debian.org/debian/12"/></lo:libosinfo>` +
        `<vm xmlns="${VIRTDESK_NS}"><lab name="web" machine="m" instance="m-1"/><tag>one</tag><other:tag xmlns:other="urn:x">not ours</other:tag><tag xmlns="urn:y">nor this</tag><tag>two</tag></vm>`,
    );
    expect(agrees(xml)).toEqual({ os: 'debian12', lab: 'web', tags: ['one', 'two'] });
  });

  it('is not fooled by comments, CDATA, escaped text, other tools\' metadata or a second <metadata>', () => {
    const fake = `<virtdesk:vm ${VD}><virtdesk:tag>fake</virtdesk:tag></virtdesk:vm>`;
    const cases: [string, ListMetadata][] = [
      [domainWith(`<!-- ${fake} --><virtdesk:vm ${VD}><virtdesk:tag>real</virtdesk:tag></virtdesk:vm>`), { tags: ['real'] }],
      [domainWith(`<x:tool xmlns:x="urn:t"><![CDATA[${fake}]]></x:tool>`), {}],
      [`<domain type='kvm'><description>&lt;metadata&gt;${fake.replace(/</g, '&lt;')}&lt;/metadata&gt;</description><devices/></domain>`, {}],
      [`<domain type='kvm'><devices><metadata>${fake}</metadata></devices></domain>`, {}],
      [domainWith(`<x:tool xmlns:x="urn:t">${fake}</x:tool>`), {}],
      [domainWith(`<virtdesk:vm ${VD}><virtdesk:tag>first</virtdesk:tag></virtdesk:vm><virtdesk:vm ${VD}><virtdesk:tag>second</virtdesk:tag></virtdesk:vm>`), { tags: ['first'] }],
      [`${domainWith(`<virtdesk:vm ${VD}><virtdesk:tag>a</virtdesk:tag></virtdesk:vm>`).replace('</domain>', `<metadata>${fake}</metadata></domain>`)}`, { tags: ['a'] }],
      [`<domain type='kvm'><metadata><x:tool xmlns:x="urn:t"/></metadata><metadata>${fake}</metadata></domain>`, {}],
      [domainWith(`<virtdesk:vm ${VD}><virtdesk:tag> <![CDATA[a<b]]><!-- c -->&amp;d&#x41;&#66; </virtdesk:tag><virtdesk:tag>  </virtdesk:tag></virtdesk:vm>`), { tags: ['a<b&dAB'] }],
      [domainWith(`<virtdesk:vm ${VD}><virtdesk:lab name="a&gt;b" machine="m" instance=""/></virtdesk:vm>`), {}],
      [domainWith(`<virtdesk:vm ${VD}><virtdesk:lab name='x > "y"' machine="m" instance="i"/><virtdesk:lab name="second" machine="m" instance="i"/></virtdesk:vm>`), { lab: 'x > "y"' }],
      [domainWith(`<virtdesk:vm ${VD}><virtdesk:lab name="a\tb\nc" machine="m" instance="i"/></virtdesk:vm>`), { lab: 'a b c' }],
      [domainWith(`<libosinfo:libosinfo ${LO}><libosinfo:x><libosinfo:os id="http://nested/a/1"/></libosinfo:x><o:os xmlns:o="urn:o" id="http://fedoraproject.org/fedora/40"/><libosinfo:os id="http://second/b/2"/></libosinfo:libosinfo>`), { os: 'fedora40' }],
      [domainWith(`<libosinfo:libosinfo ${LO}><libosinfo:os/><libosinfo:os id="http://later/c/3"/></libosinfo:libosinfo>`), {}],
      [domainWith(`<libosinfo:libosinfo ${LO}><libosinfo:os libosinfo:id="http://prefixed/d/4"/></libosinfo:libosinfo>`), {}],
      [`<?xml version="1.0"?>\r\n<!-- top -->${domainWith(`<virtdesk:vm ${VD}><virtdesk:tag>a\r\nb</virtdesk:tag></virtdesk:vm>`)}<?pi after?>`, { tags: ['a\nb'] }],
      [`<domainx>${domainWith(`<virtdesk:vm ${VD}><virtdesk:tag>a</virtdesk:tag></virtdesk:vm>`)}</domainx>`, {}],
      [`<d:domain xmlns:d="urn:d"><metadata><virtdesk:vm ${VD}><virtdesk:tag>a</virtdesk:tag></virtdesk:vm></metadata></d:domain>`, {}],
      [domainWith(`<v:vm xmlns:v="${VIRTDESK_NS}"><v:tag xmlns:v="urn:rebound">no</v:tag><v:tag>yes</v:tag></v:vm>`), { tags: ['yes'] }],
    ];
    for (const [xml, want] of cases) {
      expect(readListMetadata(xml), xml).toEqual(want);
      expect(full(xml), xml).toEqual(want);
    }
  });

  it('hands what it does not read to the full parser (null)', () => {
    const vm = `<virtdesk:vm ${VD}><virtdesk:tag>&ext;</virtdesk:tag></virtdesk:vm>`;
    for (const xml of [
      `<!DOCTYPE domain [<!ENTITY ext "x">]>${domainWith(vm)}`,
      domainWith(vm),
      domainWith(`<virtdesk:vm ${VD}><virtdesk:tag>a & b</virtdesk:tag></virtdesk:vm>`),
      domainWith(`<u:vm xmlns:v="${VIRTDESK_NS}"/>`),
      `<domain><metadata></domain>`,
      `<domain/><domain/>`,
      `<domain a="1" a="2"/>`,
      `<domain a=1/>`,
      `text<domain/>`,
      '',
    ]) expect(readListMetadata(xml), xml).toBeNull();
  });

  it('answers as the full parser on generated metadata (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '\t', '\n', '<', '>', '&', '"', "'", ']]>', '-->', 'é', '日', '😀', ';', '#') });
    const nonEmpty = text.filter((s) => s.trim().length > 0);
    fc.assert(
      fc.property(
        fc.record({
          lab: fc.option(fc.record({ name: nonEmpty, machine: nonEmpty, instance: nonEmpty })),
          tags: fc.array(nonEmpty, { maxLength: 4 }),
          os: fc.option(fc.constantFrom('http://debian.org/debian/12', 'http://microsoft.com/win/11', 'http://x/y', 'z')),
          comment: fc.boolean(),
          foreign: fc.boolean(),
        }),
        (g) => {
          const d = parseDomain("<domain type='kvm'><name>gen</name><devices/></domain>");
          d.virtdeskMeta = { template: false, ...(g.lab ? { lab: g.lab } : {}), tags: g.tags, disks: [] };
          let xml = d.toXml();
          const extra = `${g.os ? `<libosinfo:libosinfo ${LO}><libosinfo:os id="${g.os}"/></libosinfo:libosinfo>` : ''}${g.foreign ? '<t:x xmlns:t="urn:t"><![CDATA[<virtdesk:tag>no</virtdesk:tag>]]></t:x>' : ''}${g.comment ? '<!-- <metadata/> -->' : ''}`;
          xml = xml.includes('</metadata>') ? xml.replace('</metadata>', `${extra}</metadata>`) : xml.replace('<devices', `<metadata>${extra}</metadata><devices`);
          const quick = readListMetadata(xml);
          expect(quick).not.toBeNull();
          expect(quick).toEqual(full(xml));
        },
      ),
      { numRuns: 300 },
    );
  });
});
