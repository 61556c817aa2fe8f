import { mount } from 'svelte';
import App from './App.svelte';
import { createApiClient } from './app/api-client';
import { AppStore } from './app/stores.svelte';
import './styles/global.css';

// The client is created once, before anything reads location.hash: in browser mode it takes
// the "#token=…" fragment out of the address bar first.
const client = createApiClient();
const store = new AppStore(client);

const target = document.getElementById('app');
if (!target) throw new Error('#app element missing from index.html');

export default mount(App, { target, props: { store } });
