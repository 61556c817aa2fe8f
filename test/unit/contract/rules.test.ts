// Rules every front applies the same way come from the contract, not from copies: the wizard and
// the core (CLI, labs) give a cloud VM the same default host name, and the contract imports
// nothing from the rest of the main process (the renderer and the CLI import its values).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostnameFromName } from '../../../src-main/contract/rules';
import { hostnameFromName as seedHostname } from '../../../src-main/cloudinit/seed';
import { effectiveHostname, hostnameFromName as wizardHostname } from '../../../src-renderer/wizard/wizard-logic';

describe('shared rules', () => {
  it('one default host name rule for the wizard and the core', () => {
    expect(wizardHostname).toBe(hostnameFromName);
    expect(seedHostname).toBe(hostnameFromName);
    expect(effectiveHostname({ cloudHostname: '', name: 'Web Server 1' })).toBe('web-server-1');
  });

  it('the contract is a leaf: its modules import only zod and each other', () => {
    const dir = path.join(__dirname, '../../../src-main/contract');
    for (const f of fs.readdirSync(dir)) {
      const src = fs.readFileSync(path.join(dir, f), 'utf8');
      for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*from\s+'([^']+)'/g)) {
        expect(m[1] === 'zod' || m[1].startsWith('./'), `${f} imports ${m[1]}`).toBe(true);
      }
    }
  });
});
