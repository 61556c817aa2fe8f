// Input pieces every part of the API contract shares (contract.ts, contract-create.ts,
// contract-labs.ts). Imports nothing but zod and the pure URI policy (connection-uri.ts), so the
// renderer may import it and no part of the contract imports another at runtime.
import { z } from 'zod';
import { checkConnectionUri, uriRefusalMessage } from './connection-uri';

/** One method of the contract: its input schema; the result type rides along as a phantom. */
export function method<I extends z.ZodType, R>(input: I, _result?: R) {
  return { input, result: undefined as unknown as R };
}

/**
 * A libvirt connection URI such as qemu:///system, qemu+ssh://user@host/system, test:///default,
 * checked against Virtdesk's URI policy (connection-uri.ts) and turned into its canonical spelling.
 */
export const connectionUri = z
  .string()
  .trim()
  .min(1, 'connection URI is empty')
  .max(1024, 'connection URI is longer than 1024 characters')
  .transform((uri, ctx) => {
    const r = checkConnectionUri(uri);
    if (r.ok) return r.uri;
    ctx.addIssue({ code: 'custom', message: uriRefusalMessage(uri, r.reason) });
    return z.NEVER;
  });

/** Any URI-looking string, unchecked: only for naming a saved entry to forget (connections.remove). */
export const savedConnectionUri = z.string().trim().min(1, 'connection URI is empty').max(1024, 'connection URI is longer than 1024 characters');

/** A VM is named by UUID (preferred, stable) or by name. */
export const vmRef = z.union([
  z.object({ uuid: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'not a UUID') }).strict(),
  z.object({ name: z.string().min(1, 'VM name is empty').max(200, 'VM name is longer than 200 characters') }).strict(),
]);
export type VmRef = z.infer<typeof vmRef>;

export const onConnection = { connection: connectionUri.optional() };
export const onVm = { ...onConnection, vm: vmRef };
