// Input pieces every part of the API contract shares (contract.ts, contract-create.ts,
// contract-labs.ts). Imports nothing but zod, so the renderer may import it and no part of the
// contract imports another at runtime.
import { z } from 'zod';

/** One method of the contract: its input schema; the result type rides along as a phantom. */
export function method<I extends z.ZodType, R>(input: I, _result?: R) {
  return { input, result: undefined as unknown as R };
}

/** A libvirt connection URI such as qemu:///system, qemu+ssh://user@host/system, test:///default. */
export const connectionUri = z
  .string()
  .trim()
  .min(1, 'connection URI is empty')
  .max(1024, 'connection URI is longer than 1024 characters')
  .regex(/^[a-z][a-z0-9+.-]*:\/\/[^\s]*$/i, 'not a libvirt URI (expected e.g. qemu:///system or qemu+ssh://user@host/system)');

/** A VM is named by UUID (preferred, stable) or by name. */
export const vmRef = z.union([
  z.object({ uuid: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'not a UUID') }).strict(),
  z.object({ name: z.string().min(1, 'VM name is empty').max(200, 'VM name is longer than 200 characters') }).strict(),
]);
export type VmRef = z.infer<typeof vmRef>;

export const onConnection = { connection: connectionUri.optional() };
export const onVm = { ...onConnection, vm: vmRef };
