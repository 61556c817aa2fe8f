// Wiring of console WebSocket upgrades into the servers that carry them.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { allowedOrigins, type ServedAs } from '../server/server';
import type { VncProxy } from './vnc-proxy';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

/**
 * Browser mode: the API server's `onOtherUpgrade`, routing /console/vnc to the VNC proxy. The
 * API token does not apply there: the one-time ticket in the URL is the credential, and only
 * the token-guarded API issues it. The Origin is checked by the same rule as the API's
 * (absent is fine — tests, CLI; else one of this server's own origins).
 */
export function browserConsoleUpgrades(proxy: VncProxy, server: () => ({ host: string; port: number } & ServedAs) | null): UpgradeHandler {
  let cached: { key: string; origins: Set<string> } | null = null;
  const originsOf = (host: string, port: number, as: ServedAs): Set<string> => {
    const key = `${host} ${port}`;
    // A wildcard listen address has origins that can change with the interfaces: recompute.
    if (cached?.key !== key || host === '0.0.0.0' || host === '::') cached = { key, origins: allowedOrigins(host, port, as) };
    return cached.origins;
  };
  return (req, socket, head) =>
    proxy.handleUpgrade(req, socket, head, {
      isOriginAllowed: (origin) => {
        if (origin === undefined) return true;
        const s = server();
        return s !== null && originsOf(s.host, s.port, s).has(origin);
      },
    });
}
