// vm.migrate and vm.migrateCancel over the Migrations runner (src-main/migration/).
import { Migrations } from '../../migration/migrate';
import type { HandlerContext, HandlersFor } from './context';

export function migrationHandlers(ctx: HandlerContext): HandlersFor<'vm.migrate' | 'vm.migrateCancel'> {
  const migrations = new Migrations({ conn: (uri) => ctx.conn(uri), emit: ctx.deps.emit, locked: ctx.locked });
  return {
    'vm.migrate': (i) => migrations.migrate(i),
    'vm.migrateCancel': (i) => migrations.cancel(i),
  };
}
