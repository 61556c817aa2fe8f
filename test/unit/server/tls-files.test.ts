// --tls-cert/--tls-key files (src-main/server/tls-files.ts): every unusable pair is one clear
// line naming the file, before anything listens.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTlsFiles, TlsFileError } from '../../../src-main/server/tls-files';
import { selfSignedCert } from './helpers';

describe('readTlsFiles', () => {
  let good: ReturnType<typeof selfSignedCert>;
  let other: ReturnType<typeof selfSignedCert>;
  let encryptedKey: string;

  beforeAll(() => {
    good = selfSignedCert();
    other = selfSignedCert();
    encryptedKey = path.join(good.dir, 'encrypted.pem');
    execFileSync('openssl', ['pkey', '-in', good.keyFile, '-aes256', '-passout', 'pass:secret', '-out', encryptedKey], { stdio: 'ignore' });
    fs.writeFileSync(path.join(good.dir, 'garbage.pem'), 'not a pem file\n');
  });
  afterAll(() => {
    for (const t of [good, other]) fs.rmSync(t.dir, { recursive: true, force: true });
  });

  it('returns the PEM contents of a matching pair', () => {
    const r = readTlsFiles(good.certFile, good.keyFile);
    expect(r.cert.toString()).toContain('BEGIN CERTIFICATE');
    expect(r.key.toString()).toContain('PRIVATE KEY');
  });

  it('names the file and the problem for every unusable pair', () => {
    const garbage = path.join(good.dir, 'garbage.pem');
    const cases: [string, string, RegExp][] = [
      [path.join(good.dir, 'missing.pem'), good.keyFile, /^--tls-cert \S+missing\.pem: cannot read it \(no such file\)$/],
      [good.certFile, path.join(good.dir, 'missing.pem'), /^--tls-key \S+missing\.pem: cannot read it \(no such file\)$/],
      [good.dir, good.keyFile, /^--tls-cert \S+: cannot read it \(it is a directory\)$/],
      [garbage, good.keyFile, /^--tls-cert \S+garbage\.pem: not a PEM certificate/],
      [good.certFile, garbage, /^--tls-key \S+garbage\.pem: not a PEM private key/],
      [good.certFile, good.certFile, /^--tls-key \S+cert\.pem: not a PEM private key/],
      [good.certFile, encryptedKey, /^--tls-key \S+encrypted\.pem: the private key is encrypted; give an unencrypted key/],
      [good.certFile, other.keyFile, /^--tls-key \S+key\.pem does not belong to the certificate in --tls-cert \S+cert\.pem$/],
    ];
    for (const [cert, key, message] of cases) {
      let err: unknown;
      try {
        readTlsFiles(cert, key);
      } catch (e) {
        err = e;
      }
      expect(err, `${cert} ${key}`).toBeInstanceOf(TlsFileError);
      expect((err as Error).message, `${cert} ${key}`).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    }
  });
});
