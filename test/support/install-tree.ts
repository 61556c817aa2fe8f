// A local HTTP server that looks like a Debian mirror's installer tree (the layout virt-install
// and Virtdesk recognise), with the tiny test guest's kernel and initrd as the "installer". A
// network install from it boots the tiny guest, whose serial console prints the marker.
import fs from 'node:fs';
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
