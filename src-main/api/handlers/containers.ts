// (being written) handlers of contract/containers.ts.
import type { HandlerContext } from './context';

export function containerHandlers(ctx: HandlerContext) {
  void ctx;
  return {};
}
