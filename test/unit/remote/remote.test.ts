// Remote connections without a remote host: the askpass round trip through the credential broker,
// the ssh wrapper libvirt runs (options and quoting), failure messages, and the add-host form's URI.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TypedApiEvent } from '../../../src-main/contract';
import { CredentialBroker, credentialKind } from '../../../src-main/remote/credential-broker';
import { classifyRemoteFailure, remoteFailureMessage, versionTooOld } from '../../../src-main/remote/connect-errors';
import { SshSupport, sshTargetOf } from '../../../src-main/remote/ssh-support';
import { fieldsFromUri, hostUri, portProblem } from '../../../src-renderer/connections/add-host-logic';

const dirs: string[] = [];
const tmp = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-remote-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function runHelper(broker: CredentialBroker, prompt: string, token = broker.token): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    // sh, not Node: the packaged desktop app cannot run Node scripts (its runAsNode fuse is off).
    execFile('/bin/sh', [broker.helperScript, prompt], { env: { PATH: '/usr/bin:/bin', VIRTDESK_ASKPASS_TOKEN: token, VIRTDESK_ASKPASS_CONNECTION: 'qemu+ssh://u@h/system' } }, (e, out) =>
      resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, out }),
    );
  });
}

describe('credential broker (askpass)', () => {
  it('asks the UI with an event and gives ssh exactly the answer; cancel and a wrong token give nothing', async () => {
    const events: TypedApiEvent[] = [];
    const broker = new CredentialBroker(tmp(), (e) => {
      events.push(e);
      if (e.type !== 'connection.credentialRequest') return;
      broker.answer(e.id, e.prompt.includes('cancel') ? null : ' s3cret with spaces \\ and $(x)');
    });
    await broker.start();
    try {
      expect(await runHelper(broker, "Enter passphrase for key '/k': ")).toEqual({ code: 0, out: ' s3cret with spaces \\ and $(x)\n' });
      expect(events[0]).toMatchObject({ type: 'connection.credentialRequest', uri: 'qemu+ssh://u@h/system', prompt: "Enter passphrase for key '/k':", kind: 'passphrase', secret: true });
      expect(events[1]).toEqual({ type: 'connection.credentialDone', id: (events[0] as { id: string }).id });
      expect((await runHelper(broker, 'please cancel')).code).not.toBe(0);
      const before = events.length;
      expect((await runHelper(broker, 'Password:', 'not-the-token')).code).not.toBe(0);
      expect(events.length).toBe(before);
      expect(broker.waiting()).toEqual([]);
      expect(fs.statSync(broker.asksDir).mode & 0o777).toBe(0o700);
      expect(fs.readdirSync(broker.asksDir)).toEqual([]);
    } finally {
      broker.close();
    }
  });

  it('refuses at once when no UI listens', async () => {
    const events: TypedApiEvent[] = [];
    const broker = new CredentialBroker(tmp(), (e) => events.push(e), () => false);
    await broker.start();
    try {
      expect((await runHelper(broker, 'Password:')).code).not.toBe(0);
      expect(events).toEqual([]);
    } finally {
      broker.close();
    }
  });

  it('classifies prompts', () => {
    expect(credentialKind("Enter passphrase for key '/x':")).toEqual({ kind: 'passphrase', secret: true });
    expect(credentialKind("root@host's password:")).toEqual({ kind: 'password', secret: true });
    expect(credentialKind('Accept SSH host key? (y/n)')).toEqual({ kind: 'text', secret: false });
  });
});

describe('the ssh libvirt runs', () => {
  it('passes Virtdesk options first, the key file as one argument however it is spelled, and only for ssh URIs', () => {
    const d = tmp();
    const fakeBin = path.join(d, 'fakebin');
    fs.mkdirSync(fakeBin);
    fs.writeFileSync(path.join(fakeBin, 'ssh'), '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n', { mode: 0o755 });
    const oldPath = process.env.PATH;
    process.env.PATH = `${fakeBin}:${oldPath}`;
    let ssh: SshSupport;
    try {
      ssh = new SshSupport(path.join(d, 'ssh'), { token: 't', helperScript: '/x/askpass' });
    } finally {
      process.env.PATH = oldPath;
    }
    const key = path.join(d, "my key's $(touch pwned)");
    const env = ssh.envFor('qemu+ssh://root@h:2222/system', key);
    const wrapperDir = env.PATH!.split(':')[0]!;
    const args = execFileSync(path.join(wrapperDir, 'ssh'), ['-p', '2222', '--', 'h', 'cmd'], { encoding: 'utf8' }).trim().split('\n');
    expect(args).toContain(`IdentityFile="${key}"`);
    expect(args).toContain('StrictHostKeyChecking=yes');
    expect(args).toContain(`UserKnownHostsFile="${ssh.knownHostsFile}"`);
    expect(args).toContain(`ControlPath="${ssh.controlPath('qemu+ssh://root@h:2222/system')}"`);
    expect(args.indexOf('StrictHostKeyChecking=yes')).toBeLessThan(args.indexOf('-p'));
    expect(args.slice(-4)).toEqual(['2222', '--', 'h', 'cmd']);
    expect(fs.existsSync(path.join(process.cwd(), 'pwned'))).toBe(false);
    expect(ssh.envFor('qemu+tcp://h/system').PATH).toBeUndefined();
    expect(fs.statSync(ssh.dir).mode & 0o777).toBe(0o700);
  });

  it('reads the ssh destination of a URI', () => {
    expect(sshTargetOf('qemu+ssh://root@127.0.0.2:2222/system')).toEqual({ user: 'root', host: '127.0.0.2', port: 2222 });
    expect(sshTargetOf('qemu+ssh://host.example/system')).toEqual({ user: null, host: 'host.example', port: null });
    expect(sshTargetOf('qemu+tls://host.example/system')).toBeNull();
    expect(sshTargetOf('qemu:///system')).toBeNull();
  });
});

describe('failure messages', () => {
  const cases: [string, string, RegExp][] = [
    ['Cannot recv data: ssh: connect to host h port 22: Connection refused: Connection reset by peer', 'unreachable', /h is unreachable/],
    ['Cannot recv data: ssh: Could not resolve hostname nohost: Name or service not known', 'unreachable', /unreachable/],
    ['Cannot recv data: root@h: Permission denied (publickey).: Connection reset by peer', 'auth', /authentication failed on h/],
    ["authentication failed: error while opening private key '/k', wrong passphrase?", 'auth', /authentication failed/],
    ["Cannot recv data: virt-ssh-helper: cannot connect to 'qemu:///system': Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory", 'no-daemon', /libvirt is not running on h/],
    ["Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied", 'permission', /permission denied on h.*libvirt group/],
    ['Cannot recv data: Host key verification failed.: Connection reset by peer', 'host-key', /host key of h is not accepted/],
  ];
  it.each(cases)('%s → %s', (message, kind, text) => {
    expect(classifyRemoteFailure(message)).toBe(kind);
    expect(remoteFailureMessage('qemu+ssh://h/system', 'h', message)).toMatch(text);
  });
  it('names the version a feature needs', () => {
    expect(versionTooOld('qemu+ssh://h/system', 6_010_000, 7_000_000, 'Live migration with copied disks')).toBe(
      'Live migration with copied disks needs libvirt 7.0.0 or newer on qemu+ssh://h/system, which runs 6.10.0: update libvirt there',
    );
    expect(versionTooOld('u', 9_000_000, 7_000_000, 'x')).toBeNull();
  });
});

describe('add-host form', () => {
  it('spells the URI from the fields and reads them back', () => {
    expect(hostUri({ transport: 'ssh', target: 'root@127.0.0.2', port: '2222' })).toBe('qemu+ssh://root@127.0.0.2:2222/system');
    expect(hostUri({ transport: 'tls', target: 'host.example', port: '' })).toBe('qemu+tls://host.example/system');
    expect(hostUri({ transport: 'tcp', target: '::1', port: '16509' })).toBe('qemu+tcp://[::1]:16509/system');
    expect(hostUri({ transport: 'ssh', target: '', port: '22' })).toBe('');
    expect(fieldsFromUri('qemu+ssh://root@127.0.0.2:2222/system')).toEqual({ transport: 'ssh', target: 'root@127.0.0.2', port: '2222' });
    expect(fieldsFromUri('lxc:///')).toBeNull();
    expect([portProblem(''), portProblem('22'), portProblem('0'), portProblem('70000'), portProblem('2x')]).toEqual([false, false, true, true, true]);
  });
});
