import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { electronModule } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule);

const { createUtilityHostSpawner, HOST_SERVICE_NAME } = await import('../../../src-main/shell/utility-host-spawner');

class FakeUtilityProcess extends EventEmitter {
  pid = 4242;
  stdout = new PassThrough();
  stderr = new PassThrough();
  postMessage = vi.fn();
  kill = vi.fn(() => true);
}

describe('utility-process HostSpawner', () => {
  let child: FakeUtilityProcess;
  const fork = electronModule.utilityProcess.fork;

  beforeEach(() => {
    child = new FakeUtilityProcess();
    fork.mockReset();
    fork.mockReturnValue(child);
  });

  it('forks the host module with the given env, service name and piped stdio', () => {
    const spawn = createUtilityHostSpawner({ modulePath: '/app/out/main/libvirt-host.js' });
    spawn({ VIRTDESK_URI: 'qemu:///system' });
    expect(fork).toHaveBeenCalledTimes(1);
    const [modulePath, args, options] = fork.mock.calls[0]!;
    expect(modulePath).toBe('/app/out/main/libvirt-host.js');
    expect(args).toEqual([]);
    expect(options).toMatchObject({ serviceName: HOST_SERVICE_NAME, stdio: 'pipe' });
    expect(options.env.VIRTDESK_URI).toBe('qemu:///system');
    expect(options.env.PATH).toBe(process.env.PATH);
  });

  it('defaults to libvirt-host.js next to the main bundle', () => {
    createUtilityHostSpawner()({});
    expect(fork.mock.calls[0]![0]).toMatch(/libvirt-host\.js$/);
  });

  it('relays messages both ways and reports exit once', async () => {
    const channel = createUtilityHostSpawner({ modulePath: '/x.js' })({});
    const received: unknown[] = [];
    channel.onMessage((m) => received.push(m));
    const exits: unknown[] = [];
    channel.onExit((code, signal) => exits.push([code, signal]));

    channel.send({ id: 1, method: 'ping' });
    expect(child.postMessage).toHaveBeenCalledWith({ id: 1, method: 'ping' });
    child.emit('message', { id: 1, result: 'pong' });
    expect(received).toEqual([{ id: 1, result: 'pong' }]);

    child.emit('exit', 139);
    child.emit('exit', 139);
    expect(exits).toEqual([[139, null]]);
    expect(() => channel.send({ id: 2 })).toThrow(/exited/);
    channel.kill();
    expect(child.kill).not.toHaveBeenCalled();

    const late = vi.fn();
    channel.onExit(late);
    await Promise.resolve();
    expect(late).toHaveBeenCalledWith(139, null);
  });

  it('kills a live process', () => {
    createUtilityHostSpawner({ modulePath: '/x.js' })({}).kill();
    expect(child.kill).toHaveBeenCalledTimes(1);
  });

  it('drains stdout/stderr into the log line by line', async () => {
    const log = vi.fn();
    createUtilityHostSpawner({ modulePath: '/x.js', log })({});
    child.stdout.write('hello\nwor');
    child.stderr.write('oops\n');
    child.stdout.end('ld');
    await new Promise((r) => setImmediate(r));
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      '[libvirt-host 4242] hello',
      '[libvirt-host 4242] oops',
      '[libvirt-host 4242] world',
    ]);
  });
});
