// virConnectOpenAuth's credential callback: when a daemon or transport asks for credentials
// (SASL user name and password, the libssh/libssh2 transports' passphrase and host-key question),
// the host process asks the user in the app through the askpass helper (the app's credential
// broker, src-main/remote/credential-broker.ts) and hands the answer to libvirt. Nothing is kept
// here: the broker answers with a secret the user chose to remember in the desktop keyring.
//
// Threads (docs/koffi.md rule 3): libvirt calls this callback on the thread that called
// virConnectOpenAuth, which is the host process's JS thread, so koffi runs it directly. It blocks
// that thread while the user answers (execFileSync): the host process serves one connection and
// does nothing else until it is open. The callback is registered once per process and never
// unregistered; the struct and the credential-type array live only for the duration of the call.
import { execFileSync } from 'node:child_process';
import { koffi, ConnectAuthCallback } from './ffi';

const CRED = { USERNAME: 1, AUTHNAME: 2, PASSPHRASE: 5, ECHOPROMPT: 6, NOECHOPROMPT: 7 } as const;
/** sizeof(virConnectCredential): int type; const char *prompt, *challenge, *defresult; char *result; unsigned int resultlen. */
const CRED_SIZE = 48;
const OFF = { type: 0, prompt: 8, defresult: 24, result: 32, resultlen: 40 };
/** How long a prompt may wait for the user (the broker gives up after 5 min). */
const ASK_TIMEOUT_MS = 6 * 60_000;

/** libvirt frees `result` with free(): the answer is copied with the C library's strdup. */
const strdup = koffi.load('libc.so.6').func('void *strdup(const char *s)');

/** Asks the user; null = no answer (cancelled, timed out, no UI). */
export type AskCredential = (prompt: string, secret: boolean) => string | null;

/** Runs the askpass helper the app set up (VIRTDESK_ASKPASS); null when there is none or no answer. */
export function askThroughHelper(prompt: string): string | null {
  const helper = process.env.VIRTDESK_ASKPASS;
  if (!helper) return null;
  try {
    return execFileSync(helper, [prompt], { encoding: 'utf8', timeout: ASK_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'ignore'] }).replace(/\r?\n$/, '');
  } catch {
    return null;
  }
}

let ask: AskCredential = (prompt) => askThroughHelper(prompt);
let callback: unknown = null;

function onCredentials(cred: unknown, ncred: number): number {
  for (let i = 0; i < ncred; i++) {
    const base = i * CRED_SIZE;
    const type = koffi.decode(cred, base + OFF.type, 'int') as number;
    const prompt = (koffi.decode(cred, base + OFF.prompt, 'const char *') as string | null) ?? '';
    const defresult = koffi.decode(cred, base + OFF.defresult, 'const char *') as string | null;
    let answer: string | null;
    if ((type === CRED.USERNAME || type === CRED.AUTHNAME) && defresult) answer = defresult;
    else answer = ask(prompt || (type === CRED.PASSPHRASE ? 'Passphrase:' : 'Password:'), type === CRED.PASSPHRASE || type === CRED.NOECHOPROMPT);
    if (answer === null) return -1;
    koffi.encode(cred, base + OFF.result, 'void *', strdup(answer));
    koffi.encode(cred, base + OFF.resultlen, 'unsigned int', Buffer.byteLength(answer));
  }
  return 0;
}

/** The virConnectAuth value to pass to virConnectOpenAuth (Connection.openAuth). */
export function connectAuth(asker?: AskCredential): unknown {
  if (asker) ask = asker;
  callback ??= koffi.register((cred: unknown, ncred: number) => onCredentials(cred, ncred), koffi.pointer(ConnectAuthCallback));
  const types = Int32Array.from([CRED.USERNAME, CRED.AUTHNAME, CRED.PASSPHRASE, CRED.ECHOPROMPT, CRED.NOECHOPROMPT]);
  return { credtype: types, ncredtype: types.length, cb: callback, cbdata: null };
}
