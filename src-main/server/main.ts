// Browser mode entry: `npm run serve -- [options]` (see USAGE in args.ts; package.json builds
// out/renderer with Vite first, then runs this file with tsx).
//
// stdout carries exactly one line, the link to open:
//   Virtdesk: http(s)://127.0.0.1:<port>/#token=<token>
// Everything else (warnings, errors) goes to stderr. Bad arguments or unusable TLS files →
// exit 2 (before anything listens); failure to start → exit 1; SIGINT/SIGTERM → clean
// shutdown, exit 0.
import path from 'node:path';
import { createCore, type Core } from '../api/core';
import { nodeHostSpawner } from '../libvirt/node-host-spawner';
import { exposureWarning, parseServeArgs, USAGE, UsageError, type ServeArgs } from './args';
import { browserConsoleUpgrades } from '../consoles/server-upgrades';
import { generateToken, isLoopback, startServer, type RunningServer } from './server';
import { readTlsFiles, TlsFileError } from './tls-files';

/** out/renderer, relative to this file (src-main/server/ → repository root). */
const STATIC_DIR = path.resolve(__dirname, '..', '..', 'out', 'renderer');
const SHUTDOWN_TIMEOUT_MS = 5000;

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

type Tls = { cert: Buffer; key: Buffer } | undefined;

async function listen(args: ServeArgs, tls: Tls, core: Core, token: string): Promise<RunningServer> {
  // /console/vnc on the same server: see browserConsoleUpgrades for why the token does not apply.
  let running: RunningServer | null = null;
  const onOtherUpgrade = browserConsoleUpgrades(core.vncProxy, () => running);
  const options = { dispatcher: core, staticDir: STATIC_DIR, host: args.host, port: args.port, token, onOtherUpgrade, tls, hostNames: args.allowHosts };
  const started = async (o: typeof options): Promise<RunningServer> => (running = await startServer(o));
  try {
    return await started(options);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' && !args.portExplicit && args.port !== 0) {
      process.stderr.write(`Port ${args.port} is in use; using a free port instead.\n`);
      return started({ ...options, port: 0 });
    }
    if (code === 'EADDRINUSE') throw new Error(`port ${args.port} on ${args.host} is already in use (choose another with --port, or --port 0 for any free port)`);
    if (code === 'EADDRNOTAVAIL') throw new Error(`${args.host} is not an address of this machine (--listen)`);
    if (code === 'EACCES') throw new Error(`not allowed to listen on port ${args.port} (ports below 1024 need privileges)`);
    throw e;
  }
}

async function main(): Promise<void> {
  let args: ServeArgs;
  try {
    args = parseServeArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`virtdesk serve: ${e.message}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(0);
  }
  let tls: Tls;
  try {
    tls = args.tlsCert !== null && args.tlsKey !== null ? readTlsFiles(args.tlsCert, args.tlsKey) : undefined;
  } catch (e) {
    if (!(e instanceof TlsFileError)) throw e;
    process.stderr.write(`virtdesk serve: ${e.message}\n`);
    process.exit(2);
  }
  const warning = exposureWarning(args.host, tls !== undefined);
  if (warning) process.stderr.write(`${warning}\n`);

  process.on('unhandledRejection', (reason) => {
    process.stderr.write(`virtdesk serve: unhandled error: ${errorText(reason)}\n`);
  });

  const core = createCore({ spawnHost: nodeHostSpawner, settingsDir: args.settingsDir, autoConnect: true, exposed: !isLoopback(args.host) });
  const token = generateToken();
  let server: RunningServer;
  try {
    server = await listen(args, tls, core, token);
  } catch (e) {
    process.stderr.write(`virtdesk serve: cannot start: ${errorText(e)}\n`);
    await core.close().catch(() => undefined);
    process.exit(1);
  }

  process.stdout.write(`Virtdesk: ${server.url}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) {
      process.exit(0); // second signal: do not wait any longer
    }
    stopping = true;
    const timer = setTimeout(() => {
      process.stderr.write('virtdesk serve: shutdown took too long; exiting\n');
      process.exit(0);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    void (async () => {
      core.vncProxy.close(); // upgraded console sockets would otherwise hold server.close() open
      await server.close().catch((e: unknown) => process.stderr.write(`virtdesk serve: closing the server: ${errorText(e)}\n`));
      await core.close().catch((e: unknown) => process.stderr.write(`virtdesk serve: closing the core: ${errorText(e)}\n`));
      process.exit(0);
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`virtdesk serve: ${errorText(e)}\n`);
  process.exit(1);
});
