// What a new user hit in the New-VM wizard: a missing file passed the source step, an
// emulation-only host was offered all its CPUs, a kernel-boot VM was named "vm".
import { describe, expect, it } from 'vitest';
import type { CreateOptions } from '../../../src-main/contract';
import {
  EMULATION_MAX_VCPUS,
  GENERIC_DEFAULTS,
  checkAll,
  checkStep,
  defaultDiskGiB,
  defaultMemoryMiB,
  defaultVcpus,
  emulationOnly,
  firstBlockedStep,
  isFileCheckError,
  kernelNameBase,
  nameBase,
  recommendedFields,
  sourceFiles,
  suggestName,
  warningsAboutFile,
  type WizardContext,
  type WizardData,
} from '../../../src-renderer/wizard/wizard-logic';
import { GiB, wizardData, wizardOptions } from '../../support/wizard-fixture';

const options = wizardOptions;
const emulation = (over: Partial<CreateOptions> = {}) => options({ kvm: false, domainTypes: ['qemu'], defaultDomainType: 'qemu', ...over });
const ISO = '/var/lib/libvirt/images/missing.iso';
const data = (over: Partial<WizardData> = {}): WizardData => wizardData(ISO, over);
const ctx = (over: Partial<WizardContext> = {}): WizardContext => ({ options: options(), existingNames: [], ...over });
// The server's own FileCheckError text (os.detect answers it as INVALID_INPUT).
const MISSING = `file '${ISO}' does not exist`;
const QEMU_WARNING = `ISO image '${ISO}' is inside '/root', which other users cannot enter; QEMU (user libvirt-qemu) will fail with "Permission denied" — move it to /var/lib/libvirt/images or a storage pool folder`;

describe('a missing source file', () => {
  it('recognizes the server file check, not other refusals', () => {
    expect(isFileCheckError(MISSING)).toBe(true);
    expect(isFileCheckError(`file '/x/y.iso' is a folder, not a file`)).toBe(true);
    expect(isFileCheckError(`file '/x/y.iso' is not readable (permission denied)`)).toBe(true);
    expect(isFileCheckError(`'/etc/x' is outside the folders Virtdesk may read`)).toBe(false);
  });
  it('blocks the source step (and so create) once os.detect said it is missing', () => {
    const checks = checkAll(data(), ctx({ fileChecks: { [ISO]: { error: MISSING, warnings: [] } } }));
    expect(checks.source.problem).toMatchObject({ key: 'check.fileUnusable', kind: 'invalid', input: 'isoPath', params: { error: MISSING } });
    expect(firstBlockedStep(checks)).toBe('source');
    // Without the server's word the step goes on as before (remote connections cannot check).
    expect(firstBlockedStep(checkAll(data(), ctx()))).toBeNull();
  });
  it('checks kernel and initrd too, and shows the QEMU-readability warning at the source step', () => {
    const d = data({ sourceKind: 'kernel', kernelPath: '/boot/vmlinuz-6.1.0', initrdPath: '/boot/initrd.img-6.1.0' });
    expect(sourceFiles(d).map((f) => f.input)).toEqual(['kernelPath', 'initrdPath']);
    expect(checkStep('source', d, ctx({ fileChecks: { '/boot/initrd.img-6.1.0': { error: `file '/boot/initrd.img-6.1.0' does not exist`, warnings: [] } } })).problem?.input).toBe('initrdPath');
    const ok = checkStep('source', data(), ctx({ fileChecks: { [ISO]: { error: null, warnings: [QEMU_WARNING] } } }));
    expect(ok.problem).toBeNull();
    expect(ok.warnings).toEqual([expect.objectContaining({ key: 'check.fileWarning', params: { warning: QEMU_WARNING } })]);
  });
  it('takes the preview warnings that name the file', () => {
    expect(warningsAboutFile([QEMU_WARNING, 'software emulation (qemu) is much slower'], ISO)).toEqual([QEMU_WARNING]);
  });
});

describe('sizes proposed to the host', () => {
  it('never proposes every CPU, and at most 2 under emulation', () => {
    expect(defaultVcpus(16, options({ cpus: 8 }))).toBe(7);
    expect(defaultVcpus(2, options({ cpus: 2 }))).toBe(1);
    expect(defaultVcpus(4, emulation({ cpus: 8 }))).toBe(EMULATION_MAX_VCPUS);
    expect(defaultVcpus(1, emulation({ cpus: 8 }))).toBe(1);
    expect(defaultVcpus(2, options({ cpus: 1 }))).toBe(1);
    expect(recommendedFields(GENERIC_DEFAULTS, emulation({ cpus: 4 })).vcpusText).toBe('2');
    expect(recommendedFields({ ...GENERIC_DEFAULTS, vcpus: 4 }, emulation({ cpus: 4 })).vcpusText).toBe('2');
  });
  it('keeps memory and disk within what the host has', () => {
    expect(defaultMemoryMiB(4096, options({ memoryTotalMiB: 3000 }))).toBe(1280);
    expect(defaultMemoryMiB(2048, options())).toBe(2048);
    expect(recommendedFields({ ...GENERIC_DEFAULTS, memoryMiB: 8192 }, options({ memoryTotalMiB: 4096 }))).toMatchObject({ memoryText: '2', memoryUnit: 'GiB' });
    expect(defaultDiskGiB(20, options({ pools: [{ ...options().pools[0]!, available: 5.5 * GiB }] }))).toBe(5);
    expect(defaultDiskGiB(20, options())).toBe(20);
  });
  it('says when the host emulates only', () => {
    expect(emulationOnly(emulation())).toBe(true);
    expect(emulationOnly(options())).toBe(false);
    expect(emulationOnly(null)).toBe(false);
  });
});

describe('the name of a kernel-boot VM', () => {
  it('comes from the kernel (or initrd) file name, unique on the connection', () => {
    expect(kernelNameBase('/var/lib/libvirt/boot/vmlinuz-6.1.0-cloud')).toBe('linux-6-1');
    expect(kernelNameBase('/boot/vmlinuz', '/boot/initrd.img-5.10.0-28-amd64')).toBe('linux-5-10');
    expect(kernelNameBase('/boot/bzImage')).toBe('linux');
    expect(kernelNameBase('/srv/tiny-guest.kernel')).toBe('tiny-guest-kernel');
    const d = data({ sourceKind: 'kernel', kernelPath: '/var/lib/libvirt/boot/vmlinuz-6.1.0-cloud' });
    expect(nameBase(d)).toBe('linux-6-1');
    expect(suggestName(nameBase(d), ['linux-6-1'])).toBe('linux-6-1-2');
  });
});
