// Run by stderr.test.ts in a child process: makes libvirt fail in many ways through binding.ts
// and prints what it caught as one JSON line on stdout. Anything on stderr is a failure:
// libvirt's default error handler prints every error there unless it is silenced.
import { Connection, closeAll } from '../../../src-main/libvirt/binding';

const mode = process.argv[2] ?? 'errors';
const caught: { op: string; code: number | null; message: string }[] = [];

function attempt(op: string, fn: () => unknown): void {
  try {
    const r = fn();
    if (Array.isArray(r)) closeAll(r as { close(): void }[]);
    else (r as { close?: () => void } | undefined)?.close?.();
    caught.push({ op, code: null, message: 'no error' });
  } catch (e) {
    caught.push({ op, code: (e as { code?: number }).code ?? null, message: (e as Error).message });
  }
}

if (mode === 'bad-uri') {
  attempt('open a missing test driver file', () => Connection.open('test:///nonexistent/file.xml'));
  attempt('open an unknown driver', () => Connection.open('nosuchdriver:///x'));
} else {
  const conn = Connection.open('test:///default');
  attempt('lookup missing domain', () => conn.domainByName('vd-missing'));
  attempt('lookup missing uuid', () => conn.domainByUuid('00000000-0000-0000-0000-000000000000'));
  attempt('lookup malformed uuid', () => conn.domainByUuid('not-a-uuid'));
  attempt('define invalid XML', () => conn.defineDomain('<domain><name>x'));
  attempt('define without a name', () => conn.defineDomain("<domain type='test'><memory>1024</memory></domain>"));
  attempt('define unknown type', () => conn.defineDomain("<domain type='bogus'><name>x</name><memory>1024</memory><os><type>hvm</type></os></domain>"));
  const test = conn.domainByName('test');
  attempt('start a running domain', () => test.create());
  attempt('resume a running domain', () => test.resume());
  attempt('undefine with unsupported flags', () => test.undefine(1 << 30));
  test.close();
  attempt('missing pool', () => conn.poolByName('vd-missing'));
  attempt('missing network', () => conn.networkByName('vd-missing'));
  attempt('missing volume path', () => conn.volumeByPath('/nowhere/vd-missing.img'));
  attempt('invalid network XML', () => conn.defineNetwork('<network>'));
  attempt('domain capabilities (unsupported by the test driver)', () => conn.domainCapabilities({}));
  conn.close();
}
process.stdout.write(`${JSON.stringify(caught)}\n`);
