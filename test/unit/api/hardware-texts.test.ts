// The hardware texts the server sends with message keys: a device's one-line summary
// (describeDeviceText) reads exactly as describeDevice's English for every device of the domain
// XML corpus, and the passthrough notes' templates are still the words host/node-devices.ts uses,
// so a changed text there fails here instead of silently losing its Japanese.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOSTDEV_MESSAGES, englishText } from '../../../src-main/contract/messages';
import { describeDevice, describeDeviceText, parseDomain } from '../../../src-main/domain';
import { translateServerText } from '../../../src-renderer/i18n';

const ROOT = resolve(__dirname, '../../..');
const CORPUS = join(ROOT, 'test/fixtures/domain-xml');

function corpusFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? corpusFiles(join(dir, e.name)) : e.name.endsWith('.xml') ? [join(dir, e.name)] : []));
}

describe('device summaries as messages', () => {
  it("read as describeDevice's English for every device of the corpus", () => {
    let keyed = 0;
    const kinds = new Set<string>();
    for (const file of corpusFiles(CORPUS)) {
      let devices;
      try {
        devices = parseDomain(readFileSync(file, 'utf8')).devices();
      } catch {
        continue;
      }
      for (const d of devices) {
        const text = describeDeviceText(d);
        if (!text) continue;
        keyed++;
        kinds.add(d.kind);
        expect(englishText(text), `${file}: ${d.kind}`).toBe(describeDevice(d));
      }
    }
    expect(keyed).toBeGreaterThan(1000);
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['channel', 'console', 'controller', 'disk', 'filesystem', 'graphics', 'hostdev', 'input', 'interface', 'rng', 'serial', 'sound', 'tpm', 'video', 'watchdog']));
  });

  it('are Japanese in the Japanese UI', () => {
    const d = parseDomain(`<domain type='qemu'><name>x</name><memory>1</memory><os><type>hvm</type></os><devices>
      <disk type='file' device='cdrom'><source file='/i.iso'/><target dev='sda' bus='sata'/></disk>
      <interface type='network'><mac address='52:54:00:00:00:01'/><source network='default'/><model type='virtio'/></interface>
      <input type='tablet' bus='usb'/></devices></domain>`);
    const ja = d.devices().map((x) => translateServerText('ja', describeDeviceText(x), describeDevice(x)));
    expect(ja).toEqual(['「CD-ROM」 sda (sata): /i.iso', 'ネットワーク virtio 52:54:00:00:00:01 (default)', 'タブレット (usb)']);
  });
});

describe('passthrough notes', () => {
  it("keep the words host/node-devices.ts uses", () => {
    const source = readFileSync(join(ROOT, 'src-main/host/node-devices.ts'), 'utf8');
    for (const [key, template] of Object.entries(HOSTDEV_MESSAGES)) {
      if (key === 'hostdev.iommuOffRefusal') continue; // '{note} Nothing was changed.': the note's template plus this suffix
      for (const piece of template.split(/\{\w+\}/).filter((p) => p.trim().length >= 8)) expect(source, key).toContain(piece);
    }
    expect(source).toContain('${IOMMU_OFF_NOTE} Nothing was changed.');
  });
});
