// One bad input per method of contract-create.ts, with the field it must name. Spread into
// BAD of test/unit/api/contract.test.ts once createMethods is merged into `methods`.
import type { CreateMethodName } from '../../../src-main/api/contract-create';

export const CREATE_BAD: Record<CreateMethodName, { input: unknown; field: string }> = {
  'vm.create': { input: { spec: { name: '', memoryMiB: 512, vcpus: 1, source: { kind: 'none' } } }, field: 'spec' },
  'vm.createPreview': { input: { spec: { name: 'a', memoryMiB: 0, vcpus: 1, source: { kind: 'none' } } }, field: 'spec' },
  'vm.deletePlan': { input: { vm: { uuid: 'nope' } }, field: 'vm' },
  'vm.delete': { input: { vm: { name: 'a' }, deleteDisks: ['relative.qcow2'] }, field: 'deleteDisks' },
  'os.search': { input: { query: 'x'.repeat(201) }, field: 'query' },
  'os.defaults': { input: { id: 'debian 12' }, field: 'id' },
  'os.detect': { input: { path: 'x.iso' }, field: 'path' },
  'os.detectUrl': { input: { url: 'ftp://mirror/debian/' }, field: 'url' },
  'host.createOptions': { input: { connection: '' }, field: 'connection' },
  'storage.pools': { input: { extra: 1 }, field: 'extra' },
  'storage.definePool': { input: { name: 'p', path: 'relative' }, field: 'path' },
  'storage.startPool': { input: {}, field: 'pool' },
  'storage.stopPool': { input: { pool: '' }, field: 'pool' },
  'storage.refreshPool': { input: { pool: 'a\nb' }, field: 'pool' },
  'storage.setPoolAutostart': { input: { pool: 'p', autostart: 'yes' }, field: 'autostart' },
  'storage.deletePool': { input: { pool: 'p', force: 1 }, field: 'force' },
  'storage.volumes': { input: { pool: 5 }, field: 'pool' },
  'storage.createVolume': { input: { pool: 'p', name: 'v', sizeGiB: 0 }, field: 'sizeGiB' },
  'storage.deleteVolume': { input: { pool: 'p' }, field: 'name' },
  'storage.resizeVolume': { input: { pool: 'p', name: 'v', sizeGiB: -1 }, field: 'sizeGiB' },
  'network.list': { input: { connection: 'nope' }, field: 'connection' },
  'network.create': { input: { name: 'n', mode: 'nat', ipv4: { address: '10.0.0.1', prefix: 24, dhcpStart: '10.0.1.2', dhcpEnd: '10.0.0.9' } }, field: 'ipv4' },
  'network.start': { input: { name: '' }, field: 'name' },
  'network.stop': { input: { name: 'n', force: 'no' }, field: 'force' },
  'network.setAutostart': { input: { name: 'n' }, field: 'autostart' },
  'network.delete': { input: {}, field: 'name' },
  'fs.browse': { input: { path: '/a/../etc' }, field: 'path' },
};
