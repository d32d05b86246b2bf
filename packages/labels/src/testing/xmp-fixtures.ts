/**
 * Test-only XMP packets shaped like those real tools write (not exported from the package index).
 * Each fixture lists `keep`: snippets of the packet that a label write must leave byte-for-byte,
 * and `aigc`: the AIGC snippets it holds (with the indentation a removal takes along).
 */
import { TC260_NS } from '../xmp/packet.js';

export interface XmpFixture {
  name: string;
  text: string;
  keep: string[];
  aigc: string[];
  /** Whether the fixture ends with at least 2 KB of whitespace padding before `<?xpacket end`. */
  padded: boolean;
}

export const EXISTING_LABEL =
  '{"Label":"2","ContentProducer":"001191440300708461136T1XGW3","ProduceID":"old-id","ReservedCode1":"",' +
  '"ContentPropagator":"","PropagateID":"","ReservedCode2":""}';
const EXISTING_LABEL_ELEMENT = EXISTING_LABEL.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const EXISTING_LABEL_ATTRIBUTE = EXISTING_LABEL.replace(/"/g, '&quot;');

/** Adobe XMP Toolkit style padding: lines of 100 spaces. */
export function buildPadding(bytes: number): string {
  const line = `${' '.repeat(99)}\n`;
  return `\n${line.repeat(Math.floor(bytes / 100))}`;
}

export function buildPhotoshopPacket(): XmpFixture {
  const d1 = `<rdf:Description rdf:about=""
            xmlns:xmp="http://ns.adobe.com/xap/1.0/">
         <xmp:CreatorTool>Adobe Photoshop CC 2019 (Windows)</xmp:CreatorTool>
         <xmp:CreateDate>2024-03-01T10:12:33+08:00</xmp:CreateDate>
         <xmp:ModifyDate>2024-03-01T10:20:01+08:00</xmp:ModifyDate>
      </rdf:Description>`;
  const d2 = `<rdf:Description rdf:about=""
            xmlns:dc="http://purl.org/dc/elements/1.1/">
         <dc:format>image/jpeg</dc:format>
         <dc:title>
            <rdf:Alt>
               <rdf:li xml:lang="x-default">海边 &amp; 日落 &#x1F305;</rdf:li>
            </rdf:Alt>
         </dc:title>
      </rdf:Description>`;
  const d3 = `<rdf:Description rdf:about=""
            xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
            xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
            xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#">
         <photoshop:ColorMode>3</photoshop:ColorMode>
         <photoshop:ICCProfile>sRGB IEC61966-2.1</photoshop:ICCProfile>
         <xmpMM:InstanceID>xmp.iid:7d1c4a2e-3b9f-4c47-9a41-2f0c8e5d6b11</xmpMM:InstanceID>
         <xmpMM:History>
            <rdf:Seq>
               <rdf:li rdf:parseType="Resource">
                  <stEvt:action>created</stEvt:action>
                  <stEvt:when>2024-03-01T10:12:33+08:00</stEvt:when>
                  <stEvt:softwareAgent>Adobe Photoshop CC 2019 (Windows)</stEvt:softwareAgent>
               </rdf:li>
            </rdf:Seq>
         </xmpMM:History>
      </rdf:Description>`;
  const text = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 5.6-c140 79.160451, 2017/05/06-01:08:21        ">
   <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
      ${d1}
      <!-- history kept by Photoshop -->
      ${d2}
      ${d3}
   </rdf:RDF>
</x:xmpmeta>
${buildPadding(2048)}<?xpacket end="w"?>`;
  return {
    name: 'Photoshop, three Descriptions, 2 KB padding',
    text,
    keep: [d1, d2, d3, '<!-- history kept by Photoshop -->'],
    aigc: [],
    padded: true,
  };
}

export function buildExiftoolPacket(): XmpFixture {
  const d1 = ` <rdf:Description rdf:about=''
  xmlns:dc='http://purl.org/dc/elements/1.1/'>
  <dc:creator>
   <rdf:Seq>
    <rdf:li>Zhang San</rdf:li>
   </rdf:Seq>
  </dc:creator>
  <dc:rights>
   <rdf:Alt>
    <rdf:li xml:lang='x-default'>&lt;c&gt; 2024 &quot;Example&quot;</rdf:li>
   </rdf:Alt>
  </dc:rights>
 </rdf:Description>`;
  const d2 = ` <rdf:Description rdf:about=''
  xmlns:xmp='http://ns.adobe.com/xap/1.0/'>
  <xmp:Rating>5</xmp:Rating>
 </rdf:Description>`;
  const text = `<?xpacket begin='\uFEFF' id='W5M0MpCehiHzreSzNTczkc9d'?>
<x:xmpmeta xmlns:x='adobe:ns:meta/' x:xmptk='Image::ExifTool 12.57'>
<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>

${d1}

${d2}
</rdf:RDF>
</x:xmpmeta>
${buildPadding(2400)}<?xpacket end='w'?>`;
  return { name: 'exiftool, single quotes, padding', text, keep: [d1, d2], aigc: [], padded: true };
}

export function buildAttributeFormPacket(): XmpFixture {
  const aigcAttr = `\n   TC260:AIGC="${EXISTING_LABEL_ATTRIBUTE}"`;
  const d1 = `<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
   xmlns:TC260="${TC260_NS}"
   xmp:CreatorTool="SomeGenerator 2.1"${aigcAttr}/>`;
  const text = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">${d1}</rdf:RDF></x:xmpmeta>`;
  return {
    name: 'TC260 AIGC as an attribute, no xpacket wrapper',
    text,
    keep: [
      '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
      'xmp:CreatorTool="SomeGenerator 2.1"/>',
    ],
    aigc: [aigcAttr],
    padded: false,
  };
}

export function buildElementFormPacket(): XmpFixture {
  const aigc = `\n  <TC260:AIGC>${EXISTING_LABEL_ELEMENT}</TC260:AIGC>`;
  const text = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:TC260="${TC260_NS}">
  <dc:format>image/png</dc:format>${aigc}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
  return {
    name: 'TC260 AIGC as an element beside dc:format',
    text,
    keep: ['<dc:format>image/png</dc:format>', `xmlns:TC260="${TC260_NS}">`],
    aigc: [aigc],
    padded: false,
  };
}

export function buildOtherPrefixPacket(): XmpFixture {
  // The namespace is bound on an ancestor under another prefix; a decoy TC260 prefix elsewhere
  // is bound to a different namespace and must be left alone.
  const decoy = `<rdf:Description rdf:about="" xmlns:TC260="http://example.com/not-tc260/"><TC260:AIGC>decoy</TC260:AIGC></rdf:Description>`;
  const ours = `\n<rdf:Description rdf:about=""><aigc:AIGC><![CDATA[${EXISTING_LABEL}]]></aigc:AIGC></rdf:Description>`;
  const text =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<x:xmpmeta xmlns:x="adobe:ns:meta/" xmlns:aigc="${TC260_NS}">\n` +
    `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n${decoy}${ours}\n</rdf:RDF>\n</x:xmpmeta>\n`;
  return {
    name: 'another prefix bound on an ancestor, CDATA, decoy',
    text,
    keep: [decoy],
    aigc: [ours],
    padded: false,
  };
}

export function buildTwoLabelsPacket(): XmpFixture {
  const first = `\n    <TC260:AIGC>${EXISTING_LABEL_ELEMENT}</TC260:AIGC>`;
  const second = `\n  <x2:Description rdf:about="" xmlns:x2="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:t="${TC260_NS}" t:AIGC='{"Label":"1","ContentProducer":"B","ProduceID":"C"}'/>`;
  const keep = `<xmp:Rating>3</xmp:Rating>`;
  const text = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:TC260="${TC260_NS}">
    ${keep}${first}
  </rdf:Description>${second}
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
  return {
    name: 'two AIGC properties (element + attribute)',
    text,
    keep: [keep],
    aigc: [first, second],
    padded: false,
  };
}

export function buildXmpFixtures(): XmpFixture[] {
  return [
    buildPhotoshopPacket(),
    buildExiftoolPacket(),
    buildAttributeFormPacket(),
    buildElementFormPacket(),
    buildOtherPrefixPacket(),
    buildTwoLabelsPacket(),
  ];
}
