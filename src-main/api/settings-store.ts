// Settings as JSON in the user's config dir. A corrupt file never stops the app: defaults are
// used, the bad file is kept as settings.json.bak, and a notice says so once.
// Saved connection URIs go through the URI policy (connection-uri.ts) on the way in: accepted
// ones are kept in their canonical spelling; refused ones are never opened but stay in the file
// (the user's data) and are listed, with the reason, until the user removes them.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_SETTINGS, settingsSchema, type Settings, type SettingsState } from '../contract';
import { checkConnectionUri } from '../contract/connection-uri';

/** A saved URI the policy refuses: shown as a failed connection, never opened. */
export interface RefusedConnection {
  /** As written in the file. */
  uri: string;
  label?: string;
  reason: string;
  /** It is the saved defaultConnection (which is then treated as unset). */
  isDefault?: boolean;
}

type SavedEntry = { uri: string; label?: string };

export class SettingsStore {
  private current: Settings = DEFAULT_SETTINGS;
  private refused: RefusedConnection[] = [];
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
      const parsed: unknown = JSON.parse(raw);
      const { settings, refused } = setAsideRefused(parsed);
      this.current = settingsSchema.parse({ ...DEFAULT_SETTINGS, ...(settings as object) });
      this.refused = refused;
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
      this.refused = [];
    }
  }

  get settings(): Settings {
    return this.current;
  }

  /** Saved URIs the policy refuses (they are kept in the file, never opened). */
  get refusedConnections(): readonly RefusedConnection[] {
    return this.refused;
  }

  state(): SettingsState {
    return { settings: this.current, ...(this.notice ? { notice: this.notice } : {}) };
  }

  update(patch: Partial<Settings>): SettingsState {
    const next = settingsSchema.parse({ ...this.current, ...patch });
    // Choosing a default replaces a refused one; the refused connection entries stay.
    const refused = 'defaultConnection' in patch ? this.refused.filter((r) => !r.isDefault) : this.refused;
    this.write(next, refused);
    return this.state();
  }

  /** Forgets a saved connection: the accepted entry with this canonical URI, and refused entries written exactly so. */
  forgetConnection(uri: string, canonical: string | null): void {
    const next = { ...this.current, connections: this.current.connections.filter((c) => c.uri !== canonical) };
    const refused = this.refused.filter((r) => r.isDefault || r.uri.trim() !== uri.trim());
    if (next.connections.length === this.current.connections.length && refused.length === this.refused.length) return;
    this.write(next, refused);
  }

  private write(next: Settings, refused: RefusedConnection[]): void {
    const refusedDefault = refused.find((r) => r.isDefault);
    const onDisk = {
      ...next,
      defaultConnection: refusedDefault ? refusedDefault.uri : next.defaultConnection,
      connections: [...next.connections, ...refused.filter((r) => !r.isDefault).map((r): SavedEntry => ({ uri: r.uri, ...(r.label !== undefined ? { label: r.label } : {}) }))],
    };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(onDisk, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
    this.current = next;
    this.refused = refused;
    this.notice = undefined;
  }
}

/**
 * Splits the file's connections into the ones the policy accepts (canonical, each once) and the
 * refused ones. Entries that are not {uri: string} are left for the schema to reject.
 */
function setAsideRefused(parsed: unknown): { settings: unknown; refused: RefusedConnection[] } {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { settings: parsed, refused: [] };
  const settings = { ...(parsed as Record<string, unknown>) };
  const refused: RefusedConnection[] = [];
  if (Array.isArray(settings.connections)) {
    const kept: unknown[] = [];
    const seen = new Set<string>();
    for (const entry of settings.connections) {
      const e = entry as Partial<SavedEntry> | null;
      if (!e || typeof e !== 'object' || typeof e.uri !== 'string') {
        kept.push(entry);
        continue;
      }
      const r = checkConnectionUri(e.uri);
      if (!r.ok) {
        refused.push({ uri: e.uri, ...(typeof e.label === 'string' ? { label: e.label } : {}), reason: r.reason });
      } else if (!seen.has(r.uri)) {
        seen.add(r.uri);
        kept.push({ ...e, uri: r.uri });
      }
    }
    settings.connections = kept;
  }
  if (typeof settings.defaultConnection === 'string') {
    const r = checkConnectionUri(settings.defaultConnection);
    if (r.ok) settings.defaultConnection = r.uri;
    else {
      refused.push({ uri: settings.defaultConnection, reason: r.reason, isDefault: true });
      settings.defaultConnection = null;
    }
  }
  return { settings, refused };
}
