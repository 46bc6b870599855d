/** The image formats the server accepts, recognised by their first bytes. */
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'avif';

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((value, i) => bytes[offset + i] === value);
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

/** The brands of an ISO-BMFF `ftyp` box (major brand and compatible brands), or none when absent. */
function isoBrands(bytes: Uint8Array): string[] {
  if (!startsWith(bytes, ascii('ftyp'), 4)) return [];
  const boxSize = ((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
  const end = Math.min(bytes.length, boxSize >>> 0);
  const brands: string[] = [];
  const read = (at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (end >= 12) brands.push(read(8));
  for (let at = 16; at + 4 <= end; at += 4) brands.push(read(at));
  return brands;
}

/**
 * The format of encoded image bytes from their magic numbers, whatever a client's Content-Type claims:
 * JPEG (`FF D8 FF`), PNG (its 8-byte signature), GIF (`GIF87a` / `GIF89a`), WebP (`RIFF....WEBP`) and AVIF
 * (an ISO-BMFF `ftyp` box with brand `avif` or `avis`). Anything else, including SVG, TIFF, BMP and HEIC,
 * gives `undefined`.
 */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  const brands = isoBrands(bytes);
  if (brands.includes('avif') || brands.includes('avis')) return 'avif';
  return undefined;
}
