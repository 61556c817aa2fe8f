import { waitFor as waitForShared } from '../../support/host-events';
// Shared bits for the libvirt unit tests. Everything here runs against libvirt's test driver
// (test:///default or a custom test:///<file>), which keeps its state per connection: each
// connection, and so each host process, starts from the same fresh default state.
import type { HostClientEvent, LibvirtHostClient } from '../../../src-main/libvirt/host-client';

export const TEST_URI = 'test:///default';

/** The running domain that test:///default always has. */
export const DEFAULT_DOMAIN = 'test';
export const DEFAULT_DOMAIN_UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f';
export const DEFAULT_POOL = 'default-pool';
export const DEFAULT_NETWORK = 'default';

let counter = 0;
/** A name unique within this process (the test driver starts empty of them on every connection). */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

/** The smallest domain the test driver accepts. */
export function testDomainXml(name: string, memoryKiB = 65536): string {
  return `<domain type='test'><name>${name}</name><memory>${memoryKiB}</memory><os><type>hvm</type></os></domain>`;
}

export function testVolumeXml(name: string, capacityMiB = 10): string {
  return `<volume><name>${name}</name><capacity unit='MiB'>${capacityMiB}</capacity></volume>`;
}

export function testNetworkXml(name: string): string {
  return `<network><name>${name}</name></network>`;
}

export function waitFor<T>(what: string, probe: () => T | undefined | false | null, timeoutMs = 5_000, everyMs = 10): Promise<T> {
  return waitForShared(what, probe, timeoutMs, everyMs);
}

/** Lifecycle event names for one domain, in arrival order. */
export function lifecycleRecorder(client: LibvirtHostClient, domainName: string): { names: () => string[]; stop: () => void } {
  const seen: string[] = [];
  const stop = client.onEvent((e: HostClientEvent) => {
    if (e.type === 'domain-lifecycle' && e.name === domainName) seen.push(e.event);
  });
  return { names: () => [...seen], stop };
}

/** The settled rejection of a promise (fails the test if it resolved). */
export async function rejectionOf(p: Promise<unknown>): Promise<Error> {
  return p.then(
    (v) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e as Error,
  );
}

/** The error a synchronous call throws (fails the test if it did not throw). */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to throw');
}
