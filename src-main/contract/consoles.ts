// Serial and graphical consoles of a VM.
import { z } from 'zod';
import { method, onVm } from './common';
import { LINUX_KEY_NAMES, MAX_SEND_KEYS } from './keys';

export type ConsoleEventMap = {
  'console.data': { sessionId: string; data: string };
  'console.end': { sessionId: string; reason: string };
};

const empty = z.object({}).strict();

export const consoleMethods = {
  /**
   * Opens the serial console; output arrives as console.data events (base64). When another
   * client holds it (and force is not set) the error is { code: 'LIBVIRT', field: 'force' }:
   * "Another client is using the serial console of '<name>'. Take it over?" — retry with
   * force: true to take it over (the other client's session ends).
   */
  'console.open': method(z.object({ ...onVm, force: z.boolean().optional() }).strict(), {} as { sessionId: string }),
  'console.write': method(z.object({ sessionId: z.string().min(1).max(64), data: z.string().max(1_000_000) }).strict(), undefined as void),
  'console.close': method(z.object({ sessionId: z.string().min(1).max(64) }).strict(), undefined as void),

  /**
   * A one-time ticket for the VM's graphical console (VNC over a binary WebSocket, for noVNC).
   * Connect to `<wsBase><path>` within `expiresInMs` — wsBase from console.endpoint (null: the
   * page's own origin, ws://host:port). Valid once, for this connection + VM only. Errors: the VM
   * is not running (LIBVIRT, libvirtCode 55), has no VNC display (LIBVIRT, 67), or lives on a
   * remote host (LIBVIRT, 84, field 'connection': needs an SSH tunnel, not supported yet).
   */
  'console.vncTicket': method(z.object(onVm).strict(), {} as { ticket: string; path: string; expiresInMs: number }),
  /**
   * Where console WebSockets go: null = the page's own origin (browser mode); in the desktop
   * app `ws://127.0.0.1:<port>` (a loopback server used only for consoles).
   */
  'console.endpoint': method(empty, {} as { wsBase: string | null }),
  /**
   * Presses keys together on the guest keyboard (e.g. Ctrl+Alt+Del) and releases them: linux
   * input key names (KEY_LEFTCTRL, KEY_LEFTALT, KEY_DELETE, KEY_F1, KEY_SYSRQ, …), at most 16.
   */
  'vm.sendKeys': method(
    z.object({
      ...onVm,
      keys: z
        .array(z.enum(LINUX_KEY_NAMES, { error: (iss) => `unknown key name ${JSON.stringify(iss.input)} (use linux input names such as KEY_LEFTCTRL, KEY_DELETE, KEY_F1)` }))
        .min(1, 'no keys given')
        .max(MAX_SEND_KEYS, `at most ${MAX_SEND_KEYS} keys at once`),
    }).strict(),
    undefined as void,
  ),
} as const;
