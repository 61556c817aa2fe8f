// The server-side file chooser (browser mode).
import { z } from 'zod';
import { method, onConnection } from './common';
import { absolutePath } from './fields';

export interface FsEntry {
  name: string;
  path: string;
  isDir: boolean;
  size: number;
}

export interface FsBrowseResult {
  /** The folder listed (symlinks resolved); null: the list of allowed roots. */
  path: string | null;
  parent: string | null;
  roots: string[];
  entries: FsEntry[];
  truncated: boolean;
}

export const fileMethods = {
  /**
   * Server-side file chooser for browser mode: lists a folder under the allowed roots
   * (file-roots.ts: /var/lib/libvirt/images, the user's home, the storage pool folders of local
   * QEMU/LXC connections and the folders in settings.browseFolders, minus system folders). No
   * path: the roots. Symlinks are resolved before the check.
   */
  'fs.browse': method(z.object({ ...onConnection, path: absolutePath('path').optional(), showHidden: z.boolean().default(false) }).strict(), {} as FsBrowseResult),
} as const;
