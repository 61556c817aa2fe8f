// What a new user hit outside the wizard: the console, the Performance tab, the lab take-down
// dialog, the shell at 1024 px (the pure rules behind each screen).
import { describe, expect, it } from 'vitest';
import type { LabStatus } from '../../../src-main/contract';
import { NARROW_SIDEBAR_PX, sidebarIsOpen } from '../../../src-renderer/app/layout';
import { ByteLog, SerialScrollback, consoleKinds, resizeVerdict } from '../../../src-renderer/consoles/console-logic';
import { labDownPlan } from '../../../src-renderer/labs/lab-logic';
import { pathParts } from '../../../src-renderer/storage/storage-logic';
import { performancePoints, type StatPoint } from '../../../src-renderer/vm/vm-logic';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('consoles', () => {
  it('opens a VM whose only display is not VNC (or none) on its serial console', () => {
    expect(consoleKinds({ graphics: [], serialConsoles: 1 }).preferred).toBe('serial');
    expect(consoleKinds({ graphics: [{ type: 'spice', port: 5901 }], serialConsoles: 1 })).toEqual({ graphical: false, serial: true, preferred: 'serial' });
    expect(consoleKinds({ graphics: [{ type: 'vnc', port: 5900 }], serialConsoles: 1 }).preferred).toBe('graphical');
  });
  it('keeps the serial scrollback of a VM while its console is not shown', () => {
    const kept = new SerialScrollback(2);
    kept.get('qemu:///system a').append(bytes('login: '));
    // The console is shown again (a new component): the same log, with what it had.
    expect(text(kept.get('qemu:///system a').shownBytes())).toBe('login: ');
    kept.get('b');
    kept.get('c'); // the least recently used ('qemu:///system a') goes
    expect(kept.has('qemu:///system a')).toBe(false);
    expect(kept.get('qemu:///system a').length).toBe(0);
  });
  it('shows again only what came after Clear (Save log keeps everything)', () => {
    const log = new ByteLog(10);
    log.append(bytes('old text'));
    log.markCleared();
    log.append(bytes('new'));
    expect(text(log.shownBytes())).toBe('new');
    expect(log.length).toBe(10); // capped: 'd text' + 'new' … the front was dropped
    log.append(bytes('0123456789'));
    expect(text(log.shownBytes())).toBe('0123456789');
  });
  it('says when "Resize guest to window" cannot work', () => {
    expect(resizeVerdict({ supported: false, fb: { w: 800, h: 600 }, view: { w: 1200, h: 700 } })).toBe('unsupported');
    expect(resizeVerdict({ supported: true, fb: { w: 800, h: 600 }, view: { w: 1200, h: 700 } })).toBe('not-resized');
    expect(resizeVerdict({ supported: true, fb: { w: 1200, h: 700 }, view: { w: 1210, h: 690 } })).toBe('ok');
    expect(resizeVerdict({ supported: null, fb: null, view: { w: 1200, h: 700 } })).toBeNull();
  });
});

describe('Performance of a VM that is not running', () => {
  it('shows no samples of its last run', () => {
    const points: StatPoint[] = [{ at: 1, cpu: 50, memoryUsedKiB: 1024, memoryMaxKiB: 2048 }];
    expect(performancePoints({ state: 'shutoff' }, points)).toEqual([]);
    expect(performancePoints({ state: 'crashed' }, points)).toEqual([]);
    expect(performancePoints({ state: 'running' }, points)).toBe(points);
    expect(performancePoints({ state: 'paused' }, points)).toBe(points);
  });
});

describe('lab take-down', () => {
  const machine = { name: 'l-a', machine: 'a', instance: 'a', uuid: 'u1', state: 'running' as const, overlays: ['/p/l-a-vda.qcow2'] };
  it('lists the cloud-init seed volumes when lab.status gives them', () => {
    const status = { machines: [{ ...machine, seed: '/p/l-a-seed.iso' }, { ...machine, name: 'l-b', seed: undefined }], network: null, base: [] } as unknown as LabStatus;
    const plan = labDownPlan(status);
    expect(plan.seeds).toEqual(['/p/l-a-seed.iso']);
    expect(plan.seedsKnown).toBe(true);
  });
  it('says seeds go too when lab.status does not say which (older core)', () => {
    const plan = labDownPlan({ machines: [machine], network: null, base: [] });
    expect(plan).toMatchObject({ seeds: [], seedsKnown: false });
  });
});

describe('narrow windows', () => {
  it('folds the sidebar under ~1100 px unless the user opened it', () => {
    expect(NARROW_SIDEBAR_PX).toBeGreaterThanOrEqual(1024);
    expect(sidebarIsOpen(true, null)).toBe(false);
    expect(sidebarIsOpen(false, null)).toBe(true);
    expect(sidebarIsOpen(true, true)).toBe(true);
    expect(sidebarIsOpen(false, false)).toBe(false);
  });
  it('lets a path break between folders', () => {
    expect(pathParts('/var/lib/libvirt/images')).toEqual(['/', 'var/', 'lib/', 'libvirt/', 'images']);
    expect(pathParts('/srv/pool/')).toEqual(['/', 'srv/', 'pool/']);
    expect(pathParts('/var/lib/libvirt/images').join('')).toBe('/var/lib/libvirt/images');
  });
});
