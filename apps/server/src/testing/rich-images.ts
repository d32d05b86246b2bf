/**
 * Test inputs that carry the metadata real generators and editors leave behind, so interop tests
 * can check that labeling keeps every field of it: EXIF (IFD0 and ExifIFD), an ICC profile, an
 * XMP packet, IPTC-IIM (JPEG), and PNG text chunks (tEXt and an international iTXt).
 */
import { crc32 } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';

/** An XMP packet as a generator writes it: dc:title, dc:creator, xmp:CreatorTool. */
export const GENERATOR_XMP = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="test-generator 1.0">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">A generated test image</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>Example AI 图像生成</rdf:li></rdf:Seq></dc:creator>
   <xmp:CreatorTool>test-generator 1.0</xmp:CreatorTool>
   <xmp:CreateDate>2025-09-01T12:00:00+08:00</xmp:CreateDate>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;

const EXIF = {
  IFD0: {
    Make: 'Example',
    Model: 'Generator X',
    ImageDescription: 'generated',
    Copyright: '(c) Example AI',
    Software: 'test-generator',
  },
  IFD2: { DateTimeOriginal: '2025:09:01 12:00:00' },
};

/** sharp input with some structure (a gradient), so the coded image data is not trivial. */
function gradient(width: number, height: number, channels: 3 | 4): Sharp {
  const raw = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      raw[i] = (x * 4) & 0xff;
      raw[i + 1] = (y * 5) & 0xff;
      raw[i + 2] = ((x ^ y) * 7) & 0xff;
      if (channels === 4) raw[i + 3] = 200;
    }
  }
  return sharp(raw, { raw: { width, height, channels } });
}

// ---- JPEG ----------------------------------------------------------------------------------

/** One IPTC-IIM dataset (IPTC IIM 4.2 §1.5): 0x1C, record, dataset, 2-byte length, data. */
function iimDataset(record: number, dataset: number, data: Uint8Array): Buffer {
  const head = Buffer.from([0x1c, record, dataset, 0, 0]);
  head.writeUInt16BE(data.length, 3);
  return Buffer.concat([head, data]);
}

/**
 * An APP13 segment with a Photoshop image resource block 0x0404 holding IPTC-IIM
 * (Adobe Photoshop File Formats, Image Resource Blocks), UTF-8 declared by 1:90.
 */
function buildIptcApp13(): Buffer {
  const text = (s: string): Buffer => Buffer.from(s, 'utf8');
  const iim = Buffer.concat([
    iimDataset(1, 90, Buffer.from([0x1b, 0x25, 0x47])), // CodedCharacterSet: UTF-8
    iimDataset(2, 0, Buffer.from([0x00, 0x04])), // ApplicationRecordVersion 4
    iimDataset(2, 5, text('generated-0001')), // ObjectName
    iimDataset(2, 25, text('AI')), // Keywords
    iimDataset(2, 25, text('生成')), // Keywords
    iimDataset(2, 80, text('Example AI')), // By-line
    iimDataset(2, 116, text('(c) Example AI')), // CopyrightNotice
    iimDataset(2, 120, text('A generated test image')), // Caption-Abstract
  ]);
  const padded = iim.length % 2 === 0 ? iim : Buffer.concat([iim, Buffer.from([0])]);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(iim.length);
  const irb = Buffer.concat([
    Buffer.from('8BIM', 'latin1'),
    Buffer.from([0x04, 0x04]), // resource id: IPTC-NAA record
    Buffer.from([0x00, 0x00]), // empty Pascal name, padded to even
    size,
    padded,
  ]);
  const payload = Buffer.concat([Buffer.from('Photoshop 3.0\0', 'latin1'), irb]);
  const header = Buffer.from([0xff, 0xed, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

/** Inserts a segment after the leading APPn segments (ISO/IEC 10918-1 B.1.1.4 / JFIF order). */
function insertAfterAppSegments(jpeg: Buffer, segment: Buffer): Buffer {
  let at = 2; // after SOI
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff && jpeg[at + 1]! >= 0xe0 && jpeg[at + 1]! <= 0xef) {
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  return Buffer.concat([jpeg.subarray(0, at), segment, jpeg.subarray(at)]);
}

/** A JPEG with EXIF, an ICC profile (Display P3), an XMP packet and IPTC-IIM. */
export async function buildRichJpeg(): Promise<Buffer> {
  const jpeg = await gradient(64, 48, 3)
    .jpeg({ quality: 85 })
    .withExif(EXIF)
    .withIccProfile('p3')
    .withXmp(GENERATOR_XMP)
    .toBuffer();
  return insertAfterAppSegments(jpeg, buildIptcApp13());
}

// ---- PNG -----------------------------------------------------------------------------------

/** A PNG chunk with its CRC-32 over type and data (PNG spec 3rd ed. §5.3). */
export function buildPngChunk(type: string, data: Uint8Array): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  typeAndData.copy(out, 4);
  out.writeUInt32BE(crc32(typeAndData), 8 + data.length);
  return out;
}

/** Inserts chunks before the first IDAT (text chunks may go anywhere between IHDR and IEND). */
function insertBeforeIdat(png: Buffer, chunks: Buffer[]): Buffer {
  let at = 8;
  while (at + 8 <= png.length && png.toString('latin1', at + 4, at + 8) !== 'IDAT') {
    at += 12 + png.readUInt32BE(at);
  }
  return Buffer.concat([png.subarray(0, at), ...chunks, png.subarray(at)]);
}

/** PNG spec §11.3.3.2 tEXt: Latin-1 keyword, NUL, Latin-1 text. */
function tEXt(keyword: string, text: string): Buffer {
  return buildPngChunk('tEXt', Buffer.from(`${keyword}\0${text}`, 'latin1'));
}

/** PNG spec §11.3.3.4 iTXt, uncompressed: keyword, NUL, 0, 0, language, NUL, translated keyword, NUL, UTF-8 text. */
function iTXt(keyword: string, language: string, translated: string, text: string): Buffer {
  return buildPngChunk(
    'iTXt',
    Buffer.concat([
      Buffer.from(`${keyword}\0\0\0${language}\0`, 'latin1'),
      Buffer.from(`${translated}\0${text}`, 'utf8'),
    ]),
  );
}

/**
 * A PNG with an ICC profile (iCCP), EXIF (eXIf), an XMP packet (sharp writes it as zTXt), and text
 * chunks as generators write them: the Stable Diffusion web UI's `parameters`, a Comment, and an
 * international iTXt Description.
 */
export async function buildRichPng(): Promise<Buffer> {
  const png = await gradient(40, 30, 4)
    .png()
    .withExif(EXIF)
    .withIccProfile('p3')
    .withXmp(GENERATOR_XMP)
    .toBuffer();
  return insertBeforeIdat(png, [
    tEXt('parameters', 'a lighthouse at dusk\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42'),
    tEXt('Comment', 'generated by test-generator'),
    iTXt('Description', 'zh-CN', '描述', '人工智能生成的测试图像'),
  ]);
}
