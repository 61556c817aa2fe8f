// Benchmark group for the embedded consoles, on the REAL qemu:///system daemon with the tiny
// TCG guest (defined, started and removed here):
// - vncProxyThroughputRatio: bytes/s of a long RFB framebuffer stream (non-incremental full
//   updates of the whole 720×400 screen, Raw encoding only, one request in flight) read through
//   the app's proxy (WebSocket on the browser-mode server → VNC proxy → libvirt graphics fd) ÷
//   the same stream read straight from the guest's VNC TCP port (graphics/@port of the live
//   XML, listening on 127.0.0.1), same run, ~3 s each way in alternating halves. QEMU paces full
//   updates by its display refresh (at best one per 30 ms, while the screen changes — the
//   guest's screen is kept busy for this), so the ratio says whether the proxy keeps up with
//   the fastest stream QEMU produces, not the proxy's own ceiling.
// - vncProxyAddedLatencyMs: median(proxy) − median(direct) of the time from a non-incremental
//   FramebufferUpdateRequest for a 1×1 region to the first byte of its reply (QEMU's immediate
//   ExtendedDesktopSize answer, see latency()), ~200 samples each.
// - serialEchoMs: median time from one character sent with core.call('console.write') to its
//   echo arriving as a console.data event, ~50 samples.
// The RFB client runs in a child process (like a browser, it does not share the app's JS
// thread), the same child for both paths.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, type Core } from '../src-main/api/core';
import type { VmDetails } from '../src-main/contract';
import { browserConsoleUpgrades } from '../src-main/consoles/server-upgrades';
import { nodeHostSpawner } from '../src-main/libvirt/node-host-spawner';
import { generateToken, startServer, type RunningServer } from '../src-main/server/server';
import { SYSTEM_URI, TINY_GUEST_MARKER, tinyGuestXml, uniqueName } from '../test/support/tiny-guest';
import { RfbClient, tcpTransport, wsTransport, type ByteTransport } from '../test/unit/consoles/rfb-client';
import { type GroupResult, fmtMs, median, now, percentile, round } from './lib';

const CLIENT_ENV = 'VIRTDESK_BENCH_CONSOLE_CLIENT';

type Target = { ws: string } | { tcp: number };
type ClientAsk = { kind: 'throughput'; target: Target; seconds: number } | { kind: 'latency'; target: Target; samples: number; warmup: number };
type ClientRequest = ClientAsk & { id: number };
type ClientReply = { id: number; ok: true; result: ThroughputResult | LatencyResult } | { id: number; ok: false; error: string };
interface ThroughputResult {
  bytes: number;
  seconds: number;
  frames: number;
  width: number;
  height: number;
}
interface LatencyResult {
  samplesMs: number[];
}

// ---------------------------------------------------------------------------------------------
// The client side (child process).

async function open(target: Target, encodings: number[]): Promise<RfbClient> {
  const t: ByteTransport = 'ws' in target ? await wsTransport(target.ws) : await tcpTransport(target.tcp);
  const rfb = await RfbClient.handshake(t);
  rfb.setEncodings(encodings);
  return rfb;
}

async function throughput(target: Target, seconds: number): Promise<ThroughputResult> {
  const rfb = await open(target, [0]); // Raw only: the bytes are the screen, no encoder in between
  try {
    const r = rfb.t.reader;
    // Warm-up: a few frames (JIT, socket buffers).
    for (let i = 0; i < 5; i++) {
      rfb.requestUpdate(false);
      await rfb.readUpdate();
    }
    const startBytes = r.total;
    const t0 = now();
    let frames = 0;
    while (now() - t0 < seconds * 1000) {
      rfb.requestUpdate(false);
      await rfb.readUpdate();
      frames++;
    }
    const elapsed = (now() - t0) / 1000;
    return { bytes: r.total - startBytes, seconds: elapsed, frames, width: rfb.init.width, height: rfb.init.height };
  } finally {
    rfb.close();
  }
}

/**
 * QEMU (≥ 6) sends the pixels of a requested update only at its next display refresh tick
 * (30 ms to seconds, adaptive), which would swamp a sub-millisecond difference. With the
 * ExtendedDesktopSize pseudo-encoding (-308) enabled, QEMU answers a non-incremental request at
 * once with an ExtendedDesktopSize rectangle: that reply's first byte is what is timed. The
 * 1×1 pixel updates arriving later at refresh ticks are read and skipped.
 */
async function latency(target: Target, samples: number, warmup: number): Promise<LatencyResult> {
  const rfb = await open(target, [0, -308]);
  try {
    const r = rfb.t.reader;
    const out: number[] = [];
    for (let i = 0; i < warmup + samples; i++) {
      const t0 = now();
      rfb.requestUpdate(false, 0, 0, 1, 1);
      for (;;) {
        const at = await r.nextByteAt();
        const rects = await rfb.readUpdate();
        if (!rects.some((x) => x.encoding === -308)) continue; // a refresh tick's pixels
        if (i >= warmup) out.push(at - t0);
        break;
      }
      await new Promise((res) => setTimeout(res, 2));
    }
    return { samplesMs: out };
  } finally {
    rfb.close();
  }
}

function runClient(): void {
  process.on('message', (m: ClientRequest) => {
    const work = m.kind === 'throughput' ? throughput(m.target, m.seconds) : latency(m.target, m.samples, m.warmup);
    work.then(
      (result) => process.send?.({ id: m.id, ok: true, result } satisfies ClientReply),
      (e: unknown) => process.send?.({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) } satisfies ClientReply),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.env[CLIENT_ENV] === '1') runClient();

// ---------------------------------------------------------------------------------------------
// The app side (bench process).

function startClient(): { ask: <T>(req: ClientAsk) => Promise<T>; stop: () => void; child: ChildProcess } {
  const child = fork(__filename, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, [CLIENT_ENV]: '1' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
  let id = 0;
  child.on('message', (m: ClientReply) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.ok) w?.resolve(m.result as never);
    else w?.reject(new Error(m.error));
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`the bench client exited (${code})`));
    waiting.clear();
  });
  return {
    child,
    ask: <T,>(req: ClientAsk) =>
      new Promise<T>((resolve, reject) => {
        const n = ++id;
        waiting.set(n, { resolve: resolve as (v: never) => void, reject });
        child.send({ ...req, id: n });
      }),
    stop: () => {
      if (child.connected) child.disconnect();
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    },
  };
}

async function waitUntil(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Times each echo from the console.data event itself (no polling). */
async function serialEcho(core: Core, sessionId: string, samples: number): Promise<number[]> {
  const out: number[] = [];
  const send = (text: string): Promise<unknown> => core.call('console.write', { sessionId, data: Buffer.from(text, 'latin1').toString('base64') });
  let waiting: ((at: number) => void) | null = null;
  const stop = core.onEvent((e) => {
    if (e.type !== 'console.data' || e.sessionId !== sessionId || !waiting) return;
    if (Buffer.from(String(e.data), 'base64').includes('x')) {
      const w = waiting;
      waiting = null;
      w(now());
    }
  });
  try {
    for (let i = 0; i < samples + 5; i++) {
      const echoed = new Promise<number>((resolve, reject) => {
        waiting = resolve;
        setTimeout(() => reject(new Error('no echo from the guest within 5 s')), 5000).unref();
      });
      const t0 = now();
      await send('x');
      const at = await echoed;
      if (i >= 5) out.push(at - t0);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    stop();
  }
  await send('\x15\n'); // Ctrl-U: drop the typed line
  return out;
}

export async function consolesGroup(o: { seconds?: number; latencySamples?: number; echoSamples?: number } = {}): Promise<GroupResult> {
  const seconds = o.seconds ?? 3;
  const latencySamples = o.latencySamples ?? 200;
  const echoSamples = o.echoSamples ?? 50;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdbench-consoles-'));
  const core = createCore({ spawnHost: nodeHostSpawner, settingsDir: dir });
  const name = uniqueName('vdbench-consoles');
  const vm = { name };
  let server: RunningServer | null = null;
  const client = startClient();
  try {
    server = await startServer({
      dispatcher: core,
      staticDir: dir,
      port: 0,
      token: generateToken(),
      onOtherUpgrade: browserConsoleUpgrades(core.vncProxy, () => server),
    });
    const base = `ws://127.0.0.1:${server.port}`;
    const { client: host } = await core.connections.client(SYSTEM_URI);
    await host.api.defineDomain(tinyGuestXml(name));
    await core.call('vm.start', { connection: SYSTEM_URI, vm });

    // Serial console: wait for the guest's shell (also gives the screen its boot text).
    const { sessionId } = (await core.call('console.open', { connection: SYSTEM_URI, vm, force: true })) as { sessionId: string };
    let serial = '';
    const stopEvents = core.onEvent((e) => {
      if (e.type === 'console.data' && e.sessionId === sessionId) serial += Buffer.from(String(e.data), 'base64').toString('latin1');
    });
    await waitUntil('the tiny guest to boot', () => serial.includes(TINY_GUEST_MARKER), 90_000);
    await new Promise((r) => setTimeout(r, 1000)); // let the shell settle (prompt, cursor query)
    const echo = await serialEcho(core, sessionId, echoSamples);
    stopEvents();
    await core.call('console.close', { sessionId });

    const details = (await core.call('vm.get', { connection: SYSTEM_URI, vm })) as VmDetails;
    const vnc = details.graphics.find((g) => g.type === 'vnc');
    if (!vnc?.port || vnc.listen !== '127.0.0.1') throw new Error(`unexpected VNC graphics in the live XML: ${JSON.stringify(details.graphics)}`);
    const direct: Target = { tcp: vnc.port };
    const viaProxy = async (): Promise<Target> => {
      const t = (await core.call('console.vncTicket', { connection: SYSTEM_URI, vm })) as { path: string };
      return { ws: base + t.path };
    };

    // QEMU paces full updates by its display refresh: ~every 150 ms on a static text screen,
    // every 30 ms (its fastest) while the screen changes. Keep the guest's screen busy so the
    // stream runs at that fastest rate, as when a user watches output scroll.
    const { sessionId: busySession } = (await core.call('console.open', { connection: SYSTEM_URI, vm, force: true })) as { sessionId: string };
    const guest = (cmd: string): Promise<unknown> => core.call('console.write', { sessionId: busySession, data: Buffer.from(`${cmd}\n`).toString('base64') });
    await guest('while :; do echo $RANDOM$RANDOM$RANDOM$RANDOM; done > /dev/tty0 & BUSY=$!');
    await new Promise((r) => setTimeout(r, 1000));

    // Alternate the order (direct, proxy, proxy, direct) so drift in the guest does not favour one.
    const tp = { direct: [] as ThroughputResult[], proxy: [] as ThroughputResult[] };
    tp.direct.push(await client.ask<ThroughputResult>({ kind: 'throughput', target: direct, seconds: seconds / 2 }));
    tp.proxy.push(await client.ask<ThroughputResult>({ kind: 'throughput', target: await viaProxy(), seconds: seconds / 2 }));
    tp.proxy.push(await client.ask<ThroughputResult>({ kind: 'throughput', target: await viaProxy(), seconds: seconds / 2 }));
    tp.direct.push(await client.ask<ThroughputResult>({ kind: 'throughput', target: direct, seconds: seconds / 2 }));
    const rate = (rs: ThroughputResult[]): number => rs.reduce((a, r) => a + r.bytes, 0) / rs.reduce((a, r) => a + r.seconds, 0);
    const directRate = rate(tp.direct);
    const proxyRate = rate(tp.proxy);
    await guest('kill $BUSY');
    await core.call('console.close', { sessionId: busySession });
    await new Promise((r) => setTimeout(r, 500));

    const latDirect = (await client.ask<LatencyResult>({ kind: 'latency', target: direct, samples: latencySamples, warmup: 20 })).samplesMs;
    const latProxy = (await client.ask<LatencyResult>({ kind: 'latency', target: await viaProxy(), samples: latencySamples, warmup: 20 })).samplesMs;
    await waitUntil('proxy sessions to end', () => core.vncProxy.activeSessions === 0, 5000).catch(() => undefined);

    const mbps = (bps: number): string => `${round(bps / 1e6, 1)} MB/s`;
    const frames = (rs: ThroughputResult[]): number => rs.reduce((a, r) => a + r.frames, 0);
    const { width, height } = tp.direct[0]!;
    const ratio = proxyRate / directRate;
    const added = median(latProxy) - median(latDirect);
    const serialEchoMs = median(echo);
    return {
      metrics: { vncProxyThroughputRatio: round(ratio), vncProxyAddedLatencyMs: round(added), serialEchoMs: round(serialEchoMs) },
      rows: [
        { what: 'VNC stream direct (TCP port)', value: mbps(directRate), note: `${frames(tp.direct)} full ${width}×${height} Raw frames in ${round(seconds, 1)} s (QEMU-paced)` },
        { what: 'VNC stream through the proxy', value: mbps(proxyRate), note: `${frames(tp.proxy)} frames; WebSocket → proxy → graphics fd` },
        { what: 'throughput ratio proxy/direct', value: String(round(ratio)), note: 'target ≥ 0.9' },
        { what: '1×1 update reply, direct', value: fmtMs(median(latDirect)), note: `median of ${latDirect.length}, p90 ${fmtMs(percentile(latDirect, 90))}` },
        { what: '1×1 update reply, proxy', value: fmtMs(median(latProxy)), note: `median of ${latProxy.length}, p90 ${fmtMs(percentile(latProxy, 90))}` },
        { what: 'added latency (median)', value: fmtMs(added), note: 'target < 1 ms' },
        { what: 'serial echo (console.write → data)', value: fmtMs(serialEchoMs), note: `median of ${echo.length}, p90 ${fmtMs(percentile(echo, 90))}` },
      ],
    };
  } finally {
    client.stop();
    const host = (await core.connections.client(SYSTEM_URI).catch(() => null))?.client;
    await host?.api.destroyDomain(vm).catch(() => undefined);
    await host?.api.undefineDomain(vm, { nvram: true, managedSave: true, snapshotsMetadata: true }).catch(() => undefined);
    await server?.close().catch(() => undefined);
    await core.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
