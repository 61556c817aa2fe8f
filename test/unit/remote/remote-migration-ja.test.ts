// Errors of remote connections, migrations and labs reach the Japanese UI in Japanese: the core
// keeps its English message and attaches a message key (a template of contract/messages.ts) that
// the renderer translates. The data in them (URIs, host names, libvirt's and ssh's own words)
// stays as it is.
import { describe, expect, it } from 'vitest';
import { ApiError, type MessageParam, type MessageRef } from '../../../src-main/contract';
import { ERROR_MESSAGES, englishText, errorText, message, type ServerMessageKey } from '../../../src-main/contract/messages';
import { toApiError } from '../../../src-main/api/connection-manager';
import { hostKeyMessage, remoteFailureMessage, versionTooOld } from '../../../src-main/remote/connect-errors';
import { migrationRefusalTexts, refusalList, type MigrationFacts } from '../../../src-main/migration/checks';
import { translateServerText } from '../../../src-renderer/i18n';

/** What the renderer gets: the error as JSON over the wire. */
const wire = (e: ApiError) => JSON.parse(JSON.stringify(e)) as { message: string; key?: string; params?: Record<string, MessageParam> };
const ja = (e: ApiError) => {
  const w = wire(e);
  return { key: w.key, text: translateServerText('ja', w, w.message), message: w.message };
};
/** No English sentence left: runs of 4+ ASCII letters outside 「…」, backticks, quotes and URIs/paths, except product names. */
const englishWords = (text: string) =>
  (text.replace(/`[^`]*`|「[^」]*」|'[^']*'|\S*\/\S*/g, ' ').match(/[A-Za-z]{4,}/g) ?? []).filter((w) => !['libvirt', 'QEMU', 'Virtdesk'].includes(w));

describe('remote connection failures in Japanese', () => {
  const URI = 'qemu+ssh://admin@h/system';
  const cases: [string, string, ServerMessageKey][] = [
    ['Cannot recv data: ssh: connect to host h port 22: Connection refused: Connection reset by peer', 'error.remote.unreachable', 'error.remote.unreachable'],
    ['Cannot recv data: admin@h: Permission denied (publickey).: Connection reset by peer', 'error.remote.authFailed', 'error.remote.authFailed'],
    ["Cannot recv data: virt-ssh-helper: cannot connect to 'qemu:///system': Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory", 'no daemon', 'error.remote.noDaemon'],
    ["Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied", 'permission', 'error.remote.permissionDenied'],
    ['Cannot recv data: Host key verification failed.: Connection reset by peer', 'host key', 'error.remote.hostKeyRefused'],
  ];
  it.each(cases)('%s (%s): the connection error carries its key; the Japanese quotes ssh and names the host', (libvirtMessage, _, key) => {
    const message = remoteFailureMessage(URI, 'h', libvirtMessage);
    // What ConnectionManager.client() throws for a failed connection.
    const got = ja(new ApiError('CONNECTION', message));
    expect(got.message).toBe(message);
    expect(got.key).toBe(key);
    expect(got.text).toContain(`${URI} に接続できません`);
    expect(got.text).toContain(`「${libvirtMessage}」`);
    expect(englishWords(got.text)).toEqual([]);
  });

  it('host keys (unknown, changed) and a too old libvirt', () => {
    const keys = [{ type: 'ED25519', fingerprint: 'SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' }];
    const unknown = ja(new ApiError('CONNECTION', hostKeyMessage({ host: 'h', port: 2222, status: 'unknown', keys })));
    expect(unknown.key).toBe('error.remote.hostKeyUnknown');
    expect(unknown.text).toContain('h:2222 の「SSH」ホスト鍵はまだ登録されていません (ED25519 SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG)');
    const changed = ja(new ApiError('CONNECTION', hostKeyMessage({ host: 'h', port: 22, status: 'changed', keys })));
    expect(changed.key).toBe('error.remote.hostKeyChanged');
    expect(changed.text).toMatch(/^警告: h の「SSH」ホスト鍵が変わっています/);
    const old = ja(new ApiError('CONNECTION', versionTooOld(URI, 5_010_000, 6_000_000, 'Virtdesk')!));
    expect(old.key).toBe('error.remote.versionTooOld');
    expect(old.text).toBe(`Virtdesk には ${URI} で libvirt 6.0.0 以降が必要ですが、動いているのは 5.10.0 です。そのホストの libvirt を更新してください`);
  });

  it('errors the remote modules throw as plain Errors (host key accept, console tunnels) get their key on the way to the API', () => {
    const accept = ja(toApiError(new Error('h.example:2222 does not answer on its SSH port: cannot read its host key')));
    expect(accept.key).toBe('error.remote.noKeyAnswer');
    expect(accept.text).toBe('h.example:2222 は「SSH」ポートで応答しないため、ホスト鍵を読み取れません');
    const tunnel = ja(toApiError(new Error('the SSH connection to h refused a forward to the display: channel 3: open failed: administratively prohibited')));
    expect(tunnel.key).toBe('error.remote.forwardRefused');
    expect(tunnel.text).toContain('「channel 3: open failed: administratively prohibited」');
  });
});

describe('migration refusals in Japanese', () => {
  const xml = `<domain type='kvm'><name>web</name><uuid>11111111-2222-4333-8444-555555555555</uuid><memory>262144</memory><os><type arch='x86_64'>hvm</type></os><devices>
    <interface type='network'><mac address='52:54:00:00:00:01'/><source network='lab'/></interface>
    <hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>
  </devices></domain>`;
  const facts: MigrationFacts = {
    vmName: 'web',
    domainXml: xml,
    running: true,
    source: { uri: 'qemu:///system', hostUuid: 'aaaa', pools: [] },
    destination: { uri: 'qemu+tcp://h2/system', hostUuid: 'bbbb', pools: [], networks: [], domains: [] },
    copyStorage: false,
    tunnelled: true,
    snapshotCount: 2,
    hasManagedSave: false,
  };

  it('every reason of one refusal is translated, joined in one message; the English is what the CLI shows', () => {
    const reasons = migrationRefusalTexts(facts);
    expect(reasons.map((r) => r.key)).toEqual(['migrate.snapshots', 'migrate.noNetwork', 'migrate.hostdev']);
    const text = message('error.migrate.refused', { name: 'web', uri: 'qemu+tcp://h2/system', reasons: refusalList(reasons) });
    const err = new ApiError('INVALID_INPUT', englishText(text), 'destination', undefined, text);
    expect(err.message).toBe(
      "cannot migrate VM 'web' to qemu+tcp://h2/system: VM 'web' has 2 snapshots, which libvirt cannot move: delete them first, or keep the VM on this host; " +
        "VM 'web' uses network 'lab' (interface 52:54:00:00:00:01), which qemu+tcp://h2/system does not have: create a network named 'lab' there, or connect the interface to another network; " +
        "it passes through this host's PCI device 0000:01:00.0, which the destination does not have: detach it first. Nothing was changed",
    );
    const got = ja(err);
    expect(got.key).toBe('error.migrate.refused');
    expect(got.text).toBe(
      "VM 'web' を qemu+tcp://h2/system に移行できません: VM 'web' にはスナップショットが 2 個あり、libvirt はそれらを移せません。先に削除するか、VM をこのホストに残してください。" +
        "VM 'web' はネットワーク 'lab' (インターフェース 52:54:00:00:00:01) を使っていますが、qemu+tcp://h2/system にはありません。そこに 'lab' という名前のネットワークを作るか、インターフェースを別のネットワークにつないでください。" +
        'このホストの 「PCI」デバイス 0000:01:00.0 をパススルーしていますが、移行先にはありません。先に取り外してください。何も変更していません',
    );
  });
});

describe('message keys of remote connections, migration and labs', () => {
  it('each template is found again from its own English (no other template takes its text first)', () => {
    const ours = (Object.keys(ERROR_MESSAGES) as ServerMessageKey[]).filter((k) => /^error\.(remote|migrate|lab)\./.test(k));
    expect(ours.length).toBeGreaterThan(40);
    const wrong = ours.flatMap((key) => {
      const params = Object.fromEntries([...ERROR_MESSAGES[key as keyof typeof ERROR_MESSAGES].matchAll(/\{(\w+)\}/g)].map((m) => [m[1] as string, `<${m[1]}>`]));
      const found = errorText('INVALID_INPUT', englishText({ key, params } as MessageRef));
      return found?.key === key ? [] : [`${key} → ${found?.key ?? 'no key'}`];
    });
    expect(wrong).toEqual([]);
  });
});
