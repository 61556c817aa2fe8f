// A minimal RFB 3.8 client for tests and the console benchmark: security type None, Raw
// encoding only. It reads from any byte transport — the app's VNC WebSocket (binary frames) or
// the guest's VNC TCP port — so the same code measures both paths.
import net from 'node:net';
import WebSocket from 'ws';

/** Bytes in arrival order; read(n) copies, skip(n) discards without copying. */
export class ByteReader {
  private chunks: Buffer[] = [];
  /** performance.now() at the arrival of each chunk (parallel to chunks). */
  private times: number[] = [];
  private length = 0;
  private waiter: { n: number; resolve: () => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  /** Every byte ever pushed (throughput accounting). */
  total = 0;
  /** The first chunk (WebSocket frame / TCP read) that arrived. */
  first: Buffer | null = null;

  push(b: Buffer): void {
    this.first ??= Buffer.from(b);
    this.chunks.push(b);
    this.times.push(performance.now());
    this.length += b.length;
    this.total += b.length;
    if (this.waiter && this.length >= this.waiter.n) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve();
    }
  }

  fail(e: Error): void {
    this.failure ??= e;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(e);
  }

  private need(n: number): Promise<void> | null {
    if (this.length >= n) return null;
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiter = { n, resolve, reject }));
  }

  private shift(): void {
    this.chunks.shift();
    this.times.shift();
  }

  /** Waits for the next unread byte; returns when (performance.now()) its chunk arrived. */
  async nextByteAt(): Promise<number> {
    await this.need(1);
    return this.times[0]!;
  }

  async read(n: number): Promise<Buffer> {
    await this.need(n);
    if (this.chunks[0]!.length >= n) {
      const head = this.chunks[0]!;
      const out = head.subarray(0, n);
      if (head.length === n) this.shift();
      else this.chunks[0] = head.subarray(n);
      this.length -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const head = this.chunks[0]!;
      const take = Math.min(head.length, n - off);
      head.copy(out, off, 0, take);
      off += take;
      if (take === head.length) this.shift();
      else this.chunks[0] = head.subarray(take);
    }
    this.length -= n;
    return out;
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      await this.need(1);
      while (left > 0 && this.chunks.length) {
        const head = this.chunks[0]!;
        const take = Math.min(head.length, left);
        if (take === head.length) this.shift();
        else this.chunks[0] = head.subarray(take);
        this.length -= take;
        left -= take;
      }
    }
  }
}

export interface ByteTransport {
  reader: ByteReader;
  write(b: Buffer): void;
  close(): void;
  /** The WebSocket subprotocol the server chose, if any. */
  protocol?: string;
}

/** RFB over the app's console WebSocket. Rejects with the HTTP status on a refused upgrade. */
export function wsTransport(url: string, o: { origin?: string } = {}): Promise<ByteTransport> {
  return new Promise((resolve, reject) => {
    const reader = new ByteReader();
    const ws = new WebSocket(url, ['binary'], { perMessageDeflate: false, ...(o.origin ? { origin: o.origin } : {}) });
    ws.binaryType = 'nodebuffer';
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => reject(Object.assign(new Error(`upgrade refused: HTTP ${res.statusCode}: ${body.trim()}`), { status: res.statusCode, body })));
    });
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) reader.fail(new Error('text frame on the RFB WebSocket'));
      else reader.push(data);
    });
    ws.once('error', (e) => {
      reader.fail(e);
      reject(e);
    });
    ws.once('close', (code, reason) => reader.fail(new Error(`WebSocket closed (${code} ${reason.toString()})`)));
    ws.once('open', () =>
      resolve({
        reader,
        write: (b) => ws.send(b, { binary: true }),
        close: () => ws.terminate(),
        protocol: ws.protocol,
      }),
    );
  });
}

/** RFB straight to a VNC TCP port (the benchmark's reference path). */
export function tcpTransport(port: number, host = '127.0.0.1'): Promise<ByteTransport> {
  return new Promise((resolve, reject) => {
    const reader = new ByteReader();
    const s = net.connect({ port, host, noDelay: true });
    s.on('data', (d: Buffer) => reader.push(d));
    s.once('error', (e) => {
      reader.fail(e);
      reject(e);
    });
    s.once('close', () => reader.fail(new Error('TCP connection closed')));
    s.once('connect', () => resolve({ reader, write: (b) => void s.write(b), close: () => s.destroy() }));
  });
}

export interface ServerInit {
  version: string;
  width: number;
  height: number;
  bitsPerPixel: number;
  name: string;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
  encoding: number;
}

export class RfbClient {
  private constructor(readonly t: ByteTransport, readonly init: ServerInit) {}

  /** Version 3.8, security None, ClientInit shared=1 → ServerInit. */
  static async handshake(t: ByteTransport): Promise<RfbClient> {
    const r = t.reader;
    const version = (await r.read(12)).toString('latin1');
    if (!version.startsWith('RFB 003.')) throw new Error(`not an RFB server: ${JSON.stringify(version)}`);
    t.write(Buffer.from('RFB 003.008\n', 'latin1'));
    const count = (await r.read(1))[0]!;
    if (count === 0) {
      const len = (await r.read(4)).readUInt32BE(0);
      throw new Error(`the server refused: ${(await r.read(len)).toString('utf8')}`);
    }
    const types = [...(await r.read(count))];
    if (!types.includes(1)) throw new Error(`security type None not offered (offered: ${types.join(', ')})`);
    t.write(Buffer.from([1]));
    const result = (await r.read(4)).readUInt32BE(0);
    if (result !== 0) throw new Error(`security handshake failed (${result})`);
    t.write(Buffer.from([1])); // ClientInit: shared
    const si = await r.read(24);
    const width = si.readUInt16BE(0);
    const height = si.readUInt16BE(2);
    const bitsPerPixel = si[4]!;
    const name = (await r.read(si.readUInt32BE(20))).toString('utf8');
    return new RfbClient(t, { version: version.trim(), width, height, bitsPerPixel, name });
  }

  /** SetEncodings (message 2). */
  setEncodings(encodings: number[]): void {
    const b = Buffer.alloc(4 + 4 * encodings.length);
    b[0] = 2;
    b.writeUInt16BE(encodings.length, 2);
    encodings.forEach((e, i) => b.writeInt32BE(e, 4 + 4 * i));
    this.t.write(b);
  }

  /** FramebufferUpdateRequest (message 3). */
  requestUpdate(incremental: boolean, x = 0, y = 0, w = this.init.width, h = this.init.height): void {
    const b = Buffer.alloc(10);
    b[0] = 3;
    b[1] = incremental ? 1 : 0;
    b.writeUInt16BE(x, 2);
    b.writeUInt16BE(y, 4);
    b.writeUInt16BE(w, 6);
    b.writeUInt16BE(h, 8);
    this.t.write(b);
  }

  /**
   * Reads server messages until a FramebufferUpdate; returns its rectangles (pixel data of Raw
   * rectangles is skipped, not copied). `first` is the message-type byte already read, if any.
   */
  async readUpdate(first?: number): Promise<Rect[]> {
    const r = this.t.reader;
    let type = first ?? (await r.read(1))[0]!;
    for (;;) {
      if (type === 0) break;
      if (type === 1) {
        const h = await r.read(5); // pad, first colour, count
        await r.skip(h.readUInt16BE(3) * 6);
      } else if (type === 2) {
        /* Bell */
      } else if (type === 3) {
        const h = await r.read(7);
        await r.skip(h.readUInt32BE(3));
      } else {
        throw new Error(`unexpected RFB server message type ${type}`);
      }
      type = (await r.read(1))[0]!;
    }
    const n = (await r.read(3)).readUInt16BE(1);
    const rects: Rect[] = [];
    const bpp = this.init.bitsPerPixel / 8;
    for (let i = 0; i < n; i++) {
      const h = await r.read(12);
      const rect = { x: h.readUInt16BE(0), y: h.readUInt16BE(2), w: h.readUInt16BE(4), h: h.readUInt16BE(6), encoding: h.readInt32BE(8) };
      if (rect.encoding === 0) await r.skip(rect.w * rect.h * bpp);
      else if (rect.encoding === -223 || rect.encoding === -258) {
        /* DesktopSize, QEMU extended key event ack: no data */
      } else if (rect.encoding === -308) {
        const screens = (await r.read(4))[0]!; // ExtendedDesktopSize: count, 3 × pad, 16 bytes each
        await r.skip(16 * screens);
      } else throw new Error(`unexpected encoding ${rect.encoding} (only Raw and pseudo-encodings without pixels are supported)`);
      rects.push(rect);
    }
    return rects;
  }

  close(): void {
    this.t.close();
  }
}
