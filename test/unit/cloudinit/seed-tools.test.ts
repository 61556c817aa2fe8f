// A seed tool that is missing or fails is named in a clear ApiError (not INTERNAL): which tool,
// its exit code and the last line of its stderr, or how to install it. PATH is pointed at a
// folder without genisoimage/xorriso/openssl (or with a failing fake) for each case.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SeedToolError, hashPassword, writeSeedIso } from '../../../src-main/cloudinit/seed';
import { seedVolume } from '../../../src-main/install/stage';
import { toApiError } from '../../../src-main/api/connection-manager';
import type { LibvirtHostClient } from '../../../src-main/libvirt/host-client';
import { failure } from '../../support/api-failure';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdtest-seedtools-'));
const empty = path.join(dir, 'empty-bin');
const failing = path.join(dir, 'failing-bin');
fs.mkdirSync(empty);
fs.mkdirSync(failing);
fs.writeFileSync(path.join(failing, 'genisoimage'), '#!/bin/sh\necho "genisoimage: first complaint" >&2\necho "genisoimage: Unable to open disc image file" >&2\nexit 5\n', { mode: 0o755 });
fs.writeFileSync(path.join(failing, 'openssl'), '#!/bin/sh\necho "passwd: unknown option" >&2\nexit 1\n', { mode: 0o755 });
const content = { userData: '#cloud-config\n', metaData: 'instance-id: i\n' };
const savedPath = process.env.PATH;

afterEach(() => {
  process.env.PATH = savedPath;
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('seed tool failures', () => {
  it('neither genisoimage nor xorriso installed: says so and how to install, as INVALID_INPUT', async () => {
    process.env.PATH = empty;
    const e = await failure<Error>(writeSeedIso(content, path.join(dir, 'seed.iso')));
    expect(e).toBeInstanceOf(SeedToolError);
    expect(e.message).toMatch(/genisoimage and xorriso not installed: apt install genisoimage/);
    expect(toApiError(e).code).toBe('INVALID_INPUT');
  });

  it('a failing genisoimage: its name, exit code and the last line of its stderr', async () => {
    process.env.PATH = failing;
    const e = await failure<Error>(writeSeedIso(content, path.join(dir, 'seed.iso')));
    expect(e).toBeInstanceOf(SeedToolError);
    expect((e as SeedToolError).tool).toBe('genisoimage');
    expect(e.message).toBe('genisoimage could not build the cloud-init seed ISO (exit 5: genisoimage: Unable to open disc image file)');
  });

  it('seedVolume passes the tool error on and creates no volume', async () => {
    process.env.PATH = empty;
    const calls: string[] = [];
    const api = new Proxy({}, { get: (_t, name) => async () => { calls.push(String(name)); throw new Error('not expected'); } }) as LibvirtHostClient['api'];
    const e = await failure<Error>(seedVolume(api, 'default', 'x-cidata.iso', content));
    expect(toApiError(e)).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/genisoimage/) });
    expect(calls).toEqual([]);
  });

  it('openssl missing or failing: named, with the reason', async () => {
    process.env.PATH = empty;
    const missing = await failure<Error>(hashPassword('secret'));
    expect(missing).toBeInstanceOf(SeedToolError);
    expect(missing.message).toMatch(/^openssl is not installed: apt install openssl/);
    process.env.PATH = failing;
    const failed = await failure<Error>(hashPassword('secret'));
    expect(failed.message).toBe('openssl passwd could not hash the cloud-init password (exit 1: passwd: unknown option)');
    expect(toApiError(failed).code).toBe('INVALID_INPUT');
  });
});
