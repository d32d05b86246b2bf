import { describe, expect, it } from 'vitest';
import { runAigcFieldConformance } from '../testing/aigc-conformance.js';
import { buildOoxml, buildOoxmlFixtures, ooxmlProbes } from '../testing/ooxml-fixtures.js';
import { ooxmlHandler, sniffOoxml } from './handler.js';
import { buildZip } from './zip/write.js';

runAigcFieldConformance(ooxmlHandler, {
  buildFixtures: buildOoxmlFixtures,
  ...ooxmlProbes,
  // An AIGC property element is ~110 bytes of XML (fmtid, pid, name, vt:lpwstr), deflated.
  fieldOverhead: 128,
});

describe('sniffOoxml', () => {
  const zipWithFirst = (name: string): Uint8Array =>
    buildZip([{ name, data: new Uint8Array(3), method: 0, time: 0, date: 0x21 }]);

  it.each([
    '[Content_Types].xml',
    '_rels/.rels',
    'docProps/app.xml',
    'word/document.xml',
    'xl/workbook.xml',
    'ppt/x.xml',
  ])('accepts a ZIP whose first entry is %s', (name) => {
    expect(sniffOoxml(zipWithFirst(name))).toBe(true);
  });

  it.each(['mimetype', 'META-INF/manifest.xml', 'word', 'readme.txt'])(
    'rejects a ZIP whose first entry is %s',
    (name) => {
      expect(sniffOoxml(zipWithFirst(name))).toBe(false);
    },
  );

  it('needs the whole first name in the head', () => {
    const file = buildOoxml();
    expect(sniffOoxml(file.subarray(0, 30 + 19))).toBe(true);
    expect(sniffOoxml(file.subarray(0, 30 + 18))).toBe(false);
  });
});
