// A guest's (or container's) shell on its serial console, for tests: send a command until a
// pattern shows in what came after it. Two ways in: a host-process console stream (the libvirt
// layer alone) or a console session of the core (the path the app's console uses).
import type { Core } from '../../src-main/api/core';
import type { TypedApiEvent } from '../../src-main/contract';
import type { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { consoleText } from './host-events';

interface ShellIo {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class GuestShell {
  private textOf: () => string = () => '';
  /** Why the core ended the session (console.end), if it did. */
  ended: string | null = null;
  private io!: ShellIo;
  private stopListening: () => void = () => undefined;

  /** `resendMs`: how long to wait for the answer before sending the command again (a shell may still be starting). */
  private constructor(private readonly resendMs: number, private readonly note: string) {}

  /** The console of `uuid` through a host process's stream (taken over with force). */
  static async overStream(client: LibvirtHostClient, uuid: string, opts: { resendMs?: number; note?: string } = {}): Promise<GuestShell> {
    const sh = new GuestShell(opts.resendMs ?? 2000, opts.note ?? '');
    const { streamId } = await client.api.openConsole({ uuid }, { force: true });
    const con = consoleText(client, streamId);
    sh.stopListening = con.stop;
    sh.textOf = con.text;
    sh.io = {
      write: (text) => client.api.streamWrite(streamId, new TextEncoder().encode(text)),
      close: () => client.api.streamClose(streamId).then(() => undefined, () => undefined),
    };
    return sh;
  }

  /** A console session of the core (console.open / console.data / console.write / console.end). */
  static async overCore(core: Core, connection: string, vm: string, opts: { resendMs?: number; note?: string } = {}): Promise<GuestShell> {
    const sh = new GuestShell(opts.resendMs ?? 2000, opts.note ?? '');
    let sessionId: string | undefined;
    let text = '';
    sh.textOf = () => text;
    sh.stopListening = core.onEvent((raw) => {
      const e = raw as TypedApiEvent;
      if (!sessionId) return;
      if (e.type === 'console.end' && e.sessionId === sessionId) sh.ended = e.reason;
      if (e.type === 'console.data' && e.sessionId === sessionId) text += Buffer.from(e.data, 'base64').toString('utf8');
    });
    ({ sessionId } = (await core.call('console.open', { connection, vm: { name: vm } })) as { sessionId: string });
    const id = sessionId;
    sh.io = {
      write: async (text) => void (await core.call('console.write', { sessionId: id, data: Buffer.from(text).toString('base64') })),
      close: async () => void (await core.call('console.close', { sessionId: id }).catch(() => undefined)),
    };
    return sh;
  }

  /** Everything the console has shown so far. */
  output(): string {
    return this.textOf();
  }

  private failure(what: string): Error {
    return new Error(`${what}; console ends with ${JSON.stringify(this.textOf().slice(-400))}${this.note ? ` (${this.note})` : ''}`);
  }

  /** Waits until `re` shows anywhere in the output (a boot marker). */
  async waitFor(re: RegExp, timeoutMs = 120_000): Promise<RegExpExecArray> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(this.textOf());
      if (m) return m;
      if (Date.now() > until) throw this.failure(`no ${re} on the console`);
      await sleep(100);
    }
  }

  /** Sends `cmd` (again every resendMs) until `expect` shows in what came after it. */
  async run(cmd: string, expect: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const from = this.textOf().length;
    const until = Date.now() + timeoutMs;
    for (;;) {
      await this.io.write(`${cmd}\n`).catch((e: Error) => {
        throw this.failure(e.message);
      });
      const due = Date.now() + this.resendMs;
      while (Date.now() < due) {
        const m = expect.exec(this.textOf().slice(from));
        if (m) return m;
        await sleep(100);
      }
      if (Date.now() > until) throw this.failure(`no ${expect} after '${cmd}'`);
    }
  }

  /** Runs `cmd` (its output between markers) until `ok` holds for the output. */
  async until(cmd: string, ok: (out: string) => boolean, timeoutMs = 30_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const out = (await this.run(`echo B$((1))E; ${cmd}; echo E$((2))B`, /B1E([\s\S]*?)E2B/))[1];
      if (ok(out)) return out;
      if (Date.now() > end) throw new Error(`'${cmd}' still shows ${JSON.stringify(out)}`);
      await sleep(1000);
    }
  }

  async close(): Promise<void> {
    this.stopListening();
    await this.io.close();
  }
}
