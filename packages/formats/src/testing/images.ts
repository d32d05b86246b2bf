/**
 * Test-only probes for image handlers, built on sharp (libvips): decoded pixels, and the
 * metadata other than XMP that a write must leave alone.
 */
import sharp, { type Sharp } from 'sharp';
import type { ConformanceOptions } from './conformance.js';

const XMP_KEYWORD = 'XML:com.adobe.xmp';

function hex(b: Uint8Array | undefined): string | undefined {
  return b === undefined ? undefined : Buffer.from(b).toString('hex');
}

/** Raw decoded pixels plus their geometry. */
export async function decodePixels(file: Uint8Array): Promise<unknown> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return { info, pixels: hex(data) };
}

/** EXIF, ICC, IPTC and text chunks as sharp sees them (the XMP text chunk excluded). */
export async function preservedMetadata(file: Uint8Array): Promise<unknown> {
  const m = await sharp(file).metadata();
  return {
    exif: hex(m.exif),
    icc: hex(m.icc),
    iptc: hex(m.iptc),
    comments: (m.comments ?? []).filter((c) => c.keyword !== XMP_KEYWORD),
    width: m.width,
    height: m.height,
    isProgressive: m.isProgressive,
    isPalette: m.isPalette,
  };
}

export const imageProbes: Pick<ConformanceOptions, 'decode' | 'preserved'> = {
  decode: decodePixels,
  preserved: preservedMetadata,
};

/** A solid-colour test image. */
export function buildSharpImage(width = 64, height = 48, background = '#c33'): Sharp {
  return sharp({ create: { width, height, channels: 3, background } });
}

/** A small gradient image (so entropy-coded data is not trivial). */
export function buildGradientImage(width = 64, height = 48): Sharp {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = (x * 4) & 0xff;
      raw[i + 1] = (y * 5) & 0xff;
      raw[i + 2] = ((x ^ y) * 7) & 0xff;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } });
}
