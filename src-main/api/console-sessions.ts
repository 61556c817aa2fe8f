// Serial console sessions: a libvirt console stream in a host process, relayed as
// console.data events (base64, binary-safe) to whichever front opened it.
import { randomUUID } from 'node:crypto';
import { ApiError, type TypedApiEvent, type VmRef } from '../contract';
import type { ConnectionManager } from './connection-manager';
import type { LibvirtHostClient } from '../libvirt/host-client';

interface Session {
  uri: string;
  client: LibvirtHostClient;
  streamId: number;
  /** Set on LXC connections, whose consoles cannot be forced: a new session ends the older one. */
  lxcDomain?: string;
}

export class ConsoleSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly conns: ConnectionManager, private readonly emit: (e: TypedApiEvent) => void) {
    conns.onClientEvent((uri, e) => {
      if (e.type === 'stream-data' || e.type === 'stream-end') {
        const id = this.find(uri, e.streamId);
        if (!id) return;
        if (e.type === 'stream-data') this.emit({ type: 'console.data', sessionId: id, data: Buffer.from(e.data).toString('base64') });
        else this.end(id, e.error ?? 'the guest closed the console');
      } else if (e.type === 'host-exit') {
        for (const [id, s] of this.sessions) if (s.uri === uri) this.end(id, e.reason);
      }
    });
  }

  private find(uri: string, streamId: number): string | undefined {
    for (const [id, s] of this.sessions) if (s.uri === uri && s.streamId === streamId) return id;
    return undefined;
  }

  private end(id: string, reason: string): void {
    if (!this.sessions.delete(id)) return;
    this.emit({ type: 'console.end', sessionId: id, reason });
  }

  async open(connection: string | undefined, vm: VmRef, force: boolean): Promise<{ sessionId: string }> {
    const { uri, client } = await this.conns.client(connection);
    const lxcDomain = (await client.api.connectionInfo()).hypervisorType === 'LXC' ? (await client.api.lookupDomain(vm)).uuid : undefined;
    if (lxcDomain) await this.endOthers(uri, lxcDomain);
    const { streamId } = await client.api.openConsole(vm, { force });
    const sessionId = randomUUID();
    this.sessions.set(sessionId, { uri, client, streamId, ...(lxcDomain ? { lxcDomain } : {}) });
    return { sessionId };
  }

  /** LXC opens a console without a force flag and lets two readers split its output: the newer session takes over. */
  private async endOthers(uri: string, uuid: string): Promise<void> {
    for (const [id, s] of [...this.sessions]) {
      if (s.uri !== uri || s.lxcDomain !== uuid) continue;
      this.end(id, 'another session took over the console');
      await s.client.api.streamClose(s.streamId).catch(() => undefined);
    }
  }

  private get(sessionId: string): Session {
    const s = this.sessions.get(sessionId);
    if (!s) throw new ApiError('NOT_FOUND', `console session ${sessionId} is not open`, 'sessionId');
    return s;
  }

  async write(sessionId: string, base64: string): Promise<void> {
    const s = this.get(sessionId);
    await s.client.api.streamWrite(s.streamId, new Uint8Array(Buffer.from(base64, 'base64')));
  }

  async close(sessionId: string): Promise<void> {
    const s = this.sessions.get(sessionId);
    if (!s) return;
    this.sessions.delete(sessionId);
    await s.client.api.streamClose(s.streamId).catch(() => undefined);
  }
}
