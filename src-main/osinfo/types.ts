// Plain data types of the OS presets (no Node imports: the renderer sees them via the contract).

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

export interface OsDetection {
  os: OsSummary | null;
  volumeId: string;
  systemId: string;
  publisherId: string;
  applicationId: string;
  /** The architecture of the matched media (x86_64 preferred). */
  arch: string | null;
}
