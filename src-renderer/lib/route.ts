// Hash routes: #/vms, #/vm/<uuid>, #/host, #/settings. Anything else — including the
// browser-mode "#token=…" fragment, which the api-client strips — means the VM list.
export type Route = { name: 'vms' } | { name: 'vm'; uuid: string } | { name: 'host' } | { name: 'settings' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseRoute(hash: string): Route {
  if (!hash.startsWith('#/')) return { name: 'vms' };
  const parts = hash.slice(2).split(/[?&]/)[0]?.split('/') ?? [];
  switch (parts[0]) {
    case 'vm': {
      const uuid = decodeURIComponent(parts[1] ?? '');
      return UUID.test(uuid) ? { name: 'vm', uuid: uuid.toLowerCase() } : { name: 'vms' };
    }
    case 'host':
      return { name: 'host' };
    case 'settings':
      return { name: 'settings' };
    default:
      return { name: 'vms' };
  }
}

export function routeToHash(route: Route): string {
  switch (route.name) {
    case 'vm':
      return `#/vm/${encodeURIComponent(route.uuid)}`;
    case 'host':
      return '#/host';
    case 'settings':
      return '#/settings';
    default:
      return '#/vms';
  }
}
