// A call a test expects to fail, for asserting on the error it ends with.
import type { ApiError } from '../../src-main/contract';

/** The error `p` rejects with (an API refusal unless `E` says otherwise); a `p` that resolves fails the test. */
export function failure<E extends Error = ApiError>(p: Promise<unknown>): Promise<E> {
  return p.then(
    (v) => {
      throw new Error(`expected a failure, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e as E,
  );
}
