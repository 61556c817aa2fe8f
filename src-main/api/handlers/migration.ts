// (being written) handlers of contract/migration.ts.
import type { HandlerContext } from './context';

export function migrationHandlers(ctx: HandlerContext) {
  void ctx;
  return {};
}
