// The check before a network or pool document replaces the definition: well-formed (with the
// line), the right root, and the same name and uuid.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-main/contract';
import { checkRedefinition } from '../../../src-main/xml/redefine-check';

const target = { root: 'network' as const, what: 'virtual network', name: 'lab', uuid: 'AAAAAAAA-1111-4222-8333-444444444444' };
const problem = (xml: string): ApiError | null => {
  try {
    checkRedefinition(xml, target);
    return null;
  } catch (e) {
    return e as ApiError;
  }
};

describe('checkRedefinition', () => {
  it('accepts the same name and uuid (uuid case does not matter)', () => {
    expect(problem(`<network>\n  <name>lab</name>\n  <uuid>aaaaaaaa-1111-4222-8333-444444444444</uuid>\n</network>`)).toBeNull();
  });
  it('names the line of a malformed document', () => {
    const e = problem(`<network>\n  <name>lab</nam>\n</network>`);
    expect(e).toBeInstanceOf(ApiError);
    expect(e!.field).toBe('xml');
    expect(e!.message).toMatch(/not well-formed at line 2/);
  });
  it('refuses another root element, a rename, a missing or changed uuid', () => {
    expect(problem('<pool><name>lab</name></pool>')!.message).toContain('must have <network> as its root element');
    expect(problem(`<network><name>lab2</name><uuid>${target.uuid}</uuid></network>`)!.message).toContain("The <name> must stay 'lab' (found 'lab2')");
    expect(problem('<network><name>lab</name></network>')!.message).toContain(`keep <uuid>${target.uuid}</uuid>`);
    expect(problem('<network><name>lab</name><uuid>00000000-0000-4000-8000-000000000000</uuid></network>')!.message).toContain('The <uuid> must stay');
  });
});
