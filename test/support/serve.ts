// Starts browser mode (`npm run serve` without the build step) and returns its printed URL.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');

export interface Served {
  url: string;
  origin: string;
  token: string;
  settingsDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startServe(o: { settingsDir?: string; args?: string[] } = {}): Promise<Served> {
  if (!fs.existsSync(path.join(ROOT, 'out/renderer/index.html'))) throw new Error('out/renderer is missing: run `npm run build` first (npm test does)');
  const settingsDir = o.settingsDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vdtest-serve-'));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src-main/server/main.ts'), '--port', '0', '--settings-dir', settingsDir, ...(o.args ?? [])], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL within 30 s; stderr: ${stderr}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /^Virtdesk: (\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}; stderr: ${stderr}`)));
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: new URLSearchParams(u.hash.slice(1)).get('token') ?? '',
    settingsDir,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
