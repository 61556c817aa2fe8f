// Property test: 10,000 random specs (names from arbitrary Unicode incl. XML metacharacters,
// random numbers and kinds; network installs and cloud images with random cloud-init settings).
// Validation never throws; the host check refuses cloud images without a new volume and network
// installs without a disk; every accepted spec builds XML that parses back to the same values
// (and a cloud spec's seed user-data to the same strings); a sample is defined on libvirt's test
// driver, which must accept it.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { validateInput, type VmSpec } from '../../../src-main/contract';
import { buildDomainXml } from '../../../src-main/xml/build-domain';
import { readDomainXml } from '../../../src-main/xml/read-domain';
import { readVirtdeskMeta } from '../../../src-main/xml/virtdesk-meta';
import { hostnameFromName, seedContent } from '../../../src-main/cloudinit/seed';
import { checkSpecAgainstHost, planDomain, type CreateHostFacts, type PlanDisks } from '../../../src-main/xml/vm-plan';
import { OsInfoDb, type OsDefaults } from '../../../src-main/osinfo/osinfo-db';
import { LibvirtHostClient } from '../../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../../src-main/libvirt/node-host-spawner';

const RUNS = 10_000;
const SAMPLE = 50;

const FACTS: CreateHostFacts = {
  uri: 'test:///default',
  local: true,
  hypervisor: 'Test',
  memoryTotalMiB: 16 * 1024 * 1024,
  memoryFreeMiB: 16 * 1024 * 1024,
  cpus: 4096,
  kvmListed: true,
  verdict: 'kvm',
  domainTypes: ['qemu', 'kvm'],
  uefi: true,
  tpm: true,
  cpuModes: { qemu: ['maximum'], kvm: ['host-passthrough'] },
  machines: [],
  portForwarding: true,
};

const META = ['<', '>', '&', '"', "'", '/', ' ', ']]>', '&amp;', '\u0000', '\t', '\n', '\ud800', '\udc00', '\ufffe', '名', '🚀', 'a', '.', '-'];
/** Mostly plausible, sometimes hostile: weights keep both accepted and refused specs frequent. */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) => fc.oneof({ arbitrary: good, weight: 5 }, { arbitrary: bad, weight: 1 });
const junkText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: fc.constantFrom(...META), maxLength: 30 }),
  fc.constantFrom('', ' ', 'x'.repeat(65), '..'),
);
const textArb = mostly(fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 })), junkText);
const segment = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
const pathArb = mostly(
  fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`),
  fc.oneof(junkText, fc.constantFrom('/a/../b', '/', 'relative/x', '/trailing/')),
);
const junkNumber = fc.oneof(fc.double(), fc.integer({ min: -100, max: 0 }), fc.integer({ min: 40_000_000, max: 2 ** 31 }), fc.constantFrom('512' as unknown as number, null as unknown as number));
const intArb = (min: number, max: number) => mostly(fc.integer({ min, max }), junkNumber);
const absent = <T>(arb: fc.Arbitrary<T>, presentWeight = 1, absentWeight = 1) => fc.oneof({ arbitrary: fc.constant(undefined), weight: absentWeight }, { arbitrary: arb, weight: presentWeight });

/** cloud-init settings: mostly valid (user, password and/or key, host name), sometimes junk. */
const sshKeyArb = fc
  .tuple(
    fc.constantFrom('ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'sk-ssh-ed25519@openssh.com'),
    fc.stringMatching(/^[A-Za-z0-9+/]{4,64}={0,2}$/),
    absent(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constantFrom('me@host', 'a: b # c', '"q" \'s\' - [x]', '&a *b !c'))),
  )
  .map(([type, blob, comment]) => (comment === undefined ? `${type} ${blob}` : `${type} ${blob} ${comment}`));
const cloudInitArb = fc.record(
  {
    user: mostly(fc.oneof(fc.stringMatching(/^[a-z_][a-z0-9_-]{0,31}$/), fc.constantFrom('alice', 'debian', 'a-b_c')), fc.oneof(junkText, fc.constantFrom('root', 'Alice', '1user', 'x'.repeat(33)))),
    password: absent(mostly(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), fc.oneof(junkText, fc.constant('x'.repeat(257)))), 2),
    sshKey: absent(mostly(sshKeyArb, fc.oneof(junkText, fc.constantFrom('ssh-ed25519', 'ssh-dss AAAA\nssh-rsa BBBB', 'rsa AAAA'))), 3),
    hostname: absent(mostly(fc.oneof(fc.domain(), fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9-]{0,20}[A-Za-z0-9])?$/)), fc.oneof(junkText, fc.constantFrom('-web', 'web_1', 'a..b', 'x'.repeat(64))))),
  },
  { requiredKeys: ['user'] },
);

const specArb = fc.record({
  name: textArb,
  memoryMiB: intArb(64, 65536),
  vcpus: intArb(1, 64),
  source: mostly(
    fc.oneof(
      fc.constant({ kind: 'none' }),
      fc.record({ kind: fc.constant('iso'), path: pathArb }),
      fc.record({ kind: fc.constant('import'), path: pathArb }),
      fc.record({ kind: fc.constant('kernel'), kernel: pathArb, initrd: absent(pathArb), cmdline: absent(textArb) }),
      fc.record({ kind: fc.constant('url'), url: mostly(fc.webUrl(), fc.oneof(junkText, fc.constantFrom('ftp://mirror/debian/', 'http://', `http://x/${'a'.repeat(2048)}`))), cmdline: absent(textArb) }),
      { arbitrary: fc.record({ kind: fc.constant('cloud'), image: pathArb, cloudInit: cloudInitArb }), weight: 2 },
    ),
    fc.oneof(fc.record({ kind: junkText }), fc.constant({ kind: 'cloud', image: '/x' }), fc.constant({ kind: 'url' }), fc.constant('iso')),
  ),
  os: absent(mostly(fc.oneof(fc.constant(null), fc.constantFrom('debian12', 'win11', 'fedora40', 'alpinelinux3.19', 'unknown')), fc.oneof(fc.constant('nope-os'), junkText))),
  storage: absent(
    mostly(
      fc.oneof(
        fc.constant({ kind: 'none' }),
        fc.record({ kind: fc.constant('new'), pool: textArb, sizeGiB: mostly(fc.double({ min: 0.001, max: 65536, noNaN: true }), fc.oneof(fc.double(), fc.constantFrom(0, -1, 1e9))), format: absent(fc.constantFrom('qcow2', 'raw')) }),
        fc.record({ kind: fc.constant('existing'), pool: textArb, volume: textArb }),
      ),
      fc.oneof(fc.record({ kind: junkText }), fc.constant({ kind: 'new', pool: 'p', sizeGiB: 1, format: 'vmdk' })),
    ),
    3,
  ),
  network: absent(
    mostly(
      fc.oneof(
        fc.constant({ kind: 'user' }),
        fc.record({ kind: fc.constant('user'), portForwards: fc.array(fc.record({ host: intArb(1, 65535), guest: intArb(1, 65535), protocol: absent(fc.constantFrom('tcp', 'udp')) }), { maxLength: 3 }) }),
        fc.record({ kind: fc.constant('network'), name: textArb }),
        fc.record({ kind: fc.constant('bridge'), name: mostly(fc.constantFrom('br0', 'virbr1', 'lan.10'), junkText) }),
        fc.constant({ kind: 'none' }),
      ),
      fc.record({ kind: junkText }),
    ),
    3,
  ),
  firmware: absent(mostly(fc.constantFrom('bios', 'uefi'), fc.constant('coreboot'))),
  tpm: absent(mostly(fc.boolean(), fc.constant('yes'))),
  domainType: absent(mostly(fc.constantFrom('auto', 'qemu', 'kvm'), fc.constant('xen'))),
  diskBus: absent(mostly(fc.constantFrom('virtio', 'sata'), fc.constant('scsi'))),
  nicModel: absent(mostly(fc.constantFrom('virtio', 'e1000', 'e1000e', 'rtl8139'), fc.constant('ne2k'))),
  extra: absent(fc.string(), 1, 30),
});

let osDefaults: Map<string, OsDefaults>;
beforeAll(async () => {
  const db = new OsInfoDb({ dir: null });
  osDefaults = new Map();
  for (const id of ['debian12', 'win11', 'fedora40', 'alpinelinux3.19', 'unknown']) osDefaults.set(id, (await db.osDefaults(id))!);
});

const seedPath = (spec: VmSpec) => `/var/lib/libvirt/images/${spec.name}-cidata.iso`;

function disksFor(spec: VmSpec): PlanDisks {
  const d: PlanDisks = {};
  if (spec.source.kind === 'iso') d.cdrom = spec.source.path;
  if (spec.source.kind === 'import') d.bootImage = { path: spec.source.path, format: 'qcow2' };
  if (spec.storage.kind === 'new') d.volume = { path: `/var/lib/libvirt/images/${spec.name}.${spec.storage.format === 'qcow2' ? 'qcow2' : 'img'}`, format: spec.storage.format };
  if (spec.storage.kind === 'existing') d.volume = { path: `/pools/${spec.storage.pool}/${spec.storage.volume}`, format: 'raw' };
  // As the handler does: a cloud VM boots its copy of the image (the new volume) with the seed ISO as CD-ROM.
  if (spec.source.kind === 'cloud') d.cdrom = seedPath(spec);
  return d;
}

const accepted: { spec: VmSpec; xml: string }[] = [];
let rejected = 0;
/** Specs valid by the schema that the host check refused for their storage kind. */
let refusedStorage = 0;
const acceptedKinds = new Map<string, number>();

describe('random specs', () => {
  it(`${RUNS} random specs: validation never throws; accepted specs round-trip through the XML`, () => {
    let n = 0;
    fc.assert(
      fc.property(specArb, (raw) => {
        const input: Record<string, unknown> = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
        const r = validateInput('vm.create', { spec: input });
        if (!r.ok) {
          rejected++;
          expect(typeof r.message).toBe('string');
          expect(r.message.length).toBeGreaterThan(0);
          return;
        }
        const spec = r.value.spec;
        const os = spec.os ? osDefaults.get(spec.os) ?? null : null;
        if (spec.os && !os) return; // unknown OS: refused by the handler
        const check = checkSpecAgainstHost(spec, FACTS, os, new Set());
        // A cloud image needs a new volume to copy into; a network install needs a disk to install onto.
        const storageRefused = (spec.source.kind === 'cloud' && spec.storage.kind !== 'new') || (spec.source.kind === 'url' && spec.storage.kind === 'none');
        if (storageRefused) {
          refusedStorage++;
          expect(check.problems[0]?.field).toBe('spec.storage.kind');
          expect(check.problems[0].message).toMatch(/storage kind 'new'/);
          return;
        }
        expect(check.problems.map((p) => p.field)).not.toContain('spec.storage.kind');
        if (check.problems.length) return;
        const uuid = `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
        const plan = planDomain(spec, check.choices, FACTS, os, disksFor(spec), uuid);
        if (spec.source.kind === 'cloud') plan.virtdesk = { template: false, tags: [], disks: [], seed: { pool: 'default', volume: `${spec.name}-cidata.iso`, path: seedPath(spec) } };
        const xml = buildDomainXml(plan);
        const back = readDomainXml(xml);
        expect(back.name).toBe(spec.name);
        expect(back.uuid).toBe(uuid);
        expect(back.memoryMiB).toBe(spec.memoryMiB);
        expect(back.vcpus).toBe(spec.vcpus);
        expect(back.osId).toBe(os?.os.id);
        expect(back.firmware).toBe(check.choices.firmware);
        expect(back.tpm).toBe(spec.tpm);
        expect(back.domainType).toBe(check.choices.domainType);
        if (spec.source.kind === 'kernel') {
          expect(back.kernel).toBe(spec.source.kernel);
          expect(back.initrd).toBe(spec.source.initrd);
          expect(back.cmdline).toBe(spec.source.cmdline || undefined);
        } else {
          // url: the definition boots from its disk (the installer's kernel is used for one boot only).
          expect(back.kernel).toBeUndefined();
        }
        if (spec.source.kind === 'cloud') {
          expect(back.disks.map((d) => [d.device, d.path])).toEqual([
            ['disk', disksFor(spec).volume!.path],
            ['cdrom', seedPath(spec)],
          ]);
          expect(readVirtdeskMeta(xml)?.seed).toEqual({ pool: 'default', volume: `${spec.name}-cidata.iso`, path: seedPath(spec) });
          // The seed's user-data holds the accepted strings as data.
          const ci = spec.source.cloudInit;
          const hostname = ci.hostname ?? hostnameFromName(spec.name);
          expect(hostname).toMatch(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/);
          const seed = seedContent(ci, { instanceId: `iid-${uuid}`, hostname, ...(ci.password !== undefined ? { passwordHash: '$6$salt$hash' } : {}) });
          const y = parseYaml(seed.userData) as { hostname: string; users: { name: string; ssh_authorized_keys?: string[] }[] };
          expect(y.hostname).toBe(hostname);
          expect(y.users.map((u) => u.name)).toEqual([ci.user]);
          expect(y.users[0].ssh_authorized_keys).toEqual(ci.sshKey === undefined ? undefined : [ci.sshKey]);
        }
        if (spec.source.kind === 'url') expect(back.disks.map((d) => d.device)).toEqual(['disk']);
        acceptedKinds.set(spec.source.kind, (acceptedKinds.get(spec.source.kind) ?? 0) + 1);
        expect(back.disks.map((d) => d.path)).toEqual(plan.disks.map((d) => d.path));
        expect(back.nics.map((x) => x.source)).toEqual(plan.nics.map((x) => ('source' in x ? x.source : undefined)));
        if (spec.network.kind === 'user') expect(back.nics[0].portForwards).toEqual((spec.network.portForwards ?? []).map((f) => ({ protocol: f.protocol, host: f.host, guest: f.guest })));
        accepted.push({ spec, xml });
      }),
      { numRuns: RUNS, seed: Number(process.env.VIRTDESK_PROPERTY_SEED ?? 20251127) },
    );
    if (process.env.VIRTDESK_PROPERTY_STATS) console.info(`accepted ${accepted.length}, rejected ${rejected}, refused for storage ${refusedStorage}, by kind ${JSON.stringify(Object.fromEntries(acceptedKinds))}`);
    // Both sides were exercised, for every source kind.
    expect(accepted.length).toBeGreaterThan(300);
    expect(rejected).toBeGreaterThan(1000);
    expect(refusedStorage).toBeGreaterThan(20);
    for (const kind of ['none', 'iso', 'import', 'kernel', 'url', 'cloud']) expect(acceptedKinds.get(kind) ?? 0, kind).toBeGreaterThan(10);
  });
});

describe('libvirt test driver accepts a sample of them', () => {
  const client = new LibvirtHostClient('test:///default', nodeHostSpawner);
  afterAll(() => client.close());

  it(`defines ${SAMPLE} accepted specs on test:///default and reads them back`, { timeout: 120_000 }, async () => {
    expect(accepted.length).toBeGreaterThan(SAMPLE);
    const byName = new Map<string, { spec: VmSpec; xml: string }>();
    // libvirt 9.0.0 (Debian 12) cannot parse <backend type='passt'/> (libvirt issue #462): the
    // handler offers port forwards only where libvirt supports them, so they are left out here.
    const forwards = (s: VmSpec) => s.network.kind === 'user' && !!s.network.portForwards?.length;
    for (const a of accepted) if (a.spec.name !== 'test' && !forwards(a.spec) && !byName.has(a.spec.name)) byName.set(a.spec.name, a);
    const unique = [...byName.values()];
    const step = Math.max(1, Math.floor(unique.length / SAMPLE));
    const sample = unique.filter((_, i) => i % step === 0).slice(0, SAMPLE);
    expect(sample.length).toBe(SAMPLE);
    for (const { spec, xml } of sample) {
      const d = await client.api.defineDomain(xml).catch((e: Error) => {
        throw new Error(`libvirt refused the XML of ${JSON.stringify(spec)}: ${e.message}\n${xml}`);
      });
      expect(d.name).toBe(spec.name);
      const back = readDomainXml(await client.api.domainXml({ uuid: d.uuid }));
      expect(back.name).toBe(spec.name);
      expect(back.memoryMiB).toBe(spec.memoryMiB);
      expect(back.vcpus).toBe(spec.vcpus);
      expect(back.disks.map((x) => x.path)).toEqual(readDomainXml(xml).disks.map((x) => x.path));
      await client.api.undefineDomain({ uuid: d.uuid });
    }
  });
});
