/**
 * JUMBF type UUIDs used by C2PA (C2PA 2.x §11.1, Table "C2PA box details"; ISO/IEC 19566-5
 * Annex B for the generic content types). Each is a four-character code followed by
 * 0011-0010-8000-00AA00389B71.
 */
const tail = '00110010800000aa00389b71';
const fourcc = (code: string): string => Buffer.from(code, 'latin1').toString('hex') + tail;

export const UUID = {
  manifestStore: fourcc('c2pa'),
  manifest: fourcc('c2ma'),
  updateManifest: fourcc('c2um'),
  assertionStore: fourcc('c2as'),
  claim: fourcc('c2cl'),
  signature: fourcc('c2cs'),
  cbor: fourcc('cbor'),
  json: fourcc('json'),
} as const;
