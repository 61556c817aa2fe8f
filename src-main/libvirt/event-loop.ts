// libvirt's event loop implemented on Node's own loop (docs/koffi.md rule 4): file
// descriptors are watched with koffi.node.poll, timers with setTimeout/setImmediate. This is
// safe only because every libvirt call in this process runs on this one JS thread; the host
// process guarantees that. It is registered once per process (docs/koffi.md rule 5) and never replaced.
import { koffi, lv, EventAddHandleFunc, EventUpdateHandleFunc, EventRemoveHandleFunc, EventAddTimeoutFunc,
  EventUpdateTimeoutFunc, EventRemoveTimeoutFunc, EventHandleCallback, EventTimeoutCallback, FreeCallback } from './ffi';

const READABLE = 1;
const WRITABLE = 2;
const ERROR = 4;
const HANGUP = 8;

type Ptr = bigint | null;
type PollHandle = ReturnType<typeof koffi.node.poll>;

interface Watch {
  fd: number;
  cb: Ptr;
  opaque: Ptr;
  ff: Ptr;
  poll: PollHandle | null;
}

interface Timer {
  cb: Ptr;
  opaque: Ptr;
  ff: Ptr;
  frequency: number;
  handle: NodeJS.Timeout | NodeJS.Immediate | null;
}

const watches = new Map<number, Watch>();
const timers = new Map<number, Timer>();
let nextWatch = 1;
let nextTimer = 1;
let registered = false;

function releaseLater(ff: Ptr, opaque: Ptr): void {
  // libvirt may hold locks while removing; its free callback must run later.
  if (ff) setImmediate(() => koffi.call(ff, FreeCallback, opaque));
}

function startPoll(id: number, w: Watch, events: number): void {
  w.poll?.close();
  w.poll = null;
  if (!(events & (READABLE | WRITABLE))) return;
  const opts = { readable: !!(events & READABLE), writable: !!(events & WRITABLE), disconnect: true };
  // koffi calls back with (status, events); its bundled .d.ts says only (events).
  const onPoll = ((status: number, ev: { readable: boolean; writable: boolean; disconnect: boolean }) => {
    if (!watches.has(id) || !w.cb) return;
    const mask = status < 0 ? ERROR : (ev.readable ? READABLE : 0) | (ev.writable ? WRITABLE : 0) | (ev.disconnect ? HANGUP : 0);
    if (mask) koffi.call(w.cb, EventHandleCallback, id, w.fd, mask, w.opaque);
  }) as unknown as Parameters<typeof koffi.node.poll>[1];
  w.poll = koffi.node.poll(w.fd, opts, onPoll);
}

function addHandle(fd: number, events: number, cb: Ptr, opaque: Ptr, ff: Ptr): number {
  const id = nextWatch++;
  const w: Watch = { fd, cb, opaque, ff, poll: null };
  watches.set(id, w);
  try {
    startPoll(id, w, events);
  } catch {
    watches.delete(id);
    return -1;
  }
  return id;
}

function updateHandle(id: number, events: number): void {
  const w = watches.get(id);
  if (w) startPoll(id, w, events);
}

function removeHandle(id: number): number {
  const w = watches.get(id);
  if (!w) return -1;
  watches.delete(id);
  w.poll?.close();
  releaseLater(w.ff, w.opaque);
  return 0;
}

function schedule(id: number, t: Timer): void {
  if (t.handle) {
    clearTimeout(t.handle as NodeJS.Timeout);
    clearImmediate(t.handle as NodeJS.Immediate);
    t.handle = null;
  }
  if (t.frequency < 0) return;
  const fire = (): void => {
    t.handle = null;
    if (!timers.has(id) || !t.cb) return;
    koffi.call(t.cb, EventTimeoutCallback, id, t.opaque);
    // The callback may have updated or removed this timer; re-arm only if it did not.
    if (timers.get(id) === t && t.handle === null) schedule(id, t);
  };
  t.handle = t.frequency === 0 ? setImmediate(fire) : setTimeout(fire, t.frequency);
}

function addTimeout(frequency: number, cb: Ptr, opaque: Ptr, ff: Ptr): number {
  const id = nextTimer++;
  const t: Timer = { cb, opaque, ff, frequency, handle: null };
  timers.set(id, t);
  schedule(id, t);
  return id;
}

function updateTimeout(id: number, frequency: number): void {
  const t = timers.get(id);
  if (!t) return;
  t.frequency = frequency;
  schedule(id, t);
}

function removeTimeout(id: number): number {
  const t = timers.get(id);
  if (!t) return -1;
  t.frequency = -1;
  schedule(id, t);
  timers.delete(id);
  releaseLater(t.ff, t.opaque);
  return 0;
}

/** Registers the loop with libvirt. Must run before the first virConnectOpen. */
export function registerEventLoop(): void {
  if (registered) return;
  registered = true;
  lv.virEventRegisterImpl(
    koffi.register(addHandle, koffi.pointer(EventAddHandleFunc)),
    koffi.register(updateHandle, koffi.pointer(EventUpdateHandleFunc)),
    koffi.register(removeHandle, koffi.pointer(EventRemoveHandleFunc)),
    koffi.register(addTimeout, koffi.pointer(EventAddTimeoutFunc)),
    koffi.register(updateTimeout, koffi.pointer(EventUpdateTimeoutFunc)),
    koffi.register(removeTimeout, koffi.pointer(EventRemoveTimeoutFunc)),
  );
}

/** Stops watching everything so the process can exit (docs/koffi.md rule 7: stop the loop first). */
export function stopEventLoop(): void {
  for (const w of watches.values()) w.poll?.close();
  for (const t of timers.values()) {
    t.frequency = -1;
    if (t.handle) {
      clearTimeout(t.handle as NodeJS.Timeout);
      clearImmediate(t.handle as NodeJS.Immediate);
    }
  }
  watches.clear();
  timers.clear();
}
