/**
 * Benchmark inputs, generated at start (no large media is committed): photo-like images from
 * sharp (libvips) with the metadata a generator or an editor leaves, and a realistic XMP packet.
 */
import { deriveProviderCode, type AigcLabel } from '@synthguard/labels';
import sharp, { type Sharp } from 'sharp';

export const BENCH_USCC = '91440300MA5G00001W';

/** The label every write case writes (ours and exiftool alike): a fixed value, so all do the same work. */
export function buildBenchLabel(): AigcLabel {
  return {
    Label: '1',
    ContentProducer: deriveProviderCode(BENCH_USCC),
    ProduceID: '01JD2Y7K3M9Q8R5T6V7W8X9Y0Z',
    ReservedCode1: '',
    ContentPropagator: '',
    PropagateID: '',
    ReservedCode2: '',
  };
}

/** XMP Part 1 §7.3.2 padding, Adobe XMP Toolkit style: lines of 100 spaces; exactly `bytes` long. */
function padding(bytes: number): string {
  const line = `${' '.repeat(99)}\n`;
  return `\n${line.repeat(Math.floor((bytes - 1) / 100))}${' '.repeat((bytes - 1) % 100)}`;
}

/** The packet's size: 4 KB, a typical editor-written packet (content plus padding). */
export const XMP_PACKET_BYTES = 4096;

/**
 * A Photoshop-style packet of exactly 4 KB: three rdf:Descriptions (xmp, dc with a non-ASCII
 * title, photoshop + xmpMM history), a comment, and about 1 KB of padding, as editors write it.
 */
export function buildXmpPacket(): string {
  const history = [1, 2, 3]
    .map(
      (i) => `               <rdf:li rdf:parseType="Resource">
                  <stEvt:action>${i === 1 ? 'created' : 'saved'}</stEvt:action>
                  <stEvt:instanceID>xmp.iid:7d1c4a2e-3b9f-4c47-9a41-2f0c8e5d6b1${i}</stEvt:instanceID>
                  <stEvt:when>2024-03-01T10:1${i}:33+08:00</stEvt:when>
                  <stEvt:softwareAgent>Adobe Photoshop CC 2019 (Windows)</stEvt:softwareAgent>
               </rdf:li>`,
    )
    .join('\n');
  const body = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 5.6-c140 79.160451, 2017/05/06-01:08:21        ">
   <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
      <rdf:Description rdf:about=""
            xmlns:xmp="http://ns.adobe.com/xap/1.0/">
         <xmp:CreatorTool>Adobe Photoshop CC 2019 (Windows)</xmp:CreatorTool>
         <xmp:CreateDate>2024-03-01T10:12:33+08:00</xmp:CreateDate>
         <xmp:ModifyDate>2024-03-01T10:20:01+08:00</xmp:ModifyDate>
         <xmp:MetadataDate>2024-03-01T10:20:01+08:00</xmp:MetadataDate>
      </rdf:Description>
      <!-- history kept by Photoshop -->
      <rdf:Description rdf:about=""
            xmlns:dc="http://purl.org/dc/elements/1.1/">
         <dc:format>image/jpeg</dc:format>
         <dc:title>
            <rdf:Alt>
               <rdf:li xml:lang="x-default">海边 &amp; 日落 &#x1F305;</rdf:li>
            </rdf:Alt>
         </dc:title>
         <dc:creator>
            <rdf:Seq>
               <rdf:li>Zhang San</rdf:li>
            </rdf:Seq>
         </dc:creator>
      </rdf:Description>
      <rdf:Description rdf:about=""
            xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
            xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
            xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#">
         <photoshop:ColorMode>3</photoshop:ColorMode>
         <photoshop:ICCProfile>sRGB IEC61966-2.1</photoshop:ICCProfile>
         <xmpMM:InstanceID>xmp.iid:7d1c4a2e-3b9f-4c47-9a41-2f0c8e5d6b13</xmpMM:InstanceID>
         <xmpMM:DocumentID>adobe:docid:photoshop:1b3c2d4e-5f60-7182-93a4-b5c6d7e8f901</xmpMM:DocumentID>
         <xmpMM:OriginalDocumentID>xmp.did:7d1c4a2e-3b9f-4c47-9a41-2f0c8e5d6b11</xmpMM:OriginalDocumentID>
         <xmpMM:History>
            <rdf:Seq>
${history}
            </rdf:Seq>
         </xmpMM:History>
      </rdf:Description>
   </rdf:RDF>
</x:xmpmeta>`;
  const end = '<?xpacket end="w"?>';
  const used = Buffer.byteLength(body) + Buffer.byteLength(end);
  return `${body}${padding(XMP_PACKET_BYTES - used)}${end}`;
}

/**
 * Photo-like pixels: smooth colour fields plus light deterministic noise, so entropy-coded data
 * is about as large as a generated image's (1920x1080 JPEG q90 ≈ 0.45 MB).
 */
function buildPixels(width: number, height: number): Buffer {
  const b = Buffer.alloc(width * height * 3);
  let s = 0x9e3779b9;
  for (let y = 0; y < height; y++) {
    const fy = y / height;
    for (let x = 0; x < width; x++) {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      const n = (s & 15) - 8;
      const fx = x / width;
      const i = (y * width + x) * 3;
      // Every channel stays within 12..226 (a Buffer wraps out-of-range values, it does not clamp).
      b[i] = 128 + 90 * Math.sin(fx * 9 + fy * 3) + n;
      b[i + 1] = 100 + 80 * Math.cos(fy * 7 - fx * 2) + n;
      b[i + 2] = 60 + 120 * fx * fy + n;
    }
  }
  return b;
}

function image(width: number, height: number): Sharp {
  return sharp(buildPixels(width, height), { raw: { width, height, channels: 3 } });
}

const EXIF = {
  IFD0: {
    Make: 'synthguard-bench',
    Model: 'diffusion-xl',
    Software: 'ComfyUI',
    DateTime: '2026:11:21 10:00:00',
    ImageDescription: 'a lighthouse at dusk, photorealistic',
  },
};

/** JPEG quality 90 with an EXIF APP1 and an existing XMP packet (the replace-in-place path). */
export async function buildJpeg(width: number, height: number): Promise<Uint8Array> {
  const buf = await image(width, height)
    .withExif(EXIF)
    .withXmp(buildXmpPacket())
    .jpeg({ quality: 90 })
    .toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

/** PNG as generators write it: no XMP yet (the insert path; every chunk's CRC is checked). */
export async function buildPng(width: number, height: number): Promise<Uint8Array> {
  const buf = await image(width, height).png().toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}
