// The AppStore travels to components through Svelte context.
import { getContext, setContext } from 'svelte';
import type { AppStore } from './stores.svelte';

const KEY = Symbol('virtdesk.app');

export function provideApp(store: AppStore): void {
  setContext(KEY, store);
}

export function useApp(): AppStore {
  const store = getContext<AppStore | undefined>(KEY);
  if (!store) throw new Error('useApp() outside <App>');
  return store;
}
