// The connection state machine both consoles (VNC and serial) share: what the user sees
// (connecting, connected, reconnecting…, taken over, failed, not running) and when it connects
// again by itself, with a fake transport and fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BACKOFF_INITIAL_MS, MAX_AUTO_ATTEMPTS } from '../../../src-renderer/consoles/console-logic';
import { ConsoleMachine, type ConsoleAttempt, type ConsoleState } from '../../../src-renderer/consoles/console-machine';

const BUSY = { code: 'LIBVIRT', field: 'force', message: 'The console is in use by another client. Take it over?' };
const PERMANENT = { code: 'INVALID_INPUT', message: 'this VM has no VNC display' };
const TRANSIENT = new Error('connection refused');

function setup(opts: { active?: boolean } = {}) {
  let active = opts.active ?? true;
  const attempts: ConsoleAttempt[] = [];
  const changes: ConsoleState[] = [];
  const driver = { open: vi.fn((a: ConsoleAttempt) => void attempts.push(a)), close: vi.fn(), guestStarted: vi.fn() };
  const machine = new ConsoleMachine({
    driver,
    isGuestActive: () => active,
    errorText: (e) => `Console error: ${(e as { message: string }).message}`,
    busyText: (e) => (e as { message: string }).message,
    onChange: (s) => void changes.push({ ...s }),
  });
  const last = (): ConsoleAttempt => attempts[attempts.length - 1]!;
  return { machine, driver, attempts, changes, last, setActive: (v: boolean) => (active = v) };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('console connection state machine', () => {
  it('connects: connecting, then connected when the transport says so', () => {
    const { machine, driver, last, changes } = setup();
    machine.connect();
    expect(machine.phase).toBe('connecting');
    expect(driver.close).toHaveBeenCalledTimes(1);
    expect(driver.open).toHaveBeenCalledTimes(1);
    expect(last().force).toBe(false);
    last().connected();
    expect(machine.phase).toBe('connected');
    expect(machine.state).toEqual({ status: 'connected', detail: null, attempt: 0, busy: false });
    expect(changes.at(-1)?.status).toBe('connected');
  });

  it('does not try while the guest is stopped', () => {
    const { machine, driver } = setup({ active: false });
    machine.connect();
    expect(machine.phase).toBe('not-running');
    expect(driver.open).not.toHaveBeenCalled();
  });

  it('reconnects with backoff when the connection drops, then gives up after MAX_AUTO_ATTEMPTS', () => {
    const { machine, driver, last } = setup();
    machine.connect();
    last().connected();
    last().lost('the session ended');
    expect(machine.phase).toBe('reconnecting');
    expect(machine.state).toMatchObject({ status: 'connecting', attempt: 1, detail: 'the session ended' });
    vi.advanceTimersByTime(BACKOFF_INITIAL_MS - 1);
    expect(driver.open).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(driver.open).toHaveBeenCalledTimes(2);
    // The second retry waits twice as long.
    last().failed(TRANSIENT);
    expect(machine.state).toMatchObject({ attempt: 2, detail: 'Console error: connection refused' });
    vi.advanceTimersByTime(2 * BACKOFF_INITIAL_MS - 1);
    expect(driver.open).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1);
    expect(driver.open).toHaveBeenCalledTimes(3);
    for (let i = 3; i <= MAX_AUTO_ATTEMPTS; i++) {
      last().failed(TRANSIENT);
      vi.runOnlyPendingTimers();
    }
    expect(driver.open).toHaveBeenCalledTimes(MAX_AUTO_ATTEMPTS + 1);
    last().failed(TRANSIENT);
    expect(machine.phase).toBe('failed');
    expect(machine.state).toMatchObject({ status: 'disconnected', detail: 'Console error: connection refused' });
    vi.runAllTimers();
    expect(driver.open).toHaveBeenCalledTimes(MAX_AUTO_ATTEMPTS + 1);
  });

  it('starts the count over once connected again', () => {
    const { machine, last } = setup();
    machine.connect();
    last().failed(TRANSIENT);
    vi.runOnlyPendingTimers();
    last().failed(TRANSIENT);
    vi.runOnlyPendingTimers();
    expect(machine.state.attempt).toBe(2);
    last().connected();
    expect(machine.state.attempt).toBe(0);
    last().lost(null);
    expect(machine.state.attempt).toBe(1);
  });

  it('gives up at once on a permanent error or a permanent loss', () => {
    const { machine, last } = setup();
    machine.connect();
    last().failed(PERMANENT);
    expect(machine.phase).toBe('failed');
    expect(machine.state.detail).toBe('Console error: this VM has no VNC display');
    expect(vi.getTimerCount()).toBe(0);
    machine.connect();
    last().connected();
    last().lost('Authentication required', { permanent: true });
    expect(machine.state).toMatchObject({ status: 'disconnected', detail: 'Authentication required' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops when another client holds the console, and takes it over only when asked', () => {
    const { machine, driver, last } = setup();
    machine.connect();
    last().failed(BUSY);
    expect(machine.phase).toBe('taken-over');
    expect(machine.state).toMatchObject({ status: 'disconnected', busy: true, detail: BUSY.message });
    expect(vi.getTimerCount()).toBe(0);
    // A guest reboot is no reason to grab it back.
    machine.guestEvent('rebooted');
    expect(driver.open).toHaveBeenCalledTimes(1);
    machine.connect({ force: true });
    expect(last().force).toBe(true);
    expect(machine.state.busy).toBe(false);
    last().connected();
    expect(machine.phase).toBe('connected');
  });

  it('retries with force after a loss the console says is surely its own', () => {
    const { machine, last } = setup();
    machine.connect();
    last().connected();
    last().lost('QEMU went away', { force: true });
    vi.runOnlyPendingTimers();
    expect(last().force).toBe(true);
  });

  it('waits while the guest is stopped and connects again by itself when it starts', () => {
    const { machine, driver, attempts, last, setActive } = setup();
    machine.connect();
    last().failed(TRANSIENT);
    expect(vi.getTimerCount()).toBe(1);
    setActive(false);
    machine.guestActiveChanged(false);
    expect(machine.phase).toBe('not-running');
    expect(vi.getTimerCount()).toBe(0);
    expect(driver.close).toHaveBeenCalledTimes(2);
    // A late report of the old attempt changes nothing.
    attempts[0]!.connected();
    expect(machine.phase).toBe('not-running');
    setActive(true);
    machine.guestActiveChanged(true);
    expect(driver.guestStarted).toHaveBeenCalledTimes(1);
    expect(driver.open).toHaveBeenCalledTimes(2);
    expect(last().force).toBe(true);
    expect(machine.state).toMatchObject({ status: 'connecting', attempt: 0 });
  });

  it('shows "not running" when the connection ends because the guest stopped', () => {
    const { machine, last, setActive } = setup();
    machine.connect();
    last().connected();
    setActive(false);
    last().lost('QEMU went away');
    expect(machine.phase).toBe('not-running');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reconnects at once on a guest start or reboot while waiting to retry or after giving up', () => {
    const { machine, driver, last } = setup();
    machine.connect();
    last().failed(TRANSIENT);
    machine.guestEvent('rebooted');
    expect(driver.open).toHaveBeenCalledTimes(2);
    expect(machine.state.attempt).toBe(0);
    last().failed(PERMANENT);
    expect(machine.phase).toBe('failed');
    machine.guestEvent('started');
    expect(driver.open).toHaveBeenCalledTimes(3);
    // Connected, or an attempt in flight: events change nothing.
    machine.guestEvent('rebooted');
    last().connected();
    machine.guestEvent('rebooted');
    machine.guestEvent('started');
    expect(driver.open).toHaveBeenCalledTimes(3);
    expect(machine.phase).toBe('connected');
  });

  it('ignores a superseded attempt', () => {
    const { machine, attempts } = setup();
    machine.connect();
    machine.connect();
    expect(attempts[0]!.current).toBe(false);
    attempts[0]!.failed(PERMANENT);
    expect(machine.phase).toBe('connecting');
    attempts[1]!.connected();
    expect(machine.phase).toBe('connected');
  });

  it('is closed for good once destroyed', () => {
    const { machine, driver, last } = setup();
    machine.connect();
    last().failed(TRANSIENT);
    machine.destroy();
    expect(machine.phase).toBe('closed');
    expect(vi.getTimerCount()).toBe(0);
    expect(driver.close).toHaveBeenCalledTimes(2);
    last().connected();
    machine.guestEvent('started');
    machine.guestActiveChanged(true);
    machine.connect();
    expect(driver.open).toHaveBeenCalledTimes(1);
    expect(machine.phase).toBe('closed');
  });

  it('treats a transport that throws while opening as a failed attempt', () => {
    const throwing = new ConsoleMachine({
      driver: {
        open: () => {
          throw PERMANENT;
        },
        close: () => undefined,
      },
      isGuestActive: () => true,
      errorText: (e) => String((e as { message: string }).message),
      busyText: () => '',
    });
    throwing.connect();
    expect(throwing.phase).toBe('failed');
    expect(throwing.state.detail).toBe('this VM has no VNC display');
  });
});
