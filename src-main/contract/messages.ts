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
  'host.check.lxc.okPrivate': "Containers run through Virtdesk's private LXC daemon ({uri}): this host's cgroup layout keeps the system daemon from starting them. They share this host's kernel and need no VT-x/AMD-V.",

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
  'host.fix.lxcMemoryCgroup': 'Enable the memory cgroup controller: add `cgroup_enable=memory` to the kernel command line, then reboot.',
  'host.fix.lxcCgroupHybrid': 'This host mounts cgroup v1 controllers plus cgroup2 at /sys/fs/cgroup/unified, which libvirt LXC cannot use. Start Virtdesk\'s private LXC daemon (`sudo scripts/start-lxc-daemon.sh`), then add the connection lxc:///system?socket=/run/libvirt/virtdesk-lxc/libvirt-sock.',
  'host.fix.lxcNotRoot': 'Containers are run by the system daemon as root: run Virtdesk as root or join the libvirt group (`sudo usermod -aG libvirt $USER`, then log out and back in).',
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
  'lab.issue.machineKind': "kind must be 'vm' (the default) or 'container'",
  'lab.issue.containerNeeds': 'a container needs command (an application container: one program to run) or root (a system container: the folder it boots init from)',
  'lab.issue.commandOrInit': 'give command (an application container) or init (a system container), not both',
  'lab.issue.noLxc': "no LXC connection for the lab's containers: {reason}",
  'lab.issue.subnetOverlap': "subnet {address}/{prefix} overlaps network '{network}' ({otherAddress}/{otherPrefix})",
  'lab.issue.baseIsMachine': "'{name}' is a machine of this lab; the base must be a separate template VM",
  'lab.issue.baseRunning': "VM '{name}' is {state}: a lab base must be shut off (the machines' overlays need a disk that no longer changes)",
  'lab.issue.baseNoDisk': "VM '{name}' has no writable disk to base the lab on",
  'lab.issue.baseDiskType': "disk {target} of VM '{name}' is a {type} disk: only file-based disks can be lab bases",
  'lab.issue.vmNameTaken': "a VM named '{name}' already exists and does not belong to lab '{lab}' — rename the machine or the lab",
  'lab.issue.volumeTaken': "a volume named '{volume}' already exists in storage pool '{pool}' and belongs to no VM of lab '{lab}' — delete it or rename the machine",
  'lab.issue.containersLocalOnly': "a lab with containers must run on this computer (the containers join the lab network's bridge here); {uri} is another computer",
  'lab.issue.noContainerDriver': "connection {uri} runs no containers (its driver offers no 'exe' guests)",
  'lab.issue.containerNameTaken': "a VM or container named '{name}' already exists and does not belong to lab '{lab}' — rename the machine or the lab",
  'lab.issue.hostRefused': "is not a connection Virtdesk opens: {reason}",
  'lab.issue.hostOther': "places the lab on {uri}, but it was asked for on {connection}: choose {host} as the host (CLI: --connect {cliUri}, or leave --connect out), or change host: in the file",
  'lab.issue.hostUnavailable': "cannot place the lab on {uri}: {detail}",
  'lab.issue.initProblem': "init {problem}",
  'lab.issue.rootMissing': "root folder '{root}' does not exist or is not a folder; make it first or leave it out to use this computer's /",
  'lab.issue.rootfsMissing': "root folder '{root}' does not exist or is not a folder; make a root filesystem there first (e.g. with debootstrap) or unpack a tarball",
} as const;

/**
 * The most common core errors. The core throws them from many places with these exact English
 * texts; ApiError finds the key by matching the template (errorText below), so a text that
 * changes loses only its translation, never its English.
 */
export const ERROR_MESSAGES = {
  'error.consoleBusy': "Another client is using the serial console of '{name}'. Take it over?",
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
  'error.keyringUnavailable': 'no desktop keyring (Secret Service) answers here, so no passphrase or password is saved to forget',
  'error.keyringForgetFailed': 'the desktop keyring could not remove the saved secrets of {uri}: {detail}',
  // ---- VM lifecycle, create validation, storage and network refusals, file checks ----
  'error.vmTemplateStart': "VM '{name}' is a template: linked clones sit on its disks ({clones}), and running it writes to them and breaks them. Start it anyway only if you mean to (confirm; CLI: --force)",
  'error.notDiskOfVm': "'{path}' is not a disk of VM '{name}'; nothing was deleted",
  'error.diskNotDeletable': "'{path}' cannot be deleted ({reason}); nothing was deleted",
  'error.poolExists': "a storage pool named '{name}' already exists",
  'error.poolFolderRefused': "{problem}: choose a folder of its own for the pool's images (e.g. under /var/lib/libvirt/images)",
  'error.poolFolderTaken': "storage pool '{pool}' already uses the folder '{path}'",
  'error.poolInUse': "storage pool '{pool}' has volumes in use by VM {names}; delete or change those VMs first, or use force",
  'error.poolFolderNotRemoved': "storage pool '{pool}' was deleted, but its folder {path} could not be removed ({detail}); remove it by hand if you no longer need it",
  'error.poolCreateFailed': "could not create storage pool '{name}': {detail}",
  'error.poolVanished': "storage pool '{name}' vanished after it was defined",
  'error.poolXmlRefused': "libvirt refused the XML of storage pool '{name}' (nothing was changed): {detail}",
  'error.volumeExists': "a volume named '{name}' already exists in storage pool '{pool}'",
  'error.volumeExistsChoose': "a volume named '{name}' already exists in storage pool '{pool}'; choose another name",
  'error.sizeOverFree': "size {size} is more than the free space of storage pool '{pool}' ({free})",
  'error.diskSizeOverFree': "disk size {size} is more than the free space of storage pool '{pool}' ({free})",
  'error.volumeNotDeletable': "volume '{name}' cannot be deleted: {reason}; nothing was deleted",
  'error.volumeGrowOnly': "{size} is not more than the current size of '{name}' ({current}); volumes can only grow",
  'error.volumeInUseRunning': "volume '{name}' is in use by running VM {names}; shut it down first",
  'error.removeFolderRemote': 'removeFolder works only for pools on this computer; delete the pool without it and remove its folder on the host by hand',
  'error.removeFolderNotDir': "storage pool '{pool}' is not a folder pool (type {type}): there is no folder to remove; delete the pool without removeFolder",
  'error.removeFolderRefused': "the folder of storage pool '{pool}' is not one Virtdesk removes ({problem}); delete the pool without removeFolder",
  'error.removeFolderUnreadable': "cannot read the folder {path} of storage pool '{pool}' ({detail}); delete the pool without removeFolder",
  'error.removeFolderNotEmpty': "the folder {path} of storage pool '{pool}' is not empty ({files}); move or delete its files first, or delete the pool without removeFolder (the folder then stays)",
  'error.networkExists': "a virtual network named '{name}' already exists",
  'error.subnetOverlap': "subnet {subnet} overlaps network '{name}' ({other})",
  'error.networkInUseRunning': "virtual network '{name}' is in use by running VM {names}; stop them first, or use force",
  'error.networkInUse': "virtual network '{name}' is used by VM {names}; change their network first, or use force",
  'error.networkStartFailed': "could not start virtual network '{name}' (it was removed again): {detail}",
  'error.networkVanished': "virtual network '{name}' vanished after it was defined",
  'error.networkXmlRefused': "libvirt refused the XML of virtual network '{name}' (nothing was changed): {detail}",
  'error.unknownOs': "unknown OS '{id}' (find ids with os.search)",
  'error.vmNameTaken': "a VM named '{name}' already exists on {uri}",
  'error.diskImageUsed': "disk image '{path}' is already used by VM {names}",
  'error.volumeUsed': "volume '{name}' is already used by VM {names}",
  'error.remoteFormatUnknown': "the format of '{path}' cannot be checked on a remote host unless it is a qcow2/raw volume of a storage pool there",
  'error.cloudImageOverlay': "cloud image '{path}' is an overlay on '{base}'; use a standalone image",
  'error.cloudImageRemote': "the cloud image '{path}' must be a volume of a storage pool on the remote host",
  'error.diskSmallerThanImage': 'disk size {size} is smaller than the cloud image itself ({image}); choose at least {min} GiB',
  'error.fileInPoolFolder': "a file named '{name}' already exists in the folder of storage pool '{pool}'",
  'error.volumeFormat': "volume '{name}' has format '{format}'; supported: qcow2, raw",
  'error.noBridge': "there is no bridge interface named '{name}' on this host",
  'error.urlNeedsStart': 'a network install boots its installer once, right when the VM is created: create it with start',
  'error.createCancelled': "creating VM '{name}' was cancelled before step '{step}'.{rollback}",
  'error.createFailed': "creating VM '{name}' failed at step '{step}': {detail}.{rollback}",
  'error.cloudNeedsNewDisk': "a VM from a cloud image needs a new disk (storage kind 'new'): it gets its own copy of the image there, grown to the size you choose; the image itself stays untouched",
  'error.urlNeedsDisk': "a network install needs a disk to install onto: choose storage kind 'new' or 'existing'",
  'error.memoryOverHost': "memoryMiB {memory} is more than the host's total memory ({total})",
  'error.vcpusOverHost': "vcpus {vcpus} is more than the host's {cpus} CPUs",
  'error.noKvm': 'KVM is not available on this host (libvirt lists no kvm domain type); use domainType qemu (software emulation) or auto',
  'error.kvmUnusable': 'KVM is listed by libvirt but cannot run normal guests here{detail}; use domainType qemu or auto',
  'error.domainTypeUnavailable': "domain type '{type}' is not available on this host (available: {types})",
  'error.noQemuType': 'this connection cannot run QEMU guests (no qemu or kvm domain type)',
  'error.noUefi': 'UEFI firmware is not available on this host (no OVMF firmware in the domain capabilities): install ovmf, or use firmware bios',
  'error.osNeedsUefi': '{os} needs UEFI firmware, which is not available on this host (install ovmf)',
  'error.noTpm': 'no TPM 2.0 emulator on this host (libvirt lists no emulator TPM backend): install swtpm, or turn the TPM off',
  'error.noPasst': 'port forwarding with user networking needs passt on the host (apt install passt); remove the port forwards or use a virtual network',
  // the files a VM spec names ({what}: one of error.what.*)
  'error.fileMissing': "{what} '{path}' does not exist",
  'error.fileUnreachable': "{what} '{path}' cannot be reached (permission denied)",
  'error.fileUnreadableDetail': "{what} '{path}' cannot be read ({detail})",
  'error.fileIsFolder': "{what} '{path}' is a folder, not a file",
  'error.fileNotRegular': "{what} '{path}' is not a regular file",
  'error.fileNotReadable': "{what} '{path}' is not readable (permission denied)",
  'error.fileEmptyImage': "{what} '{path}' is not a disk image (it is empty)",
  'error.fileNotSectors': "{what} '{path}' is not a disk image (qcow2 or raw): its size ({size} bytes) is not a whole number of 512-byte sectors",
  'error.fileIsIso': "{what} '{path}' is an ISO image, not a disk image: use source kind 'iso'",
  'error.fileFormat': "{what} '{path}' is not a disk image Virtdesk can import: qemu-img says '{format}' (supported: qcow2, raw)",
  'error.noQemuImg': 'qemu-img is not installed (apt install qemu-utils); it is needed to check disk images',
  'error.qemuImgCannotRead': "qemu-img cannot read '{path}': {detail}",
  'error.qemuImgOutput': "qemu-img gave unreadable output for '{path}'",
  // QEMU's access to a chosen file (fs.qemuAccess and its fixes)
  'error.grantLocalOnly': 'letting QEMU read a file works only for qemu:///system on this computer (not {uri}): there QEMU runs as its own user',
  'error.copyLocalOnly': 'copying a file into a storage pool works only for connections on this computer (not {uri}): the file is here',
  'error.copyFailed': "could not copy '{path}' into storage pool '{pool}': {detail}",
  'error.copyNoSpace': "storage pool '{pool}' has {free} free; the copy of '{path}' needs {size} — choose another pool or free some space",
  'error.noGetfacl': 'getfacl is not installed: install the acl package (sudo apt install acl)',
  'error.aclUnreadable': 'cannot read the permissions to change: {detail}',
  'error.grantFailed': "could not let QEMU into '{path}': {detail}; nothing was changed — copy the file into a storage pool instead",
  'error.qemuUserUnknown': "cannot tell which user QEMU runs as (libvirt's capabilities name none, and neither libvirt-qemu nor qemu exists)",
  'error.grantPathsChanged': 'the paths to change are now {paths}, not the ones confirmed; check again and confirm those (nothing was changed)',
  'error.noSetfacl': 'setfacl is not installed: install the acl package (sudo apt install acl)',
  'error.aclNotOwner': "only root or the owner of '{path}' may change who can enter it; Virtdesk runs as {user}",
  // editing a VM (handlers/vm-edit.ts, vm-devices.ts): {what}, {note}, {device} are the core's English phrases
  'error.edit.liveNotRunning': "Cannot {what} live: VM '{name}' is not running. Leave out live (--live) to change its definition.",
  'error.edit.liveUnsupported': "Cannot {what} live ({note}). Use config (--config) to change it for the next boot.",
  'error.edit.transientConfig': "Cannot {what} in the definition: VM '{name}' is transient. Make it persistent first.",
  'error.edit.nothingWhere': "live and config are both false: nothing would change. Give live, config, or neither.",
  'error.edit.notReleasedPersistent': "the guest did not release the {what} within {seconds} s: it may lack ACPI hot-unplug support; the {again} is removed at next shutdown",
  'error.edit.notReleasedTransient': "the guest did not release the {what} within {seconds} s: it may lack ACPI hot-unplug support; the {again} stays until the VM stops",
  'error.edit.noDeviceRunning': "VM '{name}' has no {device} while running: nothing to remove there.",
  'error.edit.noDeviceDefinitionLive': "VM '{name}' has no {device} in its definition, and it cannot be removed live ({note}): nothing to remove there.",
  'error.edit.noDeviceDefinition': "VM '{name}' has no {device} in its definition: nothing to remove there.",
  'error.edit.noFreeTarget': "no free {prefix}* disk name left",
  'error.edit.memoryOverMax': "memoryMiB {memory} is more than the maximum memory of VM '{name}' ({max} MiB): raise maxMemoryMiB too. Nothing was changed.",
  'error.edit.memoryOverRunningMax': "memoryMiB {memory} is more than the running VM's maximum ({max} MiB): set it for the next boot (config) instead.",
  'error.edit.vcpusOverMax': "vcpus {vcpus} is more than the vCPU maximum of VM '{name}' ({max}): raise maxVcpus too. Nothing was changed.",
  'error.edit.vcpusOverRunningMax': "vcpus {vcpus} is more than the running VM's vCPU maximum ({max}): set it for the next boot (config) instead.",
  'error.edit.autostartTransient': "VM '{name}' is transient: only a defined VM can start with the host. Nothing was changed.",
  'error.edit.renameRunning': "VM '{name}' is running: a VM can be renamed only while it is shut off. Shut it down first; nothing was changed.",
  'error.edit.sameName': "VM '{name}' already has that name.",
  'error.edit.nameTaken': "a VM named '{name}' already exists: choose another name.",
  'error.edit.targetPrefixChanged': "a {bus} disk's target starts with '{prefix}' (e.g. {example}b), not '{target}'. Nothing was changed.",
  'error.edit.targetPrefix': "a {bus} disk's target starts with '{prefix}' (e.g. {example}b), not '{target}'",
  'error.edit.targetTakenNew': "VM '{name}' already has a disk {target}: choose another target or leave newTarget out. Nothing was changed.",
  'error.edit.targetTaken': "VM '{name}' already has a disk {target}: choose another target or leave it out. Nothing was changed.",
  'error.edit.poolUnreadable': "storage pool '{pool}': {detail}",
  'error.edit.alreadyAttached': "{path} is already attached to VM '{name}' as {target}. Nothing was changed.",
  'error.edit.newVolumeExists': "storage pool '{pool}' already has a volume '{volume}': attach it with {pool, volume} or choose another target.",
  'error.edit.noDisk': "VM '{name}' has no disk {target}.",
  'error.edit.lastBootDisk': "{target} is the last boot disk of running VM '{name}': it could not start again without it. Shut the VM down first, or give another disk a boot order. Nothing was changed.",
  'error.edit.deleteNotPoolVolume': "{path} is not a volume of a storage pool: Virtdesk deletes only pool volumes. Nothing was changed.",
  'error.edit.deleteReadonly': "{target} is a read-only disk or CD-ROM: its image is not deleted. Nothing was changed.",
  'error.edit.cannotDelete': "{path} cannot be deleted: {reason}. Nothing was changed.",
  'error.edit.noDrive': "VM '{name}' has no drive {target}.",
  'error.edit.diskGoneAtBoot': "disk {target} of VM '{name}' is gone at next boot (removed from its definition): there is nothing to change. Nothing was changed.",
  'error.edit.diskBusUnknown': "disk {target} is on the {bus} bus: give bus virtio, sata or scsi to rename it. Nothing was changed.",
  'error.edit.shareableFormat': "disk {target} is a {format} image: only raw images can be shared between VMs (libvirt refuses other formats). Nothing was changed.",
  'error.edit.shareableCache': "a shareable disk needs cache none (other VMs write to the same image; a host cache would hide their writes): set cache none too. Nothing was changed.",
  'error.edit.macTakenChoose': "VM '{name}' already has a network interface with MAC {mac}: choose another MAC. Nothing was changed.",
  'error.edit.macTaken': "VM '{name}' already has a network interface with MAC {mac}. Nothing was changed.",
  'error.edit.noNic': "VM '{name}' has no network interface with MAC {mac}.",
  'error.edit.nicOnlyLive': "VM '{name}' has network interface {mac} only while running (it is gone at next boot), and this change cannot be made there ({note}). Nothing was changed.",
  'error.edit.nicOnlyConfig': "VM '{name}' has network interface {mac} only in its definition, and this change cannot be made there ({note}). Nothing was changed.",
  'error.edit.xmlNotDomain': "The XML is not a domain definition: {detail} Fix it and try again; nothing was changed.",
  'error.edit.xmlOtherName': "The XML names the VM '{other}', not '{name}': rename a VM with vm.rename. Nothing was changed.",
  'error.edit.xmlOtherUuid': "The XML has the UUID {uuid}, not {vmUuid} of VM '{name}': keep the VM's UUID. Nothing was changed.",
  'error.edit.xmlRefused': "libvirt refused the XML of VM '{name}' (nothing was changed): {detail}",
  'error.edit.restoreRunning': "VM '{name}' is already running: there is nothing to restore.",
  'error.edit.noSavedState': "VM '{name}' has no saved state to restore: start it instead (vm.start).",
  'error.edit.cpuModelUnusable': "CPU model '{model}' is known to QEMU but not usable on this host (this host's CPU or the emulator lacks features it needs): choose a usable model. Nothing was changed.",
  'error.edit.firmwareToBios': "VM '{name}' has UEFI firmware; switching it to BIOS is refused: an installed system boots the way it was installed (an EFI system partition and NVRAM boot entries), so it would no longer start. Create a new VM with BIOS firmware and install it there. Nothing was changed.",
  'error.edit.firmwareToUefi': "VM '{name}' has BIOS firmware; switching it to UEFI is refused: an installed system boots the way it was installed (a boot loader in the MBR), so it would no longer start. Create a new VM with UEFI firmware and install it there. Nothing was changed.",
  'error.edit.kernelNotFile': "{path} is not a file on this host: give the path of the kernel image. Nothing was changed.",
  'error.edit.initrdNotFile': "{path} is not a file on this host: give the path of the initrd image. Nothing was changed.",
  'error.edit.deviceDuplicate': "VM '{name}' already has {what} ({key}): change it with vm.updateDevice or remove it first. Nothing was changed.",
  'error.edit.spiceAgentNoDisplay': "the SPICE agent channel needs a SPICE display: VM '{name}' has none. Add a graphics device of type spice first. Nothing was changed.",
  'error.edit.noSwtpm': "this host cannot emulate a TPM (swtpm is not installed; Debian/Ubuntu: apt install swtpm swtpm-tools). Nothing was changed.",
  'error.edit.itcoNeedsQ35': "the itco watchdog is part of the q35 chipset and VM '{name}' has machine {machine}: use i6300esb. Nothing was changed.",
  'error.edit.mountTagTaken': "VM '{name}' already shares a folder with the tag '{tag}' ({key}): choose another target tag. Nothing was changed.",
  'error.edit.notFolder': "{path} is not a folder on this host: give an existing folder to share. Nothing was changed.",
  'error.edit.noVirtiofsd': "virtiofs needs the virtiofsd helper, which is not installed on this host (Debian/Ubuntu: apt install virtiofsd). Use driver 9p instead, which needs no helper. Nothing was changed.",
  'error.edit.virtiofsLive': "Cannot add a virtiofs folder live: virtiofs needs shared guest memory, which only a restart gives. Leave out live to add it for the next boot.",
  'error.edit.addNotLive': "Cannot add a {kind} live: {note}. Leave out live to add it for the next boot.",
  'error.edit.noVirtioSerial': "VM '{name}' has no virtio-serial controller while running, which a {kind} needs: add it for the next boot (leave out live).",
  'error.edit.addTransient': "VM '{name}' is transient: the {kind} cannot be added now. Nothing was changed.",
  'error.edit.noDevice': "VM '{name}' has no device '{key}'.",
  'error.edit.otherKind': "'{key}' is a {kind}, not a {wanted}: remove it and add a {other} instead. Nothing was changed.",
  'error.edit.onlyLiveUnchangeable': "'{key}' exists only while VM '{name}' runs (it is gone at next boot) and libvirt cannot change it live. Nothing was changed.",
  'error.edit.changeNotLive': "Cannot change a {kind} live ({note}). Leave out live to change it for the next boot.",
  'error.edit.lastBootDevice': "{key} is the last boot device of running VM '{name}': it could not start again without it. Shut the VM down first, or give another device a boot order. Nothing was changed.",
  'error.edit.removeNotLive': "Cannot remove the {kind} live ({note}). Leave out live to remove it at the next boot.",
  'error.edit.onlyLiveUnremovable': "{key} exists only until VM '{name}' stops and libvirt cannot remove a {kind} live. Nothing was changed.",
  'error.edit.libvirtRefusedChange': "libvirt refused the change to VM '{name}' ({what}; nothing was changed): {detail}",
  'error.edit.growReadonly': "{target} is a read-only disk: only writable disks can grow. Nothing was changed.",
  'error.edit.growRemovable': "{target} is a {device}: only writable disks can grow. Nothing was changed.",
  'error.edit.shrink': "{target} has {size}; {newSize} would shrink it and destroy the data at its end. Disks only grow: give a size above {min}. Nothing was changed.",
  'error.edit.sameSize': "{target} already has {size}: give a larger size. Nothing was changed.",
  'error.edit.noSizeReported': "libvirt did not report the size of {target}: nothing was changed.",
  'error.edit.growNotPoolVolume': "{path} is not a volume of a storage pool: Virtdesk grows a shut-off VM's disk through its pool. Start the VM to grow it live, or add its folder as a pool. Nothing was changed.",
  'error.edit.growFailed': "libvirt could not grow {path}: {detail}",
  // passing a host device through (host/node-devices.ts refusals; {label}: the core's English name of the device)
  'error.hostdev.missing': "this host has no {label}: host.nodeDevices lists the devices it has. Nothing was changed.",
  'error.hostdev.already': "VM '{name}' already has the {label}. Nothing was changed.",
  'error.hostdev.taken': "the {label} is in use by running VM {names}: a device can be passed to one running VM at a time. Remove it there or shut that VM down first. Nothing was changed.",
  'error.hostdev.bridge': "the {label} is a PCI bridge, part of the host: it cannot be passed through. Nothing was changed.",
  'error.hostdev.hostNeeds': "the {label} is the host's {className} (driver {driver}): passing it through would take it away from the host. Bind it to vfio-pci first if you really mean to. Nothing was changed.",
  // ---- remote connections (remote/*.ts): why an open failed (each with libvirt's words), host keys, consoles over SSH ----
  'error.remote.hostKeyRefused': "cannot connect to {uri}: the SSH host key of {host} is not accepted: it is unknown or has changed (Virtdesk checks keys against ssh/known_hosts in its settings folder) ({detail})",
  'error.remote.authFailed': "cannot connect to {uri}: authentication failed on {host}: the key, passphrase or password was not accepted (check the user name and key file, and that the key is in the user's authorized_keys there) ({detail})",
  'error.remote.unreachable': "cannot connect to {uri}: {host} is unreachable: check the host name, the port and that its SSH (or libvirt TCP/TLS) service runs and a firewall lets it through ({detail})",
  'error.remote.permissionDenied': "cannot connect to {uri}: permission denied on {host}: the user may not manage libvirt there — add it to the libvirt group (sudo usermod -aG libvirt USER, then log in again) or connect as a user that may ({detail})",
  'error.remote.noDaemon': "cannot connect to {uri}: libvirt is not running on {host} (or not installed): start it there (sudo systemctl start libvirtd, or virtqemud) ({detail})",
  'error.remote.hostKeyChanged': "WARNING: the SSH host key of {host} has CHANGED (now {keys}): refused. Someone may be intercepting the connection; if the host was reinstalled, check its new key with its administrator before trusting it",
  'error.remote.hostKeyUnknown': "the SSH host key of {host} is not known yet ({keys}): compare the fingerprint with the host's, then accept it to connect",
  'error.remote.versionTooOld': "{feature} needs libvirt {minimum} or newer on {uri}, which runs {version}: update libvirt there",
  'error.remote.notSsh': "{uri} is not an SSH connection: it has no SSH host key to accept",
  'error.remote.jumpHost': "the host of {uri} is reached through a jump host or a HostKeyAlias in your ssh config: add its key to {file} by hand",
  'error.remote.keyUnreadable': "ssh-keygen could not read the host key {key}…",
  'error.remote.acceptedKeyChanged': "the host key of {host} CHANGED since you accepted it: refused. This can mean someone intercepts the connection; if the host was reinstalled, check its new key with its administrator and remove the old line for {entry} from {file}",
  'error.remote.noKeyAnswer': "{host} does not answer on its SSH port: cannot read its host key",
  'error.remote.otherFingerprint': "{host} now offers a host key with another fingerprint ({offered}) than the one you accepted ({fingerprint}): nothing was added",
  'error.remote.displayNeedsSsh': "graphical consoles of {uri} need an SSH connection (qemu+ssh://…): TCP and TLS connections do not carry them",
  'error.remote.noVncPort': "the VM has no VNC display with a port (is it running?)",
  'error.remote.noSshMaster': "there is no open SSH connection to {host} to share (reconnect {uri}, then open the console again)",
  'error.remote.forwardRefused': "the SSH connection to {host} refused a forward to the display: {detail}",
  // ---- migration (migration/*.ts; the reasons of a refusal are MIGRATION_PARTS) ----
  'error.migrate.refused': "cannot migrate VM '{name}' to {uri}: {reasons}. Nothing was changed",
  'error.migrate.busy': "VM '{name}' is already being migrated: wait for it, or cancel it first",
  'error.migrate.noJob': "no migration of VM '{name}' is running on {uri}",
  'error.migrate.noDestination': "destination {uri} is not a connected host ({detail}): add and connect it first, then migrate",
  'error.migrate.shutOff': "VM '{name}' is shut off, so nothing runs to migrate: move its definition with an offline migration (offline; CLI: --offline)",
  'error.migrate.notShutOff': "VM '{name}' is {state}: an offline migration moves only a shut-off VM's definition; migrate it live, or shut it down first",
  'error.migrate.tunnelNeedsP2p': "a tunnelled migration is always peer-to-peer: turn peer-to-peer on, or tunnelled off",
  'error.migrate.defineFailed': "cannot define VM '{name}' on {uri}: {detail}. Nothing was changed: it is still on {source}",
  'error.migrate.undefineFailed': "cannot remove VM '{name}' from {source} after defining it on {uri}: {detail}. It was removed from {destination} again: nothing was changed",
  'error.migrate.cancelled': "the migration of VM '{name}' to {uri} was cancelled: it stays on {source}",
  'error.migrate.failed': "migrating VM '{name}' to {uri} failed: {detail}; {where}{hint}",
  // ---- labs (labs/*.ts) ----
  'error.lab.fileNotFile': "lab file '{file}' is not a file",
  'error.lab.fileTooLarge': "lab file '{file}' is larger than 256 KiB",
  'error.lab.fileUnreadable': "lab file '{file}' cannot be read: {detail}",
  'error.lab.noYamlDocument': "yaml composed no document",
  'error.lab.upFailed': "lab '{name}' up failed at step '{step}': {detail}.{rolled}",
  'error.lab.noVmsNoContainers': "lab '{name}' has neither VMs on {uri} nor containers on {lxc} (run lab up first)",
  'error.lab.noVmsLxcDown': "lab '{name}' has no VMs on {uri}, and its containers cannot be checked: {reason}",
  'error.lab.linkedClone': "lab '{name}' cannot be {action}: VM {vms} is a linked clone of its machines (its disk sits on a machine's overlay) — delete it first",
  'error.lab.linkedClones': "lab '{name}' cannot be {action}: VM {vms} are linked clones of its machines (their disks sit on a machine's overlay) — delete them first",
  'error.lab.imageOnOverlay': "lab '{name}' cannot be {action}: the image {images} sits on a machine's overlay — delete it first",
  'error.lab.imagesOnOverlay': "lab '{name}' cannot be {action}: the images {images} sit on a machine's overlay — delete them first",
  'error.lab.leftOverlay': "VM '{name}' no longer runs on its lab overlay (disk {target} is {path}; an external snapshot?): lab reset cannot restore it — remove that snapshot or recreate the lab",
  'error.lab.volumeMoved': "volume '{volume}' of '{name}' is no longer at {path}; left alone (the VMs are off)",
  'error.lab.overlayGoneRemote': "the overlay {path} of '{name}' is gone and the size of its base cannot be checked from here",
  'error.lab.overlayElsewhere': "the new overlay of '{name}' landed at {path} instead of {expected}",
  'error.lab.noBridge': "lab network '{network}' has no bridge device to join containers to",
  // lab up warnings and the problems lab down reports (labs/*.ts; the Labs page matches them)
  // a file QEMU (the system daemon's user) may not be able to open (storage/disk-image.ts qemuAccessWarning; {what}: a FILE_NOUNS noun)
  'error.qemuAccess.folderWarning': "{what} '{file}' is inside '{folder}', which other users cannot enter; QEMU (user {user}) will fail with \"Permission denied\" — let QEMU's user in, or move it to /var/lib/libvirt/images or a storage pool folder",
  'error.qemuAccess.fileWarning': "{what} '{file}' is not readable by other users; QEMU (user {user}) may fail to open it — libvirt usually fixes file ownership itself, but folders it cannot enter stay a problem",
  'error.lab.warn.networkExists': "the lab network '{network}' exists with {address}/{prefix}; the file's {fileAddress}/{filePrefix} applies after lab down + up",
  'error.lab.warn.baseInUse': "the base image is also the disk of VM {vms}: starting it changes the base under the lab's machines",
  'error.lab.warn.memory': "the new machines need {need} MiB of memory; the host has {free} MiB free",
  'error.lab.warn.noDhcp': "lab network '{network}' has no DHCP: dnsmasq is not installed on the host (apt install dnsmasq-base); give the machines static addresses in {address}/{prefix}",
  'error.lab.undoFailed': "could not undo ({what}): {detail}",
  'error.lab.down.vmNotRemoved': "VM '{name}' could not be removed: {detail}",
  'error.lab.down.volumeMoved': "volume '{volume}' is no longer at {path}: left alone",
  'error.lab.down.overlayNotDeleted': "overlay {path} could not be deleted: {detail}",
  'error.lab.down.seedNotDeleted': "cloud-init seed {path} could not be deleted: {detail}",
  'error.lab.down.networkKeptContainers': "network '{network}' is kept: container {names} could not be removed and is still on its bridge",
  'error.lab.down.networkKeptVm': "network '{network}' is kept: VM {names} (not part of the lab) uses it",
  'error.lab.down.networkKeptVms': "network '{network}' is kept: VM {names} (not part of the lab) use it",
  'error.lab.down.networkNotRemoved': "network '{network}' could not be removed: {detail}",
  'error.lab.down.containerNotRemoved': "container '{name}' on {uri} could not be removed: {detail}",
  // ---- connections: why one failed or is reconnecting (api/connection-manager.ts, libvirt/host-client.ts, libvirt/errors.ts) ----
  'error.connection.lost': "lost connection to {uri} — reconnecting ({why}); next try in {seconds} s",
  'error.connection.restartsByItself': "{reason}; try again, it restarts by itself",
  'error.connection.lostReason': "lost connection to {uri} ({reason})",
  'error.connection.hostExited': "the libvirt host process for {uri} exited (code {code})",
  'error.connection.hostKilled': "the libvirt host process for {uri} was killed ({signal})",
  'error.connection.callTimeout': "{method} on {uri} did not answer within {time}; the libvirt host process was restarted",
  'error.connection.hostUnreachable': "cannot reach the libvirt host process for {uri}: {detail}",
  'error.connection.spawnFailed': "cannot start the libvirt host process for {uri}: {detail}",
  'error.connection.startTimeout': "connecting to {uri} took longer than {seconds} s",
  'error.connection.isClosed': "connection to {uri} is closed",
  'error.connection.wasClosed': "connection to {uri} was closed",
  'error.connection.notConnected': "not connected to {uri}",
  'error.connection.tooMany': "too many connections are open ({max}, each one a libvirt host process): remove a connection you do not use, then try again",
  'error.connection.defaultRefused': "your default connection {refusal}; choose another default in Settings",
  'error.connection.refused': "refused: {reason}",
  // before the texts it may quote: a template that starts with a placeholder matches any prefix
  'error.connection.openFailed': "connect to {uri}: {detail}",
  'error.connection.testDriverInvalid': "{file} is not a valid libvirt test-driver XML file (or it cannot be read)",
  'error.connection.testDriverMissing': "{file} does not exist (test-driver file)",
  'error.connection.notWellFormed': "{source} is not well-formed XML (line {line})",
  // ---- containers (containers/*.ts): the New container wizard's checks ----
  'error.container.rootMissing': "root folder '{root}' does not exist or is not a folder; make it first or leave it out to use this computer's /",
  'error.container.rootfsMissing': "root folder '{root}' does not exist or is not a folder; make a root filesystem there first (e.g. with debootstrap) or unpack a tarball; nothing was created",
  'error.container.noTarball': "tarball '{path}' does not exist or is not a file",
  'error.container.noMountFolder': "host folder '{path}' to mount does not exist or is not a folder; nothing was created",
  'error.container.nameTaken': "a VM or container named '{name}' already exists on this connection; choose another name",
  'error.container.noNetwork': "network '{name}' does not exist on this connection ({names}); choose one or 'none'",
  'error.container.notLxc': "connection {uri} runs virtual machines, not containers (its driver offers no 'exe' guests); connect to lxc:///system for containers",
  'error.container.tarballRemote': "a tarball can be unpacked only for a container on this computer; unpack it on the remote host and give its folder",
  'error.container.unpackNotFolder': "'{folder}' is not a folder",
  'error.container.unpackNotEmpty': "'{folder}' is not empty; choose a new folder to unpack into",
  'error.container.untarFailed': "tar could not unpack '{tarball}': {detail}",
  'error.container.notUnpacked': "Virtdesk did not unpack the root filesystem of '{name}'{root}, so it does not delete it; nothing was deleted. Delete it by hand if you no longer need it",
  'error.container.noStartMarker': "no start marker on the console of '{name}' within {seconds} s",
  'error.container.noTinyGuest': "the tiny test guest is not in {dir}: build it with scripts/build-tiny-guest.sh (npm run setup does)",
  'error.container.noBusybox': "{path} is missing: apt install busybox-static",
  'error.container.noContainers': "connection {uri} runs no containers",
  // libvirt's own words, quoted inside a translated sentence (by libvirt's error number)
  'error.libvirt.noDomain': '{detail}',
  'error.libvirt.noNetwork': '{detail}',
  'error.libvirt.noPool': '{detail}',
  'error.libvirt.noVolume': '{detail}',
  'error.libvirt.notRunning': '{detail}',
  'error.libvirt.connection': '{detail}',
  'error.libvirt.alreadyRunning': '{detail}',
  'error.libvirt.failed': '{detail}',
} as const;

/** The nouns a file check names its file by (the {what} of error.file*), as messages of their own. */
export const FILE_NOUNS = {
  'error.what.file': 'file',
  'error.what.iso': 'ISO image',
  'error.what.diskImage': 'disk image',
  'error.what.cloudImage': 'cloud image',
  'error.what.kernel': 'kernel',
  'error.what.initrd': 'initrd',
  'error.what.baseImage': 'base image',
} as const;

/** The notes on the host's passthrough devices (host.nodeDevices: warning, iommu.note; host/node-devices.ts). */
export const HOSTDEV_MESSAGES = {
  'hostdev.warn.bridge': "a PCI bridge is part of the host and cannot be passed through",
  'hostdev.warn.iommuOff': "PCI passthrough needs the IOMMU, which is off on this host",
  'hostdev.warn.hostUses': "the host uses this {className} (driver {driver}): passing it through would take it away from the host",
  'hostdev.warn.group': "its IOMMU group {group} also holds {peers}: they go to the VM together",
  'hostdev.warn.inUse': "in use by VM {names}",
  'hostdev.iommuOffNote': "IOMMU is off on this host (no /sys/kernel/iommu_groups entries): PCI devices cannot be passed through. Turn on VT-d (Intel) or AMD-Vi in the firmware settings and boot Linux with intel_iommu=on or amd_iommu=on. USB devices do not need it.",
  'hostdev.iommuOffRefusal': "{note} Nothing was changed.",
} as const;

/** One line per device of vm.hardware (domain/device-specs.ts describeDeviceText), and the nouns in it. */
export const DEVICE_MESSAGES = {
  'device.noun.disk': "disk",
  'device.noun.cdrom': "CD-ROM",
  'device.noun.floppy': "floppy",
  'device.noun.serial': "serial",
  'device.noun.console': "console",
  'device.noun.parallel': "parallel",
  'device.noun.tablet': "tablet",
  'device.noun.mouse': "mouse",
  'device.noun.keyboard': "keyboard",
  'device.summary.disk': "{device} {target} ({bus}){source}",
  'device.summary.nic': "network {details} ({source})",
  'device.summary.nicBare': "network ({source})",
  'device.summary.graphics': "{type} display on {listen}{port}",
  'device.summary.defaultAddress': "default address",
  'device.summary.port': " port {port}",
  'device.summary.video': "video {model}{vram}{heads}",
  'device.summary.vram': ", {mib} MiB",
  'device.summary.heads': ", {heads} heads",
  'device.summary.sound': "sound {model}",
  'device.summary.input': "{type} ({bus})",
  'device.summary.inputNoun': "input",
  'device.summary.channel': "channel {name}",
  'device.summary.char': "{kind} {type}{target}",
  'device.summary.tpm': "TPM {details} ({backend})",
  'device.summary.tpmBare': "TPM ({backend})",
  'device.summary.rng': "{model} RNG ({source})",
  'device.summary.rngBare': "RNG ({source})",
  'device.summary.watchdog': "watchdog {model}, action {action}",
  'device.summary.controller': "{type} controller {index}{model}",
  'device.summary.filesystem': "shared folder {source} as '{target}' ({driver}{readonly})",
  'device.summary.readOnly': ", read-only",
  'device.summary.pci': "PCI {address}",
  'device.summary.usb': "USB {ids}",
  'device.summary.usbBus': "USB bus {bus} device {device}",
} as const;

/** The reasons a migration is refused and the parts of migration and lab messages (nested in error.migrate.* / error.lab.*; never matched by text). */
export const MIGRATION_PARTS = {
  'migrate.list': '{first}; {rest}',
  'migrate.sameConnection': "{source} and {destination} are the same connection: choose a connection to another host",
  'migrate.sameHost': "{source} and {destination} are the same host (host UUID {uuid}): choose a connection to another host",
  'migrate.testDriver': "{uri} is libvirt's test driver, whose VMs are simulated: they cannot be migrated (choose connections to real hosts)",
  'migrate.copyTunnelled': 'copying disks does not work through a tunnelled migration (libvirt cannot send them over its own connection): turn tunnelled off so the disks go straight to the destination',
  'migrate.snapshot': "VM '{name}' has 1 snapshot, which libvirt cannot move: delete it first, or keep the VM on this host",
  'migrate.snapshots': "VM '{name}' has {count} snapshots, which libvirt cannot move: delete them first, or keep the VM on this host",
  'migrate.managedSave': "VM '{name}' has a saved memory state (managed save) that would stay behind: start it (it resumes) or discard the saved state first",
  'migrate.nameTaken': "{uri} already has a VM named '{name}': rename one of them first",
  'migrate.uuidTaken': "{uri} already has a VM with the UUID of '{name}' ('{other}', a copy of it?): remove that one first",
  'migrate.noNetwork': "VM '{name}' uses network '{network}' ({nic}), which {uri} does not have: create a network named '{sameNetwork}' there, or connect the interface to another network",
  'migrate.nicMac': 'interface {mac}',
  'migrate.nicAny': 'an interface',
  'migrate.networkStopped': "network '{network}' on {uri} is not running: start it there first",
  'migrate.noVolumePool': "disk {target} is a volume of storage pool '{pool}', which {uri} does not have: define a pool named '{samePool}' there ({how})",
  'migrate.poolStopped': "storage pool '{pool}' on {uri} is not running: start it there first",
  'migrate.noFolderPool': "disk {target} ({file}) is in storage pool '{pool}', but {uri} has no storage pool for {folder}: define one there ({how})",
  'migrate.folderPoolStopped': "storage pool '{pool}' on {uri} ({folder}) is not running: start it there first",
  'migrate.anyDisk': 'a disk',
  'migrate.howCopied': 'into which its disk is copied',
  'migrate.howShared': 'for the same shared folder',
  'migrate.hostdev': "it passes through this host's {device}, which the destination does not have: detach it first",
  'migrate.pciDevice': 'PCI device {address}',
  'migrate.usbDevice': 'USB device {vendor}:{product}',
  'migrate.otherDevice': '{type} device',
  'migrate.charDevice': "its {kind} is connected to this host's device {path}: remove it or make it a pty first",
  'migrate.charFile': "its {kind} writes to the file {path} on this host: make it a pty (or remove it) first",
  'migrate.charPipe': "its {kind} writes to the pipe {path} on this host: make it a pty (or remove it) first",
  'migrate.sharedFolder': "it shares this host's folder {path} (filesystem passthrough): remove that share first",
  'migrate.evdev': "it takes input from this host's device {path}: remove that input device first",
  'migrate.cpu': "{uri} cannot give this VM's CPU: choose a CPU model both hosts have, or shut the VM down and change its CPU",
  'migrate.cpuDetail': "{uri} cannot give this VM's CPU ({detail}): choose a CPU model both hosts have, or shut the VM down and change its CPU",
  'migrate.stillHere': 'it is still on {uri} ({state})',
  'migrate.goneHere': 'it is no longer on {uri}: look for it on {destination}',
  'migrate.hintPeerToPeer': '. In a peer-to-peer migration the libvirt of {source} opens {uri} itself: that URI must work from that host (or turn peer-to-peer off)',
  'migrate.hintDirect': ". QEMU on {source} must reach {uri}'s address directly: turn tunnelled on to send the data through libvirt instead",
  'lab.action.reset': 'reset',
  'lab.action.takenDown': 'taken down',
  'lab.rolledBack': ' Rolled back: {what}.',
  'lab.nothingCreated': ' Nothing had been created.',
} as const;

/** The notes on where a change applies (live, next boot) of domain/hotplug.ts's tables: shown after a hardware change and inside refusals ({note}). */
export const HOTPLUG_NOTES = {
  'hotplug.diskBuses': "virtio, SCSI and USB disks hotplug",
  'hotplug.diskNextBoot': "SATA, IDE, floppy and SD disks cannot be hotplugged: next boot",
  'hotplug.scsiController': "only SCSI controllers hotplug",
  'hotplug.controllerNextBoot': "only SCSI controllers hotplug: next boot",
  'hotplug.interface': "network interfaces hotplug",
  'hotplug.hostdev': "PCI, USB, SCSI and mdev host devices hotplug",
  'hotplug.redirdev': "USB redirection hotplugs",
  'hotplug.virtioConsole': "virtio consoles hotplug",
  'hotplug.serialConsoleNextBoot': "serial consoles cannot be hotplugged: next boot",
  'hotplug.serial': "serial ports hotplug (pci-serial, usb-serial, isa-serial)",
  'hotplug.channel': "virtio-serial and guestfwd channels hotplug",
  'hotplug.parallelNextBoot': "QEMU cannot hotplug parallel ports: next boot",
  'hotplug.rng': "virtio-rng hotplugs",
  'hotplug.memory': "DIMM, NVDIMM, virtio-mem/pmem hotplug (needs <maxMemory>)",
  'hotplug.ivshmem': "ivshmem-plain/doorbell hotplug",
  'hotplug.ivshmemNextBoot': "legacy ivshmem cannot be hotplugged: next boot",
  'hotplug.watchdog': "only the i6300esb watchdog hotplugs",
  'hotplug.watchdogNextBoot': "this watchdog model cannot be hotplugged: next boot",
  'hotplug.input': "USB and virtio input devices hotplug",
  'hotplug.inputNextBoot': "PS/2 and other input buses cannot be hotplugged: next boot",
  'hotplug.vsock': "vsock hotplugs",
  'hotplug.virtiofs': "virtiofs filesystems hotplug",
  'hotplug.filesystemNextBoot': "only virtiofs hotplugs: next boot",
  'hotplug.lease': "lock leases attach live",
  'hotplug.soundNextBoot': "sound cards cannot be hotplugged: next boot",
  'hotplug.noDeviceApi': "libvirt has no device API for {kind}: redefine, next boot",
  'hotplug.media': "CD-ROM/floppy media change and eject",
  'hotplug.diskOtherNextBoot': "other disk settings change at next boot",
  'hotplug.interfaceLive': "link state, source network/bridge and bandwidth change live",
  'hotplug.interfaceOtherNextBoot': "other interface settings (model, MAC) change at next boot",
  'hotplug.graphicsPassword': "VNC/SPICE password and its expiry change live",
  'hotplug.graphicsOtherNextBoot': "other graphics settings change at next boot",
  'hotplug.memoryRequested': "virtio-mem's requested size changes live",
  'hotplug.memoryOtherNextBoot': "other memory device settings change at next boot",
  'hotplug.updateNextBoot': "libvirt cannot update this device: redefine, next boot",
  'hotplug.unknownNextBoot': "unknown device kind: redefine, next boot",
  'hotplug.memoryCurrent': "the balloon changes memory live; the config value applies at next boot",
  'hotplug.memoryMax': "<memory> (VIR_DOMAIN_MEM_MAXIMUM) changes at next boot",
  'hotplug.memoryHotplugMax': "<maxMemory> and its slots change at next boot",
  'hotplug.vcpuCurrent': "vCPU hotplug up to the maximum (needs a guest that onlines them)",
  'hotplug.vcpuMax': "the vCPU maximum (VIR_DOMAIN_VCPU_MAXIMUM) changes at next boot",
  'hotplug.cpu': "CPU mode, model and topology change at next boot",
  'hotplug.machine': "the machine type changes at next boot",
  'hotplug.firmware': "firmware, loader and NVRAM change at next boot",
  'hotplug.bootOrder': "boot order changes at next boot",
  'hotplug.directKernel': "kernel, initrd and command line change at next boot",
  'hotplug.features': "hypervisor features change at next boot",
  'hotplug.clock': "clock offset and timers change at next boot",
  'hotplug.title': "virDomainSetMetadata(VIR_DOMAIN_METADATA_TITLE)",
  'hotplug.description': "virDomainSetMetadata(VIR_DOMAIN_METADATA_DESCRIPTION)",
  'hotplug.metadata': "virDomainSetMetadata(VIR_DOMAIN_METADATA_ELEMENT)",
  'hotplug.lifecycleAction': "virDomainSetLifecycleAction",
  'hotplug.rename': "virDomainRename works only while the VM is shut off",
  'hotplug.memoryBacking': "memory backing (shared memory for virtiofs) changes at next boot",
} as const;

/** Sentence parts inside connection state texts and container checks (the {why} of error.connection.lost, the {problem} of error.container.*). */
export const STATE_PARTS = {
  // why libvirt closed a connection (virConnectCloseReason)
  'connection.closed.eof': 'eof',
  'connection.closed.error': 'error',
  'connection.closed.keepalive': 'keepalive',
  'connection.closed.client': 'client',
  // A container check's refusal: its {problem} is a message too. Not matched from text ("{problem}; …"
  // would match the end of any error): check-spec.ts throws them with their key.
  'error.container.commandProblem': "{problem}; nothing was created",
  'error.container.initProblem': "init {problem}; nothing was created",
  'container.problem.missing': "'{command}' does not exist {where}",
  'container.problem.notFile': "'{command}' {where} is not a file",
  'container.problem.notExecutable': "'{command}' {where} is not executable (chmod +x it)",
  'container.where.here': 'on this computer',
  'container.where.root': 'inside the root folder {root}',
  'container.networks.none': 'none defined',
} as const;

export const SERVER_MESSAGES = { ...HOST_MESSAGES, ...LAB_MESSAGES, ...ERROR_MESSAGES, ...FILE_NOUNS, ...HOSTDEV_MESSAGES, ...DEVICE_MESSAGES, ...MIGRATION_PARTS, ...HOTPLUG_NOTES, ...STATE_PARTS } as const;

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

/** English noun → its key (FILE_NOUNS). */
const WHAT_KEYS: Record<string, ServerMessageKey> = Object.fromEntries((Object.keys(FILE_NOUNS) as (keyof typeof FILE_NOUNS)[]).map((k) => [FILE_NOUNS[k], k]));

const HOTPLUG_KEYS = Object.keys(HOTPLUG_NOTES) as (keyof typeof HOTPLUG_NOTES)[];

/** The key of a note of domain/hotplug.ts (where a change applies), or undefined. */
export const hotplugNoteText = (note: string): MessageRef | undefined => matchMessage(note, HOTPLUG_KEYS);

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

const STATE_PART_KEYS = (Object.keys(STATE_PARTS) as (keyof typeof STATE_PARTS)[]).filter((k) => k.startsWith('connection.'));

/** A connection state text quotes another text (why it was lost, what failed): that one translates too. */
function withStateParts(ref: MessageRef, depth = 0): MessageRef {
  if (!ref.params || depth > 3) return ref;
  let params = ref.params;
  for (const name of ['why', 'reason', 'detail']) {
    const v = params[name];
    if (typeof v !== 'string') continue;
    const inner = matchMessage(v, STATE_PART_KEYS) ?? matchMessage(v, ERROR_TEXT_KEYS);
    if (inner) params = { ...params, [name]: withStateParts(inner, depth + 1) };
  }
  return params === ref.params ? ref : message(ref.key, params);
}

/** The key of a core error's message: one of ERROR_MESSAGES' texts, or a libvirt error quoted. */
export function errorText(code: string, text: string, libvirtCode?: number): MessageRef | undefined {
  const known = matchMessage(text, ERROR_TEXT_KEYS);
  if (known) {
    if (known.key.startsWith('error.connection.')) return withStateParts(known);
    const what = known.params?.what;
    if (typeof what === 'string' && WHAT_KEYS[what]) return message(known.key, { ...known.params, what: message(WHAT_KEYS[what]) });
    // A refusal that quotes a hotplug note ("Cannot add a sound live: {note}. …") translates the note too.
    const note = typeof known.params?.note === 'string' ? hotplugNoteText(known.params.note) : undefined;
    if (note) return message(known.key, { ...known.params, note });
    return known;
  }
  if (libvirtCode === undefined) return undefined;
  let key: ServerMessageKey | undefined = LIBVIRT_ERROR_KEYS[libvirtCode];
  if (key === 'error.libvirt.connection' && !(code === 'CONNECTION' || /connect/i.test(text))) key = undefined;
  if (key === 'error.libvirt.notRunning' && !/not running/i.test(text)) key = /already running|already active/i.test(text) ? 'error.libvirt.alreadyRunning' : undefined;
  // Any other libvirt failure (a VM that would not start, …): libvirt's words inside a translated sentence.
  return message(key ?? 'error.libvirt.failed', { detail: text });
}
