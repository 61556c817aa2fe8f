// vm.migrate and vm.migrateCancel: checks first (checks.ts), then either QEMU's migration driven
// by libvirt, or, for a shut-off VM, the definition moved (define there, then undefine here).
//
// A migration call blocks the host process that makes it for as long as the migration runs
// (every libvirt call in a host process is synchronous on its one thread: docs/koffi.md rules 1
// and 4). So it runs on a host process of its own (LibvirtHostClient.sibling), and the
// connection's shared one stays free for the job statistics, the cancel, lists and consoles.
// Nor does a live migration take the connection's mutation queue (`locked`): creates, clones and
// snapshots on either host need not wait minutes for it. Only the offline move, a define on the
// destination, runs in the destination's queue.
import { ApiError, type MethodParsed, type MigrateResult, type MigrationProgress, type TypedApiEvent } from '../contract';
import { parseDomain, readHostCapabilities } from '../domain';
import type { LibvirtHostClient } from '../libvirt/host-client';
import type { DomainSummary } from '../libvirt/protocol';
import { poolInfos } from '../storage/pools';
import { guestCpuXml, migrationRefusalTexts, refusalList, type MigrationFacts } from './checks';
import { englishText, message as M } from '../contract/messages';
import { jobIsActive, progressFromJob } from './progress';

type Api = LibvirtHostClient['api'];
export interface MigrationSide {
  uri: string;
  api: Api;
  client: LibvirtHostClient;
}

export interface MigrationDeps {
  conn(uri?: string): Promise<MigrationSide>;
  emit?: (e: TypedApiEvent) => void;
  locked: <T>(uri: string, fn: () => Promise<T>) => Promise<T>;
  /** How often job statistics are read while a migration runs (default 500 ms). */
  pollMs?: number;
}

type MigrateInput = MethodParsed<'vm.migrate'>;
type Progress = Partial<MigrationProgress> & Pick<MigrationProgress, 'phase'>;

/** VIR_MIGRATE_* flags. */
const MIGRATE = { LIVE: 1, PEER2PEER: 2, TUNNELLED: 4, PERSIST_DEST: 8, UNDEFINE_SOURCE: 16, NON_SHARED_DISK: 64 };
/** VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT: the job statistics' "operation" of an outgoing migration. */
const JOB_OPERATION_MIGRATION_OUT = 5;
const DAY_MS = 24 * 3600_000;
/** A migration's host process waits this long for the next migration from the same host (evacuating a host moves VMs one after another). */
const WORKER_IDLE_MS = 60_000;

/** Host processes for the blocking migration call: a new one per migration, or the idle one a finished migration left. */
class MigrationWorkers {
  private readonly idle = new Map<string, { client: LibvirtHostClient; timer: NodeJS.Timeout }>();

  take(src: MigrationSide): LibvirtHostClient {
    const spare = this.idle.get(src.uri);
    this.idle.delete(src.uri);
    if (spare) clearTimeout(spare.timer);
    if (spare?.client.isRunning) return spare.client;
    void spare?.client.close();
    return src.client.sibling({ slowCallTimeoutMs: DAY_MS });
  }

  give(uri: string, client: LibvirtHostClient): void {
    if (this.idle.has(uri) || !client.isRunning) {
      void client.close();
      return;
    }
    const timer = setTimeout(() => {
      if (this.idle.get(uri)?.client === client) this.idle.delete(uri);
      void client.close();
    }, WORKER_IDLE_MS);
    timer.unref();
    this.idle.set(uri, { client, timer });
  }
}

interface Running {
  cancelRequested: boolean;
  abortSent: boolean;
}

interface LiveSides {
  src: MigrationSide;
  dst: MigrationSide;
  /** A host process of the source's own for the blocking migration call. */
  worker: LibvirtHostClient;
  /** Settles when the worker is connected: null, or why it could not start. */
  workerReady: Promise<unknown> | undefined;
}

interface Plan {
  dom: DomainSummary;
  offline: boolean;
  peerToPeer: boolean;
  tunnelled: boolean;
  warnings: string[];
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class Migrations {
  private readonly running = new Map<string, Running>();
  private readonly workers = new MigrationWorkers();
  constructor(private readonly deps: MigrationDeps) {}

  async migrate(i: MigrateInput): Promise<MigrateResult> {
    const started = Date.now();
    const src = await this.deps.conn(i.connection);
    const dst = await this.destination(i.destination);
    const dom = await src.api.lookupDomain(i.vm);
    const key = `${src.uri} ${dom.uuid}`;
    if (this.running.has(key)) throw new ApiError('INVALID_INPUT', `VM '${dom.name}' is already being migrated: wait for it, or cancel it first`, 'vm');
    const run: Running = { cancelRequested: false, abortSent: false };
    this.running.set(key, run);
    const base = { connection: src.uri, destination: dst.uri, uuid: dom.uuid, name: dom.name, ...(i.progressId ? { progressId: i.progressId } : {}) };
    const progress = (p: Progress): void => this.deps.emit?.({ type: 'vm.migrateProgress', ...base, elapsedMs: Date.now() - started, ...p });
    progress({ phase: 'checking' });
    // The migration's own host process starts while both hosts are checked.
    const worker = dom.state === 'shutoff' || dom.state === 'crashed' ? null : this.workers.take(src);
    const workerReady = worker?.connect().then(() => null, (e: unknown) => e);
    try {
      const plan = await this.check(i, src, dst, dom);
      if (run.cancelRequested) throw cancelledError(dom.name, src.uri, dst.uri);
      if (plan.offline || !worker) await this.moveDefinition(src, dst, dom, plan.warnings);
      else await this.runLive(i, { src, dst, worker, workerReady }, plan, run, progress);
      progress({ phase: 'completed' });
      return {
        vm: { uuid: dom.uuid, name: dom.name },
        source: src.uri,
        destination: dst.uri,
        mode: plan.offline ? 'offline' : i.live ? 'live' : 'paused',
        copiedStorage: !plan.offline && i.copyStorage === 'all',
        peerToPeer: !plan.offline && plan.peerToPeer,
        tunnelled: !plan.offline && plan.tunnelled,
        durationMs: Date.now() - started,
        warnings: plan.warnings,
      };
    } catch (e) {
      progress(run.cancelRequested ? { phase: 'cancelled' } : { phase: 'failed', error: errText(e) });
      throw e;
    } finally {
      this.running.delete(key);
      if (worker) this.workers.give(src.uri, worker);
    }
  }

  /** Cancels a migration this core runs, or (another front's) outgoing migration job of the VM. */
  async cancel(i: MethodParsed<'vm.migrateCancel'>): Promise<void> {
    const src = await this.deps.conn(i.connection);
    const dom = await src.api.lookupDomain(i.vm);
    const run = this.running.get(`${src.uri} ${dom.uuid}`);
    if (run) run.cancelRequested = true;
    const job = await src.api.domainJobStats({ uuid: dom.uuid }).catch(() => null);
    const migrating = !!job && jobIsActive(job.type) && (run !== undefined || job.params.operation === JOB_OPERATION_MIGRATION_OUT);
    if (!migrating) {
      // Ours but not started yet: the run stops before it starts, or its next poll aborts it.
      if (run) return;
      throw new ApiError('INVALID_INPUT', `no migration of VM '${dom.name}' is running on ${src.uri}`, 'vm');
    }
    if (run) run.abortSent = true;
    await src.api.abortDomainJob({ uuid: dom.uuid });
  }

  private async destination(uri: string): Promise<MigrationSide> {
    try {
      return await this.deps.conn(uri);
    } catch (e) {
      throw new ApiError('CONNECTION', `destination ${uri} is not a connected host (${errText(e)}): add and connect it first, then migrate`, 'destination');
    }
  }

  /** Reads what the checks need from both hosts; throws with every reason found. */
  private async check(i: MigrateInput, src: MigrationSide, dst: MigrationSide, dom: DomainSummary): Promise<Plan> {
    const offline = dom.state === 'shutoff' || dom.state === 'crashed';
    if (offline && !i.offline) {
      throw new ApiError('INVALID_INPUT', `VM '${dom.name}' is shut off, so nothing runs to migrate: move its definition with an offline migration (offline; CLI: --offline)`, 'offline');
    }
    if (!offline && i.offline) {
      throw new ApiError('INVALID_INPUT', `VM '${dom.name}' is ${dom.state}: an offline migration moves only a shut-off VM's definition; migrate it live, or shut it down first`, 'offline');
    }
    const peerToPeer = i.peerToPeer ?? true;
    const tunnelled = i.tunnelled ?? (peerToPeer && i.copyStorage === 'none');
    if (tunnelled && !peerToPeer) throw new ApiError('INVALID_INPUT', 'a tunnelled migration is always peer-to-peer: turn peer-to-peer on, or tunnelled off', 'tunnelled');
    const ref = { uuid: dom.uuid };
    const [xml, srcCaps, dstCaps, srcPools, dstPools, networks, domains, snapshots, srcInfo, dstInfo] = await Promise.all([
      src.api.domainXml(ref, offline ? { inactive: true } : {}),
      src.api.capabilities(),
      dst.api.capabilities(),
      poolInfos(src.api),
      poolInfos(dst.api),
      dst.api.listNetworks(),
      dst.api.listDomains(),
      src.api.listSnapshots(ref).catch(() => []),
      src.client.connect(),
      dst.client.connect(),
    ]);
    const hostUuid = (caps: string): string | undefined => {
      const c = readHostCapabilities(caps);
      return 'error' in c ? undefined : c.hostUuid;
    };
    const facts: MigrationFacts = {
      vmName: dom.name,
      domainXml: xml,
      running: !offline,
      source: { uri: src.uri, hostUuid: hostUuid(srcCaps), hostname: srcInfo.hostname, pools: srcPools },
      destination: { uri: dst.uri, hostUuid: hostUuid(dstCaps), hostname: dstInfo.hostname, pools: dstPools, networks, domains },
      copyStorage: i.copyStorage === 'all',
      tunnelled: !offline && tunnelled,
      snapshotCount: snapshots.length,
      hasManagedSave: dom.hasManagedSave,
    };
    const refusals = migrationRefusalTexts(facts);
    const cpu = offline || refusals.length ? null : guestCpuXml(xml);
    if (cpu) {
      const r = await dst.api.compareCpu(cpu.xml, cpu).catch(() => null);
      if (r && r.result === 0) refusals.push(r.detail ? M('migrate.cpuDetail', { uri: dst.uri, detail: r.detail }) : M('migrate.cpu', { uri: dst.uri }));
    }
    if (refusals.length) {
      const text = M('error.migrate.refused', { name: dom.name, uri: dst.uri, reasons: refusalList(refusals) });
      throw new ApiError('INVALID_INPUT', englishText(text), 'destination', undefined, text);
    }
    const warnings: string[] = [];
    const nvram = offline ? parseDomain(xml).os.nvramPath : undefined;
    if (nvram) warnings.push(`its UEFI variable store ${nvram} stays on ${src.uri}: on ${dst.uri} it starts with fresh UEFI variables`);
    return { dom, offline, peerToPeer, tunnelled, warnings };
  }

  private async runLive(i: MigrateInput, sides: LiveSides, plan: Plan, run: Running, progress: (p: Progress) => void): Promise<void> {
    const { src, dst, worker } = sides;
    const { dom } = plan;
    const flags =
      (i.live ? MIGRATE.LIVE : 0) | (plan.peerToPeer ? MIGRATE.PEER2PEER : 0) | (plan.tunnelled ? MIGRATE.TUNNELLED : 0) |
      (dom.persistent ? MIGRATE.PERSIST_DEST | MIGRATE.UNDEFINE_SOURCE : 0) | (i.copyStorage === 'all' ? MIGRATE.NON_SHARED_DISK : 0);
    const direct = plan.tunnelled ? undefined : directMigrationUri(dst.uri);
    const params = { ...(i.bandwidthMiBps ? { bandwidth: i.bandwidthMiBps } : {}), ...(direct ? { migrate_uri: direct } : {}) };
    const poll = this.pollJob(src, dom.uuid, run, progress);
    try {
      const failed = await sides.workerReady;
      if (failed) throw failed;
      if (run.cancelRequested) throw cancelledError(dom.name, src.uri, dst.uri);
      await worker.api.migrateDomain({ uuid: dom.uuid }, { destination: dst.uri, flags, peerToPeer: plan.peerToPeer, params });
    } catch (e) {
      if (run.cancelRequested) throw cancelledError(dom.name, src.uri, dst.uri);
      throw await migrateFailed(e, src, dst, dom, plan.peerToPeer);
    } finally {
      poll.stop();
    }
  }

  /** Reads the source's job statistics while the migration runs: progress events, and a cancel that came before the job began. */
  private pollJob(src: MigrationSide, uuid: string, run: Running, progress: (p: Progress) => void): { stop(): void } {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void (async () => {
        const s = await src.api.domainJobStats({ uuid });
        if (!jobIsActive(s.type)) return;
        if (run.cancelRequested && !run.abortSent) {
          run.abortSent = true;
          await src.api.abortDomainJob({ uuid });
        }
        progress({ phase: 'migrating', ...progressFromJob(s.params) });
      })()
        .catch(() => undefined)
        .finally(() => {
          busy = false;
        });
    }, this.deps.pollMs ?? 500);
    return { stop: () => clearInterval(timer) };
  }

  /** A shut-off VM: its definition is defined on the destination, and only then undefined here. */
  private async moveDefinition(src: MigrationSide, dst: MigrationSide, dom: DomainSummary, warnings: string[]): Promise<void> {
    const ref = { uuid: dom.uuid };
    await this.deps.locked(dst.uri, async () => {
      const xml = await src.api.domainXml(ref, { inactive: true, secure: true });
      try {
        await dst.api.defineDomain(xml);
      } catch (e) {
        throw new ApiError('LIBVIRT', `cannot define VM '${dom.name}' on ${dst.uri}: ${errText(e)}. Nothing was changed: it is still on ${src.uri}`);
      }
      if (dom.autostart) await dst.api.setDomainAutostart(ref, true).catch((e) => warnings.push(`autostart could not be turned on at ${dst.uri}: ${errText(e)}`));
      try {
        await src.api.undefineDomain(ref);
      } catch (e) {
        await dst.api.undefineDomain(ref).catch(() => undefined);
        throw new ApiError('LIBVIRT', `cannot remove VM '${dom.name}' from ${src.uri} after defining it on ${dst.uri}: ${errText(e)}. It was removed from ${dst.uri} again: nothing was changed`);
      }
    });
  }
}

/** Where QEMU sends a direct (not tunnelled) migration: the destination's address from its URI. */
export function directMigrationUri(destination: string): string | undefined {
  try {
    const host = new URL(destination).hostname;
    return host ? `tcp://${host}` : undefined;
  } catch {
    return undefined;
  }
}

function cancelledError(name: string, src: string, dst: string): ApiError {
  return new ApiError('CANCELLED', `the migration of VM '${name}' to ${dst} was cancelled: it stays on ${src}`);
}

async function migrateFailed(e: unknown, src: MigrationSide, dst: MigrationSide, dom: DomainSummary, peerToPeer: boolean): Promise<ApiError> {
  const now = await src.api.lookupDomain({ uuid: dom.uuid }).catch(() => null);
  const where = now ? M('migrate.stillHere', { uri: src.uri, state: now.state }) : M('migrate.goneHere', { uri: src.uri, destination: dst.uri });
  const unreachable = /unable to connect|connection refused|no route to host|name or service not known|could not resolve|failed to connect/i.test(errText(e));
  const hint = unreachable ? M(peerToPeer ? 'migrate.hintPeerToPeer' : 'migrate.hintDirect', { source: src.uri, uri: dst.uri }) : '';
  const code = (e as { code?: unknown }).code;
  const text = M('error.migrate.failed', { name: dom.name, uri: dst.uri, detail: errText(e), where, hint });
  return new ApiError(e instanceof ApiError ? e.code : 'LIBVIRT', englishText(text), undefined, typeof code === 'number' ? code : undefined, text);
}
