// Shell completion in real bash, zsh and fish: VM, snapshot, pool and network names come from the
// connection named on the line, for every option the command table says takes a pool or a
// network. zsh runs interactively in a pseudo-terminal (zsh/zpty) with compinit and a real <TAB>;
// fish answers `complete -C LINE` as at <TAB>; bash runs the function with COMP_LINE as it does.
// `virtdesk` on PATH is the source tree's CLI (a small shim), as after npm link.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src-main/cli/command-table';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { removeDomainsWithPrefix, removeTestPool } from '../support/cleanup';
import { SYSTEM_URI, tinyGuestXml, uniqueName } from '../support/tiny-guest';

const ROOT = path.join(__dirname, '../..');
const ID = uniqueName('vdt-clied-comp');
const VM = `${ID}-web`;
const SNAP = `${ID}-snap`;
const POOL = `${ID}-pool`;
const NETWORK = `${ID}-net`;
const admin = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-clied-comp-'));
const binDir = path.join(tmp, 'bin');
const poolDir = path.join(tmp, 'pool');
const scripts = path.join(tmp, 'scripts');
const hasShell = (shell: string) => spawnSync(shell, ['-c', 'true']).status === 0;

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, PATH: `${binDir}:${process.env.PATH}`, XDG_CONFIG_HOME: tmp, HOME: tmp, VIRTDESK_NO_AGENT: '1' };
  delete e.VIRTDESK_DEFAULT_URI;
  delete e.LIBVIRT_DEFAULT_URI;
  return e;
}

function run(shell: string, args: string[]): string {
  const r = spawnSync(shell, args, { cwd: tmp, env: env(), encoding: 'utf8', timeout: 240_000 });
  expect(r.status, `${shell}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** What bash's <TAB> at the end of each line offers. */
function bash(line: string): string[] {
  const script = [`source ${scripts}/virtdesk.bash`, `COMP_LINE=${JSON.stringify(line)}`, `COMP_POINT=${line.length}`, '_virtdesk', `printf '%s\\n' "\${COMPREPLY[@]}"`].join('\n');
  return run('bash', ['-c', script]).split('\n').filter(Boolean);
}

/** What fish offers at <TAB> for each line (`complete -C`, without the descriptions). */
function fish(lines: string[]): string[][] {
  const script = [`source ${scripts}/virtdesk.fish`, ...lines.map((l) => `complete -C ${JSON.stringify(l)}; echo '<end>'`)].join('\n');
  const out = run('fish', ['-c', script]).split('<end>\n');
  return lines.map((_, i) => out[i].split('\n').filter(Boolean).map((c) => c.split('\t')[0]));
}

/**
 * Types each line and <TAB> into one interactive zsh (compinit, the script sourced) in a
 * pseudo-terminal; after each <TAB> a key bound to a widget writes the edited line to a file.
 * Returns those lines: a unique match is completed in place, with a space unless it goes on.
 */
function zsh(lines: string[]): string[] {
  const out = path.join(tmp, 'zsh-buffer');
  const driver = `
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='> '; autoload -Uz compinit; compinit -u -D; source ${scripts}/virtdesk.zsh; vdt_show() { print -r -- \\"[\\$BUFFER]\\" > ${out}.tmp && mv ${out}.tmp ${out}; zle kill-whole-line; }; zle -N vdt_show; bindkey '^X' vdt_show"
for line in "$@"; do
  rm -f ${out}
  zpty -w -n z "$line"$'\\t\\x18'
  for i in {1..1200}; do [[ -s ${out} ]] && break; sleep 0.1; done
  [[ -s ${out} ]] || { print -r -- "[timeout: $line]"; continue; }
  cat ${out}
done
zpty -d z
`;
  fs.writeFileSync(path.join(tmp, 'drive.zsh'), driver);
  return run('zsh', ['-f', path.join(tmp, 'drive.zsh'), ...lines]).split('\n').filter(Boolean).map((l) => l.slice(1, -1));
}

beforeAll(async () => {
  fs.mkdirSync(binDir, { recursive: true });
  fs.writeFileSync(path.join(binDir, 'virtdesk'), `#!/bin/sh\ncd ${JSON.stringify(ROOT)} && exec ${JSON.stringify(process.execPath)} --import tsx src-main/cli/main.ts "$@"\n`, { mode: 0o755 });
  fs.mkdirSync(scripts);
  for (const shell of ['bash', 'zsh', 'fish']) fs.writeFileSync(path.join(scripts, `virtdesk.${shell}`), execFileSync(path.join(binDir, 'virtdesk'), ['completion', shell], { env: env() }));
  fs.mkdirSync(poolDir);
  const disk = path.join(tmp, 'web.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '16M']);
  await admin.api.defineDomain(tinyGuestXml(VM, { disk }));
  await admin.api.createSnapshot({ name: VM }, `<domainsnapshot><name>${SNAP}</name></domainsnapshot>`);
  await admin.api.definePool(`<pool type='dir'><name>${POOL}</name><target><path>${poolDir}</path></target></pool>`, { build: true, start: true });
  await admin.api.defineNetwork(`<network><name>${NETWORK}</name><ip address='10.213.92.1' netmask='255.255.255.0'/></network>`);
}, 180_000);

afterAll(async () => {
  await removeDomainsWithPrefix(admin, ID);
  await removeTestPool(admin, POOL, poolDir);
  await admin.api.undefineNetwork(NETWORK).catch(() => undefined);
  await admin.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}, 60_000);

const on = `--connect ${SYSTEM_URI}`;

/** What is typed, the line zsh's <TAB> makes of it, and the candidates fish offers. */
const NAME_CASES: { typed: string; zsh: string; fish: string[] }[] = [
  { typed: `virtdesk start ${on} ${ID}-w`, zsh: `virtdesk start ${on} ${VM} `, fish: [VM] },
  { typed: `virtdesk snapshot revert ${on} ${VM} ${ID}-s`, zsh: `virtdesk snapshot revert ${on} ${VM} ${SNAP} `, fish: [SNAP] },
  { typed: `virtdesk create x ${on} --disk ${ID}-p`, zsh: `virtdesk create x ${on} --disk ${POOL}:`, fish: [`${POOL}:`] },
  { typed: `virtdesk attach-disk ${VM} ${on} --volume ${ID}-p`, zsh: `virtdesk attach-disk ${VM} ${on} --volume ${POOL}/`, fish: [`${POOL}/`] },
  { typed: `virtdesk create x ${on} --network network:${ID}-n`, zsh: `virtdesk create x ${on} --network network:${NETWORK} `, fish: [`network:${NETWORK}`] },
  { typed: `virtdesk edit-nic ${VM} 52:54:00:00:00:01 ${on} --source ${ID}-n`, zsh: `virtdesk edit-nic ${VM} 52:54:00:00:00:01 ${on} --source ${NETWORK} `, fish: [NETWORK] },
  { typed: `virtdesk create-container ct ${on} --network ${ID}-n`, zsh: `virtdesk create-container ct ${on} --network ${NETWORK} `, fish: [NETWORK] },
  { typed: 'virtdesk edit-disk web vda --cache writeb', zsh: 'virtdesk edit-disk web vda --cache writeback ', fish: ['writeback'] },
];

describe('completion of names from the connection', () => {
  it('zsh (interactive, compinit, <TAB>) completes VMs, snapshots, pools and networks', { timeout: 300_000 }, () => {
    expect(hasShell('zsh'), 'zsh is not installed: npm run setup installs it').toBe(true);
    expect(zsh([...NAME_CASES.map((c) => c.typed), 'virtdesk resize-d'])).toEqual([...NAME_CASES.map((c) => c.zsh), 'virtdesk resize-disk ']);
  });

  it('fish completes VMs, snapshots, pools and networks', { timeout: 300_000 }, () => {
    expect(hasShell('fish'), 'fish is not installed: npm run setup installs it').toBe(true);
    // The last line: only the first argument of start is a VM.
    expect(fish([...NAME_CASES.map((c) => c.typed), `virtdesk start ${on} ${VM} ${ID}-w`])).toEqual([...NAME_CASES.map((c) => c.fish), []]);
  });

  it('bash completes the options the table added (edit-nic --source, create-container --network, edit-disk --cache)', { timeout: 120_000 }, () => {
    expect(bash(`virtdesk edit-nic ${VM} 52:54:00:00:00:01 ${on} --source ${ID}-n`)).toEqual([NETWORK]);
    expect(bash(`virtdesk create-container ct ${on} --network ${ID}-n`)).toEqual([NETWORK]);
    expect(bash(`virtdesk snapshot revert ${on} ${VM} ${ID}-s`)).toEqual([SNAP]);
    expect(bash('virtdesk edit-disk web vda --cache write').sort()).toEqual(['writeback', 'writethrough']);
  });

  it('every option the command table gives pool or network values completes them in bash, zsh and fish', { timeout: 300_000 }, () => {
    // test:///default has the pool default-pool and the network default.
    const cases = COMMANDS.flatMap((c) => Object.entries(c.values ?? {}).filter(([, v]) => v.names).map(([flag, v]) => ({ prefix: v.prefix ?? '', line: `virtdesk ${c.name} x --connect test:///default ${flag} ${v.prefix ?? ''}def`, want: `${v.prefix ?? ''}${v.names === 'pool' ? 'default-pool' : 'default'}${v.suffix ?? ''}` })));
    expect(cases.length).toBeGreaterThanOrEqual(8);
    const fishAnswers = fish(cases.map((c) => c.line));
    const zshAnswers = zsh(cases.map((c) => c.line));
    cases.forEach((c, i) => {
      expect(fishAnswers[i], `fish: ${c.line}`).toEqual([c.want]);
      expect(zshAnswers[i], `zsh: ${c.line}`).toBe(`${c.line.slice(0, c.line.lastIndexOf(' '))} ${c.want}${c.want.endsWith(':') || c.want.endsWith('/') ? '' : ' '}`);
      // bash offers only what follows the last ':' of the word (COMP_WORDBREAKS).
      expect(bash(c.line), `bash: ${c.line}`).toEqual([c.want.slice(c.prefix.lastIndexOf(':') + 1)]);
    });
  });
});
