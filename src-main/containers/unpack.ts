// Unpacks a root filesystem tarball into a new folder with `tar`, reporting progress as bytes of
// the tarball read. The compression is read from the first bytes (tar cannot detect it on a pipe).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';

const MAGIC: [number[], string][] = [
  [[0x1f, 0x8b], '-z'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], '-J'],
  [[0x28, 0xb5, 0x2f, 0xfd], '--zstd'],
  [[0x42, 0x5a, 0x68], '-j'],
];

async function compressionFlag(file: string): Promise<string[]> {
  const fh = await fsp.open(file, 'r');
  try {
    const { buffer } = await fh.read(Buffer.alloc(8), 0, 8, 0);
    const hit = MAGIC.find(([m]) => m.every((b, i) => buffer[i] === b));
    return hit ? [hit[1]] : [];
  } finally {
    await fh.close();
  }
}

/** Why `folder` cannot take a new root filesystem (exists and is not empty), or null. */
export async function unpackTargetProblem(folder: string): Promise<string | null> {
  const entries = await fsp.readdir(folder).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? [] : null));
  if (entries === null) return `'${folder}' is not a folder`;
  return entries.length ? `'${folder}' is not empty; choose a new folder to unpack into` : null;
}

/** Unpacks `tarball` into `folder` (created); on failure removes what it unpacked. */
export async function unpackTarball(tarball: string, folder: string, progress: (done: number, total: number) => void): Promise<void> {
  const total = (await fsp.stat(tarball)).size;
  const flags = await compressionFlag(tarball);
  const created = !fs.existsSync(folder);
  await fsp.mkdir(folder, { recursive: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const tar = spawn('tar', ['-x', ...flags, '--numeric-owner', '-p', '-C', folder, '-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      let done = 0;
      let lastReport = 0;
      tar.stderr.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-4000);
      });
      const input = fs.createReadStream(tarball);
      input.on('data', (chunk) => {
        done += chunk.length;
        if (Date.now() - lastReport > 200 || done === total) {
          lastReport = Date.now();
          progress(done, total);
        }
      });
      input.on('error', reject);
      tar.stdin.on('error', () => undefined);
      input.pipe(tar.stdin);
      tar.on('error', reject);
      tar.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar could not unpack '${tarball}': ${stderr.trim().split('\n').slice(-3).join('; ') || `exit code ${code}`}`))));
    });
  } catch (e) {
    if (created) await fsp.rm(folder, { recursive: true, force: true });
    else for (const entry of await fsp.readdir(folder).catch(() => [])) await fsp.rm(`${folder}/${entry}`, { recursive: true, force: true });
    throw e;
  }
}
