// App settings.
import { z } from 'zod';
import { connectionUri, method } from './common';
import { absolutePath, filePath } from './fields';

export const themeSchema = z.enum(['system', 'light', 'dark']);
export const languageSchema = z.enum(['en', 'ja']);

export const settingsSchema = z.object({
  /** null: qemu:///system if reachable, else qemu:///session. */
  defaultConnection: connectionUri.nullable(),
  /** Canonical URIs (connection-uri.ts); each once. */
  connections: z
    .array(z.object({ uri: connectionUri, label: z.string().max(100).optional(), keyFile: filePath('keyFile').optional(), connectAtStart: z.boolean().optional() }).strict())
    .max(50)
    .refine((l) => new Set(l.map((c) => c.uri)).size === l.length, 'a connection is listed twice (URIs are compared in their canonical spelling)'),
  statsIntervalMs: z.number().int().min(500, 'stats interval must be at least 500 ms').max(60_000, 'stats interval must be at most 60 s'),
  theme: themeSchema,
  language: languageSchema,
  /** Extra folders browse mode's file chooser may show (besides pool folders and the usual places). */
  browseFolders: z
    .array(absolutePath('browseFolders[]'))
    .max(20, 'at most 20 folders')
    .refine((l) => new Set(l).size === l.length, 'a folder is listed twice')
    .refine((l) => !l.includes('/'), "'/' would show the whole computer: pick the folders that hold your images"),
  /** Browser mode beyond loopback: let install URLs lead to this computer's loopback / link-local addresses. */
  allowLocalUrlTargets: z.boolean({ error: 'allowLocalUrlTargets must be true or false' }),
}).strict();
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  defaultConnection: null,
  connections: [],
  statsIntervalMs: 2000,
  theme: 'system',
  language: 'en',
  browseFolders: [],
  allowLocalUrlTargets: false,
};

export interface SettingsState {
  settings: Settings;
  /** Shown once when the settings file was unreadable and defaults were used. */
  notice?: string;
}

const empty = z.object({}).strict();

export const settingsMethods = {
  'settings.get': method(empty, {} as SettingsState),
  'settings.update': method(settingsSchema.partial().strict(), {} as SettingsState),
} as const;
