// Browser-mode tests with the second host (test/support/second-host.ts): the test's own clients
// to the hosts it sets up and checks (host 2 over qemu+tcp, and qemu:///system when asked), and
// the UI on a core (own settings folder) that connects by itself to what the test added to it.
// close() removes the test's domains (names starting with `id`) on the hosts it had clients to.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createCore, type Core } from '../../src-main/api/core';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import type { RunningServer } from '../../src-main/server/server';
import { removeDomainsWithPrefix } from './cleanup';
import { startSecondHost, type SecondHost } from './second-host';
import { SYSTEM_URI } from './tiny-guest';
import { openUiOnCore } from './ui-on-core';

/** The SHA256 fingerprint of host 2's sshd host key, as the host-key dialog shows it. */
export function hostKeyFingerprint(second: SecondHost): string {
  return /(SHA256:\S{43})/.exec(execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', second.hostKeyFile], { encoding: 'utf8' }))![1]!;
}

export class TwoHostUi {
  readonly host1 = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
  host2?: LibvirtHostClient;
  second?: SecondHost;
  core?: Core;
  server?: RunningServer;
  browser?: Browser;
  page?: Page;
  /** The UI core's own settings folder (set by openUi). */
  settingsDir?: string;
  private host1Used = false;

  constructor(private readonly id: string) {}

  /** Starts (or joins) the second host; the test has no client of its own to it. */
  async startSecond(): Promise<SecondHost> {
    return (this.second = await startSecondHost());
  }

  /** Starts (or joins) the second host and gives the test a client to it over TCP. */
  async connectHost2(): Promise<{ second: SecondHost; host2: LibvirtHostClient }> {
    const second = await this.startSecond();
    const host2 = (this.host2 = new LibvirtHostClient(second.tcpUri, nodeHostSpawner));
    await host2.connect();
    return { second, host2 };
  }

  /**
   * Connects a client to each host. Host 2 is the second host, started (or joined) here, unless
   * `host2Uri` names another one (then `second` stays unset).
   */
  connectHosts(): Promise<{ second: SecondHost; host2: LibvirtHostClient }>;
  connectHosts(host2Uri: string | undefined): Promise<{ second?: SecondHost; host2: LibvirtHostClient }>;
  async connectHosts(host2Uri?: string): Promise<{ second?: SecondHost; host2: LibvirtHostClient }> {
    this.host1Used = true;
    const uri = host2Uri ?? (await this.startSecond()).tcpUri;
    const host2 = (this.host2 = new LibvirtHostClient(uri, nodeHostSpawner));
    await Promise.all([this.host1.connect(), host2.connect()]);
    return { second: this.second, host2 };
  }

  /**
   * A core that connects by itself to its hosts, `addHosts` run on it (by default: add host 2 at
   * the URI of the test's client), then a Chromium page of the UI on it.
   */
  async openUi(settingsPrefix: string, addHosts: (core: Core) => Promise<unknown> = (core) => core.call('connections.add', { uri: this.host2!.uri })): Promise<{ core: Core; page: Page; server: RunningServer; browser: Browser }> {
    this.settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), settingsPrefix));
    const core = (this.core = createCore({ spawnHost: nodeHostSpawner, settingsDir: this.settingsDir, autoConnect: true }));
    await addHosts(core);
    const { server, browser, page } = await openUiOnCore(core);
    Object.assign(this, { server, browser, page });
    return { core, page, server, browser };
  }

  /** Closes the UI and the core, removes the test's domains and then what `alsoRemove` does, stops using host 2. */
  async close(alsoRemove?: () => Promise<void>): Promise<void> {
    await this.browser?.close();
    await this.server?.close();
    await this.core?.close();
    for (const c of [this.host1Used ? this.host1 : undefined, this.host2]) if (c) await removeDomainsWithPrefix(c, this.id);
    await alsoRemove?.();
    await Promise.all([this.host1.close(), this.host2?.close()]);
    await this.second?.stop();
    if (this.settingsDir) fs.rmSync(this.settingsDir, { recursive: true, force: true });
  }
}
