// The built CLI's entry, out/cli/virtdesk.js (`npm run cli` runs main.ts directly). It answers
// `list` and the completion names before the rest of the CLI loads — the command table and every
// command's parser, which those never use: first by asking the CLI agent (agent-client.ts, a
// background process that keeps libvirt open), else in-process (one-shot.ts), after which it
// starts an agent for next time. Anything else imports main.ts, which runs the command as usual
// (its own one-shot attempt then declines at once). `virtdesk.js __agent <uri>` runs the agent.
// Built as CommonJS (scripts/build-cli.mjs): Node runs a CommonJS script without starting its ES
// module loader. The in-process path's libvirt code is a CommonJS file of its own, required only
// when the agent did not answer; main.ts and the agent are ES module chunks.
import module from 'node:module';
import { runOneShot, withDefaultConnect } from './one-shot';
import { agentPlan, askAgent, startAgent } from './agent-client';
import { defaultSettingsDir } from '../server/settings-dir';
import { versionAnswer } from './version';

// V8's code cache for the modules loaded from here on: Node ≥ 22.1 has it, Node 20 does not
// (then this does nothing).
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

/** VIRTDESK_AGENT_DEBUG=1: one line on stderr saying which path answered (tests and curious users). */
function debug(text: string): void {
  if (process.env.VIRTDESK_AGENT_DEBUG === '1') process.stderr.write(`virtdesk: ${text}\n`);
}

async function entry(): Promise<void> {
  if (process.argv[2] === '__agent') {
    await (await import('./agent-server')).runAgent(process.argv[3]);
    return;
  }
  // Without loading main.ts: scripts call it to check the install.
  const version = versionAnswer(process.argv.slice(2));
  if (version) {
    process.stdout.write(version);
    process.exit(0);
  }
  const argv = withDefaultConnect(process.argv.slice(2), process.env);
  const settingsDir = defaultSettingsDir();
  const plan = agentPlan(argv, settingsDir, process.env);
  let miss = 'skip' in plan ? plan.skip : '';
  if ('socket' in plan) {
    const r = await askAgent(plan.socket, plan.request);
    if ('out' in r) {
      process.stdout.write(r.out);
      debug(`answered by the agent (pid ${r.pid}, request ${r.served})`);
      process.exit(0);
    }
    miss = `agent ${r.miss}${r.detail ? ` (${r.detail})` : ''}`;
  }
  let code: number | undefined;
  try {
    code = await runOneShot(argv, settingsDir);
  } catch {
    code = undefined; // main.ts runs it through the core, which reports the error
  }
  if (code !== undefined) {
    if (code === 0 && 'socket' in plan) {
      startAgent(__filename, plan.request.uri, process.env);
      miss += '; started one';
    }
    debug(`answered in-process (${miss})`);
    process.exit(code);
  }
  debug(`the core answers (${miss})`);
  await import('./main');
}

void entry();
