// Pure helpers of the Host page's "kinds of virtualization" card.
import type { HostCheckReport, StartupMeasure } from '../../src-main/contract';

/** URIs as the server spells them (%2F) or as typed (/): compared unescaped. */
const same = (a: string, b: string): boolean => {
  try {
    return decodeURIComponent(a) === decodeURIComponent(b);
  } catch {
    return a === b;
  }
};

/** The LXC connection to offer: the one the host check says runs containers, when the user has not added it. */
export function suggestedConnection(report: HostCheckReport, known: readonly string[]): string | null {
  const uri = report.containers.available ? report.containers.connection : undefined;
  if (!uri) return null;
  return known.some((k) => same(k, uri)) ? null : uri;
}

/** How many times as long the VM took as the container (one decimal), when both were measured. */
export function measureRatio(r: { vm: StartupMeasure; container: StartupMeasure }): number | null {
  if (r.vm.ms === null || r.container.ms === null || r.container.ms <= 0) return null;
  return Math.round((r.vm.ms / r.container.ms) * 10) / 10;
}
