// Hash routes: #/vms, #/vm/<uuid>[?tab=console[&kind=graphical|serial]] (the details, opened on
// the Console tab e.g. after "Create and start"), #/new (the New-VM wizard), #/storage,
// #/networks, #/labs, #/host, #/settings, and
// #/console/<uuid>[?connection=<uri>][&kind=graphical|serial] (a VM's console on a page of its
// own, e.g. a detached window). Anything else — including
// the browser-mode "#token=…" fragment, which the api-client strips — means the VM list.
export type Route =
  | { name: 'vms' }
  | { name: 'vm'; uuid: string; tab?: 'console'; kind?: 'graphical' | 'serial' }
  | { name: 'new' }
  | { name: 'storage' }
  | { name: 'networks' }
  | { name: 'labs' }
  | { name: 'host' }
  | { name: 'settings' }
  | { name: 'console'; uuid: string; connection?: string; kind?: 'graphical' | 'serial' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuidOf(part: string | undefined): string | null {
  let uuid: string;
  try {
    uuid = decodeURIComponent(part ?? '');
  } catch {
    return null;
  }
  return UUID.test(uuid) ? uuid.toLowerCase() : null;
}

export function parseRoute(hash: string): Route {
  if (!hash.startsWith('#/')) return { name: 'vms' };
  const rest = hash.slice(2);
  const q = rest.search(/[?&]/);
  const parts = (q === -1 ? rest : rest.slice(0, q)).split('/');
  const query = new URLSearchParams(q === -1 ? '' : rest.slice(q + 1));
  switch (parts[0]) {
    case 'vm': {
      const uuid = uuidOf(parts[1]);
      if (!uuid) return { name: 'vms' };
      if (query.get('tab') !== 'console') return { name: 'vm', uuid };
      const kind = query.get('kind');
      return { name: 'vm', uuid, tab: 'console', ...(kind === 'graphical' || kind === 'serial' ? { kind } : {}) };
    }
    case 'console': {
      const uuid = uuidOf(parts[1]);
      if (!uuid) return { name: 'vms' };
      const connection = query.get('connection');
      const kind = query.get('kind');
      return {
        name: 'console',
        uuid,
        ...(connection ? { connection } : {}),
        ...(kind === 'graphical' || kind === 'serial' ? { kind } : {}),
      };
    }
    case 'new':
      return { name: 'new' };
    case 'storage':
      return { name: 'storage' };
    case 'networks':
      return { name: 'networks' };
    case 'labs':
      return { name: 'labs' };
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
    case 'vm': {
      if (route.tab !== 'console') return `#/vm/${encodeURIComponent(route.uuid)}`;
      return `#/vm/${encodeURIComponent(route.uuid)}?tab=console${route.kind ? `&kind=${route.kind}` : ''}`;
    }
    case 'console': {
      const query = new URLSearchParams();
      if (route.connection) query.set('connection', route.connection);
      if (route.kind) query.set('kind', route.kind);
      const q = query.toString();
      return `#/console/${encodeURIComponent(route.uuid)}${q ? `?${q}` : ''}`;
    }
    case 'new':
      return '#/new';
    case 'storage':
      return '#/storage';
    case 'networks':
      return '#/networks';
    case 'labs':
      return '#/labs';
    case 'host':
      return '#/host';
    case 'settings':
      return '#/settings';
    default:
      return '#/vms';
  }
}
