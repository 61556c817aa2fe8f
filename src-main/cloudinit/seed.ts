// cloud-init NoCloud seed: user-data and meta-data (YAML built with the yaml library, never by
// pasting user strings) in an ISO 9660 image labelled "cidata", made with Debian's genisoimage
// (or xorriso's genisoimage mode). The password goes in only as a SHA-512 crypt hash
// (`openssl passwd -6`), so the seed never holds it in clear text.
import { hostnameFromName } from '../contract/rules';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import type { CloudInit } from '../contract';
import { ApiError } from '../contract';

const run = promisify(execFile);

/**
 * A seed tool that is missing or failed: names the tool and why (its exit code and the last
 * line of its stderr, or how to install it). INVALID_INPUT like the other host-tool problems
 * (qemu-img): the user can fix it.
 */
export class SeedToolError extends ApiError {
  constructor(readonly tool: string, message: string) {
    super('INVALID_INPUT', message);
  }
}

const lastLine = (text: string | undefined): string => (text ?? '').trim().split('\n').filter((l) => l.trim()).pop()?.trim() ?? '';

/** "exit 2: <last stderr line>", "killed by SIGTERM", … */
function failure(e: { code?: unknown; signal?: unknown; killed?: boolean }, stderr: string | undefined): string {
  const how = e.killed || typeof e.signal === 'string' ? `stopped${e.signal ? ` by ${String(e.signal)}` : ''} (took too long?)` : `exit ${typeof e.code === 'number' ? e.code : '?'}`;
  const line = lastLine(stderr);
  return line ? `${how}: ${line}` : how;
}

/** A host name from a VM name: letters, digits and '-', at most 63 characters. */
export { hostnameFromName };

/**
 * cloud-init reads user-data with PyYAML, i.e. YAML 1.1, where a plain `on`, `no` or `yes` is a
 * boolean: write 1.1 so such strings get quoted. No line folding (keys stay on one line).
 */
export const YAML_OPTIONS = { version: '1.1', lineWidth: 0 } as const;

/** `openssl passwd -stdin` reads at most this many bytes of a password and drops the rest. */
export const PASSWORD_MAX_BYTES = 255;

export interface SeedContent {
  userData: string;
  metaData: string;
}

/** NoCloud meta-data: the instance id (a new one makes cloud-init run again) and the host name. */
export function metaDataYaml(instanceId: string, hostname: string): string {
  return stringify({ 'instance-id': instanceId, 'local-hostname': hostname }, YAML_OPTIONS);
}

/** The seed's two files. `passwordHash` is a crypt(3) hash ($6$…) or undefined. */
export function seedContent(ci: CloudInit, o: { instanceId: string; hostname: string; passwordHash?: string }): SeedContent {
  const user: Record<string, unknown> = {
    name: ci.user,
    gecos: ci.user,
    shell: '/bin/bash',
    sudo: 'ALL=(ALL) NOPASSWD:ALL',
    lock_passwd: o.passwordHash === undefined,
  };
  if (o.passwordHash) user.passwd = o.passwordHash;
  if (ci.sshKey) user.ssh_authorized_keys = [ci.sshKey];
  const config: Record<string, unknown> = {
    hostname: o.hostname,
    preserve_hostname: false,
    users: [user],
    ssh_pwauth: o.passwordHash !== undefined,
  };
  return {
    userData: `#cloud-config\n${stringify(config, YAML_OPTIONS)}`,
    metaData: metaDataYaml(o.instanceId, o.hostname),
  };
}

/** SHA-512 crypt hash of a password ($6$…), via `openssl passwd -6 -stdin` (the password never appears in argv). */
export async function hashPassword(password: string): Promise<string> {
  if (Buffer.byteLength(password) > PASSWORD_MAX_BYTES) throw new Error(`the password is longer than ${PASSWORD_MAX_BYTES} bytes`);
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['passwd', '-6', '-stdin'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(new SeedToolError('openssl', e.code === 'ENOENT' ? 'openssl is not installed: apt install openssl (it hashes the cloud-init password)' : `openssl could not be run: ${e.message}`)),
    );
    child.on('close', (code, signal) => {
      const hash = out.trim();
      if (code === 0 && hash.startsWith('$6$')) resolve(hash);
      else reject(new SeedToolError('openssl', `openssl passwd could not hash the cloud-init password (${failure({ code: code ?? undefined, signal }, err) || 'no hash in its output'})`));
    });
    // A tool that exits without reading (missing, broken) closes the pipe: 'close' reports it.
    child.stdin.on('error', () => undefined);
    child.stdin.end(`${password}\n`);
  });
}

/** Writes the NoCloud seed ISO to `out`. */
export async function writeSeedIso(content: SeedContent, out: string): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'virtdesk-seed-'));
  try {
    await fs.writeFile(path.join(dir, 'user-data'), content.userData, { mode: 0o600 });
    await fs.writeFile(path.join(dir, 'meta-data'), content.metaData, { mode: 0o600 });
    const args = ['-quiet', '-output', out, '-volid', 'cidata', '-joliet', '-rock', path.join(dir, 'user-data'), path.join(dir, 'meta-data')];
    const tools: [string, string[]][] = [
      ['genisoimage', args],
      ['xorriso', ['-as', 'genisoimage', ...args]],
    ];
    const missing: string[] = [];
    for (const [tool, argv] of tools) {
      try {
        await run(tool, argv, { timeout: 60_000 });
        return;
      } catch (e) {
        const err = e as { code?: unknown; signal?: unknown; killed?: boolean; stderr?: string; message?: string };
        if (err.code === 'ENOENT') {
          missing.push(tool);
          continue;
        }
        if (typeof err.code === 'string') throw new SeedToolError(tool, `${tool} could not be run to build the cloud-init seed ISO: ${err.message ?? err.code}`);
        throw new SeedToolError(tool, `${tool} could not build the cloud-init seed ISO (${failure(err, err.stderr)})`);
      }
    }
    throw new SeedToolError(missing[0], `cannot build the cloud-init seed ISO: ${missing.join(' and ')} not installed: apt install genisoimage`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
