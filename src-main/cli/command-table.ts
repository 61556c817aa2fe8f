// The CLI's commands in one table: `--help`, `<command> --help`, the man page (`--help-all`) and
// shell completion are all generated from it, so they cannot drift apart. No imports: printing
// help must not load the core.

/** What a positional argument names, for completion: names come from the connection. */
export type ArgKind = 'vm' | 'snapshot' | 'file' | 'lab-action' | 'snapshot-action' | 'shell' | 'text';

export interface CommandSpec {
  name: string;
  /** Arguments and options after the command word. */
  synopsis: string;
  summary: string;
  /** Positional arguments in order (completion). */
  args: ArgKind[];
  /** Options this command takes besides --connect, --json and --help. */
  flags: string[];
  examples: string[];
  /** Not listed in help or the man page (the completion helper). */
  hidden?: boolean;
  /** Options whose values completion can offer (names from the connection, fixed words). */
  values?: Record<string, OptionValue>;
}

/** What an option's value is, for completion: `prefix` + a pool or network name + `suffix`, or one of `words`. */
export interface OptionValue {
  names?: 'pool' | 'network';
  prefix?: string;
  suffix?: string;
  words?: string[];
}

const NIC_MODELS = ['virtio', 'e1000e', 'e1000', 'rtl8139'];

const LIFECYCLE: [string, string][] = [
  ['start', 'start a VM; --force starts a template that has linked clones (refused otherwise: running it would break them)'],
  ['shutdown', 'ask the guest to shut down (ACPI)'],
  ['reboot', 'ask the guest to reboot'],
  ['destroy', 'force a VM off (like pulling the plug)'],
  ['suspend', 'pause a running VM'],
  ['resume', 'resume a paused VM'],
  ['managedsave', 'save the VM\'s memory to disk and stop it (hibernate); the next start restores it'],
  ['managedsave-remove', 'discard a VM\'s saved memory'],
];

export const COMMANDS: CommandSpec[] = [
  { name: 'host-check', synopsis: '[--json]', summary: 'which virtualization this host gives (KVM / emulation / none), each check with its fix', args: [], flags: [], examples: ['virtdesk host-check', 'virtdesk host-check --json | jq .verdict'] },
  { name: 'list', synopsis: '[--json]', summary: 'virtual machines with state, vCPUs, memory and OS', args: [], flags: [], examples: ['virtdesk list', 'virtdesk list --connect test:///default --json'] },
  {
    name: 'create',
    synopsis:
      'NAME --memory MIB|2G [--vcpus N] [--iso PATH | --import PATH | --kernel PATH [--initrd PATH] [--cmdline TEXT] | --location URL [--extra-args TEXT] | --cloud-image PATH --user NAME [--password-file FILE] [--ssh-key-file FILE] [--hostname NAME]] [--disk POOL:SIZE_GIB[:raw|qcow2] | --disk-volume POOL/VOLUME] [--network user|network:NAME|bridge:NAME|none] [--os ID] [--firmware bios|uefi] [--tpm] [--start] [--json]',
    summary: 'a new VM from one source (none: network boot), like virt-install; progress on stderr',
    args: ['text'],
    flags: ['--memory', '--vcpus', '--iso', '--import', '--kernel', '--initrd', '--cmdline', '--location', '--extra-args', '--cloud-image', '--user', '--password-file', '--ssh-key-file', '--hostname', '--disk', '--disk-volume', '--network', '--os', '--firmware', '--tpm', '--start'],
    values: { '--disk': { names: 'pool', suffix: ':' }, '--disk-volume': { names: 'pool', suffix: '/' }, '--network': { names: 'network', prefix: 'network:', words: ['user', 'none', 'bridge:'] }, '--firmware': { words: ['bios', 'uefi'] } },
    examples: ['virtdesk create web --memory 2G --iso ~/debian.iso --disk default:20 --start', 'virtdesk create box --memory 1G --cloud-image ~/jammy.img --user me --ssh-key-file ~/.ssh/id_ed25519.pub --disk default:10 --start'],
  },
  {
    name: 'delete',
    synopsis: 'NAME [--disk PATH ...] [--all-disks] [--json]',
    summary: 'delete a VM (forced off if running); keeps every disk unless named with --disk or --all-disks, and says which disks cannot be deleted and why',
    args: ['vm'],
    flags: ['--disk', '--all-disks'],
    examples: ['virtdesk delete web', 'virtdesk delete web --all-disks'],
  },
  ...LIFECYCLE.map(([name, summary]): CommandSpec => ({
    name,
    synopsis: `NAME${name === 'start' ? ' [--force]' : ''} [--json]`,
    summary,
    args: ['vm'],
    flags: name === 'start' ? ['--force'] : [],
    examples: [`virtdesk ${name} web`],
  })),
  { name: 'dumpxml', synopsis: '[--inactive] NAME', summary: 'the domain XML (--inactive: the persistent definition)', args: ['vm'], flags: ['--inactive'], examples: ['virtdesk dumpxml web > web.xml'] },
  { name: 'screenshot', synopsis: 'NAME FILE.png [--json]', summary: "save the guest's screen as PNG", args: ['vm', 'file'], flags: [], examples: ['virtdesk screenshot web screen.png'] },
  { name: 'console', synopsis: 'NAME [--force]', summary: 'interactive serial console; Ctrl+] exits; --force takes it over from another client', args: ['vm'], flags: ['--force'], examples: ['virtdesk console web'] },
  {
    name: 'snapshot',
    synopsis: 'list|create|revert|delete|capabilities NAME [SNAP] [--description TEXT] [--no-memory] [--external] [--json]',
    summary: 'snapshot tree, take one (internal by default, with memory when running), revert, delete; which kinds the VM allows',
    args: ['snapshot-action', 'vm', 'snapshot'],
    flags: ['--description', '--no-memory', '--external'],
    examples: ['virtdesk snapshot list web', 'virtdesk snapshot create web before-upgrade --description "before apt upgrade"', 'virtdesk snapshot revert web before-upgrade'],
  },
  { name: 'clone', synopsis: 'NAME NEWNAME [--linked] [--json]', summary: 'full copy (default) or linked clone (qcow2 overlays; the source becomes a template) of a shut-off VM', args: ['vm', 'text'], flags: ['--linked'], examples: ['virtdesk clone web web2', 'virtdesk clone base node1 --linked'] },
  {
    name: 'lab',
    synopsis: 'up|start|stop|reset|down|status|validate FILE [--json] | lab list [--json]',
    summary: 'a *.lab.yaml lab: create (idempotent), control, reset to its baseline, remove exactly what it created',
    args: ['lab-action', 'file'],
    flags: [],
    examples: ['virtdesk lab validate net.lab.yaml', 'virtdesk lab up net.lab.yaml', 'virtdesk lab list'],
  },
  // Changing a VM (src-main/cli/edit-commands.ts); --live / --config as in virsh.
  { name: 'edit', synopsis: 'NAME [--memory SIZE] [--max-memory SIZE] [--vcpus N] [--max-vcpus N] [--title T] [--description T] [--autostart on|off] [--cpu-mode host-model|host-passthrough|custom] [--cpu-model MODEL] [--topology S,C,T] [--boot-order DEV,...] [--boot-menu on|off] [--live|--config] [--json]', summary: "change a VM's memory, vCPUs, title, description or autostart (live where libvirt can, else at the next boot); CPU mode/model/topology (sockets×cores×threads = max vCPUs) and boot order (DEV: vda, cdrom, net0, a MAC) at the next boot", args: ['vm'], flags: ['--memory', '--max-memory', '--vcpus', '--max-vcpus', '--title', '--description', '--autostart', '--cpu-mode', '--cpu-model', '--topology', '--boot-order', '--boot-menu', '--live', '--config'], examples: ['virtdesk edit web --memory 4G --vcpus 4', 'virtdesk edit web --title "Web server" --autostart on', 'virtdesk edit web --cpu-mode host-model --topology 1,2,2 --boot-order vda,cdrom,net0 --boot-menu on'] },
  { name: 'attach-disk', synopsis: 'NAME (--volume POOL/VOL | --path P | --new POOL:GIB[:qcow2|raw]) [--bus virtio|sata|scsi] [--target T] [--readonly] [--cache MODE] [--live|--config] [--json]', summary: 'add a disk: an existing volume or file, or a new volume', args: ['vm'], flags: ['--volume', '--path', '--new', '--bus', '--target', '--readonly', '--cache', '--live', '--config'], values: { '--volume': { names: 'pool', suffix: '/' }, '--new': { names: 'pool', suffix: ':' }, '--bus': { words: ['virtio', 'sata', 'scsi'] } }, examples: ['virtdesk attach-disk web --new default:10', 'virtdesk attach-disk web --path /var/lib/libvirt/images/data.qcow2 --bus sata'] },
  { name: 'detach-disk', synopsis: 'NAME TARGET [--delete-volume] [--live|--config] [--json]', summary: 'remove a disk; its image is kept unless --delete-volume (safe-delete rules)', args: ['vm', 'text'], flags: ['--delete-volume', '--live', '--config'], examples: ['virtdesk detach-disk web vdb'] },
  { name: 'change-media', synopsis: 'NAME TARGET (PATH | --eject) [--live|--config] [--json]', summary: 'insert or eject a CD-ROM medium', args: ['vm', 'text', 'file'], flags: ['--eject', '--live', '--config'], examples: ['virtdesk change-media web sda /var/lib/libvirt/images/debian.iso', 'virtdesk change-media web sda --eject'] },
  { name: 'attach-nic', synopsis: 'NAME (--network N | --bridge B | --user) [--model MODEL] [--mac MAC] [--live|--config] [--json]', summary: 'add a network interface', args: ['vm'], flags: ['--network', '--bridge', '--user', '--model', '--mac', '--live', '--config'], values: { '--network': { names: 'network' }, '--model': { words: NIC_MODELS } }, examples: ['virtdesk attach-nic web --network default'] },
  { name: 'detach-nic', synopsis: 'NAME MAC [--live|--config] [--json]', summary: 'remove a network interface', args: ['vm', 'text'], flags: ['--live', '--config'], examples: ['virtdesk detach-nic web 52:54:00:12:34:56'] },
  // Changing an existing NIC or disk (src-main/cli/device-edit-commands.ts); --both = --live --config.
  {
    name: 'edit-nic',
    synopsis: 'NAME MAC [--source NETWORK | --bridge BRIDGE | --user] [--model virtio|e1000e|e1000|rtl8139] [--mac NEW_MAC] [--live|--config|--both] [--json]',
    summary: 'change a network interface (found by its MAC): its source (live too, between networks and bridges), model or MAC (next boot)',
    args: ['vm', 'text'],
    flags: ['--source', '--network', '--bridge', '--user', '--model', '--mac', '--live', '--config', '--both'],
    values: { '--source': { names: 'network' }, '--network': { names: 'network' }, '--model': { words: NIC_MODELS } },
    examples: ['virtdesk edit-nic web 52:54:00:12:34:56 --source isolated', 'virtdesk edit-nic web 52:54:00:12:34:56 --bridge br0 --both', 'virtdesk edit-nic web 52:54:00:12:34:56 --model e1000e --mac 52:54:00:ab:cd:ef --config'],
  },
  {
    name: 'edit-disk',
    synopsis: "NAME TARGET [--bus virtio|sata|scsi] [--target NEW] [--cache MODE] [--discard unmap|ignore|default] [--readonly on|off] [--shareable on|off] [--serial S|''] [--live|--config|--both] [--json]",
    summary: "change a disk's bus (its name follows: vdb → sdb), cache, discard, read-only, shareable or serial ('' removes it); applies at the next boot",
    args: ['vm', 'text'],
    flags: ['--bus', '--target', '--cache', '--discard', '--readonly', '--shareable', '--serial', '--live', '--config', '--both'],
    values: { '--bus': { words: ['virtio', 'sata', 'scsi'] }, '--cache': { words: ['default', 'none', 'writethrough', 'writeback', 'directsync', 'unsafe'] }, '--discard': { words: ['unmap', 'ignore', 'default'] }, '--readonly': { words: ['on', 'off'] }, '--shareable': { words: ['on', 'off'] } },
    examples: ['virtdesk edit-disk web vdb --cache none --discard unmap', 'virtdesk edit-disk web vdb --bus sata', "virtdesk edit-disk web vda --serial DATA01 --readonly off"],
  },
  { name: 'resize-disk', synopsis: 'NAME TARGET SIZE [--json]', summary: "grow a disk to SIZE (20G, 512M, 1T; a bare number is GiB): live while the VM runs, its pool volume while shut off; never shrinks", args: ['vm', 'text', 'text'], flags: [], examples: ['virtdesk resize-disk web vda 40G', 'virtdesk resize-disk web vdb 1536M --json'] },
  { name: 'attach-hostdev', synopsis: 'NAME (--usb VENDOR:PRODUCT | --pci ADDRESS) [--live|--config] [--json]', summary: 'pass a host USB device (ids as lsusb shows them) or PCI device (needs the IOMMU) through to a VM', args: ['vm'], flags: ['--usb', '--pci', '--live', '--config'], examples: ['virtdesk attach-hostdev web --usb 046d:c52b', 'virtdesk attach-hostdev web --pci 0000:01:00.0'] },
  { name: 'detach-hostdev', synopsis: 'NAME (--usb VENDOR:PRODUCT | --pci ADDRESS) [--live|--config] [--json]', summary: 'give a passed-through host device back to the host', args: ['vm'], flags: ['--usb', '--pci', '--live', '--config'], examples: ['virtdesk detach-hostdev web --usb 046d:c52b'] },
  { name: 'set-link', synopsis: 'NAME MAC up|down [--json]', summary: "set a network interface's link up or down (live)", args: ['vm', 'text', 'text'], flags: [], examples: ['virtdesk set-link web 52:54:00:12:34:56 down'] },
  { name: 'rename', synopsis: 'NAME NEWNAME [--json]', summary: 'rename a shut-off VM', args: ['vm', 'text'], flags: [], examples: ['virtdesk rename web web-old'] },
  { name: 'tag', synopsis: 'NAME [TAG ...] [--json]', summary: "set a VM's tags (Virtdesk metadata; the list filters by them); no tags clears them", args: ['vm', 'text'], flags: [], examples: ['virtdesk tag web prod eu'] },
  { name: 'edit-xml', synopsis: 'NAME FILE [--json]', summary: "replace a VM's definition with FILE, validated by libvirt (name and UUID must stay)", args: ['vm', 'file'], flags: [], examples: ['virtdesk dumpxml --inactive web > web.xml && virtdesk edit-xml web web.xml'] },
  { name: 'save', synopsis: 'NAME [--json]', summary: "save a running VM's state to disk and stop it (managed save)", args: ['vm'], flags: [], examples: ['virtdesk save web'] },
  { name: 'restore', synopsis: 'NAME [--json]', summary: 'start a VM from its saved state', args: ['vm'], flags: [], examples: ['virtdesk restore web'] },
  { name: 'migrate', synopsis: 'NAME DEST_URI [--live] [--copy-storage] [--offline] [--bandwidth MIB_S] [--direct] [--json]', summary: 'move a VM to another host: a running one with QEMU\'s migration (--live: it keeps running; --copy-storage: its disks are copied; --direct: not tunnelled through libvirt), a shut-off one\'s definition with --offline; progress on stderr, Ctrl+C cancels', args: ['vm', 'text'], flags: ['--live', '--copy-storage', '--offline', '--bandwidth', '--direct'], examples: ['virtdesk migrate web qemu+ssh://root@host2/system --live', 'virtdesk migrate old-vm qemu+tcp://host2/system --offline'] },
  { name: 'create-container', synopsis: 'NAME (--command PATH [--arg A ...] [--root DIR] | --root DIR [--init PATH] | --tarball FILE --root NEW_DIR) [--memory 64M] [--vcpus N] [--mount HOST:GUEST[:ro|rw] ...] [--network NAME|none] [--no-start] [--json]', summary: 'a new OS container on an LXC connection (--connect lxc:///system): one command (application container) or an init booted from a root folder or an unpacked tarball (system container); mounts are read-only unless :rw; no network unless named', args: ['text'], flags: ['--command', '--arg', '--root', '--init', '--tarball', '--memory', '--vcpus', '--mount', '--network', '--no-start'], values: { '--network': { names: 'network', words: ['none'] } }, examples: ['virtdesk create-container shell --connect lxc:///system --command /bin/sh --memory 64M', 'virtdesk create-container web --connect lxc:///system --root /srv/ct/web --mount /srv/data:/data:ro --network default'] },
  { name: 'completion', synopsis: 'bash|zsh|fish', summary: 'the shell completion script (commands, options, connection URIs from the settings, and VM, snapshot, pool and network names)', args: ['shell'], flags: [], examples: ['source <(virtdesk completion bash)', 'virtdesk completion fish > ~/.config/fish/completions/virtdesk.fish'] },
  { name: '__complete', synopsis: 'vm|snapshot VM|pool|network|uri', summary: 'prints names for shell completion, one a line', args: ['text'], flags: [], examples: [], hidden: true },
];

/** Options every command takes. */
export const GLOBAL_FLAGS: { flag: string; text: string }[] = [
  { flag: '--connect URI', text: 'libvirt URI (default: $VIRTDESK_DEFAULT_URI, else $LIBVIRT_DEFAULT_URI, else qemu:///system if reachable, else qemu:///session)' },
  { flag: '--json', text: 'machine-readable output (stable: new fields may be added, existing ones keep their meaning)' },
  { flag: '-h, --help', text: 'help for the command, with examples' },
];

export const EXIT_CODES: [number, string][] = [
  [0, 'success'],
  [1, 'the command failed'],
  [2, 'bad usage (unknown command or option, missing argument)'],
  [3, 'not found (no such VM, snapshot, lab, …)'],
  [130, 'cancelled with Ctrl+C (create and clone remove what they had made)'],
];

export function findCommand(name: string | undefined): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export const visibleCommands = (): CommandSpec[] => COMMANDS.filter((c) => !c.hidden);

export function mainHelp(): string {
  const width = Math.max(...visibleCommands().map((c) => c.name.length));
  return [
    'Usage: virtdesk <command> [options]     (from the source tree: npm run cli -- <command>)',
    '',
    'Commands:',
    ...visibleCommands().map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    ...GLOBAL_FLAGS.map((f) => `  ${f.flag.padEnd(14)}  ${f.text}`),
    '  --version       the version',
    '  --help-all      the manual page (roff: virtdesk --help-all | man -l -)',
    '',
    `Exit codes: ${EXIT_CODES.map(([n, t]) => `${n} ${t}`).join('; ')}.`,
    "'virtdesk <command> --help' shows a command's options and examples.",
  ].join('\n');
}

export function commandHelp(c: CommandSpec): string {
  return [
    `Usage: virtdesk ${c.name} ${c.synopsis}`,
    '',
    c.summary,
    '',
    'Options:',
    ...GLOBAL_FLAGS.map((f) => `  ${f.flag.padEnd(14)}  ${f.text}`),
    ...(c.examples.length ? ['', 'Examples:', ...c.examples.map((e) => `  ${e}`)] : []),
  ].join('\n');
}

/** roff text: backslashes and hyphens literal, non-ASCII as \[uXXXX], no line starting with a control character. */
function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/[^\x00-\x7f]/gu, (ch) => `\\[u${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`)
    .replace(/^([.'])/gm, '\\&$1');
}

/** The man page, virtdesk(1), from the same table. */
export function manPage(version: string): string {
  const lines = [
    `.TH VIRTDESK 1 "" "virtdesk ${roff(version)}" "User Commands"`,
    '.SH NAME',
    'virtdesk \\- manage libvirt virtual machines from the command line',
    '.SH SYNOPSIS',
    '.B virtdesk',
    '.I command',
    '[\\fIoptions\\fR]',
    '.SH DESCRIPTION',
    'The command line of Virtdesk: the same API as the desktop app and browser mode, in virsh\'s words.',
    'Errors are one line on standard error.',
    '.SH COMMANDS',
  ];
  for (const c of visibleCommands()) {
    lines.push('.TP', `.B ${roff(c.name)} ${roff(c.synopsis)}`, roff(c.summary));
    for (const e of c.examples) lines.push('.br', `Example: \\fB${roff(e)}\\fR`);
  }
  lines.push('.SH OPTIONS');
  for (const f of GLOBAL_FLAGS) lines.push('.TP', `.B ${roff(f.flag)}`, roff(f.text));
  lines.push(
    '.SH ENVIRONMENT',
    '.TP',
    '.B VIRTDESK_DEFAULT_URI',
    'the connection when no \\-\\-connect is given',
    '.TP',
    '.B LIBVIRT_DEFAULT_URI',
    'used when VIRTDESK_DEFAULT_URI is not set (as virsh does)',
    '.TP',
    '.B VIRTDESK_NO_AGENT',
    '1: list and completion never use the CLI agent (a background process per connection that keeps libvirt open; it exits after 10 minutes unused)',
    '.SH EXIT STATUS',
  );
  for (const [n, t] of EXIT_CODES) lines.push('.TP', `.B ${n}`, roff(t));
  lines.push('.SH SEE ALSO', 'virsh(1), virt\\-install(1)');
  return `${lines.join('\n')}\n`;
}
