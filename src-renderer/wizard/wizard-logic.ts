// Pure logic of the New-VM wizard (no DOM, no Svelte): the form data, each step's validation
// (the same rules as the server's VmSpec schema and host checks, so Next can say why it is
// disabled before anything is sent), the VmSpec built from the form, and where a server error
// belongs. The server checks everything again on create.
import type { CreateOptions, CreateStep, OsSummary, QemuAccessReport, UrlTreeInfo, VmSpecInput, VolumeDetails } from '../../src-main/contract';
import { firstInvisible } from '../../src-main/contract/display-name';
import { hostnameFromName } from '../../src-main/contract/rules';
import type { MessageKey, MessageParams } from '../i18n';
import { formatMiB, formatNumber, memoryField, parseDiskGiB, parseMemoryMiB, type SizeUnit } from '../common/sizes';

export const STEPS = ['source', 'os', 'resources', 'storage', 'network', 'firmware', 'summary'] as const;
export type StepId = (typeof STEPS)[number];

export type SourceKind = 'iso' | 'url' | 'cloud' | 'import' | 'kernel';
export const SOURCE_KINDS: readonly SourceKind[] = ['iso', 'url', 'cloud', 'import', 'kernel'];
/** The login the wizard suggests for a cloud image (cloud-init creates it, with sudo). */
export const DEFAULT_CLOUD_USER = 'user';

export type StorageKind = 'new' | 'existing' | 'none';
export type NetworkKind = 'user' | 'network' | 'bridge' | 'none';

export interface PortForwardRow {
  host: string;
  guest: string;
  protocol: 'tcp' | 'udp';
}

export interface WizardData {
  sourceKind: SourceKind;
  isoPath: string;
  importPath: string;
  kernelPath: string;
  initrdPath: string;
  cmdline: string;
  url: string;
  /** Extra kernel arguments for a network install (virt-install's --extra-args). */
  urlArgs: string;
  cloudImage: string;
  cloudUser: string;
  /** '' = none (log in with the SSH key). */
  cloudPassword: string;
  /** '' = none; one OpenSSH public key line. */
  cloudSshKey: string;
  /** '' = made from the VM name (hostnameFromName). */
  cloudHostname: string;
  /** null: "Generic / other". */
  os: OsSummary | null;
  memoryText: string;
  memoryUnit: SizeUnit;
  vcpusText: string;
  storageKind: StorageKind;
  pool: string;
  sizeText: string;
  format: 'qcow2' | 'raw';
  existingPool: string;
  existingVolume: string;
  networkKind: NetworkKind;
  networkName: string;
  bridgeName: string;
  portForwards: PortForwardRow[];
  firmware: 'bios' | 'uefi';
  tpm: boolean;
  domainType: 'auto' | 'kvm' | 'qemu';
  name: string;
}

/** What an OS preset (or "Generic / other") recommends. */
export interface Recommended {
  memoryMiB: number;
  vcpus: number;
  diskGiB: number;
  firmware: 'bios' | 'uefi';
  tpm: boolean;
}

export const GENERIC_DEFAULTS: Recommended = { memoryMiB: 2048, vcpus: 2, diskGiB: 20, firmware: 'bios', tpm: false };

export function initialData(): WizardData {
  return {
    sourceKind: 'iso',
    isoPath: '',
    importPath: '',
    kernelPath: '',
    initrdPath: '',
    cmdline: '',
    url: '',
    urlArgs: '',
    cloudImage: '',
    cloudUser: DEFAULT_CLOUD_USER,
    cloudPassword: '',
    cloudSshKey: '',
    cloudHostname: '',
    os: null,
    memoryText: '2',
    memoryUnit: 'GiB',
    vcpusText: '2',
    storageKind: 'new',
    pool: '',
    sizeText: '20',
    format: 'qcow2',
    existingPool: '',
    existingVolume: '',
    networkKind: 'user',
    networkName: '',
    bridgeName: '',
    portForwards: [],
    firmware: 'bios',
    tpm: false,
    domainType: 'auto',
    name: '',
  };
}

/** A reason a step cannot go on, or a warning. */
export interface Problem {
  key: MessageKey;
  params?: MessageParams;
  /** 'missing': nothing entered yet (shown as a hint); 'invalid': wrong (shown as an error). */
  kind: 'missing' | 'invalid';
  /** The WizardData field it is about (its input gets aria-invalid). */
  input?: keyof WizardData | `portForwards.${number}`;
}

export interface StepCheck {
  problem: Problem | null;
  warnings: Problem[];
}

export interface WizardContext {
  /** host.createOptions of the connection (null while loading). */
  options: CreateOptions | null;
  /** VM names on the connection (for the duplicate-name check). */
  existingNames: readonly string[];
  /** volume.list of the pool chosen under "existing volume", when loaded. */
  volumes?: readonly VolumeDetails[] | undefined;
  /** The chosen OS preset's recommendation (for "may be too little" warnings). */
  recommended?: (Recommended & { osName: string }) | null | undefined;
  /** What os.detectUrl said about an install URL (an error blocks the source step while the URL is the same). */
  urlProbe?: UrlProbe | null | undefined;
  /** The server's word on the source's files, by path (missing: not checked yet). */
  fileChecks?: Readonly<Record<string, FileCheck>> | undefined;
  /** Whether QEMU's user can open them (fs.qemuAccess), by path. */
  qemuAccess?: Readonly<Record<string, Pick<QemuAccessReport, 'applies' | 'readable' | 'blockers' | 'user'>>> | undefined;
}

/** What the server said about a file the source names (os.detect reads it; local connections). */
export interface FileCheck {
  /** Why the file cannot be used (missing, a folder, unreadable), or null when it can. */
  error: string | null;
  /** E.g. QEMU (user libvirt-qemu) may not be able to read it. */
  warnings: string[];
}

/**
 * Whether an os.detect error is the server's file check (the same check vm.create makes, so the
 * create would fail too) rather than, e.g., a path outside the folders it may read.
 */
export function isFileCheckError(message: string): boolean {
  return /'[^]*' (does not exist|cannot be reached|cannot be read|is a folder, not a file|is not a regular file|is not readable)/.test(message);
}

/** The files the source step names, as they are typed (empty ones left out). */
export function sourceFiles(d: Pick<WizardData, 'sourceKind' | 'isoPath' | 'importPath' | 'cloudImage' | 'kernelPath' | 'initrdPath'>): { path: string; input: keyof WizardData }[] {
  const files: { path: string; input: keyof WizardData }[] =
    d.sourceKind === 'iso'
      ? [{ path: d.isoPath, input: 'isoPath' }]
      : d.sourceKind === 'import'
        ? [{ path: d.importPath, input: 'importPath' }]
        : d.sourceKind === 'cloud'
          ? [{ path: d.cloudImage, input: 'cloudImage' }]
          : d.sourceKind === 'kernel'
            ? [
                { path: d.kernelPath, input: 'kernelPath' },
                { path: d.initrdPath, input: 'initrdPath' },
              ]
            : [];
  return files.filter((f) => f.path !== '');
}

/** The warnings of a preview (vm.createPreview) about one file: those naming it. */
export function warningsAboutFile(warnings: readonly string[], path: string): string[] {
  return warnings.filter((w) => w.includes(`'${path}'`));
}

/** The answer of os.detectUrl for one URL: the tree, or why it is none. */
export interface UrlProbe {
  url: string;
  info: UrlTreeInfo | null;
  error: string | null;
}

const missing = (key: MessageKey, input?: Problem['input'], params?: MessageParams): Problem => ({ key, kind: 'missing', ...(input ? { input } : {}), ...(params ? { params } : {}) });
const invalid = (key: MessageKey, input?: Problem['input'], params?: MessageParams): Problem => ({ key, kind: 'invalid', ...(input ? { input } : {}), ...(params ? { params } : {}) });

// The contract's text rules (contract-create.ts), repeated here because the renderer imports
// types only from src-main (zod stays out of the bundle).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NAME_FORBIDDEN = /[<>&"'/]/;
export const NAME_MAX_CHARS = 64;
const NAME_MAX_BYTES = 200;
const URL_RE = /^https?:\/\/[^\s/$.?#][^\s]*$/i;
const BRIDGE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;
// cloud-init (contract-create.ts cloudInitSchema).
const CLOUD_USER_RE = /^[a-z_][a-z0-9_-]{0,31}$/;
const RESERVED_USERS = new Set(['root', 'daemon', 'bin', 'sys', 'sync', 'nobody', 'libvirt-qemu']);
const CLOUD_PASSWORD_MAX_BYTES = 255;
const SSH_KEY_RE = /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;
const HOSTNAME_RE = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Problems of a new object name (VM, pool, volume, network): the contract's objectName rules. */
export function checkObjectName(name: string, input: Problem['input'] = 'name', max = NAME_MAX_CHARS): Problem | null {
  if (name.length === 0) return missing('check.nameRequired', input);
  const chars = [...name].length;
  if (chars > max) return invalid('check.nameTooLong', input, { max, count: chars });
  if (new TextEncoder().encode(name).length > NAME_MAX_BYTES) return invalid('check.nameTooManyBytes', input, { max: NAME_MAX_BYTES });
  const hidden = firstInvisible(name);
  if (hidden) return invalid('check.nameInvisible', input, { char: hidden.label });
  if (CONTROL.test(name) || LONE_SURROGATE.test(name)) return invalid('check.nameControl', input);
  const bad = NAME_FORBIDDEN.exec(name);
  if (bad) return invalid('check.nameForbidden', input, { char: bad[0] });
  if (name.trim() !== name) return invalid('check.nameSpaces', input);
  if (name === '.' || name === '..') return invalid('check.nameDots', input);
  return null;
}

/** The VM name: the object-name rules, and not taken on the connection. */
export function checkVmName(name: string, existingNames: readonly string[]): Problem | null {
  const p = checkObjectName(name);
  if (p) return p;
  if (existingNames.includes(name)) return invalid('check.nameTaken', 'name', { name });
  return null;
}

/** An absolute, normalized path of a file (the contract's filePath rules). */
export function checkFilePath(path: string, input: Problem['input'], requiredKey: MessageKey): Problem | null {
  if (path.length === 0) return missing(requiredKey, input);
  if (path.trim() !== path) return invalid('check.pathSpaces', input);
  if (!path.startsWith('/')) return invalid('check.pathAbsolute', input, { path });
  if (CONTROL.test(path) || LONE_SURROGATE.test(path)) return invalid('check.pathControl', input);
  if (path.length > 4096) return invalid('check.pathTooLong', input);
  if (path.split('/').some((part) => part === '.' || part === '..')) return invalid('check.pathDots', input);
  if (path === '/' || path.endsWith('/')) return invalid('check.pathFolder', input, { path });
  return null;
}

/** Whole number in [min, max], or the reason it is not. */
function checkWhole(text: string, input: Problem['input'], keys: { required: MessageKey; number: MessageKey }, min: number, max: number): { value: number | null; problem: Problem | null } {
  const s = text.trim();
  if (s === '') return { value: null, problem: missing(keys.required, input) };
  if (!/^\d+$/.test(s)) return { value: null, problem: invalid(keys.number, input, { min, max }) };
  const n = Number(s);
  if (n < min || n > max) return { value: n, problem: invalid(keys.number, input, { min, max }) };
  return { value: n, problem: null };
}

function checkSource(d: WizardData, ctx: WizardContext): StepCheck {
  const problem = checkSourceFields(d, ctx);
  const warnings: Problem[] = [];
  for (const f of sourceFiles(d)) {
    const c = ctx.fileChecks?.[f.path];
    if (!c) continue;
    if (c.error !== null && problem === null) return { problem: invalid('check.fileUnusable', f.input, { error: c.error }), warnings };
    const access = qemuAccessWarning(ctx.qemuAccess?.[f.path], f.input);
    // The access report says it in the UI's language (and offers the fixes): the server's English words on it step aside.
    for (const w of c.warnings) if (!(access && isQemuAccessText(w))) warnings.push(invalid('check.fileWarning', f.input, { warning: w }));
    if (access) warnings.push(access);
  }
  return { problem, warnings };
}

/** The server's English warning about QEMU's user and a file (os.detect, vm.createPreview). */
export function isQemuAccessText(warning: string): boolean {
  return /QEMU \(user [^)]*\)/.test(warning);
}

/** A warning when QEMU's user cannot open the file: folders keep it out, or only the file is unreadable. */
export function qemuAccessWarning(report: Pick<QemuAccessReport, 'applies' | 'readable' | 'blockers' | 'user'> | undefined, input: Problem['input']): Problem | null {
  if (!report || !report.applies || report.readable) return null;
  const user = report.user?.name ?? 'QEMU';
  const folders = report.blockers.filter((b) => b.kind === 'folder');
  return folders.length ? invalid('wizard.qemu.blocked', input, { user, count: folders.length }) : invalid('wizard.qemu.fileOnly', input, { user });
}

function checkSourceFields(d: WizardData, ctx: WizardContext): Problem | null {
  switch (d.sourceKind) {
    case 'iso':
      return checkFilePath(d.isoPath, 'isoPath', 'check.isoRequired');
    case 'import':
      return checkFilePath(d.importPath, 'importPath', 'check.importRequired');
    case 'kernel': {
      const k = checkFilePath(d.kernelPath, 'kernelPath', 'check.kernelRequired');
      if (k) return k;
      if (d.initrdPath !== '') {
        const i = checkFilePath(d.initrdPath, 'initrdPath', 'check.kernelRequired');
        if (i) return i;
      }
      if (CONTROL.test(d.cmdline) || LONE_SURROGATE.test(d.cmdline)) return invalid('check.cmdlineControl', 'cmdline');
      if (d.cmdline.trim().length > 4096) return invalid('check.cmdlineTooLong', 'cmdline');
      return null;
    }
    case 'url': {
      const u = d.url.trim();
      if (u === '') return missing('check.urlRequired', 'url');
      if (u.length > 2048 || !URL_RE.test(u)) return invalid('check.url', 'url');
      if (CONTROL.test(d.urlArgs) || LONE_SURROGATE.test(d.urlArgs)) return invalid('check.cmdlineControl', 'urlArgs');
      if (d.urlArgs.trim().length > 2048) return invalid('check.urlArgsTooLong', 'urlArgs');
      const probe = ctx.urlProbe;
      if (probe && probe.url === u && probe.error !== null) return invalid('check.urlProbe', 'url', { error: probe.error });
      return null;
    }
    case 'cloud':
      return checkFilePath(d.cloudImage, 'cloudImage', 'check.cloudImageRequired') ?? checkCloudInit(d);
  }
}

/** The cloud-init fields: the contract's cloudInitSchema rules (an empty password / key = none). */
export function checkCloudInit(d: Pick<WizardData, 'cloudUser' | 'cloudPassword' | 'cloudSshKey' | 'cloudHostname'>): Problem | null {
  const user = d.cloudUser;
  if (user === '') return missing('check.cloudUserRequired', 'cloudUser');
  if (!CLOUD_USER_RE.test(user)) return invalid('check.cloudUser', 'cloudUser');
  if (RESERVED_USERS.has(user)) return invalid('check.cloudUserReserved', 'cloudUser', { user });
  const key = d.cloudSshKey.trim();
  if (d.cloudPassword === '' && key === '') return missing('check.cloudLogin', 'cloudPassword');
  if (d.cloudPassword !== '') {
    if (new TextEncoder().encode(d.cloudPassword).length > CLOUD_PASSWORD_MAX_BYTES) return invalid('check.cloudPasswordTooLong', 'cloudPassword', { max: CLOUD_PASSWORD_MAX_BYTES });
    if (CONTROL.test(d.cloudPassword) || LONE_SURROGATE.test(d.cloudPassword)) return invalid('check.cloudPasswordControl', 'cloudPassword');
  }
  if (key !== '') {
    if (key.length > 16384) return invalid('check.sshKeyTooLong', 'cloudSshKey');
    if (/[\r\n\u2028\u2029]/.test(key)) return invalid('check.sshKeyOneLine', 'cloudSshKey');
    if (CONTROL.test(key) || LONE_SURROGATE.test(key)) return invalid('check.sshKeyControl', 'cloudSshKey');
    if (!SSH_KEY_RE.test(key)) return invalid('check.sshKey', 'cloudSshKey');
  }
  if (d.cloudHostname !== '' && !HOSTNAME_RE.test(d.cloudHostname)) return invalid('check.hostname', 'cloudHostname');
  return null;
}

/** A host name made from a VM name ("Web Server 1" → "web-server-1"): one RFC 1123 label. */
export { hostnameFromName };

function checkResources(d: WizardData, ctx: WizardContext): StepCheck {
  const warnings: Problem[] = [];
  const text = d.memoryText.trim();
  if (text === '') return { problem: missing('check.memoryRequired', 'memoryText'), warnings };
  const mib = parseMemoryMiB(text, d.memoryUnit);
  if (mib === null) return { problem: invalid('check.memoryNumber', 'memoryText'), warnings };
  if (mib < 64) return { problem: invalid('check.memoryMin', 'memoryText'), warnings };
  const o = ctx.options;
  if (o && o.memoryTotalMiB > 0 && mib > o.memoryTotalMiB) {
    return { problem: invalid('check.memoryTotal', 'memoryText', { memory: formatMiB(mib), total: formatMiB(o.memoryTotalMiB) }), warnings };
  }
  if (mib > 16 * 1024 * 1024) return { problem: invalid('check.memoryNumber', 'memoryText'), warnings };
  if (o && o.memoryFreeMiB > 0 && mib > o.memoryFreeMiB) warnings.push(invalid('check.memoryFree', 'memoryText', { memory: formatMiB(mib), free: formatMiB(o.memoryFreeMiB) }));
  const rec = ctx.recommended;
  if (rec && mib < rec.memoryMiB) warnings.push(invalid('check.memoryLow', 'memoryText', { os: rec.osName, memory: formatMiB(rec.memoryMiB) }));
  const cpus = o && o.cpus > 0 ? o.cpus : 4096;
  const v = checkWhole(d.vcpusText, 'vcpusText', { required: 'check.vcpusRequired', number: 'check.vcpusNumber' }, 1, 4096);
  if (v.problem) return { problem: v.problem, warnings };
  if ((v.value as number) > cpus) return { problem: invalid('check.vcpusHost', 'vcpusText', { vcpus: v.value as number, cpus }), warnings };
  return { problem: null, warnings };
}

function checkStorage(d: WizardData, ctx: WizardContext): StepCheck {
  const warnings: Problem[] = [];
  const pools = ctx.options?.pools ?? [];
  // A cloud image is copied into a new volume (the image itself stays untouched).
  if (d.sourceKind === 'cloud' && d.storageKind !== 'new') return { problem: invalid('check.cloudNeedsNewDisk', d.storageKind === 'existing' ? 'existingPool' : undefined), warnings };
  // A network install runs its installer right away: it needs a disk to install onto.
  if (d.sourceKind === 'url' && d.storageKind === 'none') return { problem: invalid('check.urlNeedsDisk'), warnings };
  if (d.storageKind === 'none') {
    if (d.sourceKind === 'iso') warnings.push(invalid('check.noDiskForInstall'));
    return { problem: null, warnings };
  }
  const poolName = d.storageKind === 'new' ? d.pool : d.existingPool;
  const poolInput = d.storageKind === 'new' ? 'pool' : 'existingPool';
  if (pools.length === 0) return { problem: missing('check.noPools', poolInput), warnings };
  if (poolName === '') return { problem: missing('check.poolRequired', poolInput), warnings };
  const pool = pools.find((p) => p.name === poolName);
  if (!pool) return { problem: invalid('check.poolUnknown', poolInput, { pool: poolName }), warnings };
  if (!pool.active) return { problem: invalid('check.poolInactive', poolInput, { pool: poolName }), warnings };
  if (d.storageKind === 'new') {
    const text = d.sizeText.trim();
    if (text === '') return { problem: missing('check.sizeRequired', 'sizeText'), warnings };
    const gib = parseDiskGiB(text);
    if (gib === null) return { problem: invalid('check.sizeNumber', 'sizeText'), warnings };
    if (gib <= 0) return { problem: invalid('check.sizeMin', 'sizeText'), warnings };
    if (gib > 65536) return { problem: invalid('check.sizeMax', 'sizeText'), warnings };
    const bytes = Math.round(gib * 1024) * 2 ** 20;
    if (bytes > pool.available) {
      return { problem: invalid('check.sizeFree', 'sizeText', { size: formatNumber(gib), free: formatMiB(pool.available / 2 ** 20), pool: pool.name }), warnings };
    }
    return { problem: null, warnings };
  }
  if (d.existingVolume === '') return { problem: missing('check.volumeRequired', 'existingVolume'), warnings };
  if (ctx.volumes) {
    const vol = ctx.volumes.find((v) => v.name === d.existingVolume);
    if (!vol) return { problem: invalid('check.volumeUnknown', 'existingVolume', { volume: d.existingVolume, pool: poolName }), warnings };
    if (vol.usedBy.length) return { problem: invalid('check.volumeUsed', 'existingVolume', { volume: vol.name, vms: vol.usedBy.join(', ') }), warnings };
    if (vol.format !== 'qcow2' && vol.format !== 'raw') return { problem: invalid('check.volumeFormat', 'existingVolume', { volume: vol.name, format: vol.format ?? '?' }), warnings };
  }
  return { problem: null, warnings };
}

/** Port forward rows: whole ports 1–65535, no host port forwarded twice per protocol. */
export function checkPortForwards(rows: readonly PortForwardRow[]): Problem | null {
  const seen = new Set<string>();
  for (const [i, r] of rows.entries()) {
    const input = `portForwards.${i}` as const;
    const host = r.host.trim();
    const guest = r.guest.trim();
    if (host === '' || guest === '') return missing('check.portRequired', input, { row: i + 1 });
    for (const p of [host, guest]) {
      if (!/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 65535) return invalid('check.portNumber', input, { row: i + 1 });
    }
    const key = `${r.protocol}/${Number(host)}`;
    if (seen.has(key)) return invalid('check.portTwice', input, { port: Number(host), protocol: r.protocol });
    seen.add(key);
  }
  if (rows.length > 32) return invalid('check.portTooMany', 'portForwards');
  return null;
}

function checkNetwork(d: WizardData, ctx: WizardContext): StepCheck {
  const warnings: Problem[] = [];
  switch (d.networkKind) {
    case 'user': {
      if (d.portForwards.length && ctx.options && !ctx.options.portForwarding) return { problem: invalid('check.portForwardUnavailable', 'portForwards'), warnings };
      return { problem: checkPortForwards(d.portForwards), warnings };
    }
    case 'network': {
      if (d.networkName === '') return { problem: missing('check.networkRequired', 'networkName'), warnings };
      const nets = ctx.options?.networks;
      const n = nets?.find((x) => x.name === d.networkName);
      if (nets && !n) return { problem: invalid('check.networkUnknown', 'networkName', { network: d.networkName }), warnings };
      if (n && !n.active) warnings.push(invalid('check.networkInactive', 'networkName', { network: n.name }));
      return { problem: null, warnings };
    }
    case 'bridge':
      if (d.bridgeName === '') return { problem: missing('check.bridgeRequired', 'bridgeName'), warnings };
      if (!BRIDGE_RE.test(d.bridgeName)) return { problem: invalid('check.bridgeName', 'bridgeName'), warnings };
      return { problem: null, warnings };
    case 'none':
      return { problem: null, warnings };
  }
}

function checkFirmware(d: WizardData, ctx: WizardContext): StepCheck {
  const warnings: Problem[] = [];
  const o = ctx.options;
  if (d.firmware === 'uefi' && o && !o.uefi) return { problem: invalid('check.uefiUnavailable', 'firmware'), warnings };
  if (d.tpm && o && !o.tpm) return { problem: invalid('check.tpmUnavailable', 'tpm'), warnings };
  if (d.domainType === 'kvm' && o && !o.kvm) return { problem: invalid('check.kvmUnavailable', 'domainType'), warnings };
  const rec = ctx.recommended;
  if (rec && rec.firmware === 'uefi' && d.firmware === 'bios') warnings.push(invalid('check.osNeedsUefi', 'firmware', { os: rec.osName }));
  if (rec && rec.tpm && !d.tpm) warnings.push(invalid('check.osExpectsTpm', 'tpm', { os: rec.osName }));
  if (d.domainType === 'qemu' && o?.kvm) warnings.push(invalid('check.emulationSlow', 'domainType'));
  return { problem: null, warnings };
}

/** Whether the step can go on, and what to warn about. */
export function checkStep(step: StepId, d: WizardData, ctx: WizardContext): StepCheck {
  switch (step) {
    case 'source':
      return checkSource(d, ctx);
    case 'os':
      return { problem: null, warnings: [] };
    case 'resources':
      return checkResources(d, ctx);
    case 'storage':
      return checkStorage(d, ctx);
    case 'network':
      return checkNetwork(d, ctx);
    case 'firmware':
      return checkFirmware(d, ctx);
    case 'summary':
      return { problem: checkVmName(d.name, ctx.existingNames), warnings: [] };
  }
}

export function checkAll(d: WizardData, ctx: WizardContext): Record<StepId, StepCheck> {
  return Object.fromEntries(STEPS.map((s) => [s, checkStep(s, d, ctx)])) as Record<StepId, StepCheck>;
}

/** The first step (in order) that cannot go on, or null. */
export function firstBlockedStep(checks: Record<StepId, StepCheck>): StepId | null {
  return STEPS.find((s) => checks[s].problem !== null) ?? null;
}

/** A step can be opened when every step before it can go on. */
export function canOpenStep(step: StepId, checks: Record<StepId, StepCheck>): boolean {
  const i = STEPS.indexOf(step);
  return STEPS.slice(0, i).every((s) => checks[s].problem === null);
}

export function nextStep(step: StepId): StepId | null {
  return STEPS[STEPS.indexOf(step) + 1] ?? null;
}

export function previousStep(step: StepId): StepId | null {
  const i = STEPS.indexOf(step);
  return i > 0 ? (STEPS[i - 1] as StepId) : null;
}

/** The VmSpec the form describes (assumes every step can go on). */
export function buildSpec(d: WizardData): VmSpecInput {
  const source = buildSource(d);
  const storage: VmSpecInput['storage'] =
    d.storageKind === 'new'
      ? { kind: 'new', pool: d.pool, sizeGiB: parseDiskGiB(d.sizeText) ?? 0, format: d.format }
      : d.storageKind === 'existing'
        ? { kind: 'existing', pool: d.existingPool, volume: d.existingVolume }
        : { kind: 'none' };
  const network: VmSpecInput['network'] =
    d.networkKind === 'user'
      ? d.portForwards.length
        ? { kind: 'user', portForwards: d.portForwards.map((r) => ({ host: Number(r.host.trim()), guest: Number(r.guest.trim()), protocol: r.protocol })) }
        : { kind: 'user' }
      : d.networkKind === 'network'
        ? { kind: 'network', name: d.networkName }
        : d.networkKind === 'bridge'
          ? { kind: 'bridge', name: d.bridgeName }
          : { kind: 'none' };
  return {
    name: d.name,
    memoryMiB: parseMemoryMiB(d.memoryText, d.memoryUnit) ?? 0,
    vcpus: Number(d.vcpusText.trim()),
    source,
    os: d.os ? d.os.id : null,
    storage,
    network,
    firmware: d.firmware,
    tpm: d.tpm,
    domainType: d.domainType,
  };
}

function buildSource(d: WizardData): VmSpecInput['source'] {
  switch (d.sourceKind) {
    case 'iso':
      return { kind: 'iso', path: d.isoPath };
    case 'import':
      return { kind: 'import', path: d.importPath };
    case 'kernel':
      return { kind: 'kernel', kernel: d.kernelPath, ...(d.initrdPath ? { initrd: d.initrdPath } : {}), ...(d.cmdline.trim() ? { cmdline: d.cmdline.trim() } : {}) };
    case 'url':
      return { kind: 'url', url: d.url.trim(), ...(d.urlArgs.trim() ? { cmdline: d.urlArgs.trim() } : {}) };
    case 'cloud':
      return {
        kind: 'cloud',
        image: d.cloudImage,
        cloudInit: {
          user: d.cloudUser,
          ...(d.cloudPassword !== '' ? { password: d.cloudPassword } : {}),
          ...(d.cloudSshKey.trim() !== '' ? { sshKey: d.cloudSshKey.trim() } : {}),
          hostname: effectiveHostname(d),
        },
      };
  }
}

/** The guest's host name: as typed, else made from the VM name. */
export function effectiveHostname(d: Pick<WizardData, 'cloudHostname' | 'name'>): string {
  return d.cloudHostname !== '' ? d.cloudHostname : hostnameFromName(d.name);
}

/** The wizard step a server error's field (e.g. "spec.storage.sizeGiB") belongs to, or null. */
export function stepOfField(field: string | undefined | null): StepId | null {
  if (!field) return null;
  const f = field.replace(/^spec\./, '');
  const head = f.split('.')[0];
  switch (head) {
    case 'name':
      return 'summary';
    case 'source':
      return 'source';
    case 'os':
      return 'os';
    case 'memoryMiB':
    case 'vcpus':
      return 'resources';
    case 'storage':
    case 'diskBus':
      return 'storage';
    case 'network':
    case 'nicModel':
      return 'network';
    case 'firmware':
    case 'tpm':
    case 'domainType':
      return 'firmware';
    default:
      return null;
  }
}

/** The form input a server error's field is about (for aria-invalid), or null. */
export function inputOfField(field: string | undefined | null, d: Pick<WizardData, 'sourceKind' | 'storageKind' | 'networkKind'>): keyof WizardData | null {
  switch (field?.replace(/^spec\./, '')) {
    case 'name':
      return 'name';
    case 'source.path':
      return d.sourceKind === 'import' ? 'importPath' : 'isoPath';
    case 'source.image':
      return 'cloudImage';
    case 'source.cloudInit':
    case 'source.cloudInit.password':
      return 'cloudPassword';
    case 'source.cloudInit.user':
      return 'cloudUser';
    case 'source.cloudInit.sshKey':
      return 'cloudSshKey';
    case 'source.cloudInit.hostname':
      return 'cloudHostname';
    case 'url':
    case 'source.url':
      return 'url';
    case 'source.kernel':
      return 'kernelPath';
    case 'source.initrd':
      return 'initrdPath';
    case 'source.cmdline':
      return d.sourceKind === 'url' ? 'urlArgs' : 'cmdline';
    case 'memoryMiB':
      return 'memoryText';
    case 'vcpus':
      return 'vcpusText';
    case 'storage.sizeGiB':
      return 'sizeText';
    case 'storage.pool':
      return d.storageKind === 'existing' ? 'existingPool' : 'pool';
    case 'storage.volume':
      return 'existingVolume';
    case 'network.name':
      return d.networkKind === 'bridge' ? 'bridgeName' : 'networkName';
    case 'firmware':
      return 'firmware';
    case 'tpm':
      return 'tpm';
    case 'domainType':
      return 'domainType';
    default:
      return null;
  }
}

/** "debian12", existing ["debian12"] → "debian12-2". Forbidden characters become "-". */
export function suggestName(base: string, existingNames: readonly string[]): string {
  let b = base
    .replace(/[<>&"'/\s\u0000-\u001f\u007f-\u009f]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, NAME_MAX_CHARS - 4);
  if (b === '') b = 'vm';
  const taken = new Set(existingNames);
  if (!taken.has(b)) return b;
  for (let i = 2; ; i++) {
    const n = `${b}-${i}`;
    if (!taken.has(n)) return n;
  }
}

/** The image file a source reads (the ISO, disk image or cloud image), or '' for the others. */
export function sourceImagePath(d: Pick<WizardData, 'sourceKind' | 'isoPath' | 'importPath' | 'cloudImage'>): string {
  return d.sourceKind === 'iso' ? d.isoPath : d.sourceKind === 'import' ? d.importPath : d.sourceKind === 'cloud' ? d.cloudImage : '';
}

/** A name to start from: the OS short id, else the ISO / image file name, else "vm". */
export function nameBase(d: WizardData): string {
  if (d.os) return d.os.shortId;
  if (d.sourceKind === 'kernel') return kernelNameBase(d.kernelPath, d.initrdPath);
  const file = sourceImagePath(d).split('/').pop() ?? '';
  const stem = file.replace(/\.(iso|img|qcow2|raw|vmdk|vdi)$/i, '');
  return stem || 'vm';
}

const KERNEL_PREFIX = /^(?:vmlinuz|vmlinux|bzimage|kernel|linux|image|initrd(?:\.img)?|initramfs)(?:[-_.](.*))?$/i;

/**
 * A name for a kernel-boot VM from its files: "vmlinuz-6.1.0-cloud" → "linux-6-1" (the initrd's
 * version when the kernel's name has none), else the kernel file's own name, else "linux".
 */
export function kernelNameBase(kernelPath: string, initrdPath = ''): string {
  const version = (file: string): string | null => {
    const m = /(\d+)(?:\.(\d+))?/.exec(KERNEL_PREFIX.exec(file)?.[1] ?? '');
    return m ? [m[1], m[2]].filter(Boolean).join('-') : null;
  };
  const kernel = kernelPath.split('/').pop() ?? '';
  const initrd = initrdPath.split('/').pop() ?? '';
  const v = version(kernel) ?? (KERNEL_PREFIX.test(kernel) || kernel === '' ? version(initrd) : null);
  if (v) return `linux-${v}`;
  if (kernel === '' || KERNEL_PREFIX.test(kernel)) return 'linux';
  const stem = hostnameFromName(kernel.replace(/\.(img|gz|xz|bz2|zst|bin|efi)$/i, ''));
  return stem === 'vm' ? 'linux' : stem;
}

/** The fields an OS recommendation sets (the memory shown in GiB when it is whole GiB). */
export function recommendedFields(rec: Recommended, options: CreateOptions | null): Pick<WizardData, 'memoryText' | 'memoryUnit' | 'vcpusText' | 'sizeText' | 'firmware' | 'tpm'> {
  const memory = memoryField(defaultMemoryMiB(rec.memoryMiB, options));
  return {
    memoryText: memory.text,
    memoryUnit: memory.unit,
    vcpusText: String(defaultVcpus(rec.vcpus, options)),
    sizeText: formatNumber(defaultDiskGiB(rec.diskGiB, options)),
    firmware: rec.firmware,
    tpm: rec.tpm && (options?.tpm ?? false),
  };
}

/** Most vCPUs the wizard proposes under software emulation (each one is slow and costly). */
export const EMULATION_MAX_VCPUS = 2;

/**
 * The vCPUs to propose for a recommendation: never every CPU of the host (it needs some for
 * itself), and at most EMULATION_MAX_VCPUS when the host has no KVM.
 */
export function defaultVcpus(recommended: number, options: CreateOptions | null): number {
  let n = Math.max(1, recommended);
  if (options && options.cpus > 0) n = Math.min(n, Math.max(1, options.cpus - 1));
  if (options && !options.kvm) n = Math.min(n, EMULATION_MAX_VCPUS);
  return n;
}

/** The memory to propose: the recommendation, at most half the host's memory (in 256 MiB steps, ≥ 256 MiB). */
export function defaultMemoryMiB(recommended: number, options: CreateOptions | null): number {
  if (!options || options.memoryTotalMiB <= 0) return recommended;
  const half = Math.max(256, Math.floor(options.memoryTotalMiB / 2 / 256) * 256);
  return Math.min(recommended, half);
}

/** The disk size to propose: the recommendation, at most what the default pool has free (whole GiB, ≥ 1). */
export function defaultDiskGiB(recommended: number, options: CreateOptions | null): number {
  const pool = options?.pools.find((p) => p.name === defaultPool(options));
  if (!pool || pool.available <= 0) return recommended;
  return Math.min(recommended, Math.max(1, Math.floor(pool.available / 2 ** 30)));
}

/** Software emulation only: the host has no working KVM (known once host.createOptions answered). */
export function emulationOnly(options: CreateOptions | null): boolean {
  return options !== null && !options.kvm;
}

/**
 * The storage kind that fits a source: installs need a disk, a cloud image is copied into one
 * (it must be 'new'); imports and kernels usually need none.
 */
export function defaultStorageKind(source: SourceKind): StorageKind {
  return source === 'iso' || source === 'url' || source === 'cloud' ? 'new' : 'none';
}

/** The pool a new disk goes to by default: 'default' when it runs, else the first running one. */
export function defaultPool(options: CreateOptions | null): string {
  const pools = options?.pools ?? [];
  return (pools.find((p) => p.name === 'default' && p.active) ?? pools.find((p) => p.active))?.name ?? '';
}

// ---- progress of vm.create ----
/** The order vm.create goes through its steps (contract-create.ts CreateStep). */
export const CREATE_STEP_ORDER: readonly CreateStep[] = ['check', 'download-kernel', 'download-initrd', 'copy-image', 'seed', 'volume', 'define', 'start', 'cleanup'];

/**
 * The steps a create of this form is expected to go through (the server's events are the truth):
 * a network install downloads the installer's kernel and initrd (into the disk's pool), boots
 * them once and removes them again ('cleanup'); a cloud image is copied, then gets its seed.
 */
export function createSteps(d: WizardData, start: boolean): CreateStep[] {
  const url = d.sourceKind === 'url';
  const steps: CreateStep[] = ['check'];
  if (url) steps.push('download-kernel', 'download-initrd');
  if (d.sourceKind === 'cloud') steps.push('copy-image', 'seed');
  else if (d.storageKind === 'new') steps.push('volume');
  steps.push('define');
  if (start || url) steps.push('start');
  if (url) steps.push('cleanup');
  return steps;
}

/** A network install boots its installer right when the VM is created: only "Create and start". */
export function mustStartOnCreate(d: Pick<WizardData, 'sourceKind'>): boolean {
  return d.sourceKind === 'url';
}

/** One vm.createProgress event (what the wizard keeps of it). */
export interface ProgressEvent {
  step: CreateStep;
  detail?: string | undefined;
  done?: number | undefined;
  total?: number | undefined;
}

export interface ProgressEntry extends ProgressEvent {
  status: 'pending' | 'active' | 'done' | 'failed';
}

/**
 * The list the progress card shows: the steps the server reported (in the order they began;
 * the latest is running, or failed), then the expected ones still to come. Expected steps the
 * server went past without reporting are left out, and so is what was never reached once the
 * create ended. A failure is the last step before 'cleanup' (the rollback), if there was one.
 */
export function progressEntries(expected: readonly CreateStep[], events: readonly ProgressEvent[], outcome: 'running' | 'failed' | 'done'): ProgressEntry[] {
  const seen: ProgressEvent[] = [];
  for (const e of events) {
    const i = seen.findIndex((s) => s.step === e.step);
    if (i === -1) seen.push({ ...e });
    else seen[i] = { ...seen[i], ...e };
  }
  const entries: ProgressEntry[] = seen.map((e) => ({ ...e, status: 'done' }));
  const last = entries[entries.length - 1];
  if (outcome === 'running') {
    if (last) last.status = 'active';
    const reached = Math.max(-1, ...seen.filter((e) => e.step !== 'cleanup').map((e) => CREATE_STEP_ORDER.indexOf(e.step)));
    for (const step of expected) {
      if (seen.some((e) => e.step === step) || CREATE_STEP_ORDER.indexOf(step) <= reached) continue;
      entries.push({ step, status: entries.length === 0 ? 'active' : 'pending' });
    }
  } else if (outcome === 'failed') {
    const cleanup = entries.findIndex((e) => e.step === 'cleanup');
    const failed = cleanup > 0 ? entries[cleanup - 1] : cleanup === -1 ? last : undefined;
    if (failed) failed.status = 'failed';
  }
  return entries;
}

/** How far the create is, 0–1: finished steps, plus the bytes of the running one when known. */
export function progressFraction(entries: readonly ProgressEntry[]): number {
  if (entries.length === 0) return 0;
  let sum = 0;
  for (const e of entries) {
    if (e.status === 'done' || e.status === 'failed') sum += 1;
    else if (e.status === 'active' && e.total && e.total > 0 && e.done !== undefined) sum += Math.min(1, Math.max(0, e.done / e.total));
  }
  return Math.min(1, sum / entries.length);
}

/** Opening the serial console first fits a kernel booted with console=ttyS…. */
export function prefersSerialConsole(d: WizardData): boolean {
  const args = d.sourceKind === 'kernel' ? d.cmdline : d.sourceKind === 'url' ? d.urlArgs : '';
  return (d.sourceKind === 'kernel' || d.sourceKind === 'url') && /(^|\s)console=ttyS\d/.test(args);
}
