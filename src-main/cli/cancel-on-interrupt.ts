// Ctrl+C during a long operation (create, clone): the operation is cancelled through the core
// (vm.cancel), which stops it before its next step and removes what it created; the call then
// fails with code CANCELLED and main prints that one line (what happened, what was removed) and
// exits with 130, as shells expect after SIGINT. Further Ctrl+C while it rolls back are ignored:
// leaving now would leave a half-made volume behind.
import type { VirtdeskApi } from '../contract';

export function newProgressId(): string {
  return `cli-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

export async function cancelOnInterrupt<T>(api: Pick<VirtdeskApi, 'vm.cancel'>, progressId: string, run: () => Promise<T>): Promise<T> {
  let asked = false;
  let settled = false;
  // Ctrl+C may come before the core has registered the operation (still checking its input):
  // ask again until it is cancelled or over.
  const cancel = async (): Promise<void> => {
    while (!settled && !(await api['vm.cancel']({ progressId }).then((r) => r.cancelled, () => false))) await new Promise((r) => setTimeout(r, 100));
  };
  const onSigint = (): void => {
    if (asked) return;
    asked = true;
    void cancel();
  };
  process.on('SIGINT', onSigint);
  try {
    return await run();
  } finally {
    settled = true;
    process.off('SIGINT', onSigint);
  }
}
