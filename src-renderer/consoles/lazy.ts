// Parts loaded on first use: the consoles bring noVNC (≈ 190 kB minified) and xterm.js
// (≈ 330 kB), which the VM list and the other pages do not need — and a VM with only a serial
// console does not need noVNC.
let vmConsole: Promise<typeof import('./VmConsole.svelte')> | null = null;
let consolePage: Promise<typeof import('./ConsolePage.svelte')> | null = null;

export function loadVmConsole(): Promise<typeof import('./VmConsole.svelte')> {
  vmConsole ??= import('./VmConsole.svelte').catch((e: unknown) => {
    vmConsole = null; // e.g. the server restarted with a new build: let a retry load again
    throw e;
  });
  return vmConsole;
}

export function loadConsolePage(): Promise<typeof import('./ConsolePage.svelte')> {
  consolePage ??= import('./ConsolePage.svelte').catch((e: unknown) => {
    consolePage = null;
    throw e;
  });
  return consolePage;
}

let vnc: Promise<typeof import('./VncConsole.svelte')> | null = null;
let serial: Promise<typeof import('./SerialConsole.svelte')> | null = null;

/** noVNC (graphical console). */
export function loadVncConsole(): Promise<typeof import('./VncConsole.svelte')> {
  vnc ??= import('./VncConsole.svelte').catch((e: unknown) => {
    vnc = null;
    throw e;
  });
  return vnc;
}

/** xterm.js (serial console). */
export function loadSerialConsole(): Promise<typeof import('./SerialConsole.svelte')> {
  serial ??= import('./SerialConsole.svelte').catch((e: unknown) => {
    serial = null;
    throw e;
  });
  return serial;
}
