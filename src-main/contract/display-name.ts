// The rule every name shown to users shares (VMs, pools, volumes, networks, snapshots, lab
// machines, tags): no invisible characters. Bidirectional overrides and isolates (U+202A–U+202E,
// U+2066–U+2069) and marks (U+200E, U+200F, U+061C) reorder what is displayed, so
// "backup‮gpj.exe" can look like "backupexe.jpg"; other format (Cf) and control (Cc)
// characters are invisible. Pure (zod only): the renderer may import it.
import { z } from 'zod';

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

const KNOWN: Record<number, string> = {
  0x061c: 'ARABIC LETTER MARK',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
};

/** "U+202E" */
export function codePointLabel(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first invisible (control, format, line/paragraph separator) character of `s`, or null. */
export function firstInvisible(s: string): { index: number; codePoint: number; label: string } | null {
  const m = INVISIBLE.exec(s);
  if (!m) return null;
  const codePoint = m[0].codePointAt(0)!;
  const name = KNOWN[codePoint] ?? (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f) ? 'a control character' : 'an invisible formatting character');
  return { index: m.index, codePoint, label: `${codePointLabel(codePoint)} (${name})` };
}

/** The message for a name with an invisible character, or null when it has none ('' what: no subject). */
export function displayNameProblem(s: string, what: string): string | null {
  const bad = firstInvisible(s);
  if (!bad) return null;
  return `${what ? `${what} ` : ''}contains the invisible character ${bad.label} at position ${[...s.slice(0, bad.index)].length + 1}: it can make the name look like another; remove it`;
}

/**
 * The zod check: one issue naming the character, and no further checks of the same string
 * (so a name's other rules do not report the same problem again in vaguer words).
 */
export function refuseInvisible(what: string) {
  return (s: string, ctx: z.RefinementCtx): void => {
    const message = displayNameProblem(s, what);
    if (message) ctx.addIssue({ code: 'custom', message, continue: false });
  };
}
