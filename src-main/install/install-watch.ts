// After a network install: when the installer reboots (its live configuration says
// on_reboot=destroy), the VM stops; like virt-manager, Virtdesk then starts it again from its
// definition, which boots the installed system from disk. Only the installer's run carries the
// <virtdesk:installer/> marker (live XML only, never the definition), so a later shutdown of the
// installed system is never mistaken for it. If Virtdesk is not running when the installer
// ends, the VM just stays off.
import type { HostClientEvent, LibvirtHostClient } from '../libvirt/host-client';
import { readVirtdeskMeta } from '../xml/virtdesk-meta';

/** VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN: the guest ended (reboot with -no-reboot, or power off); not a forced stop. */
const STOPPED_SHUTDOWN = 0;

export class InstallWatcher {
  /** uri → UUIDs of running installers. */
  private readonly running = new Map<string, Set<string>>();

  constructor(
    private readonly clientFor: (uri: string) => Promise<LibvirtHostClient>,
    private readonly onRestartFailed: (uri: string, name: string, error: string) => void = () => undefined,
  ) {}

  private set(uri: string): Set<string> {
    let s = this.running.get(uri);
    if (!s) this.running.set(uri, (s = new Set()));
    return s;
  }

  /** Finds installers already running (after a connect or reconnect). */
  async scan(uri: string): Promise<void> {
    const client = await this.clientFor(uri);
    const found = new Set<string>();
    for (const r of await client.api.allDomainXml()) if (r.active && readVirtdeskMeta(r.xml)?.installer) found.add(r.uuid);
    this.running.set(uri, found);
  }

  async onEvent(uri: string, e: HostClientEvent): Promise<void> {
    if (e.type !== 'domain-lifecycle') return;
    if (e.event === 'started') {
      const client = await this.clientFor(uri);
      const xml = await client.api.domainXml({ uuid: e.uuid }).catch(() => null);
      if (xml && readVirtdeskMeta(xml)?.installer) this.set(uri).add(e.uuid);
      return;
    }
    if (e.event !== 'stopped' || !this.running.get(uri)?.delete(e.uuid)) return;
    if (e.detail !== STOPPED_SHUTDOWN) return; // forced off, crashed, saved: the user's call
    const client = await this.clientFor(uri);
    try {
      const d = await client.api.lookupDomain({ uuid: e.uuid });
      if (d.persistent && d.id === -1) await client.api.startDomain({ uuid: e.uuid });
    } catch (err) {
      this.onRestartFailed(uri, e.name, err instanceof Error ? err.message : String(err));
    }
  }

  /** UUIDs of installers known to run on `uri` (tests). */
  installers(uri: string): string[] {
    return [...(this.running.get(uri) ?? [])];
  }
}
