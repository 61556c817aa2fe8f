// A local HTTP server that looks like a Debian mirror's installer tree (the layout virt-install
// and Virtdesk recognise), with the tiny test guest's kernel and initrd as the "installer". A
// network install from it boots the tiny guest, whose serial console prints the marker.
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tinyGuestFiles } from './tiny-guest';

export const TREE_INSTALLER_DIR = '/debian/dists/bookworm/main/installer-amd64/';
const NETBOOT = 'current/images/netboot/debian-installer/amd64/';

export interface InstallTree {
  /** The mirror root, e.g. http://127.0.0.1:PORT/debian/ */
  mirrorUrl: string;
  /** The installer folder, e.g. http://127.0.0.1:PORT/debian/dists/bookworm/main/installer-amd64/ */
  installerUrl: string;
  /** Paths requested so far (for assertions). */
  requests: string[];
  close(): Promise<void>;
}

export async function startInstallTree(): Promise<InstallTree> {
  const { kernel, initrd } = tinyGuestFiles();
  const files = new Map<string, () => Buffer>([
    [`${TREE_INSTALLER_DIR}${NETBOOT}linux`, () => fs.readFileSync(kernel)],
    [`${TREE_INSTALLER_DIR}${NETBOOT}initrd.gz`, () => fs.readFileSync(initrd)],
    [`${TREE_INSTALLER_DIR}current/images/MANIFEST`, () => Buffer.from('netboot/debian-installer/amd64/linux\tDebian installer netboot kernel\n')],
    ['/debian/dists/bookworm/Release', () => Buffer.from('Origin: Debian\nLabel: Debian\nSuite: stable\nVersion: 12.8\nCodename: bookworm\n')],
  ]);
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url.pathname);
    const body = files.get(url.pathname);
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const data = body();
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(data.length) });
    res.end(req.method === 'HEAD' ? undefined : data);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    mirrorUrl: `${base}/debian/`,
    installerUrl: `${base}${TREE_INSTALLER_DIR}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A tree layout recorded from a published tree (test/fixtures/install-trees/<name>/, see its README). */
export interface RecordedTree {
  name: string;
  /** The tree's URL as published, e.g. http://deb.debian.org/debian/dists/buster/main/installer-amd64/ */
  treeUrl: string;
  /** Where the layout was recorded from. */
  source: string;
  /** Every URL the tree has: the recorded text for the small description files, null for the rest (kernels…). */
  files: Map<string, string | null>;
}

const RECORDED = path.join(__dirname, '../fixtures/install-trees');

export function recordedTreeNames(): string[] {
  return fs.readdirSync(RECORDED).filter((n) => fs.existsSync(path.join(RECORDED, n, 'layout.json')));
}

export function recordedTree(name: string): RecordedTree {
  const folder = path.join(RECORDED, name);
  const layout = JSON.parse(fs.readFileSync(path.join(folder, 'layout.json'), 'utf8')) as { tree: string; source: string; exists: string[] };
  const origin = new URL(layout.tree).origin;
  const files = new Map<string, string | null>(layout.exists.map((p) => [`${origin}${p}`, null]));
  const rootDir = path.join(folder, 'root');
  const walk = (d: string): void => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else files.set(`${origin}/${path.relative(rootDir, full).split(path.sep).join('/')}`, fs.readFileSync(full, 'utf8'));
    }
  };
  walk(rootDir);
  return { name, treeUrl: layout.tree, source: layout.source, files };
}

/** Where debian-installer-12-netboot-amd64 puts the netboot tree (what netboot.tar.gz holds). */
export const DEBIAN_NETBOOT_DIR = '/usr/lib/debian-installer/images/12/amd64/text';
export const DEBIAN_MIRROR_INSTALLER = '/debian/dists/bookworm/main/installer-amd64/';

/**
 * A Debian mirror on 127.0.0.1 whose bookworm installer folder holds the REAL netboot installer
 * from the debian-installer-12-netboot-amd64 package, laid out as deb.debian.org has it:
 * current/images/netboot/… (the package's tree), current/images/MANIFEST, dists/bookworm/Release,
 * with dists/stable/ the same folder as dists/bookworm/.
 */
export async function startDebianNetbootMirror(): Promise<InstallTree> {
  if (!fs.existsSync(path.join(DEBIAN_NETBOOT_DIR, 'debian-installer/amd64/linux'))) {
    throw new Error(`${DEBIAN_NETBOOT_DIR} is missing: install debian-installer-12-netboot-amd64 (npm run setup)`);
  }
  const version = /Debian version:\s*(\d+)/.exec(fs.readFileSync(path.join(DEBIAN_NETBOOT_DIR, 'version.info'), 'utf8'))?.[1] ?? '12';
  const images = `${DEBIAN_MIRROR_INSTALLER}current/images/`;
  const texts = new Map<string, string>([
    [
      `${images}MANIFEST`,
      'netboot/debian-installer                                -- PXE boot directory for tftp server\n' +
        'netboot/mini.iso                                        -- tiny CD image that boots the netboot installer\n' +
        'netboot/netboot.tar.gz                                  -- tarball of PXE boot directory\n',
    ],
    ['/debian/dists/bookworm/Release', `Origin: Debian\nLabel: Debian\nSuite: stable\nVersion: ${version}\nCodename: bookworm\n`],
  ]);
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const asked = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(asked);
    // dists/stable is a symlink to the stable release's folder on a real mirror.
    const pathname = asked.replace(/^\/debian\/dists\/stable\//, '/debian/dists/bookworm/');
    let file: string | null = null;
    if (pathname.startsWith(`${images}netboot/`)) {
      const candidate = path.resolve(DEBIAN_NETBOOT_DIR, pathname.slice(`${images}netboot/`.length));
      if (candidate.startsWith(`${DEBIAN_NETBOOT_DIR}/`) && fs.existsSync(candidate) && fs.statSync(candidate).isFile()) file = candidate;
    }
    const text = texts.get(pathname);
    if (!file && text === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const size = file ? fs.statSync(file).size : Buffer.byteLength(text!);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
    if (req.method === 'HEAD') res.end();
    else if (file) fs.createReadStream(file).pipe(res);
    else res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    mirrorUrl: `${base}/debian/`,
    installerUrl: `${base}${DEBIAN_MIRROR_INSTALLER}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
