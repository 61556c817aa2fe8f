// Which snapshots a VM can have, from its domain XML and the connection's libvirt version (pure).
//
// - Internal snapshots live inside qcow2 images (QEMU savevm / qemu-img snapshot): every writable
//   disk must be qcow2, and libvirt refuses them for VMs with pflash (UEFI) firmware.
// - External snapshots put new qcow2 overlays over the disks (and the memory in a file): any
//   local file or block disk works, UEFI too.
// - Reverting to (and deleting) external snapshots arrived in libvirt 9.9.0; the version comes
//   from the connection (virConnectGetLibVersion), never guessed.
import type { SnapshotCapabilities } from '../contract';
import { domainDisks, readDomainXml } from '../xml/read-domain';

/** libvirt 9.9.0 as virConnectGetLibVersion reports it (major * 1,000,000 + minor * 1,000 + release). */
export const EXTERNAL_REVERT_SINCE = 9_009_000;

export function formatLibVersion(v: number): string {
  return `${Math.floor(v / 1_000_000)}.${Math.floor((v % 1_000_000) / 1000)}.${v % 1000}`;
}

export function snapshotCapabilities(domainXml: string, libVersion: number): SnapshotCapabilities {
  const reasons: string[] = [];
  const dom = readDomainXml(domainXml);
  const writable = domainDisks(domainXml).filter((d) => d.device === 'disk' && !d.readonly && !d.shareable);

  let internal = true;
  if (dom.firmware === 'uefi') {
    internal = false;
    reasons.push('UEFI firmware (pflash): libvirt refuses internal snapshots of such VMs — use external (disk) snapshots');
  }
  if (writable.length === 0) {
    internal = false;
    reasons.push('the VM has no writable disk to hold a snapshot');
  }
  const notQcow2 = writable.filter((d) => d.format !== 'qcow2');
  if (notQcow2.length) {
    internal = false;
    reasons.push(`internal snapshots need qcow2 disks; ${notQcow2.map((d) => `${d.target} is ${d.format ?? 'of unknown format'}`).join(', ')}`);
  }

  let external = writable.length > 0;
  const notLocal = writable.filter((d) => d.type !== 'file' && d.type !== 'block');
  if (notLocal.length) {
    external = false;
    reasons.push(`external snapshots need file or block disks; ${notLocal.map((d) => `${d.target} is a ${d.type} disk`).join(', ')}`);
  }

  const newEnough = libVersion >= EXTERNAL_REVERT_SINCE;
  const externalRevert = external && newEnough;
  if (external && !newEnough) {
    reasons.push(`reverting to or deleting external snapshots needs libvirt ≥ ${formatLibVersion(EXTERNAL_REVERT_SINCE)} (this host has ${formatLibVersion(libVersion)}): external snapshots can be created but not reverted here`);
  }
  return { internal, external, externalRevert, reasons, libVersion: formatLibVersion(libVersion) };
}
