// lab.validate on a hostile 256 KiB lab text through the real browser-mode server process (real
// core, in-memory test:///default connection): the server keeps answering other calls while it
// validates, and the reply stays small. It froze for 8–29 s and sent 3.5 MB when the lookup of
// lines was quadratic and every problem was listed.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const LINE = /^Virtdesk: http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]{43})$/;
const CONNECTION = 'test:///default';
const HEAD = 'name: vdt-labsize\nbase: { image: /b.qcow2 }\nmachines:\n  - { name: a, memoryMiB: 64, vcpus: 1 }\n';
/**
 * How long another call may wait while a 256 KiB file is validated. yaml itself needs about half
 * a second of CPU for such a file on a quiet machine (more when the test machine is busy); the
 * quadratic lookup took 8–29 s.
 */
const MAX_WAIT_MS = 5000;

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
}

/** One socket; call() resolves with the reply and its size in bytes. */
function connect(port: number, token: string): Promise<{ call(method: string, input: unknown): Promise<{ reply: Reply; bytes: number }>; close(): void }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, [`virtdesk.${token}`]);
    const waiting = new Map<number, (r: { reply: Reply; bytes: number }) => void>();
    let nextId = 1;
    ws.on('message', (data: Buffer) => {
      const reply = JSON.parse(String(data)) as Reply;
      waiting.get(reply.id)?.({ reply, bytes: data.length });
      waiting.delete(reply.id);
    });
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        call(method, input) {
          const id = nextId++;
          return new Promise((r) => {
            waiting.set(id, r);
            ws.send(JSON.stringify({ id, method, input }));
          });
        },
        close: () => ws.close(),
      }),
    );
  });
}

describe('lab.validate on a 256 KiB file, through the browser-mode server', () => {
  let settingsDir: string;
  let child: ChildProcess;
  let exited: Promise<unknown>;
  let port = 0;
  let token = '';

  beforeAll(async () => {
    settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-labsize-'));
    child = spawn(TSX, ['src-main/server/main.ts', '--port', '0', '--settings-dir', settingsDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    exited = new Promise((r) => child.once('exit', r));
    let out = '';
    let err = '';
    child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
    const until = Date.now() + 60_000;
    while (!out.includes('\n') && child.exitCode === null && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    const m = LINE.exec(out.split('\n')[0] ?? '');
    if (!m) throw new Error(`unexpected stdout: ${JSON.stringify(out)}\nstderr: ${err}`);
    port = Number(m[1]);
    token = m[2] as string;
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    if (settingsDir) fs.rmSync(settingsDir, { recursive: true, force: true });
  });

  it('keeps answering settings.get while it validates, and replies with 100 problems and a summary', async () => {
    const validator = await connect(port, token);
    const other = await connect(port, token);
    try {
      // The connection's host process starts here, not during the measured call.
      const warm = await validator.call('lab.validate', { connection: CONNECTION, text: `${HEAD}colour: blue\n` });
      expect(warm.reply).toMatchObject({ ok: true, result: { ok: false, errors: [{ line: 5, text: 'lab.yaml:5: colour: unknown field' }] } });

      const parts = [HEAD];
      let bytes = HEAD.length;
      let keys = 0;
      for (;;) {
        const line = `k${keys}: 1\n`;
        if (bytes + line.length > 256 * 1024) break;
        parts.push(line);
        bytes += line.length;
        keys++;
      }
      const validation = validator.call('lab.validate', { connection: CONNECTION, text: parts.join(''), fileName: 'big.lab.yaml' });
      let done = false;
      void validation.then(() => (done = true));
      const waits: number[] = [];
      while (!done) {
        const t0 = performance.now();
        const { reply } = await other.call('settings.get', {});
        waits.push(performance.now() - t0);
        expect(reply.ok).toBe(true);
        await new Promise((r) => setTimeout(r, 20));
      }
      const { reply, bytes: replyBytes } = await validation;
      expect(Math.max(...waits)).toBeLessThan(MAX_WAIT_MS);
      expect(reply.ok).toBe(true);
      const result = reply.result as { ok: boolean; errors: { line: number | null; text: string; message: string }[] };
      expect(result.ok).toBe(false);
      expect(result.errors).toHaveLength(101);
      expect(result.errors[0].text).toBe('big.lab.yaml:5: k0: unknown field');
      expect(result.errors.slice(0, 100).every((e) => typeof e.line === 'number')).toBe(true);
      expect(result.errors[100].message).toBe(`and ${keys - 100} more problems`);
      expect(replyBytes).toBeLessThan(20_000);
    } finally {
      validator.close();
      other.close();
    }
  });

  it('refuses text over 256 KiB with a clear error before parsing it', async () => {
    const c = await connect(port, token);
    try {
      const { reply } = await c.call('lab.validate', { connection: CONNECTION, text: `${HEAD}#${'x'.repeat(256 * 1024)}\n` });
      expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('a lab file may be at most 262144 bytes (256 KiB)') } });
    } finally {
      c.close();
    }
  });
});
