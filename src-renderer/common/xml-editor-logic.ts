// Pure logic of the XML editor: a line diff for "Review changes" and the line an error message
// names (libvirt's libxml2 messages, the server's own check, the browser's XML parser).

export type DiffLine =
  | { kind: 'same'; text: string; oldLine: number; newLine: number }
  | { kind: 'removed'; text: string; oldLine: number }
  | { kind: 'added'; text: string; newLine: number }
  | { kind: 'gap'; hidden: number };

/** Above this many cells (changed old lines × changed new lines) the middle is shown as replaced. */
const MAX_LCS_CELLS = 4_000_000;

export function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Every line of both texts, in order: unchanged, removed (old) or added (new). */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out: DiffLine[] = [];
  for (let k = 0; k < start; k++) out.push({ kind: 'same', text: a[k]!, oldLine: k + 1, newLine: k + 1 });
  out.push(...middleDiff(a, b, start, endA, endB));
  for (let k = 0; endA + k < a.length; k++) out.push({ kind: 'same', text: a[endA + k]!, oldLine: endA + k + 1, newLine: endB + k + 1 });
  return out;
}

function middleDiff(a: string[], b: string[], start: number, endA: number, endB: number): DiffLine[] {
  const n = endA - start;
  const m = endB - start;
  const out: DiffLine[] = [];
  if (n * m > MAX_LCS_CELLS) {
    for (let i = start; i < endA; i++) out.push({ kind: 'removed', text: a[i]!, oldLine: i + 1 });
    for (let j = start; j < endB; j++) out.push({ kind: 'added', text: b[j]!, newLine: j + 1 });
    return out;
  }
  // Longest common subsequence lengths of the suffixes, then one walk from the front.
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = a[start + i] === b[start + j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      out.push({ kind: 'same', text: a[start + i]!, oldLine: start + i + 1, newLine: start + j + 1 });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i * w + j + 1]! >= lcs[(i + 1) * w + j]!)) {
      out.push({ kind: 'added', text: b[start + j]!, newLine: start + j + 1 });
      j++;
    } else {
      out.push({ kind: 'removed', text: a[start + i]!, oldLine: start + i + 1 });
      i++;
    }
  }
  // Removed lines before added ones within each changed block reads better.
  return groupChanges(out);
}

function groupChanges(lines: DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  let removed: DiffLine[] = [];
  let added: DiffLine[] = [];
  const flush = () => {
    out.push(...removed, ...added);
    removed = [];
    added = [];
  };
  for (const l of lines) {
    if (l.kind === 'removed') removed.push(l);
    else if (l.kind === 'added') added.push(l);
    else {
      flush();
      out.push(l);
    }
  }
  flush();
  return out;
}

/** The diff with unchanged runs longer than 2 × context shortened to a gap: what a reviewer reads. */
export function unifiedDiff(before: string, after: string, context = 3): DiffLine[] {
  const all = lineDiff(before, after);
  const near = all.map(() => false);
  all.forEach((l, k) => {
    if (l.kind === 'same') return;
    for (let d = Math.max(0, k - context); d <= Math.min(all.length - 1, k + context); d++) near[d] = true;
  });
  const out: DiffLine[] = [];
  let hidden = 0;
  all.forEach((l, k) => {
    if (near[k]) {
      if (hidden) out.push({ kind: 'gap', hidden });
      hidden = 0;
      out.push(l);
    } else hidden++;
  });
  if (hidden && out.length) out.push({ kind: 'gap', hidden });
  return out;
}

export function diffCounts(lines: DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.kind === 'added') added++;
    else if (l.kind === 'removed') removed++;
  }
  return { added, removed };
}

/**
 * The line an error message points at, or null. libxml2 through libvirt writes
 * "(network_definition):4: Opening and ending tag mismatch: ip line 3 and network" (4 is where
 * the parser stopped; "line 3" is the unclosed start tag), the server "… at line 4: …", Chromium's
 * parser "error on line 4 at column 3: …".
 */
export function errorLine(message: string): number | null {
  const libxml = /\):(\d+): /.exec(message) ?? /^[^\s:]+:(\d+): /m.exec(message);
  const plain = libxml ?? /\bline (\d+)\b/i.exec(message);
  if (!plain) return null;
  const n = Number(plain[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** A line number within the document (CodeMirror needs an existing line). */
export function clampLine(line: number, lineCount: number): number {
  return Math.min(Math.max(1, line), Math.max(1, lineCount));
}

/**
 * What the browser's XML parser says about the text, or null when it is well-formed: the text
 * of its <parsererror> element (Chromium and Firefox both report one instead of throwing).
 */
export function parserErrorText(doc: { getElementsByTagName(name: string): ArrayLike<{ textContent: string | null }> }): string | null {
  const err = doc.getElementsByTagName('parsererror')[0];
  if (!err) return null;
  const text = (err.textContent ?? '').replace(/\s+/g, ' ').trim();
  // Chromium wraps the message: "This page contains the following errors:error on line … Below is a rendering …".
  const m = /(error on line \d+ at column \d+: .*?)(?:Below is a rendering.*)?$/i.exec(text);
  return (m ? m[1]! : text).trim() || 'not well-formed XML';
}
