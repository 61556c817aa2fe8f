// The certificate and key of `npm run serve -- --tls-cert FILE --tls-key FILE`, read and
// checked before anything starts, so a wrong file is one clear line instead of a TLS error
// on the first connection.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import tls from 'node:tls';

export class TlsFileError extends Error {
  override readonly name = 'TlsFileError';
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function readFile(flag: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : errorText(e);
    throw new TlsFileError(`${flag} ${file}: cannot read it (${why})`);
  }
}

/** Reads both PEM files; throws TlsFileError naming the file and what is wrong with it. */
export function readTlsFiles(certFile: string, keyFile: string): { cert: Buffer; key: Buffer } {
  const cert = readFile('--tls-cert', certFile);
  const key = readFile('--tls-key', keyFile);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new TlsFileError(`--tls-cert ${certFile}: not a PEM certificate (expected -----BEGIN CERTIFICATE-----)`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (e) {
    // OpenSSL reports a PKCS#8 key without its passphrase as "interrupted or cancelled".
    const text = key.toString('latin1');
    const encrypted = text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || text.includes('Proc-Type: 4,ENCRYPTED') || (e as NodeJS.ErrnoException).code === 'ERR_MISSING_PASSPHRASE';
    throw new TlsFileError(
      encrypted
        ? `--tls-key ${keyFile}: the private key is encrypted; give an unencrypted key (e.g. openssl pkey -in KEY -out PLAIN.key)`
        : `--tls-key ${keyFile}: not a PEM private key (expected -----BEGIN PRIVATE KEY-----)`,
    );
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new TlsFileError(`--tls-key ${keyFile} does not belong to the certificate in --tls-cert ${certFile}`);
  }
  try {
    tls.createSecureContext({ cert, key });
  } catch (e) {
    throw new TlsFileError(`--tls-cert ${certFile} / --tls-key ${keyFile}: not usable for TLS (${errorText(e)})`);
  }
  return { cert, key };
}
