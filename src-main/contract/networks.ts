// Virtual networks.
import { z } from 'zod';
import { method, onConnection } from './common';
import { existingName, objectName, wholeNumber } from './fields';
import type { NetworkSummary } from './libvirt-types';

const ipv4 = (what: string) => z.string().regex(/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/, `${what} must be an IPv4 address such as 192.168.150.1`);

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}

export const networkCreateSchema = z
  .object({
    ...onConnection,
    name: objectName('name'),
    mode: z.enum(['nat', 'isolated'], { error: "mode must be 'nat' or 'isolated'" }),
    ipv4: z
      .object({
        address: ipv4('ipv4.address'),
        prefix: wholeNumber('ipv4.prefix', 8, 30),
        dhcpStart: ipv4('ipv4.dhcpStart'),
        dhcpEnd: ipv4('ipv4.dhcpEnd'),
      })
      .strict()
      .superRefine((v, ctx) => {
        const mask = v.prefix === 0 ? 0 : (0xffffffff << (32 - v.prefix)) >>> 0;
        const net = (ipToInt(v.address) & mask) >>> 0;
        const bcast = (net | (~mask >>> 0)) >>> 0;
        const inNet = (ip: string) => ((ipToInt(ip) & mask) >>> 0) === net;
        const a = ipToInt(v.address);
        if (a === net || a === bcast) ctx.addIssue({ code: 'custom', path: ['address'], message: `ipv4.address ${v.address} is the network or broadcast address of /${v.prefix}` });
        for (const k of ['dhcpStart', 'dhcpEnd'] as const) {
          if (!inNet(v[k])) ctx.addIssue({ code: 'custom', path: [k], message: `ipv4.${k} ${v[k]} is not in the subnet of ${v.address}/${v.prefix}` });
          else if (ipToInt(v[k]) === net || ipToInt(v[k]) === bcast) ctx.addIssue({ code: 'custom', path: [k], message: `ipv4.${k} ${v[k]} is the network or broadcast address` });
        }
        if (ipToInt(v.dhcpStart) >= ipToInt(v.dhcpEnd)) ctx.addIssue({ code: 'custom', path: ['dhcpEnd'], message: `ipv4.dhcpStart ${v.dhcpStart} must be lower than ipv4.dhcpEnd ${v.dhcpEnd}` });
        else if (a >= ipToInt(v.dhcpStart) && a <= ipToInt(v.dhcpEnd)) ctx.addIssue({ code: 'custom', path: ['address'], message: `ipv4.address ${v.address} must be outside the DHCP range` });
      }),
    start: z.boolean().default(true),
    autostart: z.boolean().default(false),
  })
  .strict();

export interface NetworkDetails extends NetworkSummary {
  forward: string | null;
  bridge: string | null;
  ipv4: { address: string; prefix: number; dhcpStart?: string; dhcpEnd?: string } | null;
  usedBy: string[];
}

const networkName = existingName('name');
/** A libvirt XML document the user edited (checked for well-formedness and by libvirt). */
const editedXml = z.string({ error: 'xml must be text' }).min(1, 'xml is empty: pass the XML text of the document').max(1024 * 1024, 'xml is longer than 1 MiB');

export const networkMethods = {
  'network.list': method(z.object(onConnection).strict(), [] as NetworkDetails[]),
  'network.create': method(networkCreateSchema, {} as NetworkDetails),
  'network.start': method(z.object({ ...onConnection, name: networkName }).strict(), undefined as void),
  'network.stop': method(z.object({ ...onConnection, name: networkName, force: z.boolean().default(false) }).strict(), undefined as void),
  'network.setAutostart': method(z.object({ ...onConnection, name: networkName, autostart: z.boolean() }).strict(), undefined as void),
  /** Stops and undefines a network; refuses while VMs are attached to it, unless force. */
  'network.delete': method(z.object({ ...onConnection, name: networkName, force: z.boolean().default(false) }).strict(), undefined as void),
  /** The network's XML; inactive: the persistent definition (what network.defineXml replaces). */
  'network.xml': method(z.object({ ...onConnection, name: networkName, inactive: z.boolean({ error: 'inactive must be true or false' }).optional() }).strict(), '' as string),
  /**
   * Replaces the network's persistent definition with xml (validated by libvirt); the name and
   * uuid must stay. A running network keeps its old settings until it is restarted.
   */
  'network.defineXml': method(z.object({ ...onConnection, name: networkName, xml: editedXml }).strict(), undefined as void),
} as const;
