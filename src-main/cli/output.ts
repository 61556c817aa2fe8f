// Plain-text output shared by the CLI's commands.
import type { VmSummary } from '../contract';

export function formatMemory(kib: number): string {
  return kib >= 1024 * 1024 ? `${(kib / 1024 / 1024).toFixed(1)} GiB` : `${Math.round(kib / 1024)} MiB`;
}

/** Columns padded to their widest cell, one line per row. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => `${r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()}\n`).join('');
}

/** The table `virtdesk list` prints. */
export function vmTable(vms: VmSummary[]): string {
  return formatTable([['NAME', 'STATE', 'VCPUS', 'MEMORY', 'OS'], ...vms.map((v) => [v.name, v.state, String(v.vcpus), formatMemory(v.maxMemoryKiB), v.os ?? '-'])]);
}
