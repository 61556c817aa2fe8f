// Small helpers to wait for things a host client reports.
import type { HostClientEvent, LibvirtHostClient } from '../../src-main/libvirt/host-client';

export function collectEvents(client: LibvirtHostClient): { events: HostClientEvent[]; stop: () => void } {
  const events: HostClientEvent[] = [];
  const stop = client.onEvent((e) => events.push(e));
  return { events, stop };
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | null, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Accumulates a console stream's text. */
export function consoleText(client: LibvirtHostClient, streamId: number): { text: () => string; stop: () => void } {
  let text = '';
  const dec = new TextDecoder();
  const stop = client.onEvent((e) => {
    if (e.type === 'stream-data' && e.streamId === streamId) text += dec.decode(e.data, { stream: true });
  });
  return { text: () => text, stop };
}
