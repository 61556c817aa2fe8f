// Errors that cross the host-process boundary. No koffi here: the main side imports this.
// libvirt's messages may quote files of this computer (libxml2 parse errors print the offending
// line and a caret; the test driver parses any file it is given): such quotes are cut here, so
// they reach no reply, event or connection list.
import { testDriverFile } from '../contract/connection-uri';
import { englishText, message as M } from '../contract/messages';

/** Names for the libvirt error codes the app reacts to (virterror.h). */
export const LIBVIRT_ERROR_CODES: Record<number, string> = {
  1: 'INTERNAL_ERROR', 3: 'NO_SUPPORT', 5: 'NO_CONNECT', 6: 'INVALID_CONN', 7: 'INVALID_DOMAIN',
  8: 'INVALID_ARG', 9: 'OPERATION_FAILED', 27: 'XML_ERROR', 35: 'XML_DETAIL', 28: 'DOM_EXIST', 29: 'OPERATION_DENIED',
  30: 'OPEN_FAILED', 38: 'SYSTEM_ERROR', 39: 'RPC', 42: 'NO_DOMAIN', 43: 'NO_NETWORK', 45: 'AUTH_FAILED',
  49: 'NO_STORAGE_POOL', 50: 'NO_STORAGE_VOL', 55: 'OPERATION_INVALID', 67: 'CONFIG_UNSUPPORTED',
  68: 'OPERATION_TIMEOUT', 72: 'NO_DOMAIN_SNAPSHOT', 74: 'ARGUMENT_UNSUPPORTED', 84: 'OPERATION_UNSUPPORTED',
  85: 'SSH', 87: 'RESOURCE_BUSY', 88: 'ACCESS_DENIED', 90: 'STORAGE_VOL_EXIST', 92: 'XML_INVALID_SCHEMA',
};

export interface SerializedLibvirtError {
  name: 'LibvirtError';
  code: number;
  domain: number;
  message: string;
  operation: string;
}

/** A failed libvirt call: libvirt's own code, error domain and message, plus what we were doing. */
export class LibvirtError extends Error {
  override readonly name = 'LibvirtError';
  constructor(
    readonly code: number,
    readonly domain: number,
    readonly libvirtMessage: string,
    readonly operation: string,
  ) {
    libvirtMessage = withoutQuotedXml(libvirtMessage);
    super(`${operation}: ${libvirtMessage}`);
  }
  get codeName(): string {
    return LIBVIRT_ERROR_CODES[this.code] ?? `ERROR_${this.code}`;
  }
  toJSON(): SerializedLibvirtError {
    return { name: this.name, code: this.code, domain: this.domain, message: this.libvirtMessage, operation: this.operation };
  }
  static fromJSON(e: SerializedLibvirtError): LibvirtError {
    return new LibvirtError(e.code, e.domain, e.message, e.operation);
  }
}

export type HostFailureKind = 'crashed' | 'timeout' | 'closed' | 'spawn-failed' | 'connection-lost';

/** The host process for a connection died, hung, or lost its daemon. */
export class HostProcessError extends Error {
  override readonly name = 'HostProcessError';
  constructor(readonly kind: HostFailureKind, readonly uri: string, message: string) {
    super(message);
  }
}

// libxml2 through libvirt: "<file>:<line>: <parser message>\n<the offending line>\n<spaces>^".
const LIBXML_DETAIL = /^([^\n]*?):(\d+): ([^\n]*)\n[\s\S]*\n[ \t]*\^[ \t]*$/;

/**
 * A libvirt message without libxml2's quoted line and caret. When the parsed text was a file of
 * this computer (an absolute path), the parser message goes too: it quotes names from the file.
 */
export function withoutQuotedXml(message: string): string {
  const m = LIBXML_DETAIL.exec(message.replace(/\n+$/, ''));
  if (!m) return message;
  const [, source, line, detail] = m;
  const where = source.replace(/^.*?(?=\/)/, ''); // "XML error: /path" → "/path"
  if (where.startsWith('/')) return englishText(M('error.connection.notWellFormed', { source, line }));
  return `${source}:${line}: ${detail}`;
}

/** What a failed open of a test-driver file says: never the file's content. */
export function testDriverFileMessage(file: string, exists = true): string {
  return englishText(M(exists ? 'error.connection.testDriverInvalid' : 'error.connection.testDriverMissing', { file }));
}

/**
 * The message shown for a connection that failed: libxml2 quotes cut, and for a test:///<file>
 * URI whatever libvirt said about the file (it may quote a root element or other names from
 * it) replaced by testDriverFileMessage. Messages Virtdesk wrote itself (host process exits,
 * time-outs) pass unchanged.
 */
export function connectionOpenErrorMessage(uri: string, message: string): string {
  const clean = withoutQuotedXml(message);
  const file = testDriverFile(uri);
  if (file === null) return clean;
  const prefix = `connect to ${uri}: `;
  if (!clean.startsWith(prefix)) return clean;
  const rest = clean.slice(prefix.length);
  if (rest === testDriverFileMessage(file) || rest === testDriverFileMessage(file, false)) return clean;
  return englishText(M('error.connection.openFailed', { uri, detail: testDriverFileMessage(file) }));
}
