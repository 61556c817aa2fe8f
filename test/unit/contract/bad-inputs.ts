// One bad input per method of contract-create.ts, with the field it must name. Spread into
// BAD of test/unit/api/contract.test.ts once createMethods is merged into `methods`.
import type { MethodName } from '../../../src-main/contract';

export const CREATE_BAD: Partial<Record<MethodName, { input: unknown; field: string }>> = {
  'vm.create': { input: { spec: { name: '', memoryMiB: 512, vcpus: 1, source: { kind: 'none' } } }, field: 'spec' },
  'vm.createPreview': { input: { spec: { name: 'a', memoryMiB: 0, vcpus: 1, source: { kind: 'none' } } }, field: 'spec' },
  'vm.deletePlan': { input: { vm: { uuid: 'nope' } }, field: 'vm' },
  'vm.delete': { input: { vm: { name: 'a' }, deleteDisks: ['relative.qcow2'] }, field: 'deleteDisks' },
  'os.search': { input: { query: 'x'.repeat(201) }, field: 'query' },
  'os.defaults': { input: { id: 'debian 12' }, field: 'id' },
  'os.detect': { input: { path: 'x.iso' }, field: 'path' },
  'os.detectUrl': { input: { url: 'ftp://mirror/debian/' }, field: 'url' },
  'host.createOptions': { input: { connection: '' }, field: 'connection' },
  'pool.list': { input: { extra: 1 }, field: 'extra' },
  'pool.define': { input: { name: 'p', path: 'relative' }, field: 'path' },
  'pool.start': { input: {}, field: 'pool' },
  'pool.stop': { input: { pool: '' }, field: 'pool' },
  'pool.refresh': { input: { pool: 'a\nb' }, field: 'pool' },
  'pool.setAutostart': { input: { pool: 'p', autostart: 'yes' }, field: 'autostart' },
  'pool.delete': { input: { pool: 'p', force: 1 }, field: 'force' },
  'volume.list': { input: { pool: 5 }, field: 'pool' },
  'volume.create': { input: { pool: 'p', name: 'v', sizeGiB: 0 }, field: 'sizeGiB' },
  'volume.delete': { input: { pool: 'p' }, field: 'name' },
  'volume.resize': { input: { pool: 'p', name: 'v', sizeGiB: -1 }, field: 'sizeGiB' },
  'network.list': { input: { connection: 'nope' }, field: 'connection' },
  'network.create': { input: { name: 'n', mode: 'nat', ipv4: { address: '10.0.0.1', prefix: 24, dhcpStart: '10.0.1.2', dhcpEnd: '10.0.0.9' } }, field: 'ipv4' },
  'network.start': { input: { name: '' }, field: 'name' },
  'network.stop': { input: { name: 'n', force: 'no' }, field: 'force' },
  'network.setAutostart': { input: { name: 'n' }, field: 'autostart' },
  'network.delete': { input: {}, field: 'name' },
  'fs.browse': { input: { path: '/a/../etc' }, field: 'path' },
};
