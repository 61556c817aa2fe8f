// Plain data types of the OS presets; the API's own (OsSummary, OsDefaults) live in the contract.
import type { OsSummary } from '../contract/os';

export type { OsDefaults, OsSource, OsSummary } from '../contract/os';

export interface OsDetection {
  os: OsSummary | null;
  volumeId: string;
  systemId: string;
  publisherId: string;
  applicationId: string;
  /** The architecture of the matched media (x86_64 preferred). */
  arch: string | null;
}
