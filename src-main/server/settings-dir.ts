// Where browser mode and the CLI keep settings (Electron uses its userData folder instead).
import os from 'node:os';
import path from 'node:path';

export function defaultSettingsDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'virtdesk');
}
