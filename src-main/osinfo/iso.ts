// Reads the identification fields of an ISO 9660 image: the primary volume descriptor (PVD)
// at sector 16 (2048-byte sectors) or, in unusual images, a later descriptor slot. These are the
// fields osinfo-db's <media><iso> patterns match (volume id, system id, publisher, application).
import fs from 'node:fs/promises';

const SECTOR = 2048;
const FIRST_DESCRIPTOR = 16;
/** Descriptors after sector 16 are read until the terminator (type 255); this bounds the search. */
const MAX_DESCRIPTORS = 16;

export interface IsoIdentity {
  /** Bytes 40..72 of the PVD, trailing spaces removed (e.g. "Debian 12.5.0 amd64 n"). */
  volumeId: string;
  /** Bytes 8..40 (e.g. "LINUX", "Win32"). */
  systemId: string;
  /** Bytes 318..446. */
  publisherId: string;
  /** Bytes 446..574. */
  dataPreparerId: string;
  /** Bytes 574..702. */
  applicationId: string;
  /** Volume space size × logical block size, in bytes. */
  volumeSizeBytes: number;
}

export class NotAnIsoError extends Error {
  override readonly name = 'NotAnIsoError';
}

function field(pvd: Buffer, start: number, end: number): string {
  // a-/d-characters are ASCII; latin1 keeps any odd byte visible instead of failing.
  return pvd.toString('latin1', start, end).replace(/[\s\0]+$/, '');
}

/** Parses the PVD from the bytes of a sector (exported for tests with synthetic data). */
export function parsePrimaryVolumeDescriptor(pvd: Buffer): IsoIdentity {
  if (pvd.length < 882 || pvd[0] !== 1 || pvd.toString('latin1', 1, 6) !== 'CD001') {
    throw new NotAnIsoError('no ISO 9660 primary volume descriptor');
  }
  const blocks = pvd.readUInt32LE(80);
  const blockSize = pvd.readUInt16LE(128) || SECTOR;
  return {
    systemId: field(pvd, 8, 40),
    volumeId: field(pvd, 40, 72),
    publisherId: field(pvd, 318, 446),
    dataPreparerId: field(pvd, 446, 574),
    applicationId: field(pvd, 574, 702),
    volumeSizeBytes: blocks * blockSize,
  };
}

/** Reads the ISO 9660 identity of a file; throws NotAnIsoError when it is not an ISO 9660 image. */
export async function readIsoIdentity(file: string): Promise<IsoIdentity> {
  const fh = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(SECTOR);
    for (let i = 0; i < MAX_DESCRIPTORS; i++) {
      const { bytesRead } = await fh.read(buf, 0, SECTOR, (FIRST_DESCRIPTOR + i) * SECTOR);
      if (bytesRead < SECTOR) break;
      if (buf.toString('latin1', 1, 6) !== 'CD001') break;
      if (buf[0] === 1) return parsePrimaryVolumeDescriptor(buf);
      if (buf[0] === 255) break; // set terminator
    }
    throw new NotAnIsoError(`'${file}' is not an ISO 9660 image (no primary volume descriptor at sector 16)`);
  } finally {
    await fh.close();
  }
}

/** True when the file looks like an ISO 9660 or UDF image (used for a warning, not a refusal). */
export async function looksLikeOpticalImage(file: string): Promise<boolean> {
  const fh = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(6);
    for (const sector of [16, 17, 18]) {
      const { bytesRead } = await fh.read(buf, 0, 6, sector * SECTOR);
      if (bytesRead < 6) return false;
      const id = buf.toString('latin1', 1, 6);
      if (id === 'CD001' || id === 'BEA01' || id === 'NSR02' || id === 'NSR03') return true;
    }
    return false;
  } finally {
    await fh.close();
  }
}
