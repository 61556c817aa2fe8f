// The native file dialog behind `virtdesk:pickFile`: the renderer's request is checked here
// (it comes from a web page) and turned into dialog.showOpenDialog options. Pure: no electron
// import at runtime, so it is unit-tested in plain Node.
import type { OpenDialogOptions } from 'electron';
import { PICK_FILE_KINDS, type PickFileKind, type PickFileRequest } from '../preload/bridge';

// C0/C1 control characters, DEL, lone surrogates and the non-characters U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const MAX_TITLE = 200;
export const MAX_FILTER_NAME = 100;
export const MAX_PATH = 4096;

const KEYS = new Set(['kind', 'title', 'defaultPath', 'filterName', 'allFilesName']);

/** File name extensions of the type filters (without the dot). */
export const FILTER_EXTENSIONS: Record<'iso' | 'disk', string[]> = {
  iso: ['iso'],
  disk: ['qcow2', 'qcow', 'img', 'raw', 'vmdk', 'vdi', 'vhd', 'vhdx', 'qed'],
};

const DEFAULT_FILTER_NAMES: Record<'iso' | 'disk', string> = { iso: 'ISO images', disk: 'Disk images' };
const DEFAULT_ALL_FILES = 'All files';

export type PickFileParse = { ok: true; value: PickFileRequest } | { ok: false; field: string; message: string };

function text(value: unknown, field: string, max: number): { ok: true } | { ok: false; field: string; message: string } {
  if (typeof value !== 'string') return { ok: false, field, message: `${field} must be text` };
  if (value.length === 0) return { ok: false, field, message: `${field} is empty` };
  if (value.length > max) return { ok: false, field, message: `${field} is longer than ${max} characters` };
  if (CONTROL.test(value) || LONE_SURROGATE.test(value)) return { ok: false, field, message: `${field} contains a control character or broken Unicode` };
  return { ok: true };
}

/** Checks a pickFile request from the renderer: known keys only, a known kind, short plain texts, an absolute path. */
export function parsePickFileRequest(input: unknown): PickFileParse {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, field: '', message: 'the request must be an object' };
  // Only own, plain data properties (no getters or prototype tricks from the page).
  const obj = input as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (!KEYS.has(key)) return { ok: false, field: key, message: `unknown field '${key}'` };
  const kind = obj['kind'];
  if (typeof kind !== 'string' || !PICK_FILE_KINDS.includes(kind as PickFileKind)) {
    return { ok: false, field: 'kind', message: `kind must be one of ${PICK_FILE_KINDS.map((k) => `'${k}'`).join(', ')}` };
  }
  const value: PickFileRequest = { kind: kind as PickFileKind };
  for (const [key, max] of [
    ['title', MAX_TITLE],
    ['filterName', MAX_FILTER_NAME],
    ['allFilesName', MAX_FILTER_NAME],
  ] as const) {
    if (obj[key] === undefined) continue;
    const r = text(obj[key], key, max);
    if (!r.ok) return r;
    value[key] = obj[key] as string;
  }
  if (obj['defaultPath'] !== undefined) {
    const r = text(obj['defaultPath'], 'defaultPath', MAX_PATH);
    if (!r.ok) return r;
    const p = obj['defaultPath'] as string;
    if (!p.startsWith('/')) return { ok: false, field: 'defaultPath', message: 'defaultPath must be an absolute path (starting with /)' };
    if (p.split('/').some((part) => part === '..')) return { ok: false, field: 'defaultPath', message: "defaultPath must not contain '..' parts" };
    value.defaultPath = p;
  }
  return { ok: true, value };
}

/** The type filters of a kind (none for kernels, "any" and folders: a kernel has no usual extension). */
export function dialogFilters(request: Pick<PickFileRequest, 'kind' | 'filterName' | 'allFilesName'>): { name: string; extensions: string[] }[] {
  const all = { name: request.allFilesName ?? DEFAULT_ALL_FILES, extensions: ['*'] };
  switch (request.kind) {
    case 'iso':
    case 'disk':
      return [{ name: request.filterName ?? DEFAULT_FILTER_NAMES[request.kind], extensions: [...FILTER_EXTENSIONS[request.kind]] }, all];
    case 'kernel':
    case 'any':
      return [all];
    case 'folder':
      return [];
  }
}

/** The options for dialog.showOpenDialog: one file (or one folder), the filters, the start path. */
export function dialogOptions(request: PickFileRequest): OpenDialogOptions {
  const folder = request.kind === 'folder';
  const filters = dialogFilters(request);
  return {
    ...(request.title ? { title: request.title } : {}),
    ...(request.defaultPath ? { defaultPath: request.defaultPath } : {}),
    properties: folder ? ['openDirectory', 'createDirectory'] : ['openFile'],
    ...(filters.length ? { filters } : {}),
  };
}
