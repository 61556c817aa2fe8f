// One-time console tickets: single use, expiry, binding, unknown tickets.
import { describe, expect, it } from 'vitest';
import { ConsoleTickets, TICKET_TTL_MS, type TicketBinding } from '../../../src-main/consoles/tickets';

const UUID_A = '6695eb01-f6a4-8304-79aa-97f2502e193f';
const UUID_B = '11111111-2222-3333-4444-555555555555';
const A: TicketBinding = { connection: 'qemu:///system', vm: { uuid: UUID_A }, kind: 'vnc' };

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('console tickets', () => {
  it('issues 32 random bytes as base64url, valid 30 s', () => {
    const tickets = new ConsoleTickets();
    const one = tickets.issue(A);
    const two = tickets.issue(A);
    expect(one.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(one.ticket, 'base64url')).toHaveLength(32);
    expect(one.ticket).not.toBe(two.ticket);
    expect(one.expiresInMs).toBe(TICKET_TTL_MS);
    expect(TICKET_TTL_MS).toBe(30_000);
  });

  it('redeems once, then never again', () => {
    const tickets = new ConsoleTickets();
    const { ticket } = tickets.issue(A);
    const first = tickets.redeem(ticket, { kind: 'vnc' });
    expect(first).toEqual({ ok: true, binding: A });
    expect(tickets.redeem(ticket, { kind: 'vnc' })).toEqual({ ok: false, reason: 'unknown' });
    expect(tickets.redeem(ticket)).toEqual({ ok: false, reason: 'unknown' });
    expect(tickets.size).toBe(0);
  });

  it('expires after 30 s (injected clock)', () => {
    const c = clock();
    const tickets = new ConsoleTickets({ now: c.now });
    const early = tickets.issue(A).ticket;
    const late = tickets.issue(A).ticket;
    c.advance(TICKET_TTL_MS - 1);
    expect(tickets.redeem(early).ok).toBe(true);
    c.advance(1);
    expect(tickets.redeem(late)).toEqual({ ok: false, reason: 'expired' });
    expect(tickets.size).toBe(0);
  });

  it('refuses a ticket used for another VM, connection or console kind — and burns it', () => {
    const tickets = new ConsoleTickets();
    const forB = tickets.issue(A).ticket;
    expect(tickets.redeem(forB, { vm: { uuid: UUID_B } })).toEqual({ ok: false, reason: 'mismatch' });
    expect(tickets.redeem(forB, { vm: { uuid: UUID_A } })).toEqual({ ok: false, reason: 'unknown' });

    const otherConn = tickets.issue(A).ticket;
    expect(tickets.redeem(otherConn, { connection: 'qemu:///session' })).toEqual({ ok: false, reason: 'mismatch' });

    const otherKind = tickets.issue(A).ticket;
    expect(tickets.redeem(otherKind, { kind: 'spice' as 'vnc' })).toEqual({ ok: false, reason: 'mismatch' });

    const ok = tickets.issue(A).ticket;
    expect(tickets.redeem(ok, { connection: 'qemu:///system', vm: { uuid: UUID_A.toUpperCase() }, kind: 'vnc' }).ok).toBe(true);
  });

  it('refuses unknown, forged and malformed tickets', () => {
    const tickets = new ConsoleTickets();
    const real = tickets.issue(A).ticket;
    const forged = (real[0] === 'A' ? 'B' : 'A') + real.slice(1);
    for (const t of [forged, '', 'x', 'A'.repeat(43), real + 'A', null, undefined, 42, { ticket: real }]) {
      expect(tickets.redeem(t)).toEqual({ ok: false, reason: 'unknown' });
    }
    // The real one was not burnt by the forgeries.
    expect(tickets.redeem(real).ok).toBe(true);
  });

  it('keeps a bounded number of live tickets and forgets all on clear()', () => {
    const tickets = new ConsoleTickets();
    const first = tickets.issue(A).ticket;
    for (let i = 0; i < 1500; i++) tickets.issue(A);
    expect(tickets.size).toBeLessThanOrEqual(1000);
    expect(tickets.redeem(first).ok).toBe(false);
    const last = tickets.issue(A).ticket;
    tickets.clear();
    expect(tickets.redeem(last).ok).toBe(false);
  });
});
