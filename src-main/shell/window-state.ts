// Remembers the main window's size and position in userData/window-state.json.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';

export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1200, height: 800, maximized: false };
export const MIN_WIDTH = 800;
export const MIN_HEIGHT = 560;
const MAX_SIZE = 16_384;
/** How much of the window must overlap a display's work area for a position to be kept. */
const MIN_VISIBLE = 64;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Parses saved state; anything malformed falls back to the defaults. */
export function parseWindowState(raw: unknown): WindowState {
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULT_WINDOW_STATE };
  const r = raw as Record<string, unknown>;
  const size = (v: unknown, min: number, fallback: number): number =>
    isInt(v) && v > 0 && v <= MAX_SIZE ? Math.max(v, min) : fallback;
  const state: WindowState = {
    width: size(r.width, MIN_WIDTH, DEFAULT_WINDOW_STATE.width),
    height: size(r.height, MIN_HEIGHT, DEFAULT_WINDOW_STATE.height),
    maximized: r.maximized === true,
  };
  if (isInt(r.x) && isInt(r.y) && Math.abs(r.x) <= MAX_SIZE * 4 && Math.abs(r.y) <= MAX_SIZE * 4) {
    state.x = r.x;
    state.y = r.y;
  }
  return state;
}

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/** True if enough of `bounds` lies on one of the displays' work areas to be grabbed. */
export function isVisibleOnSomeDisplay(bounds: Rectangle, workAreas: readonly Rectangle[]): boolean {
  const needW = Math.min(MIN_VISIBLE, bounds.width);
  const needH = Math.min(MIN_VISIBLE, bounds.height);
  return workAreas.some((area) => {
    const o = overlap(bounds, area);
    return o.width >= needW && o.height >= needH;
  });
}

/**
 * Reads the saved state; the saved position is kept only if it is still on a visible display
 * (otherwise the window manager places the window), the size is kept either way.
 */
export function loadWindowState(file: string, workAreas: readonly Rectangle[]): WindowState {
  let state: WindowState;
  try {
    state = parseWindowState(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
  if (state.x !== undefined && state.y !== undefined) {
    const bounds = { x: state.x, y: state.y, width: state.width, height: state.height };
    if (!isVisibleOnSomeDisplay(bounds, workAreas)) {
      delete state.x;
      delete state.y;
    }
  }
  return state;
}

export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

export function captureWindowState(win: BrowserWindow): WindowState {
  // Normal bounds: a maximized window remembers the size it returns to.
  const b = win.getNormalBounds();
  return { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() };
}

/**
 * Saves the state debounced on resize/move and immediately on close.
 * Returns a function that cancels a pending write.
 */
export function trackWindowState(
  win: BrowserWindow,
  file: string,
  options: { debounceMs?: number; onError?: (err: unknown) => void } = {},
): () => void {
  const { debounceMs = 500, onError = (err) => console.warn('virtdesk: cannot save window state:', err) } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = (): void => {
    timer = undefined;
    try {
      if (!win.isDestroyed()) saveWindowState(file, captureWindowState(win));
    } catch (err) {
      onError(err);
    }
  };
  const schedule = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(save, debounceMs);
  };
  const cancel = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  win.on('resize', schedule);
  win.on('move', schedule);
  win.on('maximize', schedule);
  win.on('unmaximize', schedule);
  win.on('close', () => {
    cancel();
    save();
  });
  return cancel;
}
