// The VNC display of a VM on an ssh connection, reached through that connection's SSH master
// (ssh-tunnel.ts). The display's port and listen address come from the VM's live XML.
import { ApiError } from '../contract';
import type { DomainRef } from '../libvirt/protocol';
import { summarizeDomainXml } from '../xml/domain-summary';
import { sshTargetOf, type SshSupport } from './ssh-support';
import { forwardThroughMaster, remoteVncAddress, type Forward } from './ssh-tunnel';

export interface DomainXmlReader {
  api: { domainXml(ref: DomainRef, o?: { inactive?: boolean; secure?: boolean }): Promise<string> };
}

/** Whether graphical consoles of this connection can be reached (local, or over SSH). */
export function graphicsReachable(uri: string, isLocal: boolean): boolean {
  return isLocal || sshTargetOf(uri) !== null;
}

export async function openRemoteDisplay(ssh: SshSupport, uri: string, client: DomainXmlReader, uuid: string, index: number): Promise<Forward> {
  const target = sshTargetOf(uri);
  if (!target) {
    throw new ApiError('LIBVIRT', `graphical consoles of ${uri} need an SSH connection (qemu+ssh://…): TCP and TLS connections do not carry them`, 'connection', 84);
  }
  const g = summarizeDomainXml(await client.api.domainXml({ uuid })).graphics[index];
  if (!g || g.type !== 'vnc' || !g.port) throw new Error('the VM has no VNC display with a port (is it running?)');
  return forwardThroughMaster(ssh, uri, target, remoteVncAddress(g.listen), g.port);
}
