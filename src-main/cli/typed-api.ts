// The CLI calls the core through typed methods: `api['vm.list']({ connection })` resolves to
// MethodResult<'vm.list'>, so commands never cast what a call returns.
import type { ApiDispatcher } from '../api/dispatcher';
import type { MethodName, VirtdeskApi } from '../contract';

/**
 * `api[method](input)` → dispatcher.call(method, input). An API error whose message does not
 * name its field gets the field in front: the CLI shows one line, and it must say what failed.
 */
export function typedApi(dispatcher: Pick<ApiDispatcher, 'call'>): VirtdeskApi {
  const call = async (method: MethodName, input: unknown): Promise<unknown> => {
    try {
      return await dispatcher.call(method, input);
    } catch (e) {
      const err = e as { name?: string; field?: string; message?: string };
      if (err?.name === 'ApiError' && err.field && err.message && !err.message.startsWith(`${err.field}:`) && !err.message.startsWith(`${err.field} `)) {
        err.message = `${err.field}: ${err.message}`;
      }
      throw e;
    }
  };
  // The core validates every input and answers with the contract's result type for the method.
  return new Proxy({} as VirtdeskApi, {
    get: (_t, prop) => (typeof prop === 'string' && prop.includes('.') ? (input: unknown) => call(prop as MethodName, input) : undefined),
  });
}
