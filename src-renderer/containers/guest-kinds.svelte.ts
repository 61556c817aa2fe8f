// What each connection's driver runs (container.guestKinds: containers and/or machines), asked
// once per connection. The VM list offers "New container" and the VM page hides VM-only parts
// (snapshots, saved state) from it — from the driver's capabilities, not a list of drivers.
import { SvelteMap } from 'svelte/reactivity';
import type { GuestKinds } from '../../src-main/contract';
import type { AppStore } from '../app/stores.svelte';

const known = new SvelteMap<string, GuestKinds | null>();
const asked = new Set<string>();

/** The kinds of `uri`'s guests; undefined until known (or when asking failed). */
export function guestKindsOf(app: AppStore, uri: string | null | undefined): GuestKinds | undefined {
  if (!uri) return undefined;
  if (!asked.has(uri)) {
    asked.add(uri);
    app.client.api['container.guestKinds']({ connection: uri }).then(
      (k) => known.set(uri, k),
      () => known.set(uri, null),
    );
  }
  return known.get(uri) ?? undefined;
}
