// Every method of the contract refuses bad input with a clear error naming the field.
import { describe, expect, it } from 'vitest';
import { ApiError, methods, parseInput, type MethodName } from '../../../src-main/contract';
import { CREATE_BAD } from '../contract/bad-inputs';

const BAD: Record<string, { input: unknown; field: string }> = {
  ...(CREATE_BAD as Record<string, { input: unknown; field: string }>),
  'connections.list': { input: { extra: 1 }, field: 'extra' },
  'connections.add': { input: { uri: 'not a uri' }, field: 'uri' },
  'connections.remove': { input: {}, field: 'uri' },
  'connections.reconnect': { input: { uri: 42 }, field: 'uri' },
  'connections.answerCredential': { input: { id: 'not an id', value: 'x' }, field: 'id' },
  'connections.acceptHostKey': { input: { uri: 'qemu+ssh://h/system', fingerprint: 'MD5:aa:bb' }, field: 'fingerprint' },
  'connections.savedSecret': { input: { uri: 'not a uri' }, field: 'uri' },
  'connections.forgetSecret': { input: { uri: 'qemu+ssh://h/system?keyfile=/tmp/k' }, field: 'uri' },
  'host.summary': { input: { connection: '' }, field: 'connection' },
  'host.check': { input: { connection: 'qemu:///system\nx' }, field: 'connection' },
  'host.stats': { input: { connection: 7 }, field: 'connection' },
  'vm.list': { input: { connection: 'x'.repeat(2000) }, field: 'connection' },
  'vm.get': { input: { vm: { uuid: 'nope' } }, field: 'vm' },
  'vm.xml': { input: { vm: { name: 'a' }, inactive: 'yes' }, field: 'inactive' },
  'vm.start': { input: {}, field: 'vm' },
  'vm.shutdown': { input: { vm: { name: '' } }, field: 'vm' },
  'vm.reboot': { input: { vm: { name: 'x'.repeat(201) } }, field: 'vm' },
  'vm.forceOff': { input: { vm: 'name' }, field: 'vm' },
  'vm.pause': { input: { vm: { id: 3 } }, field: 'vm' },
  'vm.resume': { input: { vm: null }, field: 'vm' },
  'vm.save': { input: { vm: { name: 'a', uuid: 'b' } }, field: 'vm' },
  'vm.discardSave': { input: { vm: [] }, field: 'vm' },
  'vm.screenshot': { input: { vm: { name: 1 } }, field: 'vm' },
  'vm.stats': { input: { connection: 5 }, field: 'connection' },
  'console.open': { input: { vm: { name: 'a' }, force: 1 }, field: 'force' },
  'console.write': { input: { sessionId: '', data: '' }, field: 'sessionId' },
  'console.close': { input: {}, field: 'sessionId' },
  'settings.get': { input: { a: 1 }, field: 'a' },
  'settings.update': { input: { statsIntervalMs: 10 }, field: 'statsIntervalMs' },
  'console.vncTicket': { input: { vm: { name: '' } }, field: 'vm' },
  'console.endpoint': { input: { wsBase: 'x' }, field: 'wsBase' },
  'vm.sendKeys': { input: { vm: { name: 'a' }, keys: ['KEY_CTRL'] }, field: 'keys' },

  'snapshot.list': { input: { vm: { name: '' } }, field: 'vm' },
  'snapshot.create': { input: { vm: { name: 'a' }, name: 'has space' }, field: 'name' },
  'snapshot.revert': { input: { vm: { name: 'a' }, name: 'a\nb' }, field: 'name' },
  'snapshot.delete': { input: { vm: { name: 'a' } }, field: 'name' },
  'snapshot.capabilities': { input: { vm: { uuid: 'x' } }, field: 'vm' },
  'vm.clone': { input: { vm: { name: 'a' }, name: 'b', mode: 'shallow' }, field: 'mode' },
  'vm.cancel': { input: { progressId: 'no spaces' }, field: 'progressId' },
  'vm.linkedClones': { input: {}, field: 'vm' },
  'vm.templateInfo': { input: { vm: { name: 'a' }, extra: true }, field: 'extra' },
  'lab.validate': { input: { file: 'relative.lab.yaml' }, field: 'file' },
  'lab.up': { input: { file: '/a.lab.yaml', text: 'name: x' }, field: 'file' },
  'lab.start': { input: { name: 'bad name!' }, field: 'name' },
  'lab.stop': { input: {}, field: 'file' },
  'lab.status': { input: { name: 'x'.repeat(25) }, field: 'name' },
  'lab.reset': { input: { file: '/a.lab.yaml', name: 'a' }, field: 'file' },
  'lab.down': { input: { name: '-lead' }, field: 'name' },
  'lab.list': { input: { connection: 'nope' }, field: 'connection' },
  'network.xml': { input: { name: 'n', inactive: 'yes' }, field: 'inactive' },
  'network.defineXml': { input: { name: 'n', xml: '' }, field: 'xml' },
  'pool.xml': { input: { name: '' }, field: 'name' },
  'pool.defineXml': { input: { name: 'p', xml: 'x'.repeat(1024 * 1024 + 1) }, field: 'xml' },
  'vm.setMemory': { input: { vm: { name: 'a' }, memoryMiB: 0 }, field: 'memoryMiB' },
  'vm.setVcpus': { input: { vm: { name: 'a' }, vcpus: 1.5 }, field: 'vcpus' },
  'vm.setGeneral': { input: { vm: { name: 'a' }, title: 'two\nlines' }, field: 'title' },
  'vm.rename': { input: { vm: { name: 'a' }, name: 'b<c' }, field: 'name' },
  'vm.setTags': { input: { vm: { name: 'a' }, tags: ['ok', ' padded'] }, field: 'tags' },
  'vm.attachDisk': { input: { vm: { name: 'a' }, source: { path: 'relative.img' } }, field: 'source' },
  'vm.detachDisk': { input: { vm: { name: 'a' }, target: 'vda/../x' }, field: 'target' },
  'vm.changeMedia': { input: { vm: { name: 'a' }, target: 'hdc', path: 'cd.iso' }, field: 'path' },
  'vm.attachNic': { input: { vm: { name: 'a' }, source: { type: 'bridge', bridge: 'br0; rm' } }, field: 'source' },
  'vm.detachNic': { input: { vm: { name: 'a' }, mac: '53:54:00:00:00:01' }, field: 'mac' },
  'vm.setLinkState': { input: { vm: { name: 'a' }, mac: '52:54:00:00:00:01', up: 'yes' }, field: 'up' },
  'vm.defineXml': { input: { vm: { name: 'a' }, xml: '' }, field: 'xml' },
  'vm.restore': { input: { vm: { name: '' } }, field: 'vm' },
  'vm.hardware': { input: { vm: {} }, field: 'vm' },
  'vm.setCpu': { input: { vm: { name: 'a' }, topology: { sockets: 0, cores: 1, threads: 1 } }, field: 'topology' },
  'vm.setBoot': { input: { vm: { name: 'a' }, order: ['vda; reboot'] }, field: 'order' },
  'vm.addDevice': { input: { vm: { name: 'a' }, device: { kind: 'filesystem', driver: '9p', source: '/srv', target: 'a<b' } }, field: 'device' },
  'vm.updateDevice': { input: { vm: { name: 'a' }, key: 'video:0', device: { kind: 'video', model: 'cirrus' } }, field: 'device' },
  'vm.removeDevice': { input: { vm: { name: 'a' }, key: '' }, field: 'key' },
  'vm.resizeDisk': { input: { vm: { name: 'a' }, target: 'vda', sizeGiB: -1 }, field: 'sizeGiB' },
  'vm.updateNic': { input: { vm: { name: 'a' }, mac: "52:54:00:00:00:01'/>" }, field: 'mac' },
  'vm.updateDisk': { input: { vm: { name: 'a' }, target: 'vda', serial: 'a<b' }, field: 'serial' },
  'host.nodeDevices': { input: { type: 'scsi' }, field: 'type' },
  'container.create': { input: { spec: { kind: 'application', name: 'c', command: '/bin/sh', memoryMiB: 0 } }, field: 'spec' },
  'container.preview': { input: { spec: { kind: 'system', name: 'c', rootfs: { kind: 'folder', folder: 'relative' }, memoryMiB: 64 } }, field: 'spec' },
  'container.delete': { input: { vm: { name: 'c' }, deleteRoot: 'yes' }, field: 'deleteRoot' },
  'container.guestKinds': { input: { connection: 'ext+ssh://x/' }, field: 'connection' },
  'container.measureStartup': { input: { connection: 'qemu:///system', runs: 3 }, field: 'runs' },
  'container.info': { input: { vm: { name: '' } }, field: 'vm' },
  'vm.migrate': { input: { vm: { name: 'web' }, destination: 'qemu:///system?socket=/tmp/evil.sock' }, field: 'destination' },
  'vm.migrateCancel': { input: { vm: { uuid: 'nope' } }, field: 'vm' },
};

describe('contract input validation', () => {
  it('has a bad-input case for every method', () => {
    expect(Object.keys(BAD).sort()).toEqual(Object.keys(methods).sort());
  });

  for (const [method, bad] of Object.entries(BAD) as [MethodName, { input: unknown; field: string }][]) {
    it(`${method} refuses bad input naming '${bad.field}'`, () => {
      let err: unknown;
      try {
        parseInput(method, bad.input);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe('INVALID_INPUT');
      expect((err as ApiError).field?.split('.')[0]).toBe(bad.field);
      expect((err as ApiError).message.length).toBeGreaterThan(5);
    });
  }

  it('accepts good input and trims URIs', () => {
    expect(parseInput('connections.add', { uri: '  qemu+ssh://root@host/system ' })).toEqual({ uri: 'qemu+ssh://root@host/system' });
    expect(parseInput('vm.start', { vm: { uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f' } })).toBeTruthy();
    expect(parseInput('settings.update', { theme: 'dark', language: 'ja', statsIntervalMs: 1000 })).toBeTruthy();
  });

  it('refuses an unknown method', () => {
    expect(() => parseInput('vm.explode' as MethodName, {})).toThrow(/unknown method 'vm.explode'/);
  });
});
