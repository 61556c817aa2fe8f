// Every API method's handler, one module per object (the contract is filed the same way). A new
// method needs: its entry in src-main/contract/<object>.ts and its handler in the matching module
// here — `apiHandlers` does not compile until every method of the contract has one.
import type { MethodName } from '../../contract';
import { cloneHandlers } from './clones';
import { connectionHandlers } from './connections';
import { consoleHandlers } from './consoles';
import type { HandlerContext, HandlersFor } from './context';
import type { CoreServices } from './core-services';
import { fileHandlers } from './files';
import { hostCreateOptionsHandlers } from './host-create-options';
import { hostHandlers } from './host';
import { labHandlers } from './labs';
import { networkHandlers } from './networks';
import { osHandlers } from './os';
import { settingsHandlers } from './settings';
import { snapshotHandlers } from './snapshots';
import { storageHandlers } from './storage';
import { vmCreateDeleteHandlers } from './vm-create-delete';
import { vmEditHandlers } from './vm-edit';
import { vmDeviceHandlers } from './vm-devices';
import { containerHandlers } from './containers';
import { migrationHandlers } from './migration';
import { vmHandlers } from './vms';

/** The handlers that need only a client per connection (the core adds connections, consoles, …). */
export function libvirtHandlers(ctx: HandlerContext) {
  return {
    ...vmCreateDeleteHandlers(ctx),
    ...vmEditHandlers(ctx),
    ...vmDeviceHandlers(ctx),
    ...containerHandlers(ctx),
    ...migrationHandlers(ctx),
    ...snapshotHandlers(ctx),
    ...cloneHandlers(ctx),
    ...storageHandlers(ctx),
    ...networkHandlers(ctx),
    ...osHandlers(ctx),
    ...hostCreateOptionsHandlers(ctx),
    ...fileHandlers(ctx),
    ...labHandlers(ctx),
  };
}

export function apiHandlers(ctx: HandlerContext, core: CoreServices): HandlersFor<MethodName> {
  return {
    ...libvirtHandlers(ctx),
    ...connectionHandlers(core),
    ...hostHandlers(core),
    ...vmHandlers(core),
    ...consoleHandlers(core),
    ...settingsHandlers(core),
  };
}

export { handlerContext, type HandlerContext, type HandlerDeps } from './context';
export type { CoreServices } from './core-services';

/** Methods `libvirtHandlers` answers (tests and benchmarks call them without a core). */
export type LibvirtMethodName = keyof ReturnType<typeof libvirtHandlers>;
