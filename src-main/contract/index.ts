// The single source of truth of the Virtdesk API: every method (input schema + result type) and
// every event, one module per object (connections, host, vms, consoles, snapshots, clones,
// storage, networks, os, files, labs, settings). Electron IPC, the browser-mode WebSocket and the
// CLI are thin adapters over the same handlers.
//
// A leaf: the contract imports nothing but zod and its own modules, so the renderer and the CLI
// import its values (schemas, rules) as well as its types. See docs/where-does-x-go.md.
import type { z } from 'zod';
import { cloneMethods, type CloneEventMap } from './clones';
import { connectionMethods, type ConnectionEventMap, type ConnectionStatus } from './connections';
import { consoleMethods, type ConsoleEventMap } from './consoles';
import { fileMethods, type FileEventMap } from './files';
import { hostMethods } from './host';
import { labMethods } from './labs';
import { errorText, type MessageParam, type MessageRef } from './messages';
import { networkMethods } from './networks';
import { osMethods } from './os';
import { settingsMethods, type SettingsState } from './settings';
import { snapshotMethods } from './snapshots';
import { storageMethods } from './storage';
import { vmMethods, type VmEventMap } from './vms';
import { vmEditMethods } from './vm-edit';
import { vmDeviceMethods, type VmDeviceEventMap } from './vm-devices';
import { containerMethods, type ContainerEventMap } from './containers';
import { migrationMethods, type MigrationEventMap } from './migration';

export * from './clones';
export * from './common';
export * from './connection-uri';
export * from './connections';
export * from './consoles';
export * from './display-name';
export * from './fields';
export * from './files';
export * from './host';
export * from './keys';
export * from './labs';
export * from './libvirt-types';
export * from './messages';
export * from './networks';
export * from './os';
export * from './rules';
export * from './settings';
export * from './snapshots';
export * from './storage';
export * from './vm-spec';
export * from './vms';
export * from './vm-edit';
export * from './vm-devices';
export * from './containers';
export * from './migration';

// ---- events ----
export type ApiEventMap = {
  'connection.state': ConnectionStatus;
  'settings.changed': SettingsState;
} & ConnectionEventMap &
  VmEventMap &
  FileEventMap &
  ConsoleEventMap &
  CloneEventMap &
  VmDeviceEventMap &
  ContainerEventMap &
  MigrationEventMap;
export type ApiEventType = keyof ApiEventMap;
export type TypedApiEvent = { [K in ApiEventType]: { type: K } & ApiEventMap[K] }[ApiEventType];

// ---- methods ----
export const methods = {
  ...connectionMethods,
  ...hostMethods,
  ...vmMethods,
  ...vmEditMethods,
  ...vmDeviceMethods,
  ...containerMethods,
  ...migrationMethods,
  ...consoleMethods,
  ...snapshotMethods,
  ...cloneMethods,
  ...storageMethods,
  ...networkMethods,
  ...osMethods,
  ...fileMethods,
  ...labMethods,
  ...settingsMethods,
} as const;

export type MethodName = keyof typeof methods;
export type MethodInput<M extends MethodName> = z.input<(typeof methods)[M]['input']>;
export type MethodParsed<M extends MethodName> = z.output<(typeof methods)[M]['input']>;
export type MethodResult<M extends MethodName> = (typeof methods)[M]['result'];

/** The typed client every front uses (renderer, CLI, tests). */
export type VirtdeskApi = { [M in MethodName]: (input: MethodInput<M>) => Promise<MethodResult<M>> };

export type ApiErrorCode = 'INVALID_INPUT' | 'UNKNOWN_METHOD' | 'LIBVIRT' | 'CONNECTION' | 'NOT_FOUND' | 'INTERNAL' | 'CANCELLED';

/**
 * The one error shape every front shows; `field` names the bad input field. `text` is the message
 * as a key with parameters (for the renderer's languages): given, or found from the English
 * (the common errors of contract/messages.ts, libvirt's "not found" errors).
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly text?: MessageRef;
  constructor(readonly code: ApiErrorCode, message: string, readonly field?: string, readonly libvirtCode?: number, text?: MessageRef) {
    super(message);
    const found = text ?? errorText(code, message, libvirtCode);
    if (found) this.text = found;
  }
  toJSON(): { code: ApiErrorCode; message: string; field?: string; libvirtCode?: number; key?: string; params?: Record<string, MessageParam> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.field ? { field: this.field } : {}),
      ...(this.libvirtCode !== undefined ? { libvirtCode: this.libvirtCode } : {}),
      ...(this.text ? { key: this.text.key, ...(this.text.params ? { params: this.text.params } : {}) } : {}),
    };
  }
}

/** The first problem of an input as { field, message }. */
export function firstIssue(error: z.ZodError): { field?: string; message: string } {
  const issue = error.issues[0];
  const field = issue.path.join('.') || undefined;
  const message = issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `'${k}'`).join(', ')}` : issue.message;
  return { field: field ?? (issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined), message: field && !message.startsWith(field.replace(/\.\d+$/, '')) ? `${field}: ${message}` : message };
}

/** Validates a method's input without throwing (forms check as the user types): the parsed value, or the first problem. */
export function validateInput<M extends MethodName>(name: M, input: unknown): { ok: true; value: MethodParsed<M> } | { ok: false; field?: string; message: string } {
  const r = methods[name].input.safeParse(input ?? {});
  if (r.success) return { ok: true, value: r.data as MethodParsed<M> };
  return { ok: false, ...firstIssue(r.error) };
}

/** Validates a method's input; throws ApiError('INVALID_INPUT') naming the first bad field. */
export function parseInput<M extends MethodName>(method: M, input: unknown): MethodParsed<M> {
  if (!isMethodName(method)) throw new ApiError('UNKNOWN_METHOD', `unknown method '${String(method).slice(0, 64)}'`);
  const r = methods[method].input.safeParse(input ?? {});
  if (r.success) return r.data as MethodParsed<M>;
  const issue = r.error.issues[0];
  const field = issue.path.join('.') || undefined;
  const message = issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `'${k}'`).join(', ')}` : issue.message;
  throw new ApiError('INVALID_INPUT', field ? `${field}: ${message}` : message, field ?? (issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined));
}

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}
