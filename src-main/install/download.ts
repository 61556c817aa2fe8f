// Downloads a file over http(s) into a local file, reporting bytes as they arrive. A download
// that stalls (no bytes for idleMs) or grows past maxBytes is aborted; the partial file is removed.
// Where it may go: url-target.ts (policy).
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { UrlTargetError, requestUrl, type UrlPolicy, type UrlResponse } from './url-target';

export interface DownloadOptions {
  onProgress?: (p: { done: number; total?: number }) => void;
  idleMs?: number;
  maxBytes?: number;
  /** Which targets are refused (default: none but non-http(s) schemes). */
  policy?: UrlPolicy;
}

export async function downloadFile(url: string, dest: string, o: DownloadOptions = {}): Promise<{ bytes: number }> {
  const idleMs = o.idleMs ?? 30_000;
  const maxBytes = o.maxBytes ?? 2 * 2 ** 30;
  const abort = new AbortController();
  let idle: NodeJS.Timeout | undefined;
  let why = '';
  const stall = () => {
    why = `no data for ${idleMs >= 1000 ? `${Math.round(idleMs / 1000)} s` : `${idleMs} ms`}`;
    abort.abort();
  };
  const kick = () => {
    clearTimeout(idle);
    idle = setTimeout(stall, idleMs);
  };
  kick();
  let out: fs.WriteStream | undefined;
  try {
    let res: UrlResponse;
    try {
      res = await requestUrl(url, { signal: abort.signal, ...(o.policy ? { policy: o.policy } : {}) });
    } catch (e) {
      if (e instanceof UrlTargetError) throw e;
      const err = e as Error & { code?: string };
      throw new Error(`${url} does not answer (${why || err.code || err.message})`);
    }
    if (res.status < 200 || res.status > 299) {
      res.body.destroy();
      throw new Error(`${url} answered HTTP ${res.status}`);
    }
    const length = Number(res.headers['content-length']);
    const total = Number.isFinite(length) && length > 0 ? length : undefined;
    const body = res.body;
    if (total && total > maxBytes) {
      body.destroy();
      throw new Error(`${url} is ${total} bytes, more than the ${maxBytes} allowed`);
    }
    abort.signal.addEventListener('abort', () => body.destroy(new Error(why || 'aborted')), { once: true });
    let done = 0;
    let lastReport = 0;
    body.on('data', (chunk: Buffer) => {
      kick();
      done += chunk.length;
      if (done > maxBytes) {
        why = `more than ${maxBytes} bytes`;
        abort.abort();
      }
      const now = Date.now();
      if (now - lastReport >= 200) {
        lastReport = now;
        o.onProgress?.({ done, ...(total ? { total } : {}) });
      }
    });
    try {
      out = fs.createWriteStream(dest, { mode: 0o644 });
      await pipeline(body, out);
    } catch (e) {
      throw new Error(`downloading ${url} failed: ${why || (e as Error).message}`);
    }
    o.onProgress?.({ done, total: total ?? done });
    return { bytes: done };
  } catch (e) {
    // The file may still be opening when the download fails: remove it only once it is closed.
    if (out && !out.closed) await new Promise<void>((resolve) => out!.once('close', () => resolve()));
    await fs.promises.rm(dest, { force: true });
    throw e;
  } finally {
    clearTimeout(idle);
  }
}
