// The CLI's version (scripts/build-cli.mjs defines it; 'dev' when run from source) and its answer
// to --version, shared by the built CLI's entry (cli-entry.ts, which answers before loading
// main.ts) and main.ts (`npm run cli`, which has no such entry).
export const VERSION = process.env.VIRTDESK_CLI_VERSION ?? 'dev';

/** What `--version` prints, when the command line has it anywhere (it wins over everything else). */
export function versionAnswer(argv: string[]): string | undefined {
  return argv.includes('--version') ? `virtdesk ${VERSION}\n` : undefined;
}
