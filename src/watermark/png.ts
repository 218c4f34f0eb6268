// Whether bytes are a whole PNG: the signature, an IHDR with a size, and the IEND chunk at the end (so a download
// cut short, or an HTML error page served as 200, is refused and the last good copy stays).

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/** The PNG's size when `bytes` are a whole PNG, else undefined. */
export function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length < SIGNATURE.length + 25 + IEND.length) return undefined;
  if (!bytes.subarray(0, 8).equals(SIGNATURE)) return undefined;
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  if (!bytes.subarray(bytes.length - IEND.length).equals(IEND)) return undefined;
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  return width > 0 && height > 0 ? { width, height } : undefined;
}
