// Serial console: the "somebody else holds it" case.
//
// libvirt allows one client per console unless the opener forces it (VIR_DOMAIN_CONSOLE_FORCE,
// which cuts the other client off). Opening a busy console without force on libvirt 9.0 /
// qemu:///system fails with (verified against the real daemon, tiny guest, twice — from the
// same and from a second connection):
//   code 9 (VIR_ERR_OPERATION_FAILED), domain 10 (VIR_FROM_QEMU),
//   message "operation failed: Active console session exists for this domain"
// Code 9 is generic, so the message is what identifies the case. The API turns it into an
// ApiError with field 'force' (the input to change to take over), which survives every
// transport, including the Electron bridge that passes only code/message/field.
import { ApiError } from '../contract';
import { LibvirtError } from '../libvirt/errors';

const BUSY_TEXT = 'Active console session exists';

/** The ApiError `field` that marks "another client holds the serial console". */
export const CONSOLE_BUSY_FIELD = 'force';

export function isConsoleBusy(e: unknown): boolean {
  return e instanceof LibvirtError ? e.libvirtMessage.includes(BUSY_TEXT) || e.message.includes(BUSY_TEXT) : e instanceof Error && e.message.includes(BUSY_TEXT);
}

export function consoleBusyError(vmName: string, libvirtCode?: number): ApiError {
  return new ApiError('LIBVIRT', `Another client is using the serial console of '${vmName}'. Take it over?`, CONSOLE_BUSY_FIELD, libvirtCode);
}
