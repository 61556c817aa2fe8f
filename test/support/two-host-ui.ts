// Browser-mode tests across two REAL hosts: qemu:///system and the second host over qemu+tcp
// (test/support/second-host.ts), each with a client of its own, and the UI on a core (own
// settings folder) that knows both. close() removes the test's domains (prefix `id`) on both.
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

export class TwoHostUi {
  readonly host1 = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
  host2?: LibvirtHostClient;
  second?: SecondHost;
  core?: Core;
  server?: RunningServer;
  browser?: Browser;
  page?: Page;
  private settingsDir?: string;

  constructor(private readonly id: string) {}

  /** Starts (or joins) the second host and connects a client to each host. */
  async connectHosts(): Promise<{ second: SecondHost; host2: LibvirtHostClient }> {
    const second = (this.second = await startSecondHost());
    const host2 = (this.host2 = new LibvirtHostClient(second.tcpUri, nodeHostSpawner));
    await Promise.all([this.host1.connect(), host2.connect()]);
    return { second, host2 };
  }

  /** A core that connects to both hosts by itself, and a Chromium page of the UI on it. */
  async openUi(settingsPrefix: string): Promise<{ core: Core; page: Page }> {
    this.settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), settingsPrefix));
    const core = (this.core = createCore({ spawnHost: nodeHostSpawner, settingsDir: this.settingsDir, autoConnect: true }));
    await core.call('connections.add', { uri: this.second!.tcpUri });
    const { server, browser, page } = await openUiOnCore(core);
    Object.assign(this, { server, browser, page });
    return { core, page };
  }

  /** Closes the UI and the core, removes the test's domains and then what `alsoRemove` does, stops using host 2. */
  async close(alsoRemove?: () => Promise<void>): Promise<void> {
    await this.browser?.close();
    await this.server?.close();
    await this.core?.close();
    for (const c of [this.host1, this.host2]) if (c) await removeDomainsWithPrefix(c, this.id);
    await alsoRemove?.();
    await Promise.all([this.host1.close(), this.host2?.close()]);
    await this.second?.stop();
    if (this.settingsDir) fs.rmSync(this.settingsDir, { recursive: true, force: true });
  }
}
