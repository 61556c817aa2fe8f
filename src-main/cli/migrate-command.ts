// `virtdesk migrate NAME DEST_URI [--live] [--copy-storage] [--offline] [--bandwidth MIB] [--direct] [--json]`:
// vm.migrate with its progress on stderr (data remaining, speed, expected downtime); Ctrl+C
// cancels the migration (vm.migrateCancel) and the VM stays where it was.
import { parseArgs } from 'node:util';
import type { Core } from '../api/core';
import type { MigrateResult, MigrationProgress } from '../contract';
import { UsageError } from './create-command';
import { plainText } from './progress';
import { typedApi } from './typed-api';

const OPTIONS = {
  connect: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  live: { type: 'boolean', default: false },
  offline: { type: 'boolean', default: false },
  'copy-storage': { type: 'boolean', default: false },
  direct: { type: 'boolean', default: false },
  bandwidth: { type: 'string' },
} as const;

const mib = (n: number | undefined): string => (n === undefined ? '?' : `${(n / 2 ** 20).toFixed(1)} MiB`);

/** One progress line: "migrating web: 42.0 MiB left of 256.0 MiB, 30.1 MiB/s, downtime ~300 ms". */
export function progressLine(p: MigrationProgress): string {
  if (p.phase !== 'migrating') return `${p.phase} ${p.name}${p.error ? `: ${p.error}` : ''}`;
  const parts = [`${mib(p.dataRemaining)} left of ${mib(p.dataTotal)}`];
  if (p.bytesPerSecond !== undefined) parts.push(`${mib(p.bytesPerSecond)}/s`);
  if (p.expectedDowntimeMs !== undefined) parts.push(`downtime ~${p.expectedDowntimeMs} ms`);
  return `migrating ${p.name}: ${parts.join(', ')}`;
}

export function migrateSummary(r: MigrateResult): string {
  const took = `in ${(r.durationMs / 1000).toFixed(1)} s`;
  if (r.mode === 'offline') return `Moved the definition of '${r.vm.name}' from ${r.source} to ${r.destination} ${took} (offline).`;
  const how = `${r.mode === 'live' ? 'live' : 'paused while moving'}${r.copiedStorage ? ', disks copied' : ''}${r.tunnelled ? ', tunnelled' : ''}`;
  return `Migrated '${r.vm.name}' from ${r.source} to ${r.destination} ${took} (${how}).`;
}

export async function runMigrateCommand(argv: string[], core: () => Core): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const [, name, destination] = positionals;
  if (!name || !destination) throw new UsageError("'migrate' needs the VM's name and the destination URI: migrate NAME DEST_URI [--live] [--copy-storage] [--offline]");
  if (positionals.length > 3) throw new UsageError(`'migrate' takes NAME and DEST_URI only (got also '${positionals[3]}')`);
  if (values.offline && (values.live || values['copy-storage'])) throw new UsageError('--offline moves only the definition of a shut-off VM: leave out --live and --copy-storage');
  const bandwidth = values.bandwidth === undefined ? undefined : Number(values.bandwidth);
  if (bandwidth !== undefined && !(Number.isInteger(bandwidth) && bandwidth > 0)) throw new UsageError(`--bandwidth must be a whole number of MiB/s (got '${values.bandwidth}')`);
  const c = core();
  const api = typedApi(c);
  // The user named the destination on purpose: open it for this command (nothing is saved).
  const dest = await c.connections.add(destination);
  if (dest.state !== 'connected') throw new Error(`cannot connect to the destination ${destination}: ${dest.error ?? dest.state}`);
  const connection = values.connect;
  const progressId = `cli-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  let last = 0;
  const off = values.json
    ? () => undefined
    : c.onEvent((e) => {
        if (e.type !== 'vm.migrateProgress' || e.progressId !== progressId) return;
        const p = e as unknown as MigrationProgress;
        if (p.phase === 'migrating' && Date.now() - last < 1000) return;
        last = Date.now();
        process.stderr.write(`${plainText(progressLine(p))}\n`);
      });
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write('cancelling the migration…\n');
    void api['vm.migrateCancel']({ connection, vm: { name } }).catch(() => undefined);
  };
  process.on('SIGINT', onSigint);
  try {
    const r = await api['vm.migrate']({
      connection,
      vm: { name },
      destination: dest.uri,
      live: values.live,
      offline: values.offline,
      copyStorage: values['copy-storage'] ? 'all' : 'none',
      ...(values.direct ? { tunnelled: false } : {}),
      ...(bandwidth ? { bandwidthMiBps: bandwidth } : {}),
      progressId,
    });
    if (values.json) console.log(JSON.stringify(r, null, 2));
    else {
      console.log(migrateSummary(r));
      for (const w of r.warnings) console.log(`warning: ${w}`);
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    off();
  }
}
