// How the main side talks to a libvirt host process. The same host module runs under
// Node's child_process.fork (CLI, browser mode, tests) and Electron's utilityProcess (desktop);
// each front supplies a HostSpawner, everything above it is shared.

export interface HostChannel {
  /** Send one structured-clone-able message to the host process. */
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process is gone (crash, kill or normal exit). */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

/** Starts one host process; `env` must be passed to it (it carries the connection URI). */
export type HostSpawner = (env: Record<string, string>) => HostChannel;
