// One VM under edit on the REAL qemu:///system daemon, shared by the vm-edit, vm-devices and
// vm-hwedit integration tests: a core with its own settings folder, typed API calls, refusals,
// the VM's live and persistent XML, and (for tests that need the guest's shell) a running tiny
// guest with a pool-backed root disk.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, type Core } from '../../src-main/api/core';
import type { MethodInput, MethodName, MethodResult } from '../../src-main/contract';
import { canonicalXml, parseDomain } from '../../src-main/domain';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { removeDomainsWithPrefix, removeTestPool } from './cleanup';
import { GuestShell } from './guest-shell';
import { SYSTEM_URI, tinyGuestXml, uniqueName } from './tiny-guest';

export { failure } from './api-failure';

export class EditFixture {
  /** Prefix of everything this test creates (`vdt-<topic>-<pid>-<random>`). */
  readonly id: string;
  readonly name: string;
  readonly pool: string;
  readonly poolDir: string;
  readonly client = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
  core!: Core;
  settingsDir!: string;
  uuid!: string;
  private pooled = false;

  constructor(private readonly topic: string) {
    this.id = uniqueName(topic);
    this.name = `${this.id}-vm`;
    this.pool = `${this.id}-pool`;
    this.poolDir = path.join('/var/lib/libvirt/images', this.pool);
  }

  /** Connects to the daemon and starts a core with a settings folder of its own. */
  async open(): Promise<void> {
    await this.client.connect();
    this.settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), `${this.topic}-settings-`));
    this.core = createCore({ spawnHost: nodeHostSpawner, settingsDir: this.settingsDir });
  }

  /**
   * Defines the test's pool over poolDir and the tiny guest booted from `boot` with a 16 MiB
   * qcow2 root disk vda there (boots first) and an empty IDE CD-ROM hdc; starts it and resolves
   * with its shell once that answers.
   */
  async startPooledGuest(boot: { kernel?: string; initrd: string }): Promise<GuestShell> {
    const root = path.join(this.poolDir, 'root.qcow2');
    fs.mkdirSync(this.poolDir, { recursive: true });
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', root, '16M']);
    this.pooled = true;
    await this.call('pool.define', { connection: SYSTEM_URI, name: this.pool, path: this.poolDir, start: true, autostart: false });
    const d = parseDomain(tinyGuestXml(this.name, { disk: root }));
    if (boot.kernel) d.os.kernel = boot.kernel;
    d.os.initrd = boot.initrd;
    d.device('disk:vda')!.bootOrder = 1;
    d.addDevice("<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='hdc' bus='ide'/><readonly/></disk>");
    this.uuid = (await this.client.api.defineDomain(d.toXml())).uuid;
    await this.client.api.startDomain({ uuid: this.uuid });
    return this.openShell();
  }

  /** The guest's shell, once it answers. */
  async openShell(): Promise<GuestShell> {
    const sh = await GuestShell.overStream(this.client, this.uuid);
    await sh.run('echo R$((6*7))Z', /R42Z/, 120_000);
    return sh;
  }

  /** Closes `shell`, powers the guest off and on again; resolves with the new shell. */
  async restart(shell: GuestShell | undefined): Promise<GuestShell> {
    await shell?.close();
    await this.client.api.destroyDomain({ uuid: this.uuid });
    await this.client.api.startDomain({ uuid: this.uuid });
    return this.openShell();
  }

  /** Removes the test's domains and pool, then whatever `alsoRemove` does, then closes the core and the connection. */
  async close(alsoRemove?: () => void): Promise<void> {
    await removeDomainsWithPrefix(this.client, this.id);
    if (this.pooled) await removeTestPool(this.client, this.pool, this.poolDir);
    alsoRemove?.();
    if (this.settingsDir) fs.rmSync(this.settingsDir, { recursive: true, force: true });
    await this.core?.close();
    await this.client.close();
  }

  readonly call = async <M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodResult<M>> => (await this.core.call(method, input)) as MethodResult<M>;
  /** The connection and VM part of a vm.* input. */
  readonly vm = () => ({ connection: SYSTEM_URI, vm: { uuid: this.uuid } });
  readonly liveXml = () => this.client.api.domainXml({ uuid: this.uuid });
  readonly configXml = () => this.client.api.domainXml({ uuid: this.uuid }, { inactive: true });
  /** Both XMLs in canonical form, to show that a refusal changed nothing. */
  readonly both = async () => ({ live: canonicalXml(await this.liveXml()), config: canonicalXml(await this.configXml()) });
}

export const virsh = (...args: string[]) => execFileSync('virsh', ['-c', SYSTEM_URI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
