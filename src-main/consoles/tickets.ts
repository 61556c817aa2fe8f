// One-time console tickets. The token-guarded API (console.vncTicket) issues a ticket bound to
// exactly one connection + VM + console kind; the console WebSocket presents it in its URL and
// redeems it once. A ticket is 32 random bytes (base64url), valid for 30 s, and dies on its
// first use — also on a use that does not match its binding, so a ticket cannot be probed.
//
// Lookup is by Map key (a hash table, not a byte-by-byte comparison against a secret): the
// ticket is a 256-bit random value, so timing differences of the lookup leak nothing usable —
// an attacker cannot grow a ticket prefix by prefix against a random key that disappears after
// 30 s or one use.
import { randomBytes } from 'node:crypto';

export type ConsoleKind = 'vnc';

export interface TicketBinding {
  /** The libvirt connection URI the VM lives on. */
  connection: string;
  vm: { uuid: string };
  kind: ConsoleKind;
  /** Which <graphics> device of the domain (virDomainOpenGraphicsFD's idx); default 0. */
  graphicsIndex?: number;
  /** The VM's name, for messages only (not part of the binding check). */
  name?: string;
}

export interface IssuedTicket {
  ticket: string;
  expiresInMs: number;
}

export type RedeemResult =
  | { ok: true; binding: TicketBinding }
  | { ok: false; reason: 'unknown' | 'expired' | 'mismatch' };

export const TICKET_TTL_MS = 30_000;
/** Tickets alive at once; the oldest are dropped beyond this (a runaway UI cannot grow memory). */
const MAX_LIVE_TICKETS = 1000;
const TICKET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

interface Entry {
  binding: TicketBinding;
  expiresAt: number;
}

export class ConsoleTickets {
  private readonly live = new Map<string, Entry>();

  constructor(
    private readonly opts: { ttlMs?: number; now?: () => number } = {},
  ) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private get ttl(): number {
    return this.opts.ttlMs ?? TICKET_TTL_MS;
  }

  /** A fresh ticket for exactly this binding. */
  issue(binding: TicketBinding): IssuedTicket {
    this.sweep();
    while (this.live.size >= MAX_LIVE_TICKETS) {
      const oldest = this.live.keys().next().value;
      if (oldest === undefined) break;
      this.live.delete(oldest);
    }
    const ticket = randomBytes(32).toString('base64url');
    this.live.set(ticket, {
      binding: { ...binding, vm: { uuid: binding.vm.uuid.toLowerCase() } },
      expiresAt: this.now() + this.ttl,
    });
    return { ticket, expiresInMs: this.ttl };
  }

  /**
   * The binding of `ticket`, once. A second use, an expired or unknown ticket, or one whose
   * binding differs from `expect` (any field given there) is refused; the ticket is gone after
   * any attempt to redeem it.
   */
  redeem(ticket: unknown, expect: Partial<Pick<TicketBinding, 'connection' | 'kind'>> & { vm?: { uuid: string } } = {}): RedeemResult {
    if (typeof ticket !== 'string' || !TICKET_SHAPE.test(ticket)) return { ok: false, reason: 'unknown' };
    const entry = this.live.get(ticket);
    if (!entry) return { ok: false, reason: 'unknown' };
    this.live.delete(ticket);
    if (this.now() >= entry.expiresAt) return { ok: false, reason: 'expired' };
    const b = entry.binding;
    if (expect.kind !== undefined && expect.kind !== b.kind) return { ok: false, reason: 'mismatch' };
    if (expect.connection !== undefined && expect.connection !== b.connection) return { ok: false, reason: 'mismatch' };
    if (expect.vm !== undefined && expect.vm.uuid.toLowerCase() !== b.vm.uuid) return { ok: false, reason: 'mismatch' };
    return { ok: true, binding: b };
  }

  /** Live (unredeemed, unexpired) tickets; for tests and diagnostics. */
  get size(): number {
    this.sweep();
    return this.live.size;
  }

  /** Forgets every ticket (on shutdown). */
  clear(): void {
    this.live.clear();
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, e] of this.live) if (t >= e.expiresAt) this.live.delete(k);
  }
}
