// The transport-neutral face of the core: every front (Electron IPC, browser-mode WebSocket,
// CLI) is a thin adapter over one ApiDispatcher.

export interface ApiEvent {
  type: string;
  [key: string]: unknown;
}

export interface ApiDispatcher {
  /** Runs a method of the API contract; input is validated inside; rejects with ApiError. */
  call(method: string, input: unknown): Promise<unknown>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
  close(): Promise<void>;
}
