// Japanese for the texts the server sends as message keys (src-main/contract/messages.ts):
// the host check, lab file problems and the common core errors. Same placeholders as the English.
// Text the server passes in a placeholder (names, paths, libvirt's own words) stays as it is:
// libvirt's and the OS's words are put in 「」.
import type { ServerMessageKey } from '../../src-main/contract/messages';

export const jaServer: Record<ServerMessageKey, string> = {
  // ---- check titles ----
  'host.check.cpuVendor.title': 'プロセッサー',
  'host.check.cpuVirtFlags.title': 'ハードウェア仮想化 (VT-x / AMD-V)',
  'host.check.hypervisorFlag.title': '仮想マシン内での実行',
  'host.check.kvmModule.title': 'KVM カーネルモジュール',
  'host.check.kvmNested.title': 'ネストされた仮想化 (VM の中の VM)',
  'host.check.devKvm.title': '/dev/kvm デバイス',
  'host.check.libvirt.title': 'libvirt デーモン',
  'host.check.qemuEmulator.title': 'x86_64 ゲスト用の QEMU',
  'host.check.domainType.title': 'libvirt が提供する仮想化の種類',
  'host.check.uefi.title': 'UEFI ファームウェア (OVMF)',
  'host.check.lxc.title': 'コンテナ (libvirt LXC)',

  // ---- check details ----
  'host.check.notChecked': '未確認: libvirt に接続できません。',
  'host.check.parenError': ' (「{error}」)',
  'host.check.cpuVendor.unreadable': '/proc/cpuinfo からプロセッサーの種類を読み取れませんでした。',
  'host.check.cpuVendor.detail': '{vendor}',
  'host.check.cpuVendor.detailModel': '{vendor} — {model}',
  'host.check.cpuVendor.other': 'その他のメーカー',
  'host.check.cpuVendor.unknown': '不明',
  'host.check.cpuVirtFlags.remote': 'リモートホストの機能情報から取得: {state}。',
  'host.check.cpuVirtFlags.remotePresent': '{flag} あり',
  'host.check.cpuVirtFlags.remoteMissing': 'vmx/svm の記載なし',
  'host.check.cpuVirtFlags.unreadable': '/proc/cpuinfo から CPU フラグを読み取れないため、VT-x/AMD-V に対応しているかは不明です。',
  'host.check.cpuVirtFlags.ok': 'プロセッサーは {name} に対応しています。',
  'host.check.cpuVirtFlags.missingInVm': 'CPU フラグに vmx (Intel VT-x) も svm (AMD-V) もありません。外側のハイパーバイザーがこの VM に渡していません。',
  'host.check.cpuVirtFlags.missing': 'CPU フラグに vmx (Intel VT-x) も svm (AMD-V) もありません。ファームウェアで無効になっているか、プロセッサーが対応していません。',
  'host.check.hypervisorFlag.unknown': '不明: CPU フラグを読み取れませんでした。',
  'host.check.hypervisorFlag.bareMetal': 'ハイパーバイザーフラグはありません。このシステムはハードウェア上で直接動いています。',
  'host.check.hypervisorFlag.nested':
    'このシステム自体が仮想マシンで、そのホストが VT-x/AMD-V を渡しています (ネストされた仮想化が有効)。' +
    'ここでも KVM は動きますが、物理マシンより多少のオーバーヘッドがあります。',
  'host.check.hypervisorFlag.notNested':
    'このシステム自体が仮想マシンで (CPU にハイパーバイザーフラグがあります)、そのホストは VT-x/AMD-V を渡していません。' +
    'VM の中で KVM を使うにはネストされた仮想化が必要で、それを有効にできるのは外側のホストだけです。',
  'host.check.kvmModule.unreadable': '/proc/modules を読み取れないため、KVM が読み込まれているかは不明です。',
  'host.check.kvmModule.loaded': '{module} が読み込まれています。',
  'host.check.kvmModule.loadedBoth': '{first} と {second} が読み込まれています。',
  'host.check.kvmModule.pvmOnly':
    'kvm_pvm だけが読み込まれています。VT-x/AMD-V なしで /dev/kvm を提供します (PVM: ページテーブルによる仮想化) が、' +
    '起動できるのは PVM 用にビルドされたゲストカーネルだけです。通常のゲストには kvm_intel または kvm_amd が必要です。',
  'host.check.kvmModule.none': 'KVM モジュール (kvm_intel / kvm_amd) が読み込まれていません。',
  'host.check.kvmModule.notLoaded': 'プロセッサーは {extension} に対応していますが、{module} が読み込まれていません。',
  'host.check.kvmModule.cannotLoadInVm': 'KVM モジュールが読み込まれておらず、読み込むこともできません。この VM の中ではプロセッサーが VT-x/AMD-V を報告していません。',
  'host.check.kvmModule.cannotLoad':
    'KVM モジュールが読み込まれておらず、読み込むこともできません。プロセッサーが VT-x/AMD-V を報告していません (仮想化が無効だとファームウェア設定がフラグを隠します)。',
  'host.check.kvmModule.either': 'kvm_intel または kvm_amd',
  'host.check.kvmNested.notApplicable': '該当なし: kvm_intel/kvm_amd の「nested」パラメーターが見つかりませんでした。',
  'host.check.kvmNested.on': '`{module} nested={value}`: VM の中でさらに KVM ゲストを動かせます。',
  'host.check.kvmNested.off': '`{module} nested={value}`: VM の中では KVM を使えません (VM の中でハイパーバイザーを動かす場合にだけ関係します)。',
  'host.check.kvmNested.fix': '`echo "options {module} nested=1" | sudo tee /etc/modprobe.d/{module}-nested.conf` を実行し、VM を動かしていないときにモジュールを読み込み直してください。',
  'host.check.devKvm.yourUser': 'あなたのユーザー',
  'host.check.devKvm.missing': '/dev/kvm がありません。カーネルで KVM が有効になっていません。',
  'host.check.devKvm.pvm': '/dev/kvm があり {user} が使えますが、kvm_pvm によるものです (VT-x/AMD-V なし)。',
  'host.check.devKvm.ok': '/dev/kvm があり、{user} が読み書きできます。',
  'host.check.devKvm.denied': '/dev/kvm はありますが、{user} は読み書き用に開けません{error}。{system}',
  'host.check.devKvm.systemNote': 'システムの libvirt デーモンには影響しません。影響するのはユーザーセッション (qemu:///session) の VM です。',
  'host.check.libvirt.noConnection': '未確認: libvirt への接続がありませんでした。',
  'host.check.libvirt.unreachable': '{uri} に接続できませんでした:「{error}」',
  'host.check.libvirt.unreachableNoError': '{uri} に接続できませんでした。',
  'host.check.libvirt.connected': '{uri} に接続しました{versions}。{remote}',
  'host.check.libvirt.versions': ' ({versions})',
  'host.check.libvirt.remoteNote': 'リモートホストです。モジュールと /dev/kvm の確認はこのコンピューターについてのもので、そのホストのものではありません。',
  'host.check.qemuEmulator.ok': 'x86_64 ゲストは {emulator} で動きます。',
  'host.check.qemuEmulator.capsError': 'libvirt の機能情報を読み取れませんでした:「{error}」',
  'host.check.qemuEmulator.none': 'libvirt は x86_64 ゲスト用の QEMU エミュレーターを見つけられませんでした。',
  'host.check.domainType.none': 'libvirt は x86_64 ゲスト用のドメインの種類を示しませんでした (機能情報を読み取れませんでした)。',
  'host.check.domainType.kvm': "libvirt は <domain type='kvm'> を提供しています。ゲストはハードウェアアクセラレーションを使えます。",
  'host.check.domainType.kvmNotBacked':
    "libvirt は <domain type='kvm'> を示していますが、ここの KVM は {cause}ため、通常のゲストカーネルは起動しません。" +
    "VM には <domain type='qemu'> (ソフトウェアエミュレーション) を使ってください。",
  'host.check.domainType.causePvm': 'VT-x/AMD-V ではなく PVM (kvm_pvm) によって提供されている',
  'host.check.domainType.causeCpu': 'この CPU の VT-x/AMD-V に支えられていない',
  'host.check.domainType.qemuOnly': "提供されているのは <domain type='qemu'> (ソフトウェアエミュレーション、TCG) だけで、kvm はありません。",
  'host.check.domainType.qemuOnlyError': "提供されているのは <domain type='qemu'> (ソフトウェアエミュレーション、TCG) だけで、kvm はありません (libvirt:「{error}」)。",
  'host.check.domainType.neither': 'libvirt は kvm も qemu のドメインも提供していません (あるのは {types} だけです)。',
  'host.check.uefi.parseError': 'libvirt のドメイン機能情報を解析できませんでした:「{error}」',
  'host.check.uefi.unknown': '不明: libvirt のドメイン機能情報がありませんでした。',
  'host.check.uefi.ok': 'UEFI ゲストに対応しています{secureBoot}{where}。',
  'host.check.uefi.secureBoot': ' (セキュアブート対応)',
  'host.check.uefi.where': ': {paths}',
  'host.check.uefi.none': 'UEFI ファームウェアが見つかりません。ゲストは従来の BIOS でしか起動できません。Windows 11 や一部のインストーラーには UEFI が必要です。',
  'host.check.lxc.notProbed': '未確認: libvirt LXC は調べていません。',
  'host.check.lxc.ok': 'libvirt の LXC ドライバーが使えます。コンテナはこのホストのカーネルを共有し、VT-x/AMD-V は不要です。',
  'host.check.lxc.unavailable': 'libvirt の LXC ドライバーは使えません{error}。コンテナは必須ではありません。',

  // ---- fixes ----
  'host.fix.firmwareIntel': 'Intel Virtualization Technology (VT-x)',
  'host.fix.firmwareAmd': 'SVM Mode (AMD-V)',
  'host.fix.firmwareEither': 'Intel VT-x または AMD-V (SVM Mode)',
  'host.fix.firmware':
    '再起動して BIOS/UEFI のファームウェア設定を開き、「{setting}」を有効にしてください (たいてい「Advanced › CPU Configuration」にあります)。' +
    '保存したら、いったん電源を切ってから入れ直してください。仮想化が無効なファームウェアは OS から CPU フラグを隠します。' +
    'すでに有効なら、ファームウェアを更新してください。',
  'host.fix.firmwareSee': 'BIOS/UEFI 設定で「{setting}」を有効にしてください。無効の間はファームウェアが CPU フラグを隠します (「{title}」を参照)。',
  'host.fix.nested':
    '外側のホストでネストされた仮想化を有効にしてください (この VM の中からは有効にできません)。' +
    'Linux/KVM のホストでは {module} を `nested=1` で読み込み (/etc/modprobe.d/ に `options {module} nested=1`)、この VM の CPU モードを `host-passthrough` にします。' +
    'VMware では「Virtualize Intel VT-x/EPT or AMD-V/RVI」にチェックを入れます。Hyper-V では ' +
    '`Set-VMProcessor -VMName <vm> -ExposeVirtualizationExtensions $true` を実行します。VirtualBox ではネストされた VT-x/AMD-V を有効にします。' +
    'クラウドではネストされた仮想化に対応したインスタンスタイプを選びます。そのあとこの VM を再起動してください。',
  'host.fix.nestedSee': '外側のホストでネストされた仮想化を有効にしてください (「{title}」を参照)。',
  'host.fix.module':
    'モジュールを読み込んでください: {command}。失敗したら `sudo dmesg | grep -i kvm` で理由がわかります。' +
    '「disabled by bios」と出たら、ファームウェア設定で VT-x または AMD-V (SVM) を有効にする必要があります。',
  'host.fix.modprobe': '`sudo modprobe {module}`',
  'host.fix.modprobeEither': '`sudo modprobe kvm_intel` (または `kvm_amd`)',
  'host.fix.groupInKvm':
    'kvm グループに入っているのに /dev/kvm へのアクセスが拒否されます。`ls -l /dev/kvm` を確認してください (期待値: `crw-rw---- root kvm`)。' +
    '`sudo udevadm trigger` で udev の権限を適用し直せます。',
  'host.fix.groupRelogin': 'このセッションの開始後に kvm グループに追加されました。反映するには一度ログアウトしてログインし直す (または再起動する) 必要があります。',
  'host.fix.groupAdd': 'ユーザーを kvm グループに追加してください: `sudo usermod -aG kvm {user}`{libvirt}。新しいグループを反映するには、一度ログアウトしてログインし直してください。',
  'host.fix.groupAddLibvirt': '。システムの VM を管理するには `sudo usermod -aG libvirt {user}` も実行します',
  'host.fix.startSystemd': '`sudo systemctl enable --now libvirtd`',
  'host.fix.startNoSystemd': '`sudo virtlogd -d && sudo libvirtd -d` (このコンピューターには systemd がありません)',
  'host.fix.restartSystemd': '`sudo systemctl restart libvirtd`',
  'host.fix.restartNoSystemd': '`sudo kill $(cat /run/libvirtd.pid) && sudo libvirtd -d` (このコンピューターには systemd がありません)',
  'host.fix.installLibvirt': 'libvirt と QEMU をインストールしてください: `sudo apt install libvirt-daemon-system qemu-system-x86`。そのあとデーモンを起動します: {start}。',
  'host.fix.libvirtGroup': 'システムの VM を管理できるようにしてください: `sudo usermod -aG libvirt {user}` を実行し、一度ログアウトしてログインし直します。',
  'host.fix.installQemu': 'QEMU をインストールしてください: `sudo apt install qemu-system-x86`。そのあと libvirt を再起動します ({restart})。',
  'host.fix.seeCheck': '「{title}」の項目を参照してください。',
  'host.fix.installOvmf': 'OVMF をインストールしてください: `sudo apt install ovmf`。',
  'host.fix.installLxc': 'ドライバーをインストールしてください: `sudo apt install libvirt-daemon-driver-lxc`。そのあと libvirt を再起動します ({restart})。',
  'host.fix.remote': 'リモートホスト自体で仮想化を確認してください。',
  'host.fix.restartLibvirt': 'QEMU を調べ直すように libvirt を再起動してください: {restart}。',

  // ---- why KVM is not usable ----
  'host.reason.inVm': 'このシステム自体が仮想マシンで、そのホストが Intel VT-x / AMD-V を渡していない (ネストされた仮想化が無効){pvm}',
  'host.reason.inVmPvm': '。ここにある /dev/kvm は PVM によるもので、特別にビルドされたゲストカーネルしか起動しない',
  'host.reason.noFlag': 'プロセッサーが Intel VT-x / AMD-V を報告していない (たいていの PC では BIOS/UEFI 設定で無効になっています)',
  'host.reason.remote': 'リモートホストが libvirt に KVM を提供していない',
  'host.reason.pvm': 'カーネルが KVM を PVM 経由でしか提供しておらず、特別にビルドされたゲストカーネルしか起動しない',
  'host.reason.moduleNotLoaded': '{module} カーネルモジュールが読み込まれていない',
  'host.reason.noDevKvm': '/dev/kvm がない',
  'host.reason.devKvmDenied': 'あなたのユーザーに /dev/kvm の使用が許可されていない',
  'host.reason.noKvmType': 'カーネル側は問題なさそうなのに、libvirt が kvm の種類を提供していない',
  'host.reason.noCpuInfo': 'プロセッサーの情報を読み取れなかった',

  // ---- headline and explanation ----
  'host.headline.kvm': 'KVM ハードウェアアクセラレーションが使えます',
  'host.headline.kvmNoLibvirt': 'KVM は使えますが、libvirt に接続できません',
  'host.headline.emulation': 'ソフトウェアエミュレーションのみ: VM は動きますが遅くなります',
  'host.headline.none': 'このホストではまだ仮想マシンを動かせません',
  'host.explain.see': '直し方は「{title}」の項目にあります。',
  'host.explain.why': 'KVM が使えないのは、{reason}ためです。',
  'host.explain.kvmUnusable': 'KVM も使えません。',
  'host.explain.extVmx': 'プロセッサーの Intel VT-x',
  'host.explain.extSvm': 'プロセッサーの AMD-V',
  'host.explain.extOther': 'プロセッサーの仮想化支援機能',
  'host.explain.kvm':
    '仮想マシンはハードウェアアクセラレーション (KVM) で動きます。{extension} によりゲストは CPU 上で直接命令を実行できるので、' +
    'ほぼネイティブの速度で動きます。{nested}{libvirt}',
  'host.explain.kvmNested': 'このシステム自体がネストされた仮想化の VM なので、物理マシンより多少のオーバーヘッドがあります。',
  'host.explain.kvmNoLibvirt': 'ただし、VM を管理するには Virtdesk に動作中の libvirt デーモンが必要です。{see}',
  'host.explain.emulation':
    '仮想マシンはソフトウェアエミュレーション (QEMU TCG) で動きます。動作はしますが、KVM より大幅に遅く、一般に 5–20 倍遅くなります。' +
    'QEMU がゲストの命令をすべてソフトウェアで変換するためです。小さな Linux ゲストやテストには十分ですが、' +
    'デスクトップ環境は重く感じられます。{why}',
  'host.explain.emulationWhy': '{why}{see}',
  'host.explain.capsUnreadable': '仮想マシンが動くかどうか確認できません。libvirt は動いていますが機能情報を読み取れないため、QEMU が使えるかわかりません。',
  'host.explain.noQemu': 'まだ仮想マシンを動かせません。libvirt は動いていますが、x86_64 ゲスト用の QEMU がありません。{see}',
  'host.explain.noLibvirt':
    'まだ仮想マシンを動かせません。Virtdesk は libvirt と QEMU を通して VM を動かしますが、{libvirt}。{why}' +
    'まず QEMU とともに libvirt をインストールして起動してください。KVM がなくても、VM はソフトウェアエミュレーションで動きます。{see}',
  'host.explain.libvirtUnreachable': '{uri} の libvirt に接続できません',
  'host.explain.noConnection': 'libvirt への接続がありません',

  // ---- lab file problems ----
  'lab.issue.unknownField': '不明な項目です',
  'lab.issue.missing': 'ありません',
  'lab.issue.empty': '空です',
  'lab.issue.mustBeNumber': '数値にしてください',
  'lab.issue.mustBeText': '文字列にしてください',
  'lab.issue.mustBePath': 'パスにしてください',
  'lab.issue.mustBeMachineList': 'マシンのリストにしてください',
  'lab.issue.mustBeTagList': 'タグのリストにしてください',
  'lab.issue.mustBeMachine': 'name、memoryMiB、vcpus (と count) を持つマッピングにしてください',
  'lab.issue.mustBeLab': 'name、base、machines を持つ YAML のマッピングにしてください',
  'lab.issue.between': '{min} から {max}{unit} の範囲にしてください',
  'lab.issue.wholeBetween': '{min} から {max}{unit} の整数にしてください',
  'lab.issue.absolutePath': '絶対パス (/ で始まるもの) にしてください',
  'lab.issue.machineName': '1–32 文字の英数字、- または _ にしてください (先頭は英数字)',
  'lab.issue.duplicateEntry': "machines[{index}] がすでに '{name}' という名前です。同じ種類のマシンを複数作るには count を使ってください",
  'lab.issue.duplicateInstance': "'{name}' は machines[{index}] のマシンとしても存在します。count で展開したあとも名前は一意でなければなりません",
  'lab.issue.duplicateInstanceExpanded':
    "'{name}' は machines[{index}] のマシンとしても存在します ('{other}' は count {count} で {names} になります)。count で展開したあとも名前は一意でなければなりません",
  'lab.issue.duplicateTag': "タグ '{tag}' が 2 回指定されています",
  'lab.issue.tooManyVms': 'マシンの合計が {total} 台の VM になります。1 つのラボは最大 {max} 台です',
  'lab.issue.noVm': "{uri} に '{name}' という VM はありません",

  // ---- common errors ----
  'error.noPool': "ストレージプール '{name}' はありません",
  'error.noPoolList': "ストレージプール '{name}' はありません (あるプール: {names})",
  'error.noActivePool': "動作中のストレージプール '{name}' はありません",
  'error.noNetwork': "仮想ネットワーク '{name}' はありません",
  'error.noNetworkList': "仮想ネットワーク '{name}' はありません (あるネットワーク: {names})",
  'error.noVolume': "ストレージプール '{pool}' にボリューム '{volume}' はありません",
  'error.poolHasNoVolume': "ストレージプール '{pool}' にボリューム '{volume}' はありません",
  'error.poolNotRunning': "ストレージプール '{name}' が動作していません。先に開始してください (`pool.start`)",
  'error.networkNotRunning': "仮想ネットワーク '{name}' が動作していません。先に開始するか (`network.start`)、VM を起動せずに作成してください",
  'error.vmNotRunningConsole': "VM '{name}' は動作していません。画面を見るには起動してください",
  'error.connectionNotAdded': '接続 {uri} は追加されていません。先に追加してから (接続を追加) 使ってください',
  'error.uriRefused': "接続 URI '{uri}' は使えません:「{reason}」",
  'error.outsideRoots': "'{path}' はファイル選択で表示できるフォルダーの外にあります。表示できるのは {roots} です",
  'error.outsideRootsLink': "'{path}' (→ {real}) はファイル選択で表示できるフォルダーの外にあります。表示できるのは {roots} です",
  'error.labNoVms': "ラボ '{name}' の VM は {uri} にありません (先に `lab up` を実行してください)",
  'error.libvirt.noDomain': 'その仮想マシンは見つかりません (libvirt:「{detail}」)',
  'error.libvirt.noNetwork': 'その仮想ネットワークは見つかりません (libvirt:「{detail}」)',
  'error.libvirt.noPool': 'そのストレージプールは見つかりません (libvirt:「{detail}」)',
  'error.libvirt.noVolume': 'そのボリュームは見つかりません (libvirt:「{detail}」)',
  'error.libvirt.notRunning': '仮想マシンが動作していないため実行できません (libvirt:「{detail}」)',
  'error.libvirt.connection': '接続できません (libvirt:「{detail}」)',
};
