// The XML editor's review diff and the line an error names.
import { describe, expect, it } from 'vitest';
import { clampLine, diffCounts, errorLine, lineDiff, parserErrorText, unifiedDiff } from '../../../src-renderer/common/xml-editor-logic';

const doc = (lines: string[]) => lines.join('\n') + '\n';
const base = Array.from({ length: 20 }, (_, k) => `  <line n='${k + 1}'/>`);

describe('lineDiff / unifiedDiff', () => {
  it('shows nothing for an unchanged document', () => {
    expect(unifiedDiff(doc(base), doc(base))).toEqual([]);
    expect(lineDiff(doc(base), doc(base)).every((l) => l.kind === 'same')).toBe(true);
  });

  it('marks a changed line as removed then added, with old and new line numbers, and context around it', () => {
    const after = [...base];
    after[9] = "  <line n='ten'/>";
    const d = unifiedDiff(doc(base), doc(after), 2);
    expect(d).toEqual([
      { kind: 'gap', hidden: 7 },
      { kind: 'same', text: base[7], oldLine: 8, newLine: 8 },
      { kind: 'same', text: base[8], oldLine: 9, newLine: 9 },
      { kind: 'removed', text: base[9], oldLine: 10 },
      { kind: 'added', text: "  <line n='ten'/>", newLine: 10 },
      { kind: 'same', text: base[10], oldLine: 11, newLine: 11 },
      { kind: 'same', text: base[11], oldLine: 12, newLine: 12 },
      { kind: 'gap', hidden: 8 },
    ]);
    expect(diffCounts(d)).toEqual({ added: 1, removed: 1 });
  });

  it('keeps line numbers right after an insertion and a deletion elsewhere', () => {
    const after = [...base.slice(0, 3), '  <new/>', ...base.slice(3, 15), ...base.slice(16)];
    const d = lineDiff(doc(base), doc(after));
    expect(d.filter((l) => l.kind === 'added')).toEqual([{ kind: 'added', text: '  <new/>', newLine: 4 }]);
    expect(d.filter((l) => l.kind === 'removed')).toEqual([{ kind: 'removed', text: base[15], oldLine: 16 }]);
    const last = d[d.length - 1];
    expect(last).toEqual({ kind: 'same', text: base[19], oldLine: 20, newLine: 20 });
  });

  it('treats CRLF like LF and a missing final newline as no change', () => {
    expect(unifiedDiff(doc(base), base.join('\r\n'))).toEqual([]);
  });

  it('falls back to removed-then-added for a huge rewrite instead of a quadratic table', () => {
    const a = Array.from({ length: 3000 }, (_, k) => `a${k}`).join('\n');
    const b = Array.from({ length: 3000 }, (_, k) => `b${k}`).join('\n');
    const d = lineDiff(a, b);
    expect(diffCounts(d)).toEqual({ added: 3000, removed: 3000 });
    expect(d[0]).toMatchObject({ kind: 'removed', oldLine: 1 });
    expect(d[3000]).toMatchObject({ kind: 'added', newLine: 1 });
  });
});

describe('errorLine', () => {
  it("takes the line libxml2 stopped at from libvirt's message, not the start tag's line", () => {
    expect(errorLine("libvirt refused the XML of virtual network 'n' (nothing was changed): define network: (network_definition):4: Opening and ending tag mismatch: ip line 3 and network")).toBe(4);
  });
  it("reads the server's own check and Chromium's parser", () => {
    expect(errorLine('The virtual network XML is not well-formed at line 7: Opening and ending tag mismatch')).toBe(7);
    expect(errorLine('The XML is not well-formed (error on line 12 at column 3: Opening and ending tag mismatch: name line 0 and nam).')).toBe(12);
  });
  it('gives null when no line is named (a schema error) or the number is nonsense', () => {
    expect(errorLine('XML document failed to validate against schema: Extra element forward in interleave')).toBeNull();
    expect(errorLine('error on line 0 at column 1')).toBeNull();
  });
  it('clamps to a line that exists', () => {
    expect(clampLine(99, 20)).toBe(20);
    expect(clampLine(0, 20)).toBe(1);
    expect(clampLine(5, 0)).toBe(1);
  });
});

describe('parserErrorText', () => {
  const docWith = (text: string | null) => ({ getElementsByTagName: (n: string) => (n === 'parsererror' && text !== null ? [{ textContent: text }] : []) });
  it("keeps Chromium's message without its wrapper", () => {
    expect(parserErrorText(docWith('This page contains the following errors:error on line 4 at column 3: Opening and ending tag mismatch: ip line 0 and network\nBelow is a rendering of the page up to the first error.'))).toBe(
      'error on line 4 at column 3: Opening and ending tag mismatch: ip line 0 and network',
    );
  });
  it('is null for a well-formed document', () => {
    expect(parserErrorText(docWith(null))).toBeNull();
  });
});
