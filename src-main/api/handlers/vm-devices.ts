// (being written) handlers of contract/vm-devices.ts.
import type { HandlerContext } from './context';

export function vmDeviceHandlers(ctx: HandlerContext) {
  void ctx;
  return {};
}
