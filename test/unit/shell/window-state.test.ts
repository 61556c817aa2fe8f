import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserWindow } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule);

const { DEFAULT_WINDOW_STATE, isVisibleOnSomeDisplay, loadWindowState, saveWindowState, trackWindowState } =
  await import('../../../src-main/shell/window-state');

const SCREEN = [{ x: 0, y: 0, width: 1920, height: 1080 }];
const TWO_SCREENS = [...SCREEN, { x: 1920, y: 0, width: 2560, height: 1440 }];

describe('window state', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'virtdesk-ws-'));
    file = join(dir, 'window-state.json');
  });
  afterEach(() => {
    vi.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips a visible position and size', () => {
    saveWindowState(file, { x: 100, y: 120, width: 1300, height: 900, maximized: true });
    expect(loadWindowState(file, SCREEN)).toEqual({ x: 100, y: 120, width: 1300, height: 900, maximized: true });
  });

  it('discards an off-screen position but keeps the size', () => {
    saveWindowState(file, { x: 3000, y: 200, width: 1000, height: 700, maximized: false });
    expect(loadWindowState(file, SCREEN)).toEqual({ width: 1000, height: 700, maximized: false });
    // The same position is fine while the second monitor is attached.
    expect(loadWindowState(file, TWO_SCREENS)).toMatchObject({ x: 3000, y: 200 });
  });

  it('discards a position that leaves only a sliver on screen', () => {
    saveWindowState(file, { x: 1900, y: 1060, width: 1000, height: 700, maximized: false });
    expect(loadWindowState(file, SCREEN).x).toBeUndefined();
    expect(isVisibleOnSomeDisplay({ x: -900, y: 10, width: 1000, height: 700 }, SCREEN)).toBe(true);
    expect(isVisibleOnSomeDisplay({ x: -990, y: 10, width: 1000, height: 700 }, SCREEN)).toBe(false);
  });

  it('falls back to defaults for a missing or corrupt file and sanitizes values', () => {
    expect(loadWindowState(file, SCREEN)).toEqual(DEFAULT_WINDOW_STATE);
    writeFileSync(file, '{not json');
    expect(loadWindowState(file, SCREEN)).toEqual(DEFAULT_WINDOW_STATE);
    writeFileSync(file, JSON.stringify({ x: '1', y: 2, width: -5, height: 1e9, maximized: 'yes' }));
    expect(loadWindowState(file, SCREEN)).toEqual(DEFAULT_WINDOW_STATE);
    writeFileSync(file, JSON.stringify({ x: 10, y: 10, width: 300, height: 200 }));
    expect(loadWindowState(file, SCREEN)).toEqual({ x: 10, y: 10, width: 800, height: 560, maximized: false });
  });

  it('saves debounced on resize/move and at once on close', () => {
    vi.useFakeTimers();
    const win = new FakeBrowserWindow({ x: 10, y: 20, width: 1000, height: 700 });
    trackWindowState(win as unknown as BrowserWindow, file, { debounceMs: 500 });

    win.bounds = { x: 30, y: 40, width: 1100, height: 750 };
    win.emit('resize');
    win.emit('move');
    vi.advanceTimersByTime(499);
    expect(() => readFileSync(file)).toThrow();
    vi.advanceTimersByTime(1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ x: 30, y: 40, width: 1100, height: 750, maximized: false });

    win.bounds = { x: 50, y: 60, width: 1200, height: 800 };
    win.maximized = true;
    win.emit('move');
    win.emit('close');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ x: 50, y: 60, width: 1200, height: 800, maximized: true });
    expect(vi.getTimerCount()).toBe(0);
  });
});
