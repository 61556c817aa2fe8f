// The CLI's migrate lines: progress on stderr, the summary on stdout.
import { describe, expect, it } from 'vitest';
import { migrateSummary, progressLine } from '../../../src-main/cli/migrate-command';

const MiB = 2 ** 20;
const base = { connection: 'qemu:///system', destination: 'qemu+tcp://h2/system', uuid: 'u', name: 'web', elapsedMs: 900 };

describe('migrate command output', () => {
  it('says how much is left, the speed and the expected downtime while it moves', () => {
    expect(progressLine({ ...base, phase: 'migrating', dataTotal: 256 * MiB, dataRemaining: 42 * MiB, bytesPerSecond: 30 * MiB, expectedDowntimeMs: 300 })).toBe(
      'migrating web: 42.0 MiB left of 256.0 MiB, 30.0 MiB/s, downtime ~300 ms',
    );
    expect(progressLine({ ...base, phase: 'migrating' })).toBe('migrating web: ? left of ?');
    expect(progressLine({ ...base, phase: 'failed', error: 'boom' })).toBe('failed web: boom');
  });

  it('sums up how it moved', () => {
    const r = { vm: { uuid: 'u', name: 'web' }, source: 'qemu:///system', destination: 'qemu+tcp://h2/system', copiedStorage: false, peerToPeer: true, tunnelled: true, durationMs: 1234, warnings: [] };
    expect(migrateSummary({ ...r, mode: 'live' })).toBe("Migrated 'web' from qemu:///system to qemu+tcp://h2/system in 1.2 s (live, tunnelled).");
    expect(migrateSummary({ ...r, mode: 'offline' })).toBe("Moved the definition of 'web' from qemu:///system to qemu+tcp://h2/system in 1.2 s (offline).");
    expect(migrateSummary({ ...r, mode: 'paused', copiedStorage: true, tunnelled: false })).toBe("Migrated 'web' from qemu:///system to qemu+tcp://h2/system in 1.2 s (paused while moving, disks copied).");
  });
});
