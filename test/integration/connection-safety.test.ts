// Connection URIs through the real core and real host processes: a URI cannot run a program,
// cannot make libvirt quote a file of this computer, and cannot start host processes without
// bound. Host processes are counted at the spawner (every one the core starts) and by pid.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core, type CoreOptions } from '../../src-main/api/core';
import type { ConnectionStatus } from '../../src-main/contract';
import type { HostSpawner } from '../../src-main/libvirt/host-channel';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { HOST_URI_ENV } from '../../src-main/libvirt/protocol';
import { withoutQuotedXml } from '../../src-main/libvirt/errors';
import { failure } from '../support/api-failure';

const DEMO = 'test:///default';
const SECRET = 'VDT-SAFETY-SECRET-7f3a9c';

interface Spawned {
  uri: string;
  pid?: number;
}

const cores: Core[] = [];
const dirs: string[] = [];

function tmpDir(tag: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `vdt-safety-${tag}-`));
  dirs.push(d);
  return d;
}

/** A core over the node spawner that records every host process it starts. */
function newCore(opts: Partial<CoreOptions> & { settingsDir?: string } = {}): { core: Core; spawned: Spawned[]; events: unknown[]; dir: string } {
  const spawned: Spawned[] = [];
  const spawnHost: HostSpawner = (env) => {
    const channel = nodeHostSpawner(env) as ReturnType<HostSpawner> & { pid?: number };
    spawned.push({ uri: env[HOST_URI_ENV], pid: channel.pid });
    return channel;
  };
  const dir = opts.settingsDir ?? tmpDir('settings');
  const core = createCore({ ...opts, spawnHost, settingsDir: dir });
  cores.push(core);
  const events: unknown[] = [];
  core.onEvent((e) => events.push(e));
  return { core, spawned, events, dir };
}

const alive = (pid: number | undefined): boolean => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('a connection URI cannot run a program', () => {
  function planProgram(): { prog: string; marker: string } {
    const d = tmpDir('prog');
    const marker = path.join(d, 'ran');
    const prog = path.join(d, 'prog.sh');
    fs.writeFileSync(prog, `#!/bin/sh\ntouch '${marker}'\nsleep 1\n`, { mode: 0o755 });
    return { prog, marker };
  }

  it('refuses ext URIs and command= in every place a URI enters, and the program never runs', async () => {
    const { prog, marker } = planProgram();
    const { core, spawned, dir } = newCore();
    const uris = [`test+ext:///default?command=${prog}`, `qemu+ext:///system?command=${prog}`, `qemu+ssh://localhost/system?command=${prog}`, `qemu+ssh://localhost/system?netcat=${prog}`];
    for (const uri of uris) {
      const add = await failure(core.call('connections.add', { uri }));
      expect(add.code).toBe('INVALID_INPUT');
      expect(add.message).toContain(`connection URI '${uri}' is refused`);
      expect((await failure(core.call('vm.list', { connection: uri }))).code).toBe('INVALID_INPUT');
      expect((await failure(core.call('connections.reconnect', { uri }))).code).toBe('INVALID_INPUT');
      expect((await failure(core.call('settings.update', { connections: [{ uri }] }))).field).toBe('connections.0.uri');
      expect((await failure(core.call('settings.update', { defaultConnection: uri }))).field).toBe('defaultConnection');
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect(fs.existsSync(marker)).toBe(false);
    expect(spawned).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'settings.json'))).toBe(false);
  });

  it('lists a bad URI planted in the settings file as refused, never opens it, and keeps it in the file', async () => {
    const { prog, marker } = planProgram();
    const settingsDir = tmpDir('planted');
    const planted = `test+ext:///default?command=${prog}`;
    const file = path.join(settingsDir, 'settings.json');
    const shadow = 'test:///etc/shadow'; // passes the URI rules, but lies outside the chosen folders (none)
    fs.writeFileSync(
      file,
      JSON.stringify({ connections: [{ uri: 'TEST:///default/', label: 'Demo' }, { uri: planted, label: 'Planted' }, { uri: shadow }], defaultConnection: `qemu+ext:///system?command=${prog}` }),
    );
    const { core, spawned } = newCore({ settingsDir, autoConnect: true });
    await expect.poll(() => (core.connections.list().find((c) => c.uri === DEMO)?.state), { timeout: 20_000 }).toBe('connected');
    const list = (await core.call('connections.list', {})) as ConnectionStatus[];
    const refused = list.find((c) => c.uri === planted);
    expect(refused).toMatchObject({ state: 'failed', label: 'Planted', isDefault: false });
    expect(refused?.error).toMatch(/^refused: the 'ext' transport runs a program/);
    expect(list.find((c) => c.isDefault)?.error).toMatch(/^refused: the 'ext' transport/);
    expect(list.find((c) => c.uri === shadow)).toMatchObject({ state: 'failed', error: expect.stringMatching(/^refused: the test driver reads only files inside the folders you chose/) });
    // The refused default is not silently replaced by another connection.
    expect((await failure(core.call('vm.list', {}))).message).toMatch(/your default connection URI 'qemu\+ext:.*' is refused: .*choose another default in Settings/);
    // Saving other settings keeps the user's entries; the accepted one in its canonical spelling.
    await core.call('settings.update', { theme: 'dark' });
    const onDisk = JSON.parse(fs.readFileSync(file, 'utf8')) as { connections: { uri: string }[]; defaultConnection: string };
    expect(onDisk.connections.map((c) => c.uri)).toEqual([DEMO, shadow, planted]);
    expect(onDisk.defaultConnection).toMatch(/^qemu\+ext:/);
    await new Promise((r) => setTimeout(r, 1500));
    expect(fs.existsSync(marker)).toBe(false);
    expect(spawned.map((s) => s.uri).filter((u) => u.includes('ext') || u === shadow)).toEqual([]);
    // The user can remove it as written.
    await core.call('connections.remove', { uri: planted });
    expect(((await core.call('connections.list', {})) as ConnectionStatus[]).some((c) => c.uri === planted)).toBe(false);
    expect((JSON.parse(fs.readFileSync(file, 'utf8')) as { connections: { uri: string }[] }).connections.map((c) => c.uri)).toEqual([DEMO, shadow]);
  });
});

describe('a connection URI cannot make libvirt quote a file of this computer', () => {
  it('refuses test-driver files outside the chosen folders, and says only "not a valid test-driver file" for bad ones inside', async () => {
    const outside = tmpDir('outside');
    const inside = tmpDir('inside');
    const secretOutside = path.join(outside, 'shadow');
    fs.writeFileSync(secretOutside, `${SECRET}:$6$hash:19000:0:99999:7:::\n`);
    const notXml = path.join(inside, 'notes.txt');
    fs.writeFileSync(notXml, `${SECRET} first line\nsecond\n`);
    const rootIsSecret = path.join(inside, 'root.xml');
    fs.writeFileSync(rootIsSecret, `<${SECRET}/>\n`);
    const unclosed = path.join(inside, 'unclosed.xml');
    fs.writeFileSync(unclosed, `<node><${SECRET}>\n`);
    const { core, events, spawned } = newCore();
    const replies: unknown[] = [];

    for (const uri of ['test:///etc/shadow', `test://${secretOutside}`]) {
      const add = await failure(core.call('connections.add', { uri }));
      expect(add.message).toMatch(/is refused: the test driver reads only files inside the folders you chose in Settings \(none chosen yet\)/);
      const list = await failure(core.call('vm.list', { connection: uri }));
      expect(list.message).toBe(`connection ${uri} is not added: add it first (Add connection), then use it`);
      replies.push(add, list);
    }
    expect(spawned).toEqual([]);

    await core.call('settings.update', { browseFolders: [inside] });
    // A symlink inside the chosen folder that points outside it is judged by its target.
    fs.symlinkSync(secretOutside, path.join(inside, 'link.xml'));
    const viaLink = await failure(core.call('connections.add', { uri: `test://${inside}/link.xml` }));
    expect(viaLink.message).toMatch(/only files inside the folders you chose/);
    replies.push(viaLink);

    for (const file of [notXml, rootIsSecret, unclosed]) {
      const uri = `test://${file}`;
      const added = (await core.call('connections.add', { uri })) as ConnectionStatus;
      expect(added.state).toBe('failed');
      expect(added.error).toBe(`connect to ${uri}: ${file} is not a valid libvirt test-driver XML file (or it cannot be read)`);
      const again = await failure(core.call('vm.list', { connection: uri }));
      expect(again.message).toContain('is not a valid libvirt test-driver XML file');
      replies.push(added, again, await core.call('connections.reconnect', { uri }));
    }
    replies.push(await core.call('connections.list', {}));
    const everything = JSON.stringify({ replies, events, list: core.connections.list() });
    expect(everything).toContain('not a valid libvirt test-driver XML file');
    expect(everything).not.toContain(SECRET);
  });

  it("cuts libxml2's quoted line and caret from any libvirt message", () => {
    const libxml = `/srv/x.xml:1: Start tag expected, '<' not found\n${SECRET} line\n^`;
    expect(withoutQuotedXml(libxml)).toBe('/srv/x.xml is not well-formed XML (line 1)');
    expect(withoutQuotedXml(`/srv/x.xml:2: Premature end of data in tag ${SECRET} line 1\n(null)\n^`)).not.toContain(SECRET);
    expect(withoutQuotedXml(`(domain_definition):3: Opening and ending tag mismatch: name line 2 and nam\n<nam>\n     ^`)).toBe(
      '(domain_definition):3: Opening and ending tag mismatch: name line 2 and nam',
    );
    const qemu = 'internal error: qemu unexpectedly closed the monitor\nqemu-system-x86_64: -drive: Could not open disk';
    expect(withoutQuotedXml(qemu)).toBe(qemu);
  });
});

describe('host processes are bounded', () => {
  const demoSpellings = [
    'TEST:///default', 'test:///default/', 'test:///default?', 'test:///%64efault', 'test:////default', 'test:///./default',
    'Test:///default//', 'test:///default/.', ' test:///default', 'test:///%64%65%66%61%75%6c%74', 'tEsT:///default?&', 'test:///default/?',
  ];
  const notAdded = Array.from({ length: 18 }, (_, i) => (i % 2 ? `qemu+tcp://host${i}.invalid/system` : `test:///default-${i}`.replace('test:///', 'lxc:///')));

  it('30 spellings and unknown URIs start no new host process', { timeout: 60_000 }, async () => {
    const { core, spawned } = newCore();
    await core.call('vm.list', { connection: DEMO });
    expect(spawned.map((s) => s.uri)).toEqual([DEMO]);
    for (const uri of demoSpellings) {
      const vms = (await core.call('vm.list', { connection: uri })) as { connection: string }[];
      expect(vms[0].connection).toBe(DEMO);
    }
    for (const uri of notAdded) {
      const err = await failure(core.call('vm.list', { connection: uri }));
      expect(err.code).toBe('CONNECTION');
      expect(err.message).toMatch(/is not added: add it first/);
    }
    expect(demoSpellings.length + notAdded.length).toBe(30);
    expect(spawned.map((s) => s.uri)).toEqual([DEMO]);
    expect(spawned.filter((s) => alive(s.pid))).toHaveLength(1);
    expect(core.connections.list().map((c) => c.uri)).toEqual([DEMO]);
  });

  it('caps host processes with a clear error, and stops unused ones nobody wants any more', { timeout: 60_000 }, async () => {
    const folder = tmpDir('cap');
    const files = ['a', 'b'].map((n) => {
      const f = path.join(folder, `${n}.xml`);
      fs.writeFileSync(f, '<node/>\n');
      return `test://${f}`;
    });
    const { core, spawned, events } = newCore({ connectionLimits: { maxHosts: 2, idleMs: 400 } });
    await core.call('settings.update', { browseFolders: [folder] });
    expect(((await core.call('connections.add', { uri: files[0] })) as ConnectionStatus).state).toBe('connected');
    expect(((await core.call('connections.add', { uri: DEMO })) as ConnectionStatus).state).toBe('connected');
    const full = await failure(core.call('connections.add', { uri: files[1] }));
    expect(full.message).toMatch(/too many connections are open \(2, each one a libvirt host process\)/);
    expect(spawned).toHaveLength(2);
    expect((await core.call('settings.get', {}) as { settings: { connections: { uri: string }[] } }).settings.connections.map((c) => c.uri)).toEqual([files[0], DEMO]);

    // No longer saved (changed through the settings, not connections.remove): stopped once idle.
    const first = spawned.find((s) => s.uri === files[0]);
    await core.call('settings.update', { connections: [{ uri: DEMO }] });
    await expect.poll(() => alive(first?.pid), { timeout: 10_000 }).toBe(false);
    expect(events).toContainEqual(expect.objectContaining({ type: 'connection.state', uri: files[0], state: 'closed' }));
    // The demo (wanted) keeps running; a name for the stopped one is "not added" again.
    expect(alive(spawned.find((s) => s.uri === DEMO)?.pid)).toBe(true);
    expect((await failure(core.call('vm.list', { connection: files[0] }))).message).toMatch(/is not added/);
  });
});
