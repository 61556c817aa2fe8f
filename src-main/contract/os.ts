// OS presets (osinfo-db) and OS detection from media and install trees.
import { z } from 'zod';
import { method, onConnection } from './common';
import { filePath, installUrl, osId, wholeNumber } from './fields';

export type OsSource = 'osinfo-db' | 'fallback';

export interface OsSummary {
  /** Full osinfo id, e.g. http://debian.org/debian/12 (what the domain metadata records). */
  id: string;
  /** First short id, e.g. debian12. */
  shortId: string;
  name: string;
  vendor: string | null;
  family: string | null;
  version: string | null;
  releaseDate: string | null;
  eolDate: string | null;
  source: OsSource;
}

export interface OsDefaults {
  os: OsSummary;
  memoryMiB: number;
  vcpus: number;
  diskGiB: number;
  /** 'uefi' when the OS supports only EFI firmware on x86_64. */
  firmware: 'bios' | 'uefi';
  diskBus: 'virtio' | 'sata';
  nicModel: 'virtio' | 'e1000';
  videoModel: 'virtio' | 'vga';
  /** The OS runs on the q35 chipset (PCIe, AHCI); old ones only on i440fx ('pc'). */
  q35: boolean;
  /** Windows keeps the hardware clock in local time. */
  clock: 'utc' | 'localtime';
  /** A TPM 2.0 is expected (Windows 11). */
  tpm: boolean;
}


export interface OsDetectResult {
  /** Problems worth knowing at the step where the file is chosen (e.g. QEMU cannot read it). */
  warnings?: string[];
  os: OsSummary | null;
  /** How the OS was found: the ISO's volume descriptor, or the file name (disk and cloud images). */
  detectedBy: 'volume-id' | 'file-name' | null;
  /** ISO 9660 identifiers ('' for files that are not ISO images). */
  volumeId: string;
  systemId: string;
  publisherId: string;
  applicationId: string;
}

export interface UrlTreeInfo {
  /** The tree's root as used (a Debian mirror root is resolved to its installer folder). */
  url: string;
  family: 'debian' | 'ubuntu' | 'redhat' | 'suse';
  /** Distribution name and version as the tree states them, e.g. "Fedora 39", "Debian bookworm". */
  name: string;
  os: OsSummary | null;
  kernelUrl: string;
  initrdUrl: string;
  /** Kernel arguments the installer needs to find its packages (e.g. inst.repo=…); may be ''. */
  cmdline: string;
}


export const osMethods = {
  'os.search': method(z.object({ query: z.string().max(200, 'query is longer than 200 characters'), limit: wholeNumber('limit', 1, 1000).optional() }).strict(), [] as OsSummary[]),
  'os.defaults': method(z.object({ id: osId }).strict(), {} as OsDefaults),
  /** Reads an ISO's volume descriptor (on this computer) and matches it against osinfo-db. */
  /**
   * Only files inside the folders the app may read (file-roots.ts; connection: whose storage pool
   * folders count, default the default connection); else INVALID_INPUT on 'path'.
   */
  'os.detect': method(z.object({ ...onConnection, path: filePath('path') }).strict(), {} as OsDetectResult),
  /**
   * Looks at an install tree (the way virt-install does: Debian/Ubuntu installer trees, .treeinfo
   * of Fedora/RHEL/CentOS/Alma/Rocky, openSUSE) and says which kernel and initrd it would boot.
   * INVALID_INPUT on 'url' when the URL does not answer or is no install tree it knows.
   */
  'os.detectUrl': method(z.object({ url: installUrl('url') }).strict(), {} as UrlTreeInfo),
} as const;
