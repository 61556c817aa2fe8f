// Input rules shared by every part of the contract: names of libvirt objects, paths, numbers,
// OS ids, install URLs. zod only.
import { z } from 'zod';
import { displayNameProblem } from './display-name';

// ---- text rules ----
// C0/C1 control characters, DEL, lone surrogates and the XML non-characters U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]/;
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NAME_FORBIDDEN = /[<>&"'/]/;

export const NAME_MAX_CHARS = 64;
/** libvirt stores <name>.xml (and UEFI <name>_VARS.fd): stay well under the 255-byte file name limit. */
export const NAME_MAX_BYTES = 200;

const codePoints = (s: string): number => [...s].length;
export const utf8 = new TextEncoder();

/**
 * Names of VMs, pools, volumes and networks: 1–64 characters; letters of any script, digits,
 * spaces and punctuation except < > & " ' /; no control or invisible characters (display-name.ts);
 * no leading/trailing space.
 */
export function objectName(what: string, max = NAME_MAX_CHARS) {
  return z.string({ error: `${what} must be text` }).superRefine((s, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (s.length === 0) return fail(`${what} is empty`);
    if (codePoints(s) > max) return fail(`${what} is longer than ${max} characters (${codePoints(s)})`);
    if (utf8.encode(s).length > NAME_MAX_BYTES) return fail(`${what} is longer than ${NAME_MAX_BYTES} bytes in UTF-8`);
    const invisible = displayNameProblem(s, what);
    if (invisible) return fail(invisible);
    if (CONTROL.test(s) || LONE_SURROGATE.test(s)) return fail(`${what} contains a control character or broken Unicode`);
    const bad = NAME_FORBIDDEN.exec(s);
    if (bad) return fail(`${what} must not contain ${JSON.stringify(bad[0])} (not allowed: < > & " ' /)`);
    if (s.trim() !== s) return fail(`${what} must not start or end with a space`);
    if (s === '.' || s === '..') return fail(`${what} cannot be '.' or '..'`);
  });
}

/**
 * The name of something that already exists (created elsewhere, so maybe with characters new
 * names may not use): 1–255 characters, no control characters.
 */
export function existingName(what: string) {
  return z.string({ error: `${what} must be text` }).superRefine((s, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (s.length === 0) return fail(`${what} is empty`);
    if (s.length > 255) return fail(`${what} is longer than 255 characters`);
    if (CONTROL.test(s) || LONE_SURROGATE.test(s)) return fail(`${what} contains a control character or broken Unicode`);
    if (s.trim() !== s) return fail(`${what} must not start or end with a space`);
  });
}

/** Free text that ends up in XML (kernel command line): no control characters. */
export function xmlText(what: string, max: number) {
  return z.string({ error: `${what} must be text` }).trim().max(max, `${what} is longer than ${max} characters`).refine(
    (s) => !CONTROL.test(s) && !LONE_SURROGATE.test(s),
    `${what} contains a control character or broken Unicode`,
  );
}

/** An absolute path on the host, normalized (no '.', '..', '//' parts). */
export function absolutePath(what: string) {
  return z.string({ error: `${what} must be a path` }).superRefine((s, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (s.length === 0) return fail(`${what} is empty`);
    if (s.length > 4096) return fail(`${what} is longer than 4096 characters`);
    if (!s.startsWith('/')) return fail(`${what} must be an absolute path (starting with /)`);
    if (CONTROL.test(s) || LONE_SURROGATE.test(s)) return fail(`${what} contains a control character or broken Unicode`);
    if (s.trim() !== s) return fail(`${what} must not start or end with a space`);
    if (s.split('/').some((part) => part === '.' || part === '..')) return fail(`${what} must not contain '.' or '..' parts`);
  });
}

/** An absolute path that names a file (not '/', no trailing slash). */
export function filePath(what: string) {
  return absolutePath(what).refine((s) => s.length > 1 && !s.endsWith('/'), `${what} must name a file, not a folder (no trailing /)`);
}

export const wholeNumber = (what: string, min: number, max: number, unit = '') =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(min, `${what} must be at least ${min}${unit}`)
    .max(max, `${what} must be at most ${max}${unit}`);

/** Disk sizes in GiB: positive, up to 64 TiB, at MiB resolution. */
export const sizeGiB = (what: string) =>
  z
    .number({ error: `${what} must be a number of GiB` })
    .refine((n) => Number.isFinite(n), `${what} must be a finite number`)
    .refine((n) => n > 0, `${what} must be more than 0 GiB`)
    .refine((n) => n <= 65536, `${what} must be at most 65536 GiB`)
    .refine((n) => n * 1024 >= 1, `${what} must be at least 1 MiB (0.0009765625 GiB)`);

export const osId = z
  .string({ error: 'os must be an osinfo short id such as debian12, or null' })
  .min(1, 'os is empty (use null for none)')
  .max(200, 'os is longer than 200 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/+-]*$/, 'os must be an osinfo id such as debian12 or http://debian.org/debian/12');

/** An http(s) URL of an install tree or a file. */
export const installUrl = (what: string) =>
  z
    .string({ error: `${what} must be text` })
    .max(2048, `${what} is longer than 2048 characters`)
    .regex(/^https?:\/\/[^\s/$.?#][^\s]*$/i, `${what} must be an http:// or https:// URL`);
