// Runs the CLI the way a user does: `npm run cli -- ...` is `tsx src-main/cli/main.ts ...`.
import { spawn } from 'node:child_process';
import path from 'node:path';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const ROOT = path.join(__dirname, '../..');

export function runCli(args: string[], o: { stdin?: (write: (s: string) => void, output: () => string, end: () => void) => void; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src-main/cli/main.ts'), ...args], {
      cwd: ROOT,
      // The in-process path, not the CLI agent (test/integration/cli-agent.test.ts tests that).
      env: { ...process.env, VIRTDESK_NO_AGENT: '1', ...o.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cli ${args.join(' ')} timed out; stdout: ${stdout.slice(-500)} stderr: ${stderr.slice(-500)}`));
    }, o.timeoutMs ?? 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (o.stdin) o.stdin((s) => child.stdin.write(s), () => stdout, () => child.stdin.end());
    else child.stdin.end();
  });
}
