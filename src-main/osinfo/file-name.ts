// Guessing the OS of a disk or cloud image from its file name, the way people and download
// sites name them (debian-12-genericcloud-amd64.qcow2, Fedora-Cloud-Base-39-1.5.x86_64.qcow2,
// jammy-server-cloudimg-amd64.img, …). Disk images carry no volume descriptor to match, and
// reading the guest's file systems would need libguestfs; the name is right for the images
// distributions publish. Returns osinfo short ids to try, best first.

const UBUNTU_CODENAMES: Record<string, string> = {
  bionic: '18.04',
  focal: '20.04',
  jammy: '22.04',
  lunar: '23.04',
  mantic: '23.10',
  noble: '24.04',
  oracular: '24.10',
  plucky: '25.04',
};
const DEBIAN_CODENAMES: Record<string, string> = { stretch: '9', buster: '10', bullseye: '11', bookworm: '12', trixie: '13' };

export function osCandidatesFromFileName(fileName: string): string[] {
  const base = fileName.split('/').pop() ?? fileName;
  // Architecture names carry digits that would read as versions (Fedora-Cloud-Base-Generic.x86_64-40-…).
  const n = base.toLowerCase().replace(/x86[-_]64|amd64|aarch64|arm64|ppc64le|s390x|i[36]86/g, 'cpu');
  const out: string[] = [];
  const m = (re: RegExp) => re.exec(n);
  let r: RegExpExecArray | null;

  if ((r = m(/debian[-_.]?(\d{1,2})(?!\d)/))) out.push(`debian${r[1]}`);
  for (const [code, v] of Object.entries(DEBIAN_CODENAMES)) if (n.includes(code)) out.push(`debian${v}`);

  if ((r = m(/ubuntu[-_.]?(\d{2}\.\d{2})/))) out.push(`ubuntu${r[1]}`);
  for (const [code, v] of Object.entries(UBUNTU_CODENAMES)) if (new RegExp(`(^|[^a-z])${code}([^a-z]|$)`).test(n)) out.push(`ubuntu${v}`);

  if ((r = m(/fedora[-_.a-z]*?[-_.](\d{2})(?!\d)/))) out.push(`fedora${r[1]}`);
  if ((r = m(/centos[-_.]?stream[-_.]?(?:genericcloud[-_.]?)?(\d+)/)) || (n.includes('centos') && n.includes('stream') && (r = m(/[-_.](\d+)(?!\d)/)))) out.push(`centos-stream${r[1]}`);
  else if ((r = m(/centos[-_.]?(\d+)(?:[-_.](\d+))?/))) out.push(...(r[2] ? [`centos${r[1]}.${r[2]}`] : []), `centos${r[1]}`);
  if ((r = m(/almalinux[-_.]?(\d+)(?:[-_.](\d+))?/))) out.push(...(r[2] ? [`almalinux${r[1]}.${r[2]}`] : []), `almalinux${r[1]}`);
  if ((r = m(/rocky[-_.]?(\d+)(?:[-_.](\d+))?/))) out.push(...(r[2] ? [`rocky${r[1]}.${r[2]}`] : []), `rocky${r[1]}`);
  if ((r = m(/rhel[-_.]?(\d+)(?:[-_.](\d+))?/))) out.push(`rhel${r[1]}.${r[2] ?? '0'}`);
  if ((r = m(/opensuse[-_.]?leap[-_.]?(\d+\.\d+)/))) out.push(`opensuse${r[1]}`);
  if (n.includes('tumbleweed')) out.push('opensusetumbleweed');
  if ((r = m(/alpine[-_a-z]*?[-_.]?v?(\d+\.\d+)/))) out.push(`alpinelinux${r[1]}`);
  // osinfo names CirrOS releases in full (cirros0.5.2).
  if ((r = m(/cirros[-_.]?(\d+\.\d+)(\.\d+)?/))) out.push(...(r[2] ? [`cirros${r[1]}${r[2]}`] : []), `cirros${r[1]}`);
  if (/arch[-_]?linux/.test(n)) out.push('archlinux');
  if ((r = m(/freebsd[-_.]?(\d+\.\d+)/))) out.push(`freebsd${r[1]}`);
  return [...new Set(out)];
}
