// The texts the server sends (host check, lab file problems, common errors) read in Japanese:
// the server attaches message keys (src-main/contract/messages.ts), the renderer translates them.
//
// The rule "no English left" (englishLeft below): in the Japanese text, every string parameter is
// data and stays as it is (names, paths, versions, commands, libvirt's and the OS's own words), so
// it is replaced by a marker first; then backtick spans (commands), quoted spans ("…", '…', 「…」),
// <…> XML snippets, words containing / (paths, URIs) and the names in NAMES are removed. What is
// left must have no run of 3 or more ASCII letters.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError, ERROR_MESSAGES, SERVER_MESSAGES, type MessageParam, type MessageRef, type ServerMessageKey } from '../../../src-main/contract';
import { uriRefusalMessage } from '../../../src-main/contract/connection-uri';
import { evaluateHost } from '../../../src-main/host/virt-check';
import { parseLabText } from '../../../src-main/labs/lab-file';
import { toWireError } from '../../../src-main/server/server';
import { toBridgeError } from '../../../src-main/shell/ipc';
import { toApiCallError } from '../../../src-renderer/app/transport-types';
import { translateServerText } from '../../../src-renderer/i18n';
import { FIXTURES, loadFixture } from '../host/load-fixture';

/** Product, driver and file-format names, and lab file field names: the same in every language. */
const NAMES = [
  'KVM', 'QEMU', 'libvirt', 'libvirtd', 'Intel', 'AMD', 'VT-x', 'AMD-V', 'SVM', 'vmx', 'svm', 'UEFI', 'BIOS', 'OVMF', 'PVM',
  'kvm_intel', 'kvm_amd', 'kvm_pvm', 'kvm', 'qemu', 'LXC', 'TCG', 'CPU', 'VMware', 'Hyper-V', 'VirtualBox', 'Linux', 'Windows',
  'Virtdesk', 'MiB', 'YAML', 'systemd', 'x86_64', 'EPT', 'RVI', 'URI', 'udev',
  'name', 'base', 'machines', 'memoryMiB', 'vcpus', 'count',
];
const MARK = '◇';

/** Japanese for a message with every string parameter replaced by MARK (nested messages translated). */
function japaneseWording(ref: MessageRef): string {
  const mark = (r: MessageRef): MessageRef => ({
    key: r.key,
    ...(r.params ? { params: Object.fromEntries(Object.entries(r.params).map(([k, v]) => [k, typeof v === 'string' ? MARK : typeof v === 'object' ? mark(v) : v])) } : {}),
  });
  return translateServerText('ja', mark(ref), '(no key)');
}

function englishLeft(text: string): string[] {
  let rest = text.replace(/`[^`]*`/g, ' ').replace(/"[^"]*"|'[^']*'|「[^」]*」|<[^>]*>/g, ' ').replace(/\S*\/\S*/g, ' ');
  for (const name of [...NAMES].sort((a, b) => b.length - a.length)) rest = rest.split(name).join(' ');
  return rest.match(/[A-Za-z]{3,}/g) ?? [];
}

function expectJapanese(ref: MessageRef | undefined, what: string): string {
  expect(ref, `${what}: no message key`).toBeDefined();
  const wording = japaneseWording(ref!);
  expect(englishLeft(wording), `${what}: English words in ${JSON.stringify(wording)}`).toEqual([]);
  return translateServerText('ja', ref, '(no key)');
}

/** Dummy parameters for a template's placeholders. */
const dummyParams = (template: string): Record<string, MessageParam> =>
  Object.fromEntries([...template.matchAll(/\{(\w+)\}/g)].map((m) => [m[1] as string, 'x']));

/** The firmware setup's own menu labels (English in the firmware): Japanese texts quote them (「…」). */
const FIRMWARE_LABELS: ServerMessageKey[] = ['host.fix.firmwareIntel', 'host.fix.firmwareAmd', 'host.fix.firmwareEither'];

describe('Japanese server texts', () => {
  it('every template in contract/messages.ts has Japanese wording', () => {
    for (const key of Object.keys(SERVER_MESSAGES) as ServerMessageKey[]) {
      if (FIRMWARE_LABELS.includes(key)) continue;
      expectJapanese({ key, params: dummyParams(SERVER_MESSAGES[key]) }, key);
    }
  });

  const fixtures = readdirSync(FIXTURES).filter((f) => !f.startsWith('.'));
  it.each(fixtures)('host check of fixture %s: every title, detail, fix, the headline and explanation', (name) => {
    const report = evaluateHost(loadFixture(name));
    const ja: string[] = [
      expectJapanese(report.text?.headline, 'headline'),
      expectJapanese(report.text?.explanation, 'explanation'),
      expectJapanese(report.containers.text, 'containers'),
    ];
    for (const c of report.checks) {
      ja.push(expectJapanese(c.text?.title, `${c.id} title`), expectJapanese(c.text?.detail, `${c.id} detail`));
      expect(!!c.text?.fix, `${c.id}: a fix has a key`).toBe(!!c.fix);
      if (c.fix) ja.push(expectJapanese(c.text?.fix, `${c.id} fix`));
    }
    // The data the English shows is in the Japanese too (uri, emulator path, CPU model).
    const libvirt = report.checks.find((c) => c.id === 'libvirt')!;
    const uri = /qemu:\/\/\/\w+|qemu\+\w+:\/\/\S+?(?=[ .:(])/.exec(libvirt.detail)?.[0];
    if (uri) expect(ja.join('\n')).toContain(uri);
    if (report.cpu.model) expect(ja.join('\n')).toContain(report.cpu.model);
  });

  it('the English of a check is its template filled in (what the CLI and --json show)', () => {
    const report = evaluateHost(loadFixture('intel-kvm'));
    expect(report.checks.find((c) => c.id === 'kvm-module')?.title).toBe(SERVER_MESSAGES['host.check.kvmModule.title']);
    expect(report.headline).toBe(SERVER_MESSAGES['host.headline.kvm']);
    expect(translateServerText('ja', report.text?.headline, report.headline)).toBe('KVM ハードウェアアクセラレーションが使えます');
  });
});

describe('Japanese core errors', () => {
  const wire = (e: ApiError) => JSON.parse(JSON.stringify(e)) as { message: string; key?: string; params?: Record<string, MessageParam> };
  const cases: [string, ApiError, RegExp][] = [
    ['pool not found', new ApiError('NOT_FOUND', "no storage pool named 'tank' (pools: default, images)", 'pool'), /ストレージプール 'tank' はありません.*default, images/],
    ['network not found', new ApiError('NOT_FOUND', "no virtual network named 'lan'", 'name'), /仮想ネットワーク 'lan' はありません/],
    ['volume not found', new ApiError('NOT_FOUND', "no volume named 'a.qcow2' in storage pool 'default'", 'spec.storage.volume'), /'default' にボリューム 'a.qcow2'/],
    ['pool not running', new ApiError('INVALID_INPUT', "storage pool 'tank' is not running: start it first (pool.start)", 'pool'), /動作していません/],
    ['connection not added', new ApiError('CONNECTION', 'connection qemu+ssh://h/system is not added: add it first (Add connection), then use it'), /qemu\+ssh:\/\/h\/system は追加されていません/],
    ['URI refused', new ApiError('INVALID_INPUT', uriRefusalMessage('qemu+ext:///system', "the 'ext' transport runs a program"), 'uri'), /使えません:「the 'ext' transport runs a program」/],
    ['outside the folders', new ApiError('INVALID_INPUT', "'/etc' is outside the folders the file chooser may show: /home/u, /var/lib/libvirt/images", 'path'), /'\/etc' はファイル選択/],
    ['VM not found (libvirt)', new ApiError('LIBVIRT', "Domain not found: no domain with matching name 'web'", undefined, 42), /見つかりません \(libvirt:「Domain not found: no domain with matching name 'web'」\)/],
    ['VM not running (libvirt)', new ApiError('LIBVIRT', 'Requested operation is not valid: domain is not running', undefined, 55), /動作していない/],
    ['connection refused (libvirt)', new ApiError('CONNECTION', "Failed to connect socket to '/var/run/libvirt/virtqemud-sock': Connection refused", undefined, 38), /接続できません/],
  ];
  it.each(cases)('%s: the wire error carries a key, the English message is unchanged, the Japanese has no English wording', (_, err, ja) => {
    const w = wire(err);
    expect(w.message).toBe(err.message);
    const text = expectJapanese(w.key ? ({ key: w.key, params: w.params } as MessageRef) : undefined, err.message);
    expect(text).toMatch(ja);
  });

  it('the key travels over the WebSocket and IPC transports to the error the renderer shows', () => {
    const err = new ApiError('NOT_FOUND', "no virtual network named 'lan'", 'name');
    for (const [via, shape] of [['websocket', toWireError(err)], ['ipc', toBridgeError(err)]] as const) {
      const received = toApiCallError(JSON.parse(JSON.stringify(shape)), 'network.get');
      expect(received.message, via).toBe("no virtual network named 'lan'");
      expect(received.key, via).toBe('error.noNetwork');
      expect(translateServerText('ja', received, received.message), via).toBe("仮想ネットワーク 'lan' はありません");
      expect(translateServerText('en', received, received.message), via).toBe("no virtual network named 'lan'");
    }
  });

  it('any other libvirt error quotes libvirt inside a translated sentence; an error with no key shows its English', () => {
    const w = wire(new ApiError('LIBVIRT', 'internal error: something odd', undefined, 1));
    expect(w.key).toBe('error.libvirt.failed');
    expect(translateServerText('ja', w, w.message)).toBe('libvirt が操作を拒否しました:「internal error: something odd」');
    const plain = wire(new ApiError('INTERNAL', 'something odd'));
    expect(plain.key).toBeUndefined();
    expect(translateServerText('ja', plain, plain.message)).toBe('something odd');
  });

  it('a file check names its file in Japanese too (the noun is a message of its own)', () => {
    const w = wire(new ApiError('INVALID_INPUT', "ISO image '/root/a.iso' does not exist", 'spec.source.path'));
    expect(w.key).toBe('error.fileMissing');
    expect(translateServerText('ja', w, w.message)).toBe("「ISO」イメージ '/root/a.iso' がありません");
  });

  // The core throws these texts from several modules: each template's fixed start must still be in the sources.
  const sources = (function read(dir: string): string {
    return readdirSync(dir, { withFileTypes: true })
      .map((e) => (e.isDirectory() ? read(join(dir, e.name)) : e.name.endsWith('.ts') && e.name !== 'messages.ts' ? readFileSync(join(dir, e.name), 'utf8') : ''))
      .join('\n');
  })(resolve(__dirname, '../../../src-main'));
  // Keys the core names in code (englishText(message('error.…'))) build their text from the template.
  const namedInCode = (key: string) => sources.includes(`'${key}'`);
  it.each(Object.keys(ERROR_MESSAGES).filter((k) => !k.startsWith('error.libvirt.') && !namedInCode(k)))('%s: its wording is still what the core throws', (key) => {
    const template = SERVER_MESSAGES[key as ServerMessageKey];
    const pieces = template.split(/\{\w+\}/).map((p) => p.replace(/^['\s)]+|['\s(]+$/g, '')).filter((p) => p.length >= 8);
    expect(pieces.length, 'a template with a fixed part to look for').toBeGreaterThan(0);
    for (const p of pieces) expect(sources, `"${p}" of ${key} is no longer in src-main`).toContain(p);
  });
});

describe('Japanese lab file problems', () => {
  const problems = (text: string) => {
    const r = parseLabText(text, 'lab.yaml');
    if (r.ok) throw new Error('the lab file was expected to be invalid');
    return r.errors;
  };
  const cases: [string, string, string, string, RegExp][] = [
    ['unknown key', 'name: web\nbase: { image: /i.qcow2 }\nmachines: [{ name: a, memoryMiB: 512, vcpus: 1 }]\ncolour: red\n', 'colour', 'unknown field', /不明な項目/],
    ['missing field', 'name: web\nbase: { image: /i.qcow2 }\nmachines: [{ name: a, vcpus: 1 }]\n', 'machines[0].memoryMiB', 'is missing', /ありません/],
    ['wrong type', 'name: web\nbase: { image: /i.qcow2 }\nmachines: [{ name: a, memoryMiB: lots, vcpus: 1 }]\n', 'machines[0].memoryMiB', 'must be a number', /数値/],
    ['out of range', 'name: web\nbase: { image: /i.qcow2 }\nmachines: [{ name: a, memoryMiB: 512, vcpus: 1, count: 99 }]\n', 'machines[0].count', 'must be between 1 and 50', /1 から 50 の範囲/],
    [
      'duplicate name',
      'name: web\nbase: { image: /i.qcow2 }\nmachines:\n  - { name: node, memoryMiB: 512, vcpus: 1, count: 2 }\n  - { name: node-1, memoryMiB: 512, vcpus: 1 }\n',
      'machines[1].name',
      "'node-1' is also a machine of machines[0]: 'node' with count 2 makes node-1, node-2 — names must stay unique after count expands them",
      /'node-1' は machines\[0\].*node-1, node-2/,
    ],
  ];
  it.each(cases)('%s: the English stays, the key translates it', (_, text, path, english, ja) => {
    const issue = problems(text).find((i) => i.path === path);
    expect(issue, `a problem at ${path}`).toBeDefined();
    expect(issue!.message).toBe(english);
    expect(issue!.key, 'message key').toBeDefined();
    expect(expectJapanese({ key: issue!.key!, params: issue!.params }, english)).toMatch(ja);
  });
});
