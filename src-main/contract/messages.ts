// Texts the core sends to people (host check, lab file problems, common errors) as message keys
// with English templates: the server builds its English from these templates and sends the key
// and parameters along, the renderer shows its own language for the same key (its en.ts spreads
// SERVER_MESSAGES; ja.ts must give each key a Japanese text). "{name}" is a placeholder; a
// parameter may itself be a message (a sentence part that needs translating as well).

export const HOST_MESSAGES = {
  // ---- check titles ----
  'host.check.cpuVendor.title': 'Processor',
  'host.check.cpuVirtFlags.title': 'Hardware virtualization (VT-x / AMD-V)',
  'host.check.hypervisorFlag.title': 'Running inside a virtual machine',
  'host.check.kvmModule.title': 'KVM kernel module',
  'host.check.kvmNested.title': 'Nested virtualization (VMs inside your VMs)',
  'host.check.devKvm.title': '/dev/kvm device',
  'host.check.libvirt.title': 'libvirt daemon',
  'host.check.qemuEmulator.title': 'QEMU for x86_64 guests',
  'host.check.domainType.title': 'Virtualization type offered by libvirt',
  'host.check.uefi.title': 'UEFI firmware (OVMF)',
  'host.check.lxc.title': 'Containers (libvirt LXC)',

  // ---- check details ----
  'host.check.notChecked': 'Not checked: libvirt is not reachable.',
  'host.check.parenError': ' ({error})',
  'host.check.cpuVendor.unreadable': 'Could not read the processor type from /proc/cpuinfo.',
  'host.check.cpuVendor.detail': '{vendor}',
  'host.check.cpuVendor.detailModel': '{vendor} — {model}',
  'host.check.cpuVendor.other': 'Other vendor',
  'host.check.cpuVendor.unknown': 'Unknown',
  'host.check.cpuVirtFlags.remote': "Taken from the remote host's capabilities: {state}.",
  'host.check.cpuVirtFlags.remotePresent': '{flag} present',
  'host.check.cpuVirtFlags.remoteMissing': 'vmx/svm not listed',
  'host.check.cpuVirtFlags.unreadable': 'The CPU flags could not be read from /proc/cpuinfo, so VT-x/AMD-V support is unknown.',
  'host.check.cpuVirtFlags.ok': 'The processor reports {name}.',
  'host.check.cpuVirtFlags.missingInVm': 'Neither vmx (Intel VT-x) nor svm (AMD-V) is among the CPU flags: the outer hypervisor does not pass them through to this VM.',
  'host.check.cpuVirtFlags.missing': 'Neither vmx (Intel VT-x) nor svm (AMD-V) is among the CPU flags: it is switched off in the firmware, or the processor lacks it.',
  'host.check.hypervisorFlag.unknown': 'Unknown: the CPU flags could not be read.',
  'host.check.hypervisorFlag.bareMetal': 'No hypervisor flag: this system runs directly on the hardware.',
  'host.check.hypervisorFlag.nested':
    'This system is itself a virtual machine, and its host passes VT-x/AMD-V through (nested virtualization is on). ' +
    'KVM works here, with some overhead compared to bare metal.',
  'host.check.hypervisorFlag.notNested':
    'This system is itself a virtual machine (the CPU has the hypervisor flag), and its host does not expose ' +
    'VT-x/AMD-V to it. KVM inside a VM needs nested virtualization, which only the outer host can enable.',
  'host.check.kvmModule.unreadable': 'Could not read /proc/modules, so it is unknown whether KVM is loaded.',
  'host.check.kvmModule.loaded': '{module} is loaded.',
  'host.check.kvmModule.loadedBoth': '{first} and {second} is loaded.',
  'host.check.kvmModule.pvmOnly':
    'Only kvm_pvm is loaded: it provides /dev/kvm without VT-x/AMD-V (PVM, pagetable-based virtualization), ' +
    'but it boots only guest kernels built for PVM. Ordinary guests need kvm_intel or kvm_amd.',
  'host.check.kvmModule.none': 'No KVM module (kvm_intel / kvm_amd) is loaded.',
  'host.check.kvmModule.notLoaded': 'The processor supports {extension}, but {module} is not loaded.',
  'host.check.kvmModule.cannotLoadInVm': 'No KVM module is loaded, and it could not load: the processor does not report VT-x/AMD-V inside this VM.',
  'host.check.kvmModule.cannotLoad':
    'No KVM module is loaded, and it could not load: the processor does not report VT-x/AMD-V (firmware setup can hide the flag when virtualization is disabled).',
  'host.check.kvmModule.either': 'kvm_intel or kvm_amd',
  'host.check.kvmNested.notApplicable': 'Not applicable: no kvm_intel/kvm_amd "nested" parameter was found.',
  'host.check.kvmNested.on': '{module} nested={value}: your VMs can run KVM guests of their own.',
  'host.check.kvmNested.off': '{module} nested={value}: your VMs cannot use KVM themselves (matters only if you run hypervisors inside VMs).',
  'host.check.kvmNested.fix': '`echo "options {module} nested=1" | sudo tee /etc/modprobe.d/{module}-nested.conf`, then reload the module with no VMs running.',
  'host.check.devKvm.yourUser': 'your user',
  'host.check.devKvm.missing': '/dev/kvm does not exist: KVM is not active in the kernel.',
  'host.check.devKvm.pvm': '/dev/kvm exists and {user} can use it, but it is provided by kvm_pvm (no VT-x/AMD-V).',
  'host.check.devKvm.ok': '/dev/kvm exists and {user} can read and write it.',
  'host.check.devKvm.denied': '/dev/kvm exists but {user} cannot open it for reading and writing{error}.{system}',
  'host.check.devKvm.systemNote': ' The system libvirt daemon is not affected; VMs in your user session (qemu:///session) are.',
  'host.check.libvirt.noConnection': 'Not checked: no libvirt connection was available.',
  'host.check.libvirt.unreachable': 'Could not connect to {uri}: {error}',
  'host.check.libvirt.unreachableNoError': 'Could not connect to {uri}.',
  'host.check.libvirt.connected': 'Connected to {uri}{versions}.{remote}',
  'host.check.libvirt.versions': ' ({versions})',
  'host.check.libvirt.remoteNote': ' It is a remote host: the module and /dev/kvm checks describe this computer, not that host.',
  'host.check.qemuEmulator.ok': 'x86_64 guests run with {emulator}.',
  'host.check.qemuEmulator.capsError': "Could not read libvirt's capabilities: {error}",
  'host.check.qemuEmulator.none': 'libvirt found no QEMU emulator for x86_64 guests.',
  'host.check.domainType.none': 'libvirt listed no domain type for x86_64 guests (its capabilities could not be read).',
  'host.check.domainType.kvm': "libvirt offers <domain type='kvm'>: guests get hardware acceleration.",
  'host.check.domainType.kvmNotBacked':
    "libvirt lists <domain type='kvm'>, but KVM here {cause}: ordinary guest kernels do not boot with it. " +
    "VMs should use <domain type='qemu'> (software emulation).",
  'host.check.domainType.causePvm': 'is provided by PVM (kvm_pvm), not by VT-x/AMD-V',
  'host.check.domainType.causeCpu': 'is not backed by VT-x/AMD-V on this CPU',
  'host.check.domainType.qemuOnly': "Only <domain type='qemu'> (software emulation, TCG) is offered; kvm is not.",
  'host.check.domainType.qemuOnlyError': "Only <domain type='qemu'> (software emulation, TCG) is offered; kvm is not (libvirt: {error}).",
  'host.check.domainType.neither': 'libvirt offers neither kvm nor qemu domains (only: {types}).',
  'host.check.uefi.parseError': "libvirt's domain capabilities could not be parsed: {error}",
  'host.check.uefi.unknown': "Unknown: libvirt's domain capabilities were not available.",
  'host.check.uefi.ok': 'UEFI guests are supported{secureBoot}{where}.',
  'host.check.uefi.secureBoot': ', with Secure Boot',
  'host.check.uefi.where': ': {paths}',
  'host.check.uefi.none': 'No UEFI firmware was found: guests can boot only with legacy BIOS. Windows 11 and some installers need UEFI.',
  'host.check.lxc.notProbed': 'Not checked: libvirt LXC was not probed.',
  'host.check.lxc.ok': "libvirt's LXC driver is available: containers share this host's kernel and need no VT-x/AMD-V.",
  'host.check.lxc.unavailable': "libvirt's LXC driver is not available{error}; containers are optional.",

  // ---- fixes ----
  'host.fix.firmwareIntel': 'Intel Virtualization Technology (VT-x)',
  'host.fix.firmwareAmd': 'SVM Mode (AMD-V)',
  'host.fix.firmwareEither': 'Intel VT-x or AMD-V (SVM Mode)',
  'host.fix.firmware':
    'Reboot into the BIOS/UEFI firmware setup and enable {setting}, usually under Advanced › CPU Configuration, ' +
    'then save and power the machine off and on. Firmware with virtualization disabled hides the CPU flag from the OS; ' +
    'if the setting is already on, update the firmware.',
  'host.fix.firmwareSee': 'Enable {setting} in the BIOS/UEFI setup; firmware hides the CPU flag while it is off (see "{title}").',
  'host.fix.nested':
    'Enable nested virtualization on the outer host (nothing inside this VM can turn it on): ' +
    'on a Linux/KVM host load {module} with nested=1 (`options {module} nested=1` in /etc/modprobe.d/) and give this VM ' +
    'the CPU mode host-passthrough; in VMware tick "Virtualize Intel VT-x/EPT or AMD-V/RVI"; in Hyper-V run ' +
    '`Set-VMProcessor -VMName <vm> -ExposeVirtualizationExtensions $true`; in VirtualBox enable nested VT-x/AMD-V; ' +
    'in a cloud pick an instance type that supports nested virtualization. Then restart this VM.',
  'host.fix.nestedSee': 'Enable nested virtualization on the outer host (see "{title}").',
  'host.fix.module':
    'Load the module: {command}. If that fails, `sudo dmesg | grep -i kvm` tells why — ' +
    '"disabled by bios" means you must enable VT-x or AMD-V (SVM) in the firmware setup.',
  'host.fix.modprobe': '`sudo modprobe {module}`',
  'host.fix.modprobeEither': '`sudo modprobe kvm_intel` (or `kvm_amd`)',
  'host.fix.groupInKvm':
    'You are in the kvm group, yet /dev/kvm refuses access: check `ls -l /dev/kvm` (expected crw-rw---- root kvm); ' +
    '`sudo udevadm trigger` re-applies the udev permissions.',
  'host.fix.groupRelogin': 'You were added to the kvm group after this session started: log out and back in (or reboot) so it applies.',
  'host.fix.groupAdd': 'Add your user to the kvm group: `sudo usermod -aG kvm {user}`{libvirt}; then log out and back in so the new group membership applies.',
  'host.fix.groupAddLibvirt': " and, to manage the system's VMs, `sudo usermod -aG libvirt {user}`",
  'host.fix.startSystemd': '`sudo systemctl enable --now libvirtd`',
  'host.fix.startNoSystemd': '`sudo virtlogd -d && sudo libvirtd -d` (this computer has no systemd)',
  'host.fix.restartSystemd': '`sudo systemctl restart libvirtd`',
  'host.fix.restartNoSystemd': '`sudo kill $(cat /run/libvirtd.pid) && sudo libvirtd -d` (this computer has no systemd)',
  'host.fix.installLibvirt': 'Install libvirt and QEMU: `sudo apt install libvirt-daemon-system qemu-system-x86`, then start the daemon: {start}.',
  'host.fix.libvirtGroup': 'Allow your user to manage system VMs: `sudo usermod -aG libvirt {user}`, then log out and back in.',
  'host.fix.installQemu': 'Install QEMU: `sudo apt install qemu-system-x86`, then restart libvirt ({restart}).',
  'host.fix.seeCheck': 'See the "{title}" check.',
  'host.fix.installOvmf': 'Install OVMF: `sudo apt install ovmf`.',
  'host.fix.installLxc': 'Install the driver: `sudo apt install libvirt-daemon-driver-lxc`, then restart libvirt ({restart}).',
  'host.fix.remote': 'Check virtualization on the remote host itself.',
  'host.fix.restartLibvirt': 'Restart libvirt so it probes QEMU again: {restart}.',

  // ---- why KVM is not usable ----
  'host.reason.inVm': 'this system is itself a virtual machine and its host does not pass Intel VT-x / AMD-V through to it (nested virtualization is off){pvm}',
  'host.reason.inVmPvm': '; the /dev/kvm it has comes from PVM, which boots only specially built guest kernels',
  'host.reason.noFlag': 'the processor does not report Intel VT-x / AMD-V — on most PCs it is switched off in the BIOS/UEFI setup',
  'host.reason.remote': 'the remote host does not offer KVM to libvirt',
  'host.reason.pvm': 'the kernel offers KVM only through PVM, which boots only specially built guest kernels',
  'host.reason.moduleNotLoaded': 'the {module} kernel module is not loaded',
  'host.reason.noDevKvm': '/dev/kvm does not exist',
  'host.reason.devKvmDenied': 'your user is not allowed to use /dev/kvm',
  'host.reason.noKvmType': 'libvirt does not offer the kvm type although the kernel side looks fine',
  'host.reason.noCpuInfo': 'the processor information could not be read',

  // ---- headline and explanation ----
  'host.headline.kvm': 'KVM hardware acceleration is available',
  'host.headline.kvmNoLibvirt': 'KVM is available, but libvirt is not reachable',
  'host.headline.emulation': 'Software emulation only: VMs work, but slowly',
  'host.headline.none': "Virtual machines can't run on this host yet",
  'host.explain.see': ' The "{title}" check says how to fix it.',
  'host.explain.why': "KVM isn't available because {reason}.",
  'host.explain.kvmUnusable': "KVM isn't usable either.",
  'host.explain.extVmx': "processor's Intel VT-x",
  'host.explain.extSvm': "processor's AMD-V",
  'host.explain.extOther': "processor's virtualization extensions",
  'host.explain.kvm':
    'Virtual machines run with hardware acceleration (KVM): the {extension} lets guests execute directly on the CPU, ' +
    'so they run at close to native speed.{nested}{libvirt}',
  'host.explain.kvmNested': ' This system is itself a VM with nested virtualization, so expect some overhead compared to bare metal.',
  'host.explain.kvmNoLibvirt': ' Virtdesk still needs a running libvirt daemon to manage them.{see}',
  'host.explain.emulation':
    'Virtual machines run in software emulation (QEMU TCG): they work, but much slower, typically 5–20× slower ' +
    'than with KVM, because QEMU translates every guest instruction in software. That is fine for small Linux guests ' +
    'and tests; desktop systems will feel sluggish.{why}',
  'host.explain.emulationWhy': ' {why}{see}',
  'host.explain.capsUnreadable':
    "Virtual machines can't be confirmed to run: libvirt is running, but its capabilities could not be read, so it is unclear whether QEMU is usable.",
  'host.explain.noQemu': "Virtual machines can't run yet: libvirt is running but offers no QEMU for x86_64 guests.{see}",
  'host.explain.noLibvirt':
    "Virtual machines can't run yet: Virtdesk runs them through libvirt and QEMU, and {libvirt}. {why} " +
    'Install and start libvirt with QEMU first: VMs then work in software emulation even without KVM.{see}',
  'host.explain.libvirtUnreachable': 'libvirt is not reachable at {uri}',
  'host.explain.noConnection': 'no libvirt connection is available',
} as const;

/** Lab file problems (the part after "lab.yaml:7: machines[1].count: "). */
export const LAB_MESSAGES = {
  'lab.issue.unknownField': 'unknown field',
  'lab.issue.missing': 'is missing',
  'lab.issue.empty': 'is empty',
  'lab.issue.mustBeNumber': 'must be a number',
  'lab.issue.mustBeText': 'must be text',
  'lab.issue.mustBePath': 'must be a path',
  'lab.issue.mustBeMachineList': 'must be a list of machines',
  'lab.issue.mustBeTagList': 'must be a list of tags',
  'lab.issue.mustBeMachine': 'must be a mapping with name, memoryMiB, vcpus (and count)',
  'lab.issue.mustBeLab': 'must be a YAML mapping with name, base and machines',
  'lab.issue.between': 'must be between {min} and {max}{unit}',
  'lab.issue.wholeBetween': 'must be a whole number between {min} and {max}{unit}',
  'lab.issue.absolutePath': 'must be an absolute path (starting with /)',
  'lab.issue.machineName': 'must be 1–32 letters, digits, - or _ (starting with a letter or digit)',
  'lab.issue.duplicateEntry': "machines[{index}] is already named '{name}' — use count for several machines of one kind",
  'lab.issue.duplicateInstance': "'{name}' is also a machine of machines[{index}] — names must stay unique after count expands them",
  'lab.issue.duplicateInstanceExpanded':
    "'{name}' is also a machine of machines[{index}]: '{other}' with count {count} makes {names} — names must stay unique after count expands them",
  'lab.issue.duplicateTag': "tag '{tag}' is listed twice",
  'lab.issue.tooManyVms': 'the machines add up to {total} VMs; a lab has at most {max}',
  'lab.issue.noVm': "no VM named '{name}' on {uri}",
} as const;

/**
 * The most common core errors. The core throws them from many places with these exact English
 * texts; ApiError finds the key by matching the template (errorText below), so a text that
 * changes loses only its translation, never its English.
 */
export const ERROR_MESSAGES = {
  'error.noPool': "no storage pool named '{name}'",
  'error.noPoolList': "no storage pool named '{name}' (pools: {names})",
  'error.noActivePool': "no active storage pool named '{name}'",
  'error.noNetwork': "no virtual network named '{name}'",
  'error.noNetworkList': "no virtual network named '{name}' (networks: {names})",
  'error.noVolume': "no volume named '{volume}' in storage pool '{pool}'",
  'error.poolHasNoVolume': "storage pool '{pool}' has no volume '{volume}'",
  'error.poolNotRunning': "storage pool '{name}' is not running: start it first (pool.start)",
  'error.networkNotRunning': "virtual network '{name}' is not running: start it first (network.start), or create the VM without starting it",
  'error.vmNotRunningConsole': "VM '{name}' is not running — start it to see its screen",
  'error.connectionNotAdded': 'connection {uri} is not added: add it first (Add connection), then use it',
  'error.uriRefused': "connection URI '{uri}' is refused: {reason}",
  'error.outsideRoots': "'{path}' is outside the folders the file chooser may show: {roots}",
  'error.outsideRootsLink': "'{path}' (→ {real}) is outside the folders the file chooser may show: {roots}",
  'error.labNoVms': "lab '{name}' has no VMs on {uri} (run lab up first)",
  // libvirt's own words, quoted inside a translated sentence (by libvirt's error number)
  'error.libvirt.noDomain': '{detail}',
  'error.libvirt.noNetwork': '{detail}',
  'error.libvirt.noPool': '{detail}',
  'error.libvirt.noVolume': '{detail}',
  'error.libvirt.notRunning': '{detail}',
  'error.libvirt.connection': '{detail}',
} as const;

export const SERVER_MESSAGES = { ...HOST_MESSAGES, ...LAB_MESSAGES, ...ERROR_MESSAGES } as const;

export type ServerMessageKey = keyof typeof SERVER_MESSAGES;

export type MessageParam = string | number | MessageRef;

/** A text as its key and parameters: what a front translates. */
export interface MessageRef {
  key: ServerMessageKey;
  params?: Record<string, MessageParam>;
}

export const isServerMessageKey = (key: unknown): key is ServerMessageKey =>
  typeof key === 'string' && Object.prototype.hasOwnProperty.call(SERVER_MESSAGES, key);

export function message(key: ServerMessageKey, params?: Record<string, MessageParam>): MessageRef {
  return params ? { key, params } : { key };
}

/**
 * Fills "{name}" placeholders in one pass (parameter values are never read as templates);
 * `render` turns nested messages into text. Unknown placeholders stay as they are.
 */
export function fillTemplate(template: string, params: Record<string, MessageParam> | undefined, render: (ref: MessageRef) => string): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(params, name)) return m;
    const v = params[name];
    return typeof v === 'object' ? render(v) : String(v);
  });
}

/** The English text of a message (what the CLI, --json and logs show). */
export function englishText(ref: MessageRef): string {
  return fillTemplate(SERVER_MESSAGES[ref.key], ref.params, englishText);
}

/** Longer texts are not matched (core messages are far shorter; lab problems are capped). */
const MAX_MATCHED_TEXT = 4096;

const matchers = new Map<string, RegExp>();
function matcher(template: string): RegExp {
  let re = matchers.get(template);
  if (!re) {
    const source = template
      .split(/(\{\w+\})/)
      .map((part) => (/^\{\w+\}$/.test(part) ? `(?<${part.slice(1, -1)}>.*?)` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${source}$`, 's');
    matchers.set(template, re);
  }
  return re;
}

/** The key and parameters of an English text built from one of `keys`' templates (flat parameters only), or undefined. */
export function matchMessage(text: string, keys: readonly ServerMessageKey[]): MessageRef | undefined {
  // The lazy groups backtrack: a text this long is shown in English rather than matched.
  if (text.length > MAX_MATCHED_TEXT) return undefined;
  for (const key of keys) {
    const m = matcher(SERVER_MESSAGES[key]).exec(text);
    if (m) return message(key, m.groups ? { ...m.groups } : undefined);
  }
  return undefined;
}

const LAB_KEYS = Object.keys(LAB_MESSAGES) as (keyof typeof LAB_MESSAGES)[];
const ERROR_TEXT_KEYS = (Object.keys(ERROR_MESSAGES) as (keyof typeof ERROR_MESSAGES)[]).filter((k) => !k.startsWith('error.libvirt.'));

/** The key of a lab file problem's message, when it is one of the common kinds. */
export const labIssueText = (problem: string): MessageRef | undefined => matchMessage(problem, LAB_KEYS);

/** libvirt error numbers (virErrorNumber) whose text is quoted inside a translated sentence. */
const LIBVIRT_ERROR_KEYS: Record<number, ServerMessageKey> = {
  38: 'error.libvirt.connection', // VIR_ERR_SYSTEM_ERROR (e.g. "Failed to connect socket …: Connection refused")
  42: 'error.libvirt.noDomain',
  43: 'error.libvirt.noNetwork',
  49: 'error.libvirt.noPool',
  50: 'error.libvirt.noVolume',
  55: 'error.libvirt.notRunning', // VIR_ERR_OPERATION_INVALID: mostly "domain is not running"
};

/** The key of a core error's message: one of ERROR_MESSAGES' texts, or a libvirt error quoted. */
export function errorText(code: string, text: string, libvirtCode?: number): MessageRef | undefined {
  const known = matchMessage(text, ERROR_TEXT_KEYS);
  if (known) return known;
  if (libvirtCode === undefined) return undefined;
  const key = LIBVIRT_ERROR_KEYS[libvirtCode];
  if (!key) return undefined;
  if (key === 'error.libvirt.connection' && !(code === 'CONNECTION' || /connect/i.test(text))) return undefined;
  if (key === 'error.libvirt.notRunning' && !/not running/i.test(text)) return undefined;
  return message(key, { detail: text });
}
