import { beforeAll, describe, expect, it, vi } from 'vitest';
import { electronModule } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule);

describe('preload', () => {
  let exposed: Record<string, unknown>;
  const { contextBridge, ipcRenderer } = electronModule;

  beforeAll(async () => {
    await import('../../../src-main/preload');
    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [key, api] = contextBridge.exposeInMainWorld.mock.calls[0]!;
    expect(key).toBe('virtdesk');
    exposed = api as Record<string, unknown>;
  });

  it('exposes only call, onEvent, transport and pickFile', () => {
    expect(Object.keys(exposed).sort()).toEqual(['call', 'onEvent', 'pickFile', 'transport']);
    expect(exposed.transport).toBe('ipc');
    expect(Object.values(exposed)).not.toContain(ipcRenderer);
  });

  it('call invokes virtdesk:call', async () => {
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, result: [] });
    const call = exposed.call as (m: string, i: unknown) => Promise<unknown>;
    await expect(call('vm.list', { a: 1 })).resolves.toEqual({ ok: true, result: [] });
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('virtdesk:call', 'vm.list', { a: 1 });
  });

  it('pickFile invokes virtdesk:pickFile with the request only', async () => {
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, path: '/var/lib/libvirt/images/a.iso' });
    const pickFile = exposed.pickFile as (r: unknown) => Promise<unknown>;
    await expect(pickFile({ kind: 'iso', title: 'ISO' })).resolves.toEqual({ ok: true, path: '/var/lib/libvirt/images/a.iso' });
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('virtdesk:pickFile', { kind: 'iso', title: 'ISO' });
  });

  it('onEvent delivers only the payload and unsubscribes', () => {
    const onEvent = exposed.onEvent as (cb: (e: unknown) => void) => () => void;
    const cb = vi.fn();
    const off = onEvent(cb);
    expect(ipcRenderer.on).toHaveBeenCalledWith('virtdesk:event', expect.any(Function));
    const wrapped = ipcRenderer.on.mock.calls[0]![1] as (event: unknown, payload: unknown) => void;
    wrapped({ sender: ipcRenderer }, { type: 'vm.state' });
    expect(cb).toHaveBeenCalledWith({ type: 'vm.state' });
    expect(cb.mock.calls[0]).toHaveLength(1);
    off();
    expect(ipcRenderer.removeListener).toHaveBeenCalledWith('virtdesk:event', wrapped);
    expect(() => onEvent('nope' as never)).toThrow(TypeError);
  });
});
