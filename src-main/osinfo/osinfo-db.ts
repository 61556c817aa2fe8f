// OS presets from osinfo-db (Debian package osinfo-db, /usr/share/osinfo/os/<vendor>/*.xml),
// parsed lazily once and cached, merged with a small bundled fallback
// (resources/osinfo-fallback/os.json) that also covers releases newer than the installed
// osinfo-db. Answers: search by name, creation defaults for an OS, and "which OS is this ISO".
import fs from 'node:fs/promises';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import fallbackJson from '../../resources/osinfo-fallback/os.json';
import { readIsoIdentity, type IsoIdentity } from './iso';
import type { OsDefaults, OsDetection, OsSource, OsSummary } from './types';

export type { OsDefaults, OsDetection, OsSource, OsSummary };

export const SYSTEM_OSINFO_DIR = '/usr/share/osinfo';

export interface OsResources {
  ramBytes?: number;
  nCpus?: number;
  storageBytes?: number;
}

export interface OsResourceSet {
  arch: string;
  inherit?: boolean;
  minimum?: OsResources;
  recommended?: OsResources;
}

export interface OsMediaPattern {
  arch: string;
  volumeId?: string;
  systemId?: string;
  publisherId?: string;
  applicationId?: string;
}

/** One OS as read from osinfo-db (or the fallback file, which uses the same shape). */
export interface OsRecord {
  id: string;
  shortIds: string[];
  name: string;
  vendor?: string;
  family?: string;
  distro?: string;
  version?: string;
  releaseDate?: string;
  eolDate?: string;
  derivesFrom?: string[];
  clones?: string[];
  resources?: OsResourceSet[];
  devices?: { id: string; supported?: boolean }[];
  firmware?: { arch: string; type: string; supported?: boolean }[];
  media?: OsMediaPattern[];
}

export const VIRTIO_BLOCK = ['http://pcisig.com/pci/1af4/1001', 'http://pcisig.com/pci/1af4/1042'];
export const VIRTIO_NET = ['http://pcisig.com/pci/1af4/1000', 'http://pcisig.com/pci/1af4/1041'];
export const VIRTIO_GPU = 'http://pcisig.com/pci/1af4/1050';
export const Q35_CHIPSET = 'http://qemu.org/chipset/x86/q35';

const DEFAULT_RESOURCES = { memoryMiB: 1024, vcpus: 2, diskGiB: 20 };
const ARCH = 'x86_64';

interface Entry extends OsRecord {
  source: OsSource;
  /** Lower-cased text the search looks in. */
  haystack: string;
}

type XmlNode = Record<string, unknown>;

const ARRAYS = new Set(['os', 'short-id', 'name', 'vendor', 'derives-from', 'clones', 'resources', 'device', 'firmware', 'media', 'iso', 'volume-id', 'system-id', 'publisher-id', 'application-id']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => ARRAYS.has(name),
});

const asArray = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const isNode = (v: unknown): v is XmlNode => typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (v: unknown): string | undefined => {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  if (isNode(v) && v['#text'] !== undefined) return String(v['#text']).trim();
  return undefined;
};
/** The untranslated value of an element that has xml:lang translations. */
const untranslated = (v: unknown): string | undefined => {
  for (const item of asArray(v)) {
    if (typeof item === 'string') return item.trim();
    if (isNode(item) && item['@_xml:lang'] === undefined) return textOf(item);
  }
  return undefined;
};
const attr = (v: unknown, name: string): string | undefined => (isNode(v) && v[`@_${name}`] !== undefined ? String(v[`@_${name}`]) : undefined);
const num = (v: unknown): number | undefined => {
  const t = textOf(v);
  const n = t === undefined ? NaN : Number(t);
  return Number.isFinite(n) && n > 0 ? n : undefined;
};

function readResources(v: unknown): OsResources | undefined {
  if (!isNode(v)) return undefined;
  const r: OsResources = {};
  const ram = num(v.ram);
  const cpus = num(v['n-cpus']);
  const storage = num(v.storage);
  if (ram) r.ramBytes = ram;
  if (cpus) r.nCpus = cpus;
  if (storage) r.storageBytes = storage;
  return Object.keys(r).length ? r : undefined;
}

/** Turns one parsed <os> element into an OsRecord (exported for tests). */
export function readOsElement(os: XmlNode): OsRecord | null {
  const id = attr(os, 'id');
  const shortIds = asArray(os['short-id']).map(textOf).filter((s): s is string => !!s);
  const name = untranslated(os.name);
  if (!id || !name) return null;
  const rec: OsRecord = { id, shortIds: shortIds.length ? shortIds : [id], name };
  const set = <K extends keyof OsRecord>(k: K, v: OsRecord[K] | undefined): void => {
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) rec[k] = v;
  };
  set('vendor', untranslated(os.vendor));
  set('family', textOf(os.family));
  set('distro', textOf(os.distro));
  set('version', textOf(os.version));
  set('releaseDate', textOf(os['release-date']));
  set('eolDate', textOf(os['eol-date']));
  set('derivesFrom', asArray(os['derives-from']).map((d) => attr(d, 'id')).filter((s): s is string => !!s));
  set('clones', asArray(os.clones).map((d) => attr(d, 'id')).filter((s): s is string => !!s));
  set(
    'resources',
    asArray(os.resources).filter(isNode).map((r) => {
      const out: OsResourceSet = { arch: attr(r, 'arch') ?? 'all' };
      if (attr(r, 'inherit') === 'true') out.inherit = true;
      const min = readResources(r.minimum);
      const rec = readResources(r.recommended);
      if (min) out.minimum = min;
      if (rec) out.recommended = rec;
      return out;
    }),
  );
  const devices = isNode(os.devices) ? asArray(os.devices.device) : [];
  set(
    'devices',
    devices.flatMap((d) => {
      const devId = attr(d, 'id');
      return devId ? [attr(d, 'supported') === 'false' ? { id: devId, supported: false } : { id: devId }] : [];
    }),
  );
  set(
    'firmware',
    asArray(os.firmware).flatMap((f) => {
      const type = attr(f, 'type');
      if (!type) return [];
      return [{ arch: attr(f, 'arch') ?? 'all', type, ...(attr(f, 'supported') === 'false' ? { supported: false } : {}) }];
    }),
  );
  set(
    'media',
    asArray(os.media).flatMap((m) => {
      const iso = asArray(isNode(m) ? m.iso : undefined)[0];
      if (!isNode(iso)) return [];
      const p: OsMediaPattern = { arch: attr(m, 'arch') ?? 'all' };
      const pick = (k: string): string | undefined => textOf(asArray(iso[k])[0]);
      const v = pick('volume-id');
      const s = pick('system-id');
      const pub = pick('publisher-id');
      const app = pick('application-id');
      if (v) p.volumeId = v;
      if (s) p.systemId = s;
      if (pub) p.publisherId = pub;
      if (app) p.applicationId = app;
      return v || s || pub || app ? [p] : [];
    }),
  );
  return rec;
}

/** Parses one osinfo-db file (a <libosinfo> document with one or more <os>). */
export function parseOsinfoXml(xml: string): OsRecord[] {
  const doc = parser.parse(xml) as XmlNode;
  const root = doc.libosinfo;
  if (!isNode(root)) return [];
  return asArray(root.os).filter(isNode).map(readOsElement).filter((r): r is OsRecord => r !== null);
}

async function listXmlFiles(osDir: string): Promise<string[]> {
  const out: string[] = [];
  let vendors: string[];
  try {
    vendors = await fs.readdir(osDir);
  } catch {
    return out;
  }
  await Promise.all(
    vendors.map(async (v) => {
      const dir = path.join(osDir, v);
      let names: string[];
      try {
        names = await fs.readdir(dir);
      } catch {
        return; // a plain file at vendor level
      }
      // <name>.d folders hold driver lists for the same OS: nothing the wizard needs.
      for (const n of names) if (n.endsWith('.xml')) out.push(path.join(dir, n));
    }),
  );
  return out.sort();
}

export interface OsInfoOptions {
  /** Root of osinfo-db (has os/). null: use the fallback only. Default /usr/share/osinfo. */
  dir?: string | null;
  /** Bundled fallback records (default: resources/osinfo-fallback/os.json). */
  fallback?: OsRecord[];
}

export interface OsInfoStatus {
  /** Where the data came from: the osinfo-db folder, or only the bundled fallback. */
  source: 'osinfo-db' | 'fallback';
  dir: string | null;
  count: number;
  fromFallback: number;
  loadMs: number;
}

function compileRegex(pattern: string): RegExp | null {
  try {
    // osinfo patterns are GLib (PCRE) regexes matched unanchored; most are valid JS too.
    return new RegExp(pattern);
  } catch {
    return null;
  }
}

function dateKey(e: Entry): string {
  return e.releaseDate ?? '';
}

export class OsInfoDb {
  private loading: Promise<void> | null = null;
  private entries: Entry[] = [];
  private byKey = new Map<string, Entry>();
  private status: OsInfoStatus | null = null;
  private regexCache = new Map<string, RegExp | null>();

  constructor(private readonly options: OsInfoOptions = {}) {}

  /** Loads (once) and reports where the data came from. */
  async info(): Promise<OsInfoStatus> {
    await this.load();
    return this.status!;
  }

  private load(): Promise<void> {
    this.loading ??= this.doLoad();
    return this.loading;
  }

  private async doLoad(): Promise<void> {
    const t0 = performance.now();
    const dir = this.options.dir === undefined ? SYSTEM_OSINFO_DIR : this.options.dir;
    const records: Entry[] = [];
    if (dir) {
      const files = await listXmlFiles(path.join(dir, 'os'));
      const texts = await Promise.all(files.map((f) => fs.readFile(f, 'utf8').catch(() => null)));
      for (const t of texts) {
        if (!t) continue;
        try {
          for (const r of parseOsinfoXml(t)) records.push(entry(r, 'osinfo-db'));
        } catch {
          /* one unreadable file must not hide the others */
        }
      }
    }
    const fromDb = records.length;
    for (const r of this.options.fallback ?? (fallbackJson as { os: OsRecord[] }).os) records.push(entry(r, 'fallback'));
    // Index: full id, every short id, and the short form domain-summary derives from the id.
    for (const e of records) {
      const keys = [e.id, ...e.shortIds, derivedShortId(e.id)].map((k) => k.toLowerCase());
      if (e.source === 'fallback' && keys.some((k) => this.byKey.get(k)?.source === 'osinfo-db')) continue; // the DB knows it
      this.entries.push(e);
      for (const k of keys) if (!this.byKey.has(k)) this.byKey.set(k, e);
    }
    this.status = {
      source: fromDb > 0 ? 'osinfo-db' : 'fallback',
      dir: fromDb > 0 ? dir ?? null : null,
      count: this.entries.length,
      fromFallback: this.entries.filter((e) => e.source === 'fallback').length,
      loadMs: Math.round(performance.now() - t0),
    };
  }

  /** An OS by full id or any short id (case-insensitive); null when unknown. */
  async get(idOrShortId: string): Promise<OsSummary | null> {
    await this.load();
    const e = this.byKey.get(idOrShortId.toLowerCase());
    return e ? summary(e) : null;
  }

  /** OSes whose name, short id, vendor or version contain every word of the query. */
  async searchOs(query: string, limit = 50): Promise<OsSummary[]> {
    await this.load();
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const q = query.trim().toLowerCase();
    const hits = this.entries.filter((e) => words.every((w) => e.haystack.includes(w)));
    const rank = (e: Entry): number =>
      e.shortIds.some((s) => s.toLowerCase() === q) ? 0 : e.shortIds.some((s) => s.toLowerCase().startsWith(q)) || e.name.toLowerCase().startsWith(q) ? 1 : 2;
    hits.sort((a, b) => rank(a) - rank(b) || dateKey(b).localeCompare(dateKey(a)) || a.name.localeCompare(b.name));
    return hits.slice(0, Math.max(1, limit)).map(summary);
  }

  /** Creation defaults for an OS; null when the id is unknown. */
  async osDefaults(idOrShortId: string): Promise<OsDefaults | null> {
    await this.load();
    const e = this.byKey.get(idOrShortId.toLowerCase());
    if (!e) return null;
    const res = this.resourcesOf(e);
    const devices = this.devicesOf(e);
    const firmware = this.firmwareOf(e);
    const has = (ids: string[]): boolean => ids.some((id) => devices.has(id));
    const efiOnly = firmware.get('efi') === true && firmware.get('bios') === false;
    const year = Number((e.releaseDate ?? '').slice(0, 4));
    const winnt = e.family === 'winnt';
    return {
      os: summary(e),
      memoryMiB: res.ramBytes ? Math.max(256, Math.round(res.ramBytes / 2 ** 20)) : DEFAULT_RESOURCES.memoryMiB,
      vcpus: Math.max(1, res.nCpus ?? DEFAULT_RESOURCES.vcpus),
      diskGiB: res.storageBytes ? Math.max(1, Math.ceil(res.storageBytes / 2 ** 30)) : DEFAULT_RESOURCES.diskGiB,
      firmware: efiOnly ? 'uefi' : 'bios',
      diskBus: has(VIRTIO_BLOCK) ? 'virtio' : 'sata',
      nicModel: has(VIRTIO_NET) ? 'virtio' : 'e1000',
      videoModel: devices.has(VIRTIO_GPU) ? 'virtio' : 'vga',
      q35: devices.has(Q35_CHIPSET) || efiOnly || (Number.isFinite(year) && year >= 2010) || e.id.startsWith('http://libosinfo.org/'),
      clock: winnt ? 'localtime' : 'utc',
      tpm: winnt && efiOnly,
    };
  }

  /** Reads the ISO's volume descriptor and matches it against every OS's media patterns. */
  async detectOsFromIso(file: string): Promise<OsDetection> {
    const iso = await readIsoIdentity(file);
    return { ...(await this.matchIso(iso)), volumeId: iso.volumeId, systemId: iso.systemId, publisherId: iso.publisherId, applicationId: iso.applicationId };
  }

  /** The OS whose media patterns match these ISO fields (x86_64 media preferred). */
  async matchIso(iso: Pick<IsoIdentity, 'volumeId' | 'systemId' | 'publisherId' | 'applicationId'>): Promise<{ os: OsSummary | null; arch: string | null }> {
    await this.load();
    let best: { e: Entry; arch: string; score: number } | null = null;
    for (const e of this.entries) {
      for (const m of e.media ?? []) {
        if (!this.mediaMatches(m, iso)) continue;
        // Prefer x86_64 media, then the most specific pattern set, then the newest OS.
        const score = (m.arch === ARCH ? 1e6 : m.arch === 'all' ? 5e5 : 0) + [m.volumeId, m.systemId, m.publisherId, m.applicationId].join('').length;
        if (!best || score > best.score || (score === best.score && dateKey(e) > dateKey(best.e))) best = { e, arch: m.arch, score };
      }
    }
    return best ? { os: summary(best.e), arch: best.arch } : { os: null, arch: null };
  }

  private mediaMatches(m: OsMediaPattern, iso: Pick<IsoIdentity, 'volumeId' | 'systemId' | 'publisherId' | 'applicationId'>): boolean {
    const pairs: [string | undefined, string][] = [
      [m.volumeId, iso.volumeId],
      [m.systemId, iso.systemId],
      [m.publisherId, iso.publisherId],
      [m.applicationId, iso.applicationId],
    ];
    if (!pairs.some(([p]) => p)) return false;
    return pairs.every(([pattern, value]) => {
      if (!pattern) return true;
      if (!this.regexCache.has(pattern)) this.regexCache.set(pattern, compileRegex(pattern));
      const re = this.regexCache.get(pattern);
      return re ? re.test(value) : false;
    });
  }

  private walk<T>(e: Entry, own: (x: Entry) => T | undefined, seen = new Set<string>()): T | undefined {
    if (seen.has(e.id)) return undefined;
    seen.add(e.id);
    const v = own(e);
    if (v !== undefined) return v;
    for (const parentId of [...(e.derivesFrom ?? []), ...(e.clones ?? [])]) {
      const p = this.byKey.get(parentId.toLowerCase());
      const pv = p ? this.walk(p, own, seen) : undefined;
      if (pv !== undefined) return pv;
    }
    return undefined;
  }

  /** x86_64 (or arch-independent) resources; recommended before minimum; inherited when absent. */
  private resourcesOf(e: Entry): OsResources {
    const sets = (x: Entry): OsResourceSet[] => (x.resources ?? []).filter((r) => r.arch === ARCH || r.arch === 'all').sort((a, b) => (a.arch === ARCH ? -1 : 0) - (b.arch === ARCH ? -1 : 0));
    const pick = (k: keyof OsResources, level: 'recommended' | 'minimum' | 'either') =>
      this.walk(e, (x) => {
        const s = sets(x);
        const rec = level === 'minimum' ? undefined : s.map((r) => r.recommended?.[k]).find((v) => v !== undefined);
        return rec ?? (level === 'recommended' ? undefined : s.map((r) => r.minimum?.[k]).find((v) => v !== undefined));
      });
    const out: OsResources = {};
    const ram = pick('ramBytes', 'either');
    // vCPUs: the recommendation, else at least 2 (a minimum of 1 is not a sensible default).
    const cpus = pick('nCpus', 'recommended') ?? Math.max(pick('nCpus', 'minimum') ?? DEFAULT_RESOURCES.vcpus, DEFAULT_RESOURCES.vcpus);
    const storage = pick('storageBytes', 'either');
    if (ram) out.ramBytes = ram;
    out.nCpus = cpus;
    if (storage) out.storageBytes = storage;
    return out;
  }

  /** Supported device ids, inherited along derives-from/clones (a child's supported="false" removes one). */
  private devicesOf(e: Entry, seen = new Set<string>()): Set<string> {
    if (seen.has(e.id)) return new Set();
    seen.add(e.id);
    const out = new Set<string>();
    for (const parentId of [...(e.derivesFrom ?? []), ...(e.clones ?? [])]) {
      const p = this.byKey.get(parentId.toLowerCase());
      if (p) for (const d of this.devicesOf(p, seen)) out.add(d);
    }
    for (const d of e.devices ?? []) {
      if (d.supported === false) out.delete(d.id);
      else out.add(d.id);
    }
    return out;
  }

  /** Firmware type → supported, for x86_64, inherited like devices. */
  private firmwareOf(e: Entry, seen = new Set<string>()): Map<string, boolean> {
    if (seen.has(e.id)) return new Map();
    seen.add(e.id);
    const out = new Map<string, boolean>();
    for (const parentId of e.derivesFrom ?? []) {
      const p = this.byKey.get(parentId.toLowerCase());
      if (p) for (const [k, v] of this.firmwareOf(p, seen)) out.set(k, v);
    }
    for (const f of e.firmware ?? []) if (f.arch === ARCH || f.arch === 'all') out.set(f.type, f.supported !== false);
    return out;
  }
}

/** "http://debian.org/debian/12" → "debian12" (the same rule as xml/domain-summary.ts). */
export function derivedShortId(id: string): string {
  const parts = id.replace(/^[a-z]+:\/\/[^/]+\//i, '').split('/').filter(Boolean);
  if (parts.length >= 2) return `${parts[parts.length - 2]}${parts[parts.length - 1]}`;
  return parts[0] ?? id;
}

function entry(r: OsRecord, source: OsSource): Entry {
  const haystack = [r.name, ...r.shortIds, r.vendor, r.distro, r.version, r.family].filter(Boolean).join(' ').toLowerCase();
  return { ...r, source, haystack };
}

function summary(e: Entry): OsSummary {
  return {
    id: e.id,
    shortId: e.shortIds[0] ?? derivedShortId(e.id),
    name: e.name,
    vendor: e.vendor ?? null,
    family: e.family ?? null,
    version: e.version ?? null,
    releaseDate: e.releaseDate ?? null,
    eolDate: e.eolDate ?? null,
    source: e.source,
  };
}

let shared: OsInfoDb | null = null;
/** The process-wide database over /usr/share/osinfo (parsed on first use). */
export function sharedOsInfo(): OsInfoDb {
  shared ??= new OsInfoDb();
  return shared;
}
