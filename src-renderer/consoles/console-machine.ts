// The connection life of one console, shared by the graphical (VNC) and the serial console:
// connect; connected; when it drops while the guest runs, reconnect with backoff (0.5 s → 5 s)
// and give up after MAX_AUTO_ATTEMPTS; while the guest is stopped, wait and connect again by
// itself when it starts or reboots; stop when another client holds the console (taken over).
// No DOM and no Svelte: each console plugs in how it opens and closes its transport (a driver),
// and console-session.svelte.ts makes the state reactive.
import { MAX_AUTO_ATTEMPTS, backoffDelay, isConsoleBusyError, isPermanentConsoleError } from './console-logic';

/** What the console shows (also its data-state attribute). */
export type ConsoleStatus = 'connecting' | 'connected' | 'not-running' | 'disconnected';

export interface ConsoleState {
  status: ConsoleStatus;
  /** Why it is disconnected or taken over (or the last error while retrying). */
  detail: string | null;
  /** Automatic attempts in a row; 0 while connected or after a connect the user asked for. */
  attempt: number;
  /** Another client holds the console: offer "Take over". */
  busy: boolean;
}

/** The states by name: `status` plus whether it is a retry, taken over, or closed for good. */
export type ConsolePhase = 'connecting' | 'reconnecting' | 'connected' | 'taken-over' | 'failed' | 'not-running' | 'closed';

export interface ConnectOptions {
  /** Take the console over from another client (serial console). */
  force?: boolean;
}

/** One connect attempt. Reports from an attempt that was superseded or closed are ignored. */
export interface ConsoleAttempt {
  readonly force: boolean;
  /** Still the attempt in charge: no newer connect, no stop, not closed. */
  readonly current: boolean;
  connected(): void;
  /** Opening failed: busy → taken over; guest not running → wait; permanent → give up; else retry. */
  failed(error: unknown, opts?: { permanent?: boolean }): void;
  /** The connection ended: permanent → give up; guest not running → wait; else retry (with force). */
  lost(message: string | null, opts?: { permanent?: boolean; force?: boolean }): void;
}

export interface ConsoleDriver {
  /** Starts opening the transport and reports to the attempt. */
  open(attempt: ConsoleAttempt): void | Promise<void>;
  /** Drops the current transport, if any: before every attempt, when the guest stops, at the end. */
  close(): void;
  /** The guest's QEMU process started (before the machine connects again). */
  guestStarted?(): void;
}

export interface ConsoleMachineOptions {
  driver: ConsoleDriver;
  isGuestActive(): boolean;
  /** The detail shown for a failed attempt. */
  errorText(error: unknown): string;
  /** The detail shown when another client holds the console. */
  busyText(error: unknown): string;
  onChange?(state: Readonly<ConsoleState>): void;
  maxAttempts?: number;
  /** Delay before automatic attempt n (0-based). */
  delay?(attempt: number): number;
}

export class ConsoleMachine {
  #state: ConsoleState = { status: 'connecting', detail: null, attempt: 0, busy: false };
  #seq = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;

  constructor(private readonly o: ConsoleMachineOptions) {}

  get state(): Readonly<ConsoleState> {
    return this.#state;
  }

  get phase(): ConsolePhase {
    const s = this.#state;
    if (this.#closed) return 'closed';
    if (s.status === 'connecting') return s.attempt > 0 ? 'reconnecting' : 'connecting';
    if (s.status === 'disconnected') return s.busy ? 'taken-over' : 'failed';
    return s.status;
  }

  /** A connect the user (or the guest starting) asked for: the attempt count starts over. */
  connect(opts: ConnectOptions = {}): void {
    this.#run(opts.force ?? false, false);
  }

  /** The guest started or stopped (its live summary changed). */
  guestActiveChanged(active: boolean): void {
    if (this.#closed) return;
    if (active) {
      this.o.driver.guestStarted?.();
      // A new QEMU process: nobody but us can have wanted this console a moment ago.
      if (this.#state.status !== 'connected') this.connect({ force: true });
      return;
    }
    this.#clearRetry();
    this.#seq++;
    this.o.driver.close();
    this.#set({ status: 'not-running', detail: null, busy: false });
  }

  /** A vm.changed event of this guest. */
  guestEvent(event: string): void {
    if (this.#closed || (event !== 'started' && event !== 'rebooted')) return;
    // 'started' normally comes with a state change (guestActiveChanged connects); this covers a
    // reboot or start seen while a retry waits or after giving up. The old console is gone, so
    // force is safe — but not when another client holds it (the user decides that).
    const s = this.#state;
    if (this.#retryTimer !== null || (s.status === 'disconnected' && !s.busy)) this.connect({ force: true });
  }

  /** The console goes away: no more attempts, the transport is dropped. */
  destroy(): void {
    this.#closed = true;
    this.#seq++;
    this.#clearRetry();
    this.o.driver.close();
  }

  #run(force: boolean, auto: boolean): void {
    if (this.#closed) return;
    this.#clearRetry();
    this.o.driver.close();
    const my = ++this.#seq;
    const attempt = auto ? this.#state.attempt : 0;
    if (!this.o.isGuestActive()) {
      this.#set({ status: 'not-running', detail: null, attempt, busy: false });
      return;
    }
    this.#set({ status: 'connecting', attempt, busy: false });
    const handle = this.#attempt(my, force);
    try {
      void Promise.resolve(this.o.driver.open(handle)).catch((e: unknown) => handle.failed(e));
    } catch (e) {
      handle.failed(e);
    }
  }

  #attempt(my: number, force: boolean): ConsoleAttempt {
    const isCurrent = (): boolean => my === this.#seq && !this.#closed;
    return {
      force,
      get current() {
        return isCurrent();
      },
      connected: () => {
        if (isCurrent()) this.#set({ status: 'connected', detail: null, attempt: 0 });
      },
      failed: (error, opts = {}) => {
        if (!isCurrent()) return;
        if (isConsoleBusyError(error)) this.#set({ status: 'disconnected', busy: true, detail: this.o.busyText(error) });
        else if (!this.o.isGuestActive()) this.#set({ status: 'not-running', detail: null });
        else if (opts.permanent || isPermanentConsoleError(error)) this.#giveUp(this.o.errorText(error));
        else this.#retry(this.o.errorText(error), force);
      },
      lost: (message, opts = {}) => {
        if (!isCurrent()) return;
        if (opts.permanent) this.#giveUp(message);
        else if (!this.o.isGuestActive()) this.#set({ status: 'not-running', detail: null });
        else this.#retry(message, opts.force ?? false);
      },
    };
  }

  #giveUp(message: string | null): void {
    this.#clearRetry();
    this.#set({ status: 'disconnected', detail: message });
  }

  /** Schedules the next automatic attempt, or gives up after maxAttempts. */
  #retry(message: string | null, force: boolean): void {
    this.#clearRetry();
    const n = this.#state.attempt;
    if (n >= (this.o.maxAttempts ?? MAX_AUTO_ATTEMPTS)) {
      this.#giveUp(message);
      return;
    }
    this.#set({ status: 'connecting', detail: message, attempt: n + 1 });
    this.#retryTimer = setTimeout(
      () => {
        this.#retryTimer = null;
        this.#run(force, true);
      },
      (this.o.delay ?? backoffDelay)(n),
    );
  }

  #clearRetry(): void {
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  #set(change: Partial<ConsoleState>): void {
    this.#state = { ...this.#state, ...change };
    this.o.onChange?.(this.#state);
  }
}
