// Settings as JSON in the user's config dir. A corrupt file never stops the app: defaults are
// used, the bad file is kept as settings.json.bak, and a notice says so once.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_SETTINGS, settingsSchema, type Settings, type SettingsState } from './contract';

export class SettingsStore {
  private current: Settings = DEFAULT_SETTINGS;
  private notice: string | undefined;
  readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, 'settings.json');
    this.load();
  }

  private load(): void {
    let raw: string;
    try {
      raw = fs.readFileSync(this.file, 'utf8');
    } catch {
      return; // first start
    }
    try {
      this.current = settingsSchema.parse({ ...DEFAULT_SETTINGS, ...JSON.parse(raw) });
    } catch (e) {
      const backup = `${this.file}.bak`;
      try {
        fs.renameSync(this.file, backup);
      } catch {
        /* keep going with defaults */
      }
      const why = e instanceof SyntaxError ? 'it is not valid JSON' : 'it has invalid values';
      this.notice = `Your settings file could not be read (${why}); defaults are in use. The old file was kept as ${backup}.`;
      this.current = DEFAULT_SETTINGS;
    }
  }

  get settings(): Settings {
    return this.current;
  }

  state(): SettingsState {
    return { settings: this.current, ...(this.notice ? { notice: this.notice } : {}) };
  }

  update(patch: Partial<Settings>): SettingsState {
    const next = settingsSchema.parse({ ...this.current, ...patch });
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
    this.current = next;
    this.notice = undefined;
    return this.state();
  }
}
