import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloudInitSchema, filePath, objectName, vmSourceSchema, vmSpecSchema, type CreateOptions, type OsSummary, type UrlTreeInfo, type VolumeDetails } from '../../../src-main/contract';
import { en } from '../../../src-renderer/i18n';
import {
  GENERIC_DEFAULTS,
  STEPS,
  buildSpec,
  canOpenStep,
  checkAll,
  checkCloudInit,
  checkFilePath,
  checkObjectName,
  checkPortForwards,
  checkStep,
  checkVmName,
  createSteps,
  defaultPool,
  defaultStorageKind,
  effectiveHostname,
  firstBlockedStep,
  hostnameFromName,
  mustStartOnCreate,
  initialData,
  inputOfField,
  nameBase,
  nextStep,
  prefersSerialConsole,
  previousStep,
  progressEntries,
  progressFraction,
  recommendedFields,
  stepOfField,
  suggestName,
  type WizardContext,
  type WizardData,
} from '../../../src-renderer/wizard/wizard-logic';
import { DEFAULT_POOL, GiB, wizardData, wizardOptions } from '../../support/wizard-fixture';

/** The default pool, an inactive one, and the default NAT network. */
const options = (over: Partial<CreateOptions> = {}): CreateOptions =>
  wizardOptions({
    pools: [DEFAULT_POOL, { name: 'off', uuid: 'u2', active: false, persistent: true, autostart: false, capacity: 0, allocation: 0, available: 0, type: 'dir', path: '/srv/off' }],
    networks: [{ name: 'default', uuid: 'n1', active: true, persistent: true, autostart: true, forward: 'nat', bridge: 'virbr0', ipv4: { address: '192.168.122.1', prefix: 24 }, usedBy: [] }],
    ...over,
  });

const debian: OsSummary = { id: 'http://debian.org/debian/12', shortId: 'debian12', name: 'Debian 12', vendor: 'Debian Project', family: 'linux', version: '12', releaseDate: '2023-06-10', eolDate: null, source: 'osinfo-db' };

const data = (over: Partial<WizardData> = {}): WizardData => wizardData('/var/lib/libvirt/images/debian.iso', over);
const ctx = (over: Partial<WizardContext> = {}): WizardContext => ({ options: options(), existingNames: ['taken'], ...over });
const problemKey = (step: (typeof STEPS)[number], d: WizardData, c = ctx()) => checkStep(step, d, c).problem?.key ?? null;

describe('object and VM names', () => {
  it('accepts what the contract accepts and refuses what it refuses (property)', () => {
    const schema = objectName('name');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 70 }), fc.constantFrom('', ' a', 'a ', '.', '..', 'a/b', '</name><devices>', 'x'.repeat(65), '日本語のVM')), (s) => {
        expect(checkObjectName(s) === null, JSON.stringify(s)).toBe(schema.safeParse(s).success);
      }),
      { numRuns: 600 },
    );
  });
  it('explains why a name is refused', () => {
    expect(checkObjectName('')?.kind).toBe('missing');
    expect(checkObjectName('</name><devices>')).toMatchObject({ key: 'check.nameForbidden', params: { char: '<' }, kind: 'invalid' });
    expect(checkObjectName(' vm')?.key).toBe('check.nameSpaces');
    expect(checkObjectName('x'.repeat(65))).toMatchObject({ key: 'check.nameTooLong', params: { max: 64, count: 65 } });
    expect(checkObjectName('..')?.key).toBe('check.nameDots');
    expect(checkObjectName('a\u0007')?.key).toBe('check.nameInvisible'); // control characters are invisible too: the contract names the code point
    expect(checkObjectName('evil\u202Egnp.exe')).toMatchObject({ key: 'check.nameInvisible', params: { char: 'U+202E (RIGHT-TO-LEFT OVERRIDE)' } });
  });
  it('refuses a name that is taken on the connection', () => {
    expect(checkVmName('taken', ['taken'])).toMatchObject({ key: 'check.nameTaken', params: { name: 'taken' } });
    expect(checkVmName('free', ['taken'])).toBeNull();
  });
  it('suggests unique, valid names', () => {
    expect(suggestName('debian12', [])).toBe('debian12');
    expect(suggestName('debian12', ['debian12', 'debian12-2'])).toBe('debian12-3');
    expect(suggestName('my <cool> ISO', [])).toBe('my-cool-ISO');
    expect(suggestName('///', [])).toBe('vm');
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (s) => {
        expect(checkObjectName(suggestName(s, []))).toBeNull();
      }),
    );
  });
  it('bases the name on the OS or the file', () => {
    expect(nameBase(data({ os: debian }))).toBe('debian12');
    expect(nameBase(data({ isoPath: '/x/grub-rescue-cdrom.iso' }))).toBe('grub-rescue-cdrom');
    expect(nameBase(data({ sourceKind: 'import', importPath: '/x/disk.qcow2' }))).toBe('disk');
    expect(nameBase(data({ sourceKind: 'kernel' }))).toBe('linux') // a kernel with no version in its name;
  });
});

describe('file paths', () => {
  it('matches the contract (property)', () => {
    const schema = filePath('path');
    const part = fc.constantFrom('a', 'b', '.', '..', '', ' x', 'iso.iso', 'é', '\u0001');
    const paths = fc.array(part, { maxLength: 5 }).map((parts) => parts.join('/'));
    fc.assert(
      fc.property(fc.oneof(paths, paths.map((p) => `/${p}`), fc.string({ maxLength: 20 })), (s) => {
        expect(checkFilePath(s, 'isoPath', 'check.isoRequired') === null, JSON.stringify(s)).toBe(schema.safeParse(s).success);
      }),
      { numRuns: 600 },
    );
  });
  it('says what is wrong', () => {
    expect(checkFilePath('', 'isoPath', 'check.isoRequired')).toMatchObject({ key: 'check.isoRequired', kind: 'missing' });
    expect(checkFilePath('x.iso', 'isoPath', 'check.isoRequired')?.key).toBe('check.pathAbsolute');
    expect(checkFilePath('/a/../b', 'isoPath', 'check.isoRequired')?.key).toBe('check.pathDots');
    expect(checkFilePath('/a/', 'isoPath', 'check.isoRequired')?.key).toBe('check.pathFolder');
  });
});

describe('step checks', () => {
  it('source: each kind needs its own fields', () => {
    expect(problemKey('source', data({ isoPath: '' }))).toBe('check.isoRequired');
    expect(problemKey('source', data())).toBeNull();
    expect(problemKey('source', data({ sourceKind: 'import' }))).toBe('check.importRequired');
    expect(problemKey('source', data({ sourceKind: 'kernel' }))).toBe('check.kernelRequired');
    expect(problemKey('source', data({ sourceKind: 'kernel', kernelPath: '/k', initrdPath: 'rel' }))).toBe('check.pathAbsolute');
    expect(problemKey('source', data({ sourceKind: 'kernel', kernelPath: '/k', cmdline: 'console=ttyS0' }))).toBeNull();
    expect(problemKey('source', data({ sourceKind: 'url', url: 'ftp://x' }))).toBe('check.url');
    expect(problemKey('source', data({ sourceKind: 'url', url: 'https://deb.debian.org/' }))).toBeNull();
  });
  it('resources: memory within the host, vCPUs up to the host CPUs', () => {
    expect(problemKey('resources', data())).toBeNull();
    expect(problemKey('resources', data({ memoryText: '' }))).toBe('check.memoryRequired');
    expect(problemKey('resources', data({ memoryText: 'lots' }))).toBe('check.memoryNumber');
    expect(problemKey('resources', data({ memoryText: '32', memoryUnit: 'MiB' }))).toBe('check.memoryMin');
    expect(checkStep('resources', data({ memoryText: '17' }), ctx()).problem).toMatchObject({ key: 'check.memoryTotal', params: { memory: '17 GiB', total: '16 GiB' } });
    expect(checkStep('resources', data({ memoryText: '10' }), ctx()).warnings.map((w) => w.key)).toEqual(['check.memoryFree']);
    expect(problemKey('resources', data({ vcpusText: '9' }))).toBe('check.vcpusHost');
    expect(problemKey('resources', data({ vcpusText: '1.5' }))).toBe('check.vcpusNumber');
    expect(problemKey('resources', data({ vcpusText: '0' }))).toBe('check.vcpusNumber');
    const rec = { ...GENERIC_DEFAULTS, memoryMiB: 4096, osName: 'Debian 12' };
    expect(checkStep('resources', data({ memoryText: '2' }), ctx({ recommended: rec })).warnings.map((w) => w.key)).toEqual(['check.memoryLow']);
  });
  it('storage: a running pool with room, or an unused volume', () => {
    expect(problemKey('storage', data())).toBeNull();
    expect(problemKey('storage', data({ pool: '' }))).toBe('check.poolRequired');
    expect(problemKey('storage', data({ pool: 'off' }))).toBe('check.poolInactive');
    expect(problemKey('storage', data({ pool: 'gone' }))).toBe('check.poolUnknown');
    expect(checkStep('storage', data({ sizeText: '61' }), ctx()).problem).toMatchObject({ key: 'check.sizeFree', params: { size: '61', free: '60 GiB', pool: 'default' } });
    expect(problemKey('storage', data({ sizeText: '60' }))).toBeNull();
    expect(problemKey('storage', data({ sizeText: '0' }))).toBe('check.sizeMin');
    expect(problemKey('storage', data(), ctx({ options: options({ pools: [] }) }))).toBe('check.noPools');
    expect(problemKey('storage', data({ storageKind: 'none' }), ctx({ options: options({ pools: [] }) }))).toBeNull();
    expect(checkStep('storage', data({ storageKind: 'none' }), ctx()).warnings.map((w) => w.key)).toEqual(['check.noDiskForInstall']);
    const vols: VolumeDetails[] = [
      { name: 'used.qcow2', key: 'k', path: '/p/used.qcow2', type: 0, capacity: GiB, allocation: 0, format: 'qcow2', usedBy: ['other'] },
      { name: 'free.qcow2', key: 'k2', path: '/p/free.qcow2', type: 0, capacity: GiB, allocation: 0, format: 'qcow2', usedBy: [] },
    ];
    const ex = (v: string) => checkStep('storage', data({ storageKind: 'existing', existingPool: 'default', existingVolume: v }), ctx({ volumes: vols })).problem?.key ?? null;
    expect(ex('')).toBe('check.volumeRequired');
    expect(ex('used.qcow2')).toBe('check.volumeUsed');
    expect(ex('free.qcow2')).toBeNull();
    expect(ex('nope')).toBe('check.volumeUnknown');
  });
  it('network: port forwards, networks and bridges', () => {
    expect(problemKey('network', data())).toBeNull();
    expect(problemKey('network', data({ portForwards: [{ host: '2222', guest: '22', protocol: 'tcp' }] }))).toBeNull();
    expect(problemKey('network', data({ portForwards: [{ host: '2222', guest: '22', protocol: 'tcp' }] }), ctx({ options: options({ portForwarding: false }) }))).toBe('check.portForwardUnavailable');
    expect(checkPortForwards([{ host: '', guest: '22', protocol: 'tcp' }])?.key).toBe('check.portRequired');
    expect(checkPortForwards([{ host: '70000', guest: '22', protocol: 'tcp' }])?.key).toBe('check.portNumber');
    expect(checkPortForwards([{ host: '80', guest: '80', protocol: 'tcp' }, { host: '80', guest: '81', protocol: 'tcp' }])).toMatchObject({ key: 'check.portTwice', input: 'portForwards.1' });
    expect(checkPortForwards([{ host: '80', guest: '80', protocol: 'tcp' }, { host: '80', guest: '80', protocol: 'udp' }])).toBeNull();
    expect(problemKey('network', data({ networkKind: 'network', networkName: 'default' }))).toBeNull();
    expect(problemKey('network', data({ networkKind: 'network', networkName: 'nope' }))).toBe('check.networkUnknown');
    expect(problemKey('network', data({ networkKind: 'bridge', bridgeName: 'br0' }))).toBeNull();
    expect(problemKey('network', data({ networkKind: 'bridge', bridgeName: 'bridge-name-too-long' }))).toBe('check.bridgeName');
  });
  it('firmware: only what the host offers', () => {
    expect(problemKey('firmware', data({ firmware: 'uefi' }), ctx({ options: options({ uefi: false }) }))).toBe('check.uefiUnavailable');
    expect(problemKey('firmware', data({ tpm: true }), ctx({ options: options({ tpm: false }) }))).toBe('check.tpmUnavailable');
    expect(problemKey('firmware', data({ domainType: 'kvm' }), ctx({ options: options({ kvm: false }) }))).toBe('check.kvmUnavailable');
    expect(checkStep('firmware', data({ domainType: 'qemu' }), ctx()).warnings.map((w) => w.key)).toEqual(['check.emulationSlow']);
  });
  it('summary: the name', () => {
    expect(problemKey('summary', data({ name: 'taken' }))).toBe('check.nameTaken');
    expect(problemKey('summary', data({ name: '</name><devices>' }))).toBe('check.nameForbidden');
  });
  it('every message key exists in the dictionary', () => {
    const keys = new Set(Object.keys(en));
    const d = data({ name: '', isoPath: '', memoryText: 'x', pool: 'gone' });
    for (const c of Object.values(checkAll(d, ctx()))) {
      for (const p of [c.problem, ...c.warnings]) if (p) expect(keys.has(p.key), p.key).toBe(true);
    }
  });
});

describe('navigation', () => {
  it('opens a step only when every earlier step can go on', () => {
    const checks = checkAll(data({ memoryText: '' }), ctx());
    expect(firstBlockedStep(checks)).toBe('resources');
    expect(canOpenStep('resources', checks)).toBe(true);
    expect(canOpenStep('storage', checks)).toBe(false);
    expect(canOpenStep('source', checks)).toBe(true);
    expect(nextStep('source')).toBe('os');
    expect(nextStep('summary')).toBeNull();
    expect(previousStep('source')).toBeNull();
    expect(previousStep('os')).toBe('source');
  });
  it('maps server error fields to steps and inputs', () => {
    expect(stepOfField('spec.name')).toBe('summary');
    expect(stepOfField('spec.source.path')).toBe('source');
    expect(stepOfField('spec.memoryMiB')).toBe('resources');
    expect(stepOfField('spec.storage.sizeGiB')).toBe('storage');
    expect(stepOfField('spec.network.portForwards.0.host')).toBe('network');
    expect(stepOfField('spec.domainType')).toBe('firmware');
    expect(stepOfField('spec.os')).toBe('os');
    expect(stepOfField('connection')).toBeNull();
    expect(stepOfField(undefined)).toBeNull();
    expect(inputOfField('spec.source.path', data({ sourceKind: 'import' }))).toBe('importPath');
    expect(inputOfField('spec.source.path', data())).toBe('isoPath');
    expect(inputOfField('spec.storage.sizeGiB', data())).toBe('sizeText');
    expect(inputOfField('spec.network.name', data({ networkKind: 'bridge' }))).toBe('bridgeName');
    expect(inputOfField('spec.whatever', data())).toBeNull();
  });
});

describe('buildSpec', () => {
  it('builds a spec the contract accepts, for every source, storage and network kind', () => {
    const variants: Partial<WizardData>[] = [
      {},
      { sourceKind: 'import', importPath: '/var/lib/libvirt/images/disk.qcow2', storageKind: 'none' },
      { sourceKind: 'kernel', kernelPath: '/k/vmlinuz', initrdPath: '/k/initrd.gz', cmdline: ' console=ttyS0 ', storageKind: 'none', networkKind: 'user', portForwards: [{ host: '2222', guest: '22', protocol: 'tcp' }] },
      { storageKind: 'existing', existingPool: 'default', existingVolume: 'free.qcow2', networkKind: 'network', networkName: 'default', os: debian },
      { networkKind: 'bridge', bridgeName: 'br0', firmware: 'uefi', tpm: true, domainType: 'qemu', memoryText: '1536', memoryUnit: 'MiB', sizeText: '512M', format: 'raw' },
      { networkKind: 'none' },
    ];
    for (const v of variants) {
      const spec = buildSpec(data(v));
      const r = vmSpecSchema.safeParse(spec);
      expect(r.success, JSON.stringify(r.error?.issues)).toBe(true);
    }
    const k = buildSpec(data(variants[2]));
    expect(k.source).toEqual({ kind: 'kernel', kernel: '/k/vmlinuz', initrd: '/k/initrd.gz', cmdline: 'console=ttyS0' });
    expect(k.network).toEqual({ kind: 'user', portForwards: [{ host: 2222, guest: 22, protocol: 'tcp' }] });
    expect(k.storage).toEqual({ kind: 'none' });
    const b = buildSpec(data(variants[4]));
    expect(b).toMatchObject({ memoryMiB: 1536, storage: { kind: 'new', pool: 'default', sizeGiB: 0.5, format: 'raw' }, firmware: 'uefi', tpm: true, domainType: 'qemu' });
    expect(buildSpec(data({ os: debian })).os).toBe(debian.id);
    expect(buildSpec(data()).os).toBeNull();
  });
});

describe('defaults', () => {
  it('fills in an OS recommendation, clamped to the host', () => {
    expect(recommendedFields({ memoryMiB: 4096, vcpus: 16, diskGiB: 64, firmware: 'uefi', tpm: true }, options())).toEqual({
      memoryText: '4',
      memoryUnit: 'GiB',
      vcpusText: '7',
      sizeText: '60', // the default pool has 60 GiB free
      firmware: 'uefi',
      tpm: true,
    });
    expect(recommendedFields({ memoryMiB: 1536, vcpus: 1, diskGiB: 10, firmware: 'bios', tpm: true }, options({ tpm: false }))).toMatchObject({ memoryText: '1536', memoryUnit: 'MiB', tpm: false });
  });
  it('picks the default pool and storage kind', () => {
    expect(defaultPool(options())).toBe('default');
    expect(defaultPool(options({ pools: [] }))).toBe('');
    expect(defaultPool(null)).toBe('');
    expect(defaultStorageKind('iso')).toBe('new');
    expect(defaultStorageKind('kernel')).toBe('none');
    expect(defaultStorageKind('import')).toBe('none');
  });
  it('lists the create steps and the preferred console', () => {
    expect(createSteps(data(), true)).toEqual(['check', 'volume', 'define', 'start']);
    expect(createSteps(data({ storageKind: 'none' }), false)).toEqual(['check', 'define']);
    expect(createSteps(data({ sourceKind: 'url', url: 'http://x/' }), true)).toEqual(['check', 'download-kernel', 'download-initrd', 'volume', 'define', 'start', 'cleanup']);
    expect(createSteps(data({ sourceKind: 'url', url: 'http://x/', storageKind: 'existing' }), false)).toEqual(['check', 'download-kernel', 'download-initrd', 'define', 'start', 'cleanup']);
    expect(mustStartOnCreate(data({ sourceKind: 'url' }))).toBe(true);
    expect(mustStartOnCreate(data())).toBe(false);
    expect(createSteps(data({ sourceKind: 'cloud' }), true)).toEqual(['check', 'copy-image', 'seed', 'define', 'start']);
    expect(prefersSerialConsole(data({ sourceKind: 'url', urlArgs: 'console=ttyS0' }))).toBe(true);
    expect(prefersSerialConsole(data({ sourceKind: 'url', urlArgs: '' }))).toBe(false);
    expect(prefersSerialConsole(data({ sourceKind: 'kernel', cmdline: 'console=tty0 console=ttyS0' }))).toBe(true);
    expect(prefersSerialConsole(data({ sourceKind: 'kernel', cmdline: 'quiet' }))).toBe(false);
    expect(prefersSerialConsole(data())).toBe(false);
  });
});

// ---- network install, cloud images, progress ----
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq5c4rS0y2eTq0p3dY0nC8n8Xr0l7oFQ0Vw3c2eKZ1 me@laptop';
const cloud = (over: Partial<WizardData> = {}): WizardData => data({ sourceKind: 'cloud', cloudImage: '/var/lib/libvirt/images/debian-12-generic-amd64.qcow2', cloudPassword: 'secret', ...over });
const tree: UrlTreeInfo = {
  url: 'http://127.0.0.1:8080/debian/dists/bookworm/main/installer-amd64/',
  family: 'debian',
  name: 'Debian bookworm',
  os: debian,
  kernelUrl: 'http://127.0.0.1:8080/debian/dists/bookworm/main/installer-amd64/current/images/netboot/debian-installer/amd64/linux',
  initrdUrl: 'http://127.0.0.1:8080/debian/dists/bookworm/main/installer-amd64/current/images/netboot/debian-installer/amd64/initrd.gz',
  cmdline: '',
};

/** The cloudInit object buildSpec sends for these fields (hostname: as typed only). */
const cloudInitOf = (d: Pick<WizardData, 'cloudUser' | 'cloudPassword' | 'cloudSshKey' | 'cloudHostname'>) => ({
  user: d.cloudUser,
  ...(d.cloudPassword !== '' ? { password: d.cloudPassword } : {}),
  ...(d.cloudSshKey.trim() !== '' ? { sshKey: d.cloudSshKey } : {}),
  ...(d.cloudHostname !== '' ? { hostname: d.cloudHostname } : {}),
});

describe('network install (URL)', () => {
  it('needs an http(s) URL; extra arguments are checked like a command line', () => {
    const url = (over: Partial<WizardData>) => problemKey('source', data({ sourceKind: 'url', url: 'http://127.0.0.1:8080/debian/', ...over }));
    expect(url({ url: '' })).toBe('check.urlRequired');
    expect(url({ url: 'file:///srv/tree' })).toBe('check.url');
    expect(url({ url: 'http://a b/' })).toBe('check.url');
    expect(url({})).toBeNull();
    expect(url({ urlArgs: 'console=ttyS0' })).toBeNull();
    expect(url({ urlArgs: 'a\u0001' })).toBe('check.cmdlineControl');
    expect(url({ urlArgs: 'x'.repeat(2049) })).toBe('check.urlArgsTooLong');
    expect(checkStep('source', data({ sourceKind: 'url', url: 'http://x/', urlArgs: 'a\u0001' }), ctx()).problem?.input).toBe('urlArgs');
  });
  it('a URL the server could not use blocks the source step until it changes', () => {
    const d = data({ sourceKind: 'url', url: ' http://127.0.0.1:9/ ' });
    const failed = { url: 'http://127.0.0.1:9/', info: null, error: 'url: http://127.0.0.1:9/ does not answer' };
    expect(checkStep('source', d, ctx({ urlProbe: failed })).problem).toMatchObject({ key: 'check.urlProbe', kind: 'invalid', input: 'url', params: { error: failed.error } });
    expect(problemKey('source', data({ sourceKind: 'url', url: 'http://127.0.0.1:8080/' }), ctx({ urlProbe: failed }))).toBeNull();
    expect(problemKey('source', d, ctx({ urlProbe: { url: 'http://127.0.0.1:9/', info: tree, error: null } }))).toBeNull();
    // …and every later step stays closed meanwhile.
    expect(canOpenStep('os', checkAll(d, ctx({ urlProbe: failed })))).toBe(false);
  });
  it('builds a url source with the extra arguments, which the contract accepts', () => {
    const spec = buildSpec(data({ sourceKind: 'url', url: ' http://127.0.0.1:8080/debian/ ', urlArgs: ' console=ttyS0 ' }));
    expect(spec.source).toEqual({ kind: 'url', url: 'http://127.0.0.1:8080/debian/', cmdline: 'console=ttyS0' });
    expect(vmSpecSchema.safeParse(spec).success).toBe(true);
    expect(buildSpec(data({ sourceKind: 'url', url: 'http://x/' })).source).toEqual({ kind: 'url', url: 'http://x/' });
    expect(inputOfField('spec.source.cmdline', data({ sourceKind: 'url' }))).toBe('urlArgs');
    expect(inputOfField('spec.source.cmdline', data({ sourceKind: 'kernel' }))).toBe('cmdline');
    expect(inputOfField('url', data({ sourceKind: 'url' }))).toBe('url');
  });
  it('a network install needs a disk', () => {
    expect(defaultStorageKind('url')).toBe('new');
    expect(problemKey('storage', data({ sourceKind: 'url', url: 'http://x/', storageKind: 'none' }))).toBe('check.urlNeedsDisk');
    expect(problemKey('storage', data({ sourceKind: 'url', url: 'http://x/' }))).toBeNull();
  });
});

describe('cloud images', () => {
  it('needs the image path and the cloud-init fields', () => {
    expect(problemKey('source', cloud())).toBeNull();
    expect(problemKey('source', cloud({ cloudImage: '' }))).toBe('check.cloudImageRequired');
    expect(problemKey('source', cloud({ cloudImage: 'debian.qcow2' }))).toBe('check.pathAbsolute');
    expect(checkStep('source', cloud({ cloudPassword: '', cloudSshKey: '' }), ctx()).problem).toMatchObject({ key: 'check.cloudLogin', kind: 'missing', input: 'cloudPassword' });
    expect(problemKey('source', cloud({ cloudPassword: '', cloudSshKey: KEY }))).toBeNull();
    expect(problemKey('source', cloud({ cloudPassword: '', cloudSshKey: `  ${KEY}\n` }))).toBeNull();
    expect(problemKey('source', cloud({ cloudSshKey: 'AAAAC3Nza me@laptop' }))).toBe('check.sshKey');
    expect(problemKey('source', cloud({ cloudSshKey: `${KEY}\n${KEY}` }))).toBe('check.sshKeyOneLine');
    expect(problemKey('source', cloud({ cloudUser: '' }))).toBe('check.cloudUserRequired');
    expect(problemKey('source', cloud({ cloudUser: 'Admin' }))).toBe('check.cloudUser');
    expect(problemKey('source', cloud({ cloudUser: '1user' }))).toBe('check.cloudUser');
    expect(checkStep('source', cloud({ cloudUser: 'root' }), ctx()).problem).toMatchObject({ key: 'check.cloudUserReserved', params: { user: 'root' } });
    expect(problemKey('source', cloud({ cloudHostname: 'bad_host' }))).toBe('check.hostname');
    expect(problemKey('source', cloud({ cloudHostname: '-web' }))).toBe('check.hostname');
    expect(problemKey('source', cloud({ cloudHostname: 'web-1.example.org' }))).toBeNull();
    expect(problemKey('source', cloud({ cloudPassword: 'x'.repeat(255) }))).toBeNull();
    expect(checkStep('source', cloud({ cloudPassword: 'x'.repeat(256) }), ctx()).problem).toMatchObject({ key: 'check.cloudPasswordTooLong', params: { max: 255 } });
    expect(problemKey('source', cloud({ cloudPassword: 'é'.repeat(128) }))).toBe('check.cloudPasswordTooLong');
    expect(problemKey('source', cloud({ cloudSshKey: KEY.replace(' me@', '\tme@') }))).toBe('check.sshKeyControl');
    expect(problemKey('source', cloud({ cloudSshKey: `${KEY}\u2028x` }))).toBe('check.sshKeyOneLine');
    expect(problemKey('source', cloud({ cloudPassword: 'a\u0007' }))).toBe('check.cloudPasswordControl');
    expect(initialData().cloudUser).toBe('user');
    expect(checkCloudInit(initialData())?.key).toBe('check.cloudLogin');
  });
  it('the cloud-init check accepts what the contract accepts and refuses what it refuses (property)', () => {
    const user = fc.oneof(fc.constantFrom('', 'user', 'root', 'nobody', 'Admin', '_svc', 'a-b_c1', '1x', '-x', 'x'.repeat(32), 'x'.repeat(33), 'ユーザー'), fc.stringMatching(/^[a-z0-9_A-Z-]{0,34}$/));
    const password = fc.oneof(fc.constantFrom('', 'secret', 'pass word', 'a\u0000', '\ud800', 'x'.repeat(255), 'x'.repeat(256), 'é'.repeat(127), 'é'.repeat(128), '日本'.repeat(42), '日本'.repeat(43)), fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 80 }));
    const sshKey = fc.oneof(
      fc.constantFrom('', '   ', KEY, ` ${KEY} `, `${KEY}\n`, `${KEY}\n${KEY}`, 'ssh-rsa AAAA', 'ssh-rsa AAAA=', 'ssh-foo AAAA', 'ecdsa-sha2-nistp256 AAAA== c', 'sk-ssh-ed25519@openssh.com AAAA', 'ssh-ed25519  AAAA', 'ssh-ed25519 AAAA\r', 'ssh-ed25519 AAAA me\there', 'ssh-ed25519 AAAA a\u2028b', 'ssh-ed25519 AAAA a\u0085b', 'ssh-ed25519 AAAA \ud800'),
      fc.string({ maxLength: 30 }).map((c) => `ssh-ed25519 AAAAC3Nz ${c}`),
    );
    const hostname = fc.oneof(fc.constantFrom('', 'web-1', 'a', '-a', 'a-', 'a.b.c', 'a..b', `${'a'.repeat(63)}`, `${'a'.repeat(64)}`, 'web_1', 'ホスト', 'a.'), fc.stringMatching(/^[a-z0-9.-]{0,12}$/));
    fc.assert(
      fc.property(user, password, sshKey, hostname, (cloudUser, cloudPassword, cloudSshKey, cloudHostname) => {
        const d = { cloudUser, cloudPassword, cloudSshKey, cloudHostname };
        const ours = checkCloudInit(d) === null;
        const theirs = cloudInitSchema.safeParse(cloudInitOf(d)).success;
        expect(ours, JSON.stringify(d)).toBe(theirs);
      }),
      { numRuns: 1500 },
    );
  });
  it('makes a host name from the VM name that the contract accepts (property)', () => {
    expect(hostnameFromName('Web Server 1')).toBe('web-server-1');
    expect(hostnameFromName('Café Ünïcode')).toBe('cafe-unicode');
    expect(hostnameFromName('debian12-2')).toBe('debian12-2');
    expect(hostnameFromName('日本語のVM')).toBe('vm');
    expect(hostnameFromName('')).toBe('vm');
    expect(hostnameFromName('x'.repeat(80))).toHaveLength(63);
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (name) => {
        expect(cloudInitSchema.safeParse({ user: 'user', password: 'x', hostname: hostnameFromName(name) }).success, name).toBe(true);
      }),
    );
    expect(effectiveHostname({ name: 'My VM', cloudHostname: '' })).toBe('my-vm');
    expect(effectiveHostname({ name: 'My VM', cloudHostname: 'box' })).toBe('box');
  });
  it('must get a new disk (a copy of the image)', () => {
    expect(defaultStorageKind('cloud')).toBe('new');
    expect(problemKey('storage', cloud())).toBeNull();
    expect(problemKey('storage', cloud({ storageKind: 'none' }))).toBe('check.cloudNeedsNewDisk');
    expect(problemKey('storage', cloud({ storageKind: 'existing', existingPool: 'default', existingVolume: 'x' }))).toBe('check.cloudNeedsNewDisk');
  });
  it('builds a cloud source the contract accepts', () => {
    const spec = buildSpec(cloud({ name: 'Web 1', cloudSshKey: ` ${KEY}\n` }));
    expect(spec.source).toEqual({ kind: 'cloud', image: '/var/lib/libvirt/images/debian-12-generic-amd64.qcow2', cloudInit: { user: 'user', password: 'secret', sshKey: KEY, hostname: 'web-1' } });
    expect(vmSpecSchema.safeParse(spec).success).toBe(true);
    const keyOnly = buildSpec(cloud({ cloudPassword: '', cloudSshKey: KEY, cloudHostname: 'box.lan' }));
    expect(keyOnly.source).toEqual({ kind: 'cloud', image: '/var/lib/libvirt/images/debian-12-generic-amd64.qcow2', cloudInit: { user: 'user', sshKey: KEY, hostname: 'box.lan' } });
    expect(vmSourceSchema.safeParse(keyOnly.source).success).toBe(true);
    expect(nameBase(cloud())).toBe('debian-12-generic-amd64');
  });
  it('maps server errors on cloud fields to their inputs', () => {
    expect(inputOfField('spec.source.image', cloud())).toBe('cloudImage');
    expect(inputOfField('spec.source.cloudInit.password', cloud())).toBe('cloudPassword');
    expect(inputOfField('spec.source.cloudInit.user', cloud())).toBe('cloudUser');
    expect(inputOfField('spec.source.cloudInit.sshKey', cloud())).toBe('cloudSshKey');
    expect(inputOfField('spec.source.cloudInit.hostname', cloud())).toBe('cloudHostname');
    expect(stepOfField('spec.source.cloudInit.sshKey')).toBe('source');
  });
  it('every new message key exists in the dictionary', () => {
    const keys = new Set(Object.keys(en));
    const variants = [
      cloud({ cloudPassword: '' }),
      cloud({ cloudUser: 'root' }),
      cloud({ cloudSshKey: 'x' }),
      cloud({ cloudHostname: '_' }),
      cloud({ storageKind: 'none' }),
      cloud({ cloudImage: '' }),
      data({ sourceKind: 'url', url: 'http://x/', storageKind: 'none' }),
      data({ sourceKind: 'url', url: 'http://x/', urlArgs: 'x'.repeat(3000) }),
      data({ sourceKind: 'url', url: 'http://x/' }),
    ];
    for (const d of variants) {
      for (const c of Object.values(checkAll(d, ctx({ urlProbe: { url: 'http://x/', info: null, error: 'no' } })))) {
        for (const p of [c.problem, ...c.warnings]) if (p) expect(keys.has(p.key), p.key).toBe(true);
      }
    }
  });
});

describe('create progress', () => {
  const expected = createSteps(data({ sourceKind: 'url', url: 'http://x/' }), true).filter((s) => s !== 'cleanup');
  const statuses = (l: ReturnType<typeof progressEntries>) => l.map((e) => `${e.step}:${e.status}`);
  it('before any event: the expected steps, the first one running', () => {
    expect(statuses(progressEntries(expected, [], 'running'))).toEqual(['check:active', 'download-kernel:pending', 'download-initrd:pending', 'volume:pending', 'define:pending', 'start:pending']);
  });
  it('follows the events: earlier steps done, byte counts of the running one', () => {
    const l = progressEntries(expected, [{ step: 'check' }, { step: 'download-kernel', done: 0, total: 100 }, { step: 'download-kernel', done: 50, total: 100 }], 'running');
    expect(statuses(l)).toEqual(['check:done', 'download-kernel:active', 'download-initrd:pending', 'volume:pending', 'define:pending', 'start:pending']);
    expect(l[1]).toMatchObject({ done: 50, total: 100 });
    expect(progressFraction(l)).toBeCloseTo(1.5 / 6);
  });
  it('leaves out expected steps the server went past, and adds steps it did not expect', () => {
    const l = progressEntries(expected, [{ step: 'check' }, { step: 'seed', detail: 'to the pool' }, { step: 'define' }], 'running');
    expect(statuses(l)).toEqual(['check:done', 'seed:done', 'define:active', 'start:pending']);
    expect(l[1]?.detail).toBe('to the pool');
  });
  it('marks the failed step (the one before the rollback) and drops what was never reached', () => {
    expect(statuses(progressEntries(expected, [{ step: 'check' }, { step: 'download-kernel' }], 'failed'))).toEqual(['check:done', 'download-kernel:failed']);
    expect(statuses(progressEntries(expected, [{ step: 'check' }, { step: 'volume' }, { step: 'define' }, { step: 'cleanup' }], 'failed'))).toEqual(['check:done', 'volume:done', 'define:failed', 'cleanup:done']);
    expect(statuses(progressEntries(expected, [], 'failed'))).toEqual([]);
  });
  it('is complete when done', () => {
    const l = progressEntries(expected, [{ step: 'check' }, { step: 'define' }, { step: 'start' }], 'done');
    expect(statuses(l)).toEqual(['check:done', 'define:done', 'start:done']);
    expect(progressFraction(l)).toBe(1);
    expect(progressFraction([])).toBe(0);
  });
});
