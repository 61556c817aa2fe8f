// Domain XML of an LXC container (libvirt's <domain type='lxc'>), built with the project's XML
// builder so every user string is escaped. An application container runs one command (<init>
// with <initarg>s) in the host's root or a root folder; a system container boots an init from
// its root folder. No interface and <privnet/>: the container gets its own network namespace
// with loopback only (without <privnet/> libvirt would share the host's network).
import type { ContainerSpec } from '../contract';
import { buildXml, el, textEl, type XmlTree } from '../xml/build';
import { containerMetaEntry } from './container-meta';

export const LXC_EMULATOR = '/usr/lib/libvirt/libvirt_lxc';

/** The container's root folder: the system container's folder, an application container's root, or null (the host's /). */
export function rootFolderOf(spec: ContainerSpec): string | null {
  if (spec.kind === 'application') return spec.root ?? null;
  return spec.rootfs.folder;
}

export interface ContainerXmlOptions {
  unpackedInto?: string;
  emulator?: string;
  /** A host bridge to join directly (a lab's network bridge, made by another daemon): replaces spec.network. */
  bridge?: string;
  /** More <metadata> entries (a lab container's Virtdesk metadata). */
  metadata?: XmlTree;
}

export function buildContainerXml(spec: ContainerSpec, o: ContainerXmlOptions = {}): string {
  const isApp = spec.kind === 'application';
  const init = isApp ? spec.command : spec.init;
  const args = isApp ? spec.args : spec.initArgs;
  const root = rootFolderOf(spec);
  const filesystems: XmlTree[] = [];
  if (root) filesystems.push(el({ type: 'mount', accessmode: 'passthrough' }, { source: el({ dir: root }), target: el({ dir: '/' }) }));
  for (const m of spec.mounts) {
    filesystems.push(el({ type: 'mount', accessmode: 'passthrough' }, { source: el({ dir: m.host }), target: el({ dir: m.guest }), ...(m.readonly ? { readonly: '' } : {}) }));
  }
  const cputune: XmlTree = {};
  if (spec.cpuShares !== undefined) cputune.shares = textEl(spec.cpuShares);
  if (spec.cpuQuotaPercent !== undefined) {
    cputune.period = textEl(100_000);
    cputune.quota = textEl(spec.cpuQuotaPercent * 1000);
  }
  const idmap = spec.kind === 'system' && spec.idmap
    ? { idmap: { uid: el({ start: 0, target: spec.idmap.target, count: spec.idmap.count }), gid: el({ start: 0, target: spec.idmap.target, count: spec.idmap.count }) } }
    : {};
  const devices: XmlTree = {
    emulator: textEl(o.emulator ?? LXC_EMULATOR),
    ...(filesystems.length ? { filesystem: filesystems } : {}),
    ...(o.bridge
      ? { interface: el({ type: 'bridge' }, { source: el({ bridge: o.bridge }) }) }
      : spec.network.kind === 'network'
        ? { interface: el({ type: 'network' }, { source: el({ network: spec.network.name }) }) }
        : {}),
    console: el({ type: 'pty' }, { target: el({ type: 'lxc', port: 0 }) }),
  };
  const domain: XmlTree = el({ type: 'lxc' }, {
    name: textEl(spec.name),
    ...(o.unpackedInto || o.metadata ? { metadata: { ...(o.unpackedInto ? containerMetaEntry({ unpackedInto: o.unpackedInto }) : {}), ...(o.metadata ?? {}) } } : {}),
    memory: textEl(spec.memoryMiB * 1024, { unit: 'KiB' }),
    vcpu: textEl(spec.vcpus),
    ...(Object.keys(cputune).length ? { cputune } : {}),
    os: { type: textEl('exe'), init: textEl(init), ...(args.length ? { initarg: args.map((a) => textEl(a)) } : {}) },
    ...idmap,
    ...(spec.network.kind === 'none' && !o.bridge ? { features: { privnet: '' } } : {}),
    on_poweroff: textEl('destroy'),
    on_reboot: textEl('restart'),
    on_crash: textEl('destroy'),
    devices,
  });
  return buildXml({ domain });
}
