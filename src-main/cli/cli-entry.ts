// The built CLI's entry, out/cli/virtdesk.js (`npm run cli` runs main.ts directly). It answers
// `list` and the completion names in-process (one-shot.ts) before the rest of the CLI loads —
// the command table and every command's parser, which those never use; anything else imports
// main.ts, which runs the command as usual (its own one-shot attempt then declines at once).
// Built as CommonJS with that path inside and main.ts as an ES module chunk
// (scripts/build-cli.mjs): Node runs a CommonJS script without starting its ES module loader.
import module from 'node:module';
import { runOneShot, withDefaultConnect } from './one-shot';
import { defaultSettingsDir } from '../server/settings-dir';

// V8's code cache for the modules loaded from here on: Node ≥ 22.1 has it, Node 20 does not
// (then this does nothing).
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

async function entry(): Promise<void> {
  let code: number | undefined;
  try {
    code = await runOneShot(withDefaultConnect(process.argv.slice(2), process.env), defaultSettingsDir());
  } catch {
    code = undefined; // main.ts runs it through the core, which reports the error
  }
  if (code !== undefined) process.exit(code);
  await import('./main');
}

void entry();
