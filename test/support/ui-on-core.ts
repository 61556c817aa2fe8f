// Browser mode on a core the test made itself (its own settings, connections added through the
// API): the server with a fresh token and a Chromium page logged in with it.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Core } from '../../src-main/api/core';
import { browserConsoleUpgrades } from '../../src-main/consoles/server-upgrades';
import { generateToken, startServer, type RunningServer } from '../../src-main/server/server';
import { launchBrowser } from './browser';

/** The built renderer (npm run build); VIRTDESK_TEST_RENDERER_DIR may name a private build. */
export const RENDERER_DIR = process.env.VIRTDESK_TEST_RENDERER_DIR ?? path.join(__dirname, '../../out/renderer');

export async function openUiOnCore(core: Core, viewport = { width: 1280, height: 900 }): Promise<{ server: RunningServer; browser: Browser; page: Page }> {
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) throw new Error(`${RENDERER_DIR} is missing: run \`npm run build\` first (npm test does)`);
  const token = generateToken();
  // Graphical consoles (/console/vnc) on the same server, as `npm run serve` routes them.
  let running: RunningServer | null = null;
  const server = (running = await startServer({ dispatcher: core, staticDir: RENDERER_DIR, port: 0, token, onOtherUpgrade: browserConsoleUpgrades(core.vncProxy, () => running) }));
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport });
  await page.goto(`http://127.0.0.1:${server.port}/#token=${token}`);
  return { server, browser, page };
}
