// Message keys the UI builds at run time (t(`state.${s}`) and the like), so no source file
// names them literally. test/unit/renderer/i18n-keys.test.ts counts these as used; add a key
// here when you build one from a template literal.
import type { MessageKey } from './en';

export const DYNAMIC_KEYS = [
  // StateBadge, VmSnapshots: t(`state.${state}`)
  'state.running',
  'state.blocked',
  'state.paused',
  'state.shutdown',
  'state.shutoff',
  'state.crashed',
  'state.pmsuspended',
  'state.nostate',
  // ConnectionList: t(`conn.${c.state}`)
  'conn.connecting',
  'conn.connected',
  'conn.reconnecting',
  'conn.failed',
  'conn.closed',
  // VmList: t(`filter.${f}`)
  'filter.all',
  'filter.running',
  'filter.paused',
  'filter.shutoff',
  'filter.other',
  // VmActions: t(`confirm.${action}.title|body|ok`)
  'confirm.forceOff.title',
  'confirm.forceOff.body',
  'confirm.forceOff.ok',
  'confirm.reboot.title',
  'confirm.reboot.body',
  'confirm.reboot.ok',
  'confirm.discardSave.title',
  'confirm.discardSave.body',
  'confirm.discardSave.ok',
  // HostPage: `host.verdict.${v}`, `status.${s}`
  'host.verdict.kvm',
  'host.verdict.emulation',
  'host.verdict.none',
  'status.ok',
  'status.warn',
  'status.fail',
  'status.info',
  // TemplateWarningDialog: t(`template.body.${action}`), t(`template.ok.${action}`)
  'template.body.start',
  'template.body.delete',
  'template.body.revert',
  'template.body.snapshot',
  'template.body.deleteSnapshot',
  'template.ok.start',
  'template.ok.delete',
  'template.ok.revert',
  'template.ok.snapshot',
  'template.ok.deleteSnapshot',
  // LabsPage: t(`labs.busy.${action}`), t(`labs.done.${action}`)
  'labs.busy.start',
  'labs.busy.stop',
  'labs.busy.reset',
  'labs.done.start',
  'labs.done.stop',
  'labs.done.reset',
] as const satisfies readonly MessageKey[];
