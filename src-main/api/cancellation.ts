// Long operations a caller may cancel: vm.create and vm.clone given a progressId. vm.cancel
// aborts the one with that id; the operation checks its signal before each step and, when it is
// cancelled, removes what it created (its usual rollback) and fails with code CANCELLED.
// A step already under way finishes first: libvirt cannot interrupt a storage copy (docs/koffi.md rule 6).
import { ApiError } from '../contract';

const running = new Map<string, AbortController>();

/** Registers an operation under `progressId` (none: not cancellable); `end` when it is over. */
export function cancellable(progressId: string | undefined): { signal?: AbortSignal; end: () => void } {
  if (!progressId) return { end: () => undefined };
  if (running.has(progressId)) throw new ApiError('INVALID_INPUT', `an operation with progressId '${progressId}' is already running; give each operation its own`, 'progressId');
  const controller = new AbortController();
  running.set(progressId, controller);
  return { signal: controller.signal, end: () => void (running.get(progressId) === controller && running.delete(progressId)) };
}

/** Cancels the operation running under `progressId`; false when there is none. */
export function cancelOperation(progressId: string): boolean {
  const controller = running.get(progressId);
  if (!controller) return false;
  controller.abort(new ApiError('CANCELLED', 'cancelled by the user'));
  return true;
}

/** Throws the CANCELLED error when the operation was cancelled. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof ApiError ? signal.reason : new ApiError('CANCELLED', 'cancelled by the user');
}
