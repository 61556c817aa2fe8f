// The reactive side of a console's connection (console-machine.ts) for VncConsole and
// SerialConsole: the state as $state, the status line, following the guest's state and its
// start/reboot events, and the overlay's Start button. Create it while the component
// initialises (it sets up an $effect); start() once the component is mounted.
import { untrack, type Snippet } from 'svelte';
import type { TypedApiEvent, VmSummary } from '../../src-main/contract';
import { errorMessage, type AppStore } from '../app/stores.svelte';
import { confirmTemplateChange } from '../clones/template-guard';
import { t } from '../i18n';
import { isGuestActive } from './console-logic';
import { ConsoleMachine, type ConnectOptions, type ConsoleDriver, type ConsoleStatus } from './console-machine';

export class ConsoleSession {
  status = $state<ConsoleStatus>('connecting');
  /** Why it is disconnected or taken over (or the last error while retrying). */
  detail = $state<string | null>(null);
  /** Automatic attempts in a row. */
  attempt = $state(0);
  /** Another client holds the console: offer "Take over". */
  busy = $state(false);
  /** The overlay's Start button is at work. */
  starting = $state(false);

  readonly statusText = $derived(
    this.status === 'connected'
      ? t('console.status.connected')
      : this.status === 'connecting'
        ? this.attempt > 0
          ? t('console.status.reconnecting', { n: this.attempt })
          : t('console.status.connecting')
        : this.status === 'not-running'
          ? t('console.status.notRunning')
          : t('console.status.disconnected'),
  );

  readonly #machine: ConsoleMachine;
  #off: (() => void) | null = null;

  constructor(
    private readonly app: AppStore,
    /** The live summary (a getter: the component's prop changes). */
    private readonly vm: () => VmSummary,
    driver: ConsoleDriver,
  ) {
    this.#machine = new ConsoleMachine({
      driver,
      isGuestActive: () => isGuestActive(this.vm().state),
      errorText: (e) => t('console.error', { error: errorMessage(e) }),
      busyText: (e) => errorMessage(e),
      onChange: (s) => {
        this.status = s.status;
        this.detail = s.detail;
        this.attempt = s.attempt;
        this.busy = s.busy;
      },
    });

    // The guest started or stopped (the live summary changed).
    let wasActive = untrack(() => isGuestActive(this.vm().state));
    $effect(() => {
      const now = isGuestActive(this.vm().state);
      untrack(() => {
        if (now === wasActive) return;
        wasActive = now;
        this.#machine.guestActiveChanged(now);
      });
    });
  }

  /** Listens for the guest's start/reboot events and connects. */
  start(): void {
    this.#off = this.app.client.onEvent((e: TypedApiEvent) => {
      const vm = this.vm();
      if (e.type === 'vm.changed' && e.uuid === vm.uuid && e.connection === vm.connection) this.#machine.guestEvent(e.event);
    });
    this.#machine.connect();
  }

  /** Reconnect (the user's button); force takes the console over from another client. */
  connect(opts: ConnectOptions = {}): void {
    this.#machine.connect(opts);
  }

  destroy(): void {
    this.#off?.();
    this.#off = null;
    this.#machine.destroy();
  }

  /** Starts the guest (asking first for a template with linked clones); the error to show, if any. */
  async startGuest(): Promise<string | null> {
    const vm = this.vm();
    if (!(await confirmTemplateChange(this.app, vm, 'start'))) return null;
    this.starting = true;
    try {
      await this.app.client.api['vm.start']({ connection: vm.connection, vm: { uuid: vm.uuid }, confirmTemplate: true });
      return null;
    } catch (e) {
      return t('console.startFailed', { error: errorMessage(e) });
    } finally {
      this.starting = false;
    }
  }
}

/** What both consoles (graphical and serial) take. */
export interface ConsoleProps {
  vm: VmSummary;
  /** Extra controls at the start and the end of the toolbar (the console switch, Detach). */
  lead?: Snippet;
  trail?: Snippet;
}
