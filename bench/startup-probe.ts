// Forked by the benchmark to see where a host process's start goes. It does what
// host-process.ts does (import the libvirt modules, open the URI, list, bulk stats, serialize)
// and reports timestamps in ms since its own process start (performance.now()).
import v8 from 'node:v8';

async function main(): Promise<void> {
  const t: Record<string, number> = { scriptStart: performance.now() };
  const { HostService } = await import('../src-main/libvirt/host-service');
  t.imported = performance.now();
  const uri = process.env.VIRTDESK_LIBVIRT_URI ?? 'test:///default';
  const svc = HostService.open(uri, () => undefined, () => undefined);
  t.opened = performance.now();
  const list = svc.listDomains();
  t.listed = performance.now();
  const stats = svc.domainStats();
  t.stats = performance.now();
  const bytes = v8.serialize(list).length + v8.serialize(stats).length;
  t.serialized = performance.now();
  // A second round, warm.
  svc.listDomains();
  t.listed2 = performance.now();
  svc.domainStats();
  t.stats2 = performance.now();
  svc.shutdown();
  process.send?.({ t, bytes, domains: list.length, records: stats.length }, () => process.exit(0));
}

void main();
