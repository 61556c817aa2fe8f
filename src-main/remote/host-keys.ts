// SSH host keys of remote connections, kept in Virtdesk's own known_hosts file. A key is added
// only after the user saw its fingerprint and accepted it; the key added is the one with that
// fingerprint, scanned again at accept time (ssh-keyscan), so what is stored is what was shown.
// A host whose key differs from the stored one is refused (ssh's StrictHostKeyChecking=yes does
// it; this module says why, with the new fingerprint).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import type { HostKeyInfo } from '../contract';
import { englishText, message as M } from '../contract/messages';

const run = promisify(execFile);

export interface ScannedKey {
  /** The known_hosts line ("[host]:port ssh-ed25519 AAAA…"). */
  line: string;
  type: string;
  fingerprint: string;
  blob: string;
}

/** The name ssh files a host under: `host` on port 22, else `[host]:port`. */
export function knownHostsName(host: string, port: number | null): string {
  return port && port !== 22 ? `[${host}]:${port}` : host;
}

/** The keys a host offers now, with their SHA256 fingerprints. */
export async function scanHostKeys(host: string, port: number | null): Promise<ScannedKey[]> {
  const args = ['-T', '10', ...(port ? ['-p', String(port)] : []), '--', host];
  const { stdout } = await run('ssh-keyscan', args, { timeout: 20_000 }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  const lines = stdout.split('\n').filter((l) => l && !l.startsWith('#'));
  const keys: ScannedKey[] = [];
  for (const line of lines) {
    const [, keyType, blob] = line.split(/\s+/);
    if (!keyType || !blob) continue;
    keys.push({ line, type: keyType, blob, fingerprint: await fingerprintOf(`${keyType} ${blob}`) });
  }
  return keys;
}

async function fingerprintOf(publicKey: string): Promise<string> {
  const child = execFile('ssh-keygen', ['-l', '-E', 'sha256', '-f', '-'], { timeout: 10_000 });
  const out = new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (d) => (text += d));
    child.on('error', reject);
    child.on('close', () => resolve(text));
  });
  child.stdin?.end(`${publicKey}\n`);
  const m = /(SHA256:[A-Za-z0-9+/]{43})/.exec(await out);
  if (!m) throw new Error(`ssh-keygen could not read the host key ${publicKey.slice(0, 40)}…`);
  return m[1];
}

/** The type label ssh-keygen prints (ED25519, ECDSA, RSA) for a key type such as ssh-ed25519. */
function typeLabel(keyType: string): string {
  if (keyType.includes('ed25519')) return 'ED25519';
  if (keyType.startsWith('ecdsa')) return 'ECDSA';
  if (keyType.includes('rsa')) return 'RSA';
  return keyType.toUpperCase();
}

/** Key blobs the known_hosts file holds for this host (ssh-keygen -F also finds hashed names). */
export async function knownKeyBlobs(file: string, host: string, port: number | null): Promise<string[]> {
  if (!fs.existsSync(file)) return [];
  const { stdout } = await run('ssh-keygen', ['-F', knownHostsName(host, port), '-f', file], { timeout: 10_000 }).catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/)[2]).filter(Boolean);
}

/**
 * Whether ssh will accept the host: 'known' (a stored key matches what the host offers now), or
 * the details to show ('unknown': none stored; 'changed': stored, but the host offers another).
 * null when the host does not answer (the connection attempt then says so).
 */
export async function checkHostKey(file: string, host: string, port: number | null): Promise<'known' | HostKeyInfo | null> {
  const known = await knownKeyBlobs(file, host, port);
  const scanned = await scanHostKeys(host, port);
  if (!scanned.length) return known.length ? 'known' : null;
  if (scanned.some((k) => known.includes(k.blob))) return 'known';
  return {
    host,
    port: port ?? 22,
    status: known.length ? 'changed' : 'unknown',
    keys: scanned.map((k) => ({ type: typeLabel(k.type), fingerprint: k.fingerprint })),
  };
}

/**
 * Adds the host key whose fingerprint the user accepted. Refused when the host offers no key with
 * that fingerprint now, or when another key is stored for it (a changed key is never replaced here).
 */
export async function acceptHostKey(file: string, host: string, port: number | null, fingerprint: string): Promise<void> {
  const name = knownHostsName(host, port);
  if ((await knownKeyBlobs(file, host, port)).length) {
    const state = await checkHostKey(file, host, port);
    if (state === 'known') return;
    throw new Error(englishText(M('error.remote.acceptedKeyChanged', { host: name, entry: name, file })));
  }
  const scanned = await scanHostKeys(host, port);
  if (!scanned.length) throw new Error(`${name} does not answer on its SSH port: cannot read its host key`);
  const key = scanned.find((k) => k.fingerprint === fingerprint);
  if (!key) {
    throw new Error(`${name} now offers a host key with another fingerprint (${scanned.map((k) => k.fingerprint).join(', ')}) than the one you accepted (${fingerprint}): nothing was added`);
  }
  fs.appendFileSync(file, `${name} ${key.type} ${key.blob}\n`, { mode: 0o600 });
}
