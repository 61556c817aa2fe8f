// A connection's state text (why it is reconnecting or failed) and the New container wizard's file
// checks reach the Japanese UI in Japanese: the English stays as the CLI shows it, and the
// renderer finds the key the way ConnectionState.svelte / ConnectionList.svelte do
// (errorText('CONNECTION', status.error)) or takes the key the error carries (errorMessage(e)).
// The quoted parts (why the connection was lost, what is wrong with the command) translate too.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type ConnectionStatus, type ContainerSpec, type MessageParam } from '../../../src-main/contract';
import { errorText } from '../../../src-main/contract/messages';
import { LibvirtError } from '../../../src-main/libvirt/errors';
import type { ConnectionInfo } from '../../../src-main/libvirt/protocol';
import { hostEvents, opens } from '../../support/fake-host-client';
import type { SettingsStore } from '../../../src-main/api/settings-store';
import { translateServerText } from '../../../src-renderer/i18n';

// The libvirt host process is faked: the test decides each open's outcome and sends the host's events.
vi.mock('../../../src-main/libvirt/host-client', async () => (await import('../../support/fake-host-client')).hostClientModule);

const { ConnectionManager } = await import('../../../src-main/api/connection-manager');
const { checkContainerFiles, checkContainerNames } = await import('../../../src-main/containers/check-spec');

/** What the sidebar and the main area show for a connection's state text in Japanese. */
const stateJa = (error: string) => translateServerText('ja', errorText('CONNECTION', error), error);
/** What the wizard shows for an error of a call: the key and parameters it carried over the wire. */
const callJa = (e: unknown) => {
  const w = JSON.parse(JSON.stringify(e)) as { message: string; key?: string; params?: Record<string, MessageParam> };
  return { key: w.key, message: w.message, text: translateServerText('ja', w, w.message) };
};
/** Runs of 4+ ASCII letters outside 「…」, backticks, quotes and URIs/paths, except product names. */
const englishWords = (text: string) =>
  (text.replace(/`[^`]*`|「[^」]*」|'[^']*'|\S*\/\S*/g, ' ').match(/[A-Za-z]{4,}/g) ?? []).filter((w) => !['libvirt', 'QEMU', 'Virtdesk'].includes(w));

describe('connection state texts in Japanese', () => {
  const URI = 'qemu:///system';
  const INFO = { uri: URI, hostname: 'h', libVersion: 9_000_000, hypervisorVersion: 8_000_000 } as unknown as ConnectionInfo;
  const settings = { settings: { connections: [{ uri: URI }], browseFolders: [] }, refusedConnections: [] } as unknown as SettingsStore;
  let manager: InstanceType<typeof ConnectionManager> | undefined;
  afterEach(async () => {
    await manager?.close();
    opens.length = 0;
    hostEvents.length = 0;
  });

  it('a lost connection, then a failed reconnect: both state texts read in Japanese, the English is unchanged', async () => {
    const states: ConnectionStatus[] = [];
    manager = new ConnectionManager(() => {
      throw new Error('no host process in this test');
    }, (e) => {
      if (e.type === 'connection.state') states.push(e as unknown as ConnectionStatus);
    }, settings);
    const added = manager.add(URI);
    await vi.waitFor(() => expect(opens.length).toBe(1), { timeout: 2000, interval: 5 });
    opens[0].resolve(INFO);
    expect((await added).state).toBe('connected');

    // libvirt closed the connection (end of file): the host process exits with that reason.
    for (const l of hostEvents) l({ type: 'host-exit', uri: URI, reason: `lost connection to ${URI} (eof)` });
    const lost = states.at(-1)!;
    expect(lost.state).toBe('reconnecting');
    expect(lost.error).toBe('lost connection to qemu:///system — reconnecting (eof); next try in 1 s');
    expect(errorText('CONNECTION', lost.error!)?.key).toBe('error.connection.lost');
    expect(stateJa(lost.error!)).toBe('qemu:///system との接続が切れました。再接続しています (相手側が接続を閉じました)。1 秒後にもう一度試します');

    // The next try fails: libvirt's words are quoted inside the Japanese sentence.
    await vi.waitFor(() => expect(opens.length).toBe(2), { timeout: 3000, interval: 10 });
    const libvirtSays = "Failed to connect socket to '/var/run/libvirt/virtqemud-sock': Connection refused";
    opens[1].reject(new Error(`connect to ${URI}: ${libvirtSays}`));
    await vi.waitFor(() => expect(states.at(-1)!.error).toContain('next try in 2 s'), { timeout: 2000, interval: 5 });
    const again = states.at(-1)!.error!;
    expect(again).toBe(`lost connection to qemu:///system — reconnecting (connect to qemu:///system: ${libvirtSays}); next try in 2 s`);
    expect(stateJa(again)).toBe(`qemu:///system との接続が切れました。再接続しています (qemu:///system に接続できません:「${libvirtSays}」)。2 秒後にもう一度試します`);
    expect(englishWords(stateJa(again))).toEqual([]);
  });

  it("the host process's own failures (exit, time-out) read in Japanese", () => {
    const exited = `lost connection to ${URI} — reconnecting (the libvirt host process for ${URI} exited (code 1)); next try in 4 s`;
    expect(stateJa(exited)).toBe('qemu:///system との接続が切れました。再接続しています (qemu:///system の libvirt ホストプロセスが終了しました (終了コード 1))。4 秒後にもう一度試します');
    expect(stateJa(`connecting to ${URI} took longer than 30 s`)).toBe('qemu:///system への接続に 30 秒以上かかりました');
    expect(stateJa('connect to test:///tmp/x.xml: /tmp/x.xml does not exist (test-driver file)')).toBe('test:///tmp/x.xml に接続できません:「/tmp/x.xml はありません (テストドライバー用のファイル)」');
  });
});

describe('container file checks in Japanese', () => {
  const root = mkdtempSync(join(tmpdir(), 'vdt-ctja-'));
  writeFileSync(join(root, 'app.sh'), '#!/bin/sh\n', { mode: 0o644 });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const app = (o: Partial<Extract<ContainerSpec, { kind: 'application' }>>): ContainerSpec => ({ kind: 'application', name: 'web', memoryMiB: 64, vcpus: 1, mounts: [], network: { kind: 'none' }, command: '/bin/sh', args: [], ...o });

  it('a command missing inside the root folder, and one that is not executable', async () => {
    const missing = await checkContainerFiles(app({ command: '/bin/web', root }), { unpacking: false }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiError);
    const ja = callJa(missing);
    expect(ja.message).toBe(`'/bin/web' does not exist inside the root folder ${root}; nothing was created`);
    expect(ja.key).toBe('error.container.commandProblem');
    expect(ja.text).toBe(`ルートフォルダー ${root} の中に '/bin/web' はありません。何も作成していません`);

    const notExec = callJa(await checkContainerFiles({ kind: 'system', name: 'web', memoryMiB: 64, vcpus: 1, mounts: [], network: { kind: 'none' }, rootfs: { kind: 'folder', folder: root }, init: '/app.sh', initArgs: [] }, { unpacking: false }).catch((e: unknown) => e));
    expect(notExec.message).toBe(`init '/app.sh' inside the root folder ${root} is not executable (chmod +x it); nothing was created`);
    expect(notExec.text).toBe(`「init」: ルートフォルダー ${root} の中の '/app.sh' は実行できません (\`chmod +x\` してください)。何も作成していません`);
    expect(englishWords(notExec.text)).toEqual([]);
  });

  it('a host folder to mount that does not exist, and a network the connection lacks', async () => {
    const mount = callJa(await checkContainerFiles(app({ mounts: [{ host: join(root, 'nope'), guest: '/data', readonly: false }] }), { unpacking: false }).catch((e: unknown) => e));
    expect(mount.text).toBe(`マウントするホストのフォルダー '${join(root, 'nope')}' がないか、フォルダーではありません。何も作成していません`);

    const api = { lookupDomain: () => Promise.reject(new LibvirtError(42, 10, 'no domain', 'lookup')), listNetworks: async () => [] };
    const net = callJa(await checkContainerNames(api as never, app({ network: { kind: 'network', name: 'lab' } })).catch((e: unknown) => e));
    expect(net.message).toBe("network 'lab' does not exist on this connection (none defined); choose one or 'none'");
    expect(net.text).toBe("ネットワーク 'lab' はこの接続にありません (定義されたネットワークはありません)。ある中から選ぶか、'none' を選んでください");
  });
});

describe('lab notes in Japanese (the Labs page matches them like connection texts)', () => {
  it('a lab down problem and a lab up warning', () => {
    const ja = (t: string) => translateServerText('ja', errorText('INTERNAL', t), t);
    expect(ja("network 'lab-net' is kept: VM 'a', 'b' (not part of the lab) use it")).toBe("ネットワーク 'lab-net' は残しています。ラボに属さない VM 'a', 'b' が使っています");
    expect(ja('the new machines need 4096 MiB of memory; the host has 1024 MiB free')).toBe('新しいマシンには 4096 MiB のメモリーが必要ですが、ホストの空きは 1024 MiB です');
  });
});

describe('a lab container whose command is missing: the lab file problem in Japanese', () => {
  it('keeps its English line and carries the nested key', async () => {
    const { parseLabText } = await import('../../../src-main/labs/lab-file');
    const { planContainers } = await import('../../../src-main/labs/lab-containers');
    const parsed = parseLabText(['name: jalab', 'base: { image: /srv/base.qcow2 }', 'machines:', '  - kind: container', '    name: ct', '    memoryMiB: 64', '    command: /no/such/program'].join('\n'), 'ja.lab.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const caps = "<capabilities><host><cpu><arch>x86_64</arch></cpu></host><guest><os_type>exe</os_type><arch name='x86_64'><emulator>/usr/libexec/libvirt_lxc</emulator><domain type='lxc'/></arch></guest></capabilities>";
    const api = { capabilities: async () => caps, allDomainXml: async () => [], listDomains: async () => [] };
    const issues: ReturnType<typeof parsed.issueAt>[] = [];
    await planContainers({ uri: 'qemu:///system', local: true, lxc: async () => ({ uri: 'lxc:///system', api: api as never, local: true }), names: new Set() }, parsed, (p, m, text) => issues.push(parsed.issueAt(p, m, text)));
    expect(issues.map((i) => i.text)).toEqual(["ja.lab.yaml:7: machines[0].command: '/no/such/program' does not exist on this computer"]);
    expect(translateServerText('ja', issues[0], issues[0].message)).toBe("このコンピューター上に '/no/such/program' はありません");
  });
});
