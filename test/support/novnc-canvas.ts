// Reading the noVNC canvas of the graphical console in a Chromium page, for tests of guests whose
// screen is VGA text (GRUB, a BIOS): how much of it is lit, a hash, and lit pixels per character
// cell, so that tests see typed text and new output without OCR.
import type { Page } from 'playwright-core';

export interface CanvasInfo {
  width: number;
  height: number;
  /** Share of pixels that are not (nearly) black. */
  lit: number;
  /** A hash of all pixels. */
  hash: number;
  /**
   * Lit pixels per character cell (VGA text mode: 80 columns of 9 or 8 pixels, rows of 16),
   * row by row. A blinking cursor changes one cell; typed text, new output or a reboot change
   * many — see changedCells. Equal glyphs have equal counts — see findEchoed.
   */
  cells: number[];
  cols: number;
}

/** Reads the noVNC canvas' pixels in the page. */
export async function canvasInfo(page: Page): Promise<CanvasInfo | null> {
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('[data-testid="vnc-canvas-host"] canvas');
    if (!c || c.width === 0 || c.height === 0) return null;
    const ctx = c.getContext('2d');
    if (!ctx) return null;
    const { width, height } = c;
    const d = ctx.getImageData(0, 0, width, height).data;
    const cw = width % 80 === 0 ? width / 80 : 8;
    const cols = Math.ceil(width / cw);
    const cells = new Array<number>(cols * Math.ceil(height / 16)).fill(0);
    let lit = 0;
    let h = 0x811c9dc5;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        const r = d[i]!;
        const g = d[i + 1]!;
        const b = d[i + 2]!;
        if (r > 24 || g > 24 || b > 24) {
          lit++;
          cells[Math.floor(y / 16) * cols + Math.floor(x / cw)]!++;
        }
        h = Math.imul(h ^ (r | (g << 8) | (b << 16)), 0x01000193) >>> 0;
      }
    }
    return { width, height, lit: lit / (width * height), hash: h, cells, cols };
  });
}

/** How many character cells differ between two screens (a different size: all of them). */
export function changedCells(a: CanvasInfo, b: CanvasInfo): number {
  if (a.width !== b.width || a.height !== b.height) return Math.max(a.cells.length, b.cells.length);
  let n = 0;
  for (let i = 0; i < a.cells.length; i++) if (a.cells[i] !== b.cells[i]) n++;
  return n;
}

/**
 * True when some text row ends with `word` (after `prefixLength` characters) and the next
 * row holds exactly the same glyphs at its start and nothing after them: `echo <word>` and
 * its output, compared as pixels (no OCR needed).
 */
export function findEchoed(c: CanvasInfo, prefixLength: number, wordLength: number): boolean {
  const rows = c.cells.length / c.cols;
  const cell = (r: number, col: number): number => c.cells[r * c.cols + col] ?? 0;
  for (let r = 0; r + 1 < rows; r++) {
    let same = true;
    for (let i = 0; i < wordLength && same; i++) same = cell(r, prefixLength + i) > 0 && cell(r, prefixLength + i) === cell(r + 1, i);
    for (let col = wordLength; col < c.cols && same; col++) same = cell(r + 1, col) === 0;
    if (same) return true;
  }
  return false;
}

/** More than a blinking cursor (one cell) and a ticking countdown (a couple of cells). */
export const REAL_CHANGE = 4;

export async function waitCanvas(page: Page, what: string, ok: (c: CanvasInfo) => boolean, timeoutMs = 30_000): Promise<CanvasInfo> {
  const until = Date.now() + timeoutMs;
  let last: CanvasInfo | null = null;
  for (;;) {
    last = await canvasInfo(page);
    if (last && ok(last)) return last;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; canvas: ${last ? `${last.width}x${last.height}, ${(last.lit * 100).toFixed(2)} % lit` : 'none'}`);
    await page.waitForTimeout(250);
  }
}

/** The screen once it has stopped changing (beyond the cursor) for `quietMs`. */
export async function settledCanvas(page: Page, quietMs = 1500, timeoutMs = 30_000): Promise<CanvasInfo> {
  const until = Date.now() + timeoutMs;
  let last = await canvasInfo(page);
  let since = Date.now();
  for (;;) {
    await page.waitForTimeout(250);
    const now = await canvasInfo(page);
    if (!now || !last || changedCells(now, last) >= REAL_CHANGE) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return now;
    if (Date.now() > until) {
      if (last) return last;
      throw new Error('the VNC canvas never appeared');
    }
  }
}

/** Runs `act` (keys for the guest), then returns the screen once it has changed beyond the cursor and settled again. */
export async function screenAfter(page: Page, what: string, before: CanvasInfo, act: () => Promise<void>, timeoutMs = 30_000): Promise<CanvasInfo> {
  await act();
  await waitCanvas(page, what, (c) => changedCells(c, before) >= REAL_CHANGE, timeoutMs);
  return settledCanvas(page);
}
