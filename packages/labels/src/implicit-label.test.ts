import { bytesEqual, concatBytes, readU32BE, utf8Decode, utf8Encode, writeU32BE } from '@synthguard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeAigcLabel } from './aigc/label.js';
import {
  type AigcFieldSlot,
  type XmpSlot,
  canCarryLabel,
  readImplicitLabel,
  removeImplicitLabel,
  writeImplicitLabel,
} from './implicit-label.js';
import { arbitraryLabel, buildLabel, codeOf } from './testing/labels.js';
import { buildPhotoshopPacket, buildTwoLabelsPacket } from './testing/xmp-fixtures.js';
import { TC260_NS } from './xmp/packet.js';

/**
 * A trivial in-memory container: u32 XMP length (0xFFFFFFFF: no XMP), the packet, the payload.
 */
const memorySlot: XmpSlot = {
  readXmp(file) {
    const n = readU32BE(file, 0);
    return n === 0xffffffff ? undefined : file.slice(4, 4 + n);
  },
  writeXmp(file, packet) {
    const n = readU32BE(file, 0);
    const payload = file.slice(n === 0xffffffff ? 4 : 4 + n);
    return buildFile(payload, packet);
  },
};

function buildFile(payload: Uint8Array, packet?: Uint8Array): Uint8Array {
  const head = new Uint8Array(4);
  writeU32BE(head, 0, packet === undefined ? 0xffffffff : packet.length);
  return concatBytes([head, packet ?? new Uint8Array(0), payload]);
}

const payload = utf8Encode('pixels');
const label = buildLabel();

describe('implicit label through an XmpSlot', () => {
  it('reads nothing from a file without XMP, or without a label', () => {
    expect(readImplicitLabel({ xmp: memorySlot }, buildFile(payload))).toBeUndefined();
    expect(
      readImplicitLabel({ xmp: memorySlot }, buildFile(payload, utf8Encode(buildPhotoshopPacket().text))),
    ).toBeUndefined();
  });

  it('writes a fresh packet and reads it back', () => {
    const out = writeImplicitLabel({ xmp: memorySlot }, buildFile(payload), label);
    expect(readImplicitLabel({ xmp: memorySlot }, out)).toEqual({
      label,
      raw: encodeAigcLabel(label),
      form: 'bare',
      problems: [],
    });
    expect(bytesEqual(out.slice(out.length - payload.length), payload)).toBe(true);
  });

  it('merges into existing XMP, keeping it', () => {
    const photoshop = buildPhotoshopPacket();
    const out = writeImplicitLabel(
      { xmp: memorySlot },
      buildFile(payload, utf8Encode(photoshop.text)),
      label,
    );
    const xmp = utf8Decode(memorySlot.readXmp(out)!);
    for (const snippet of photoshop.keep) expect(xmp).toContain(snippet);
    expect(readImplicitLabel({ xmp: memorySlot }, out)?.label).toEqual(label);
  });

  it('relabelling replaces: exactly one label after', () => {
    const once = writeImplicitLabel({ xmp: memorySlot }, buildFile(payload), label);
    const relabelled = buildLabel({ Label: '3', ContentPropagator: 'P', PropagateID: 'Q' });
    const twice = writeImplicitLabel({ xmp: memorySlot }, once, relabelled);
    expect(readImplicitLabel({ xmp: memorySlot }, twice)?.label).toEqual(relabelled);
    expect(utf8Decode(memorySlot.readXmp(twice)!).match(/AIGC>/g)).toHaveLength(2); // one open, one close tag
  });

  it('repairs a file holding two labels', () => {
    const file = buildFile(payload, utf8Encode(buildTwoLabelsPacket().text));
    expect(codeOf(() => readImplicitLabel({ xmp: memorySlot }, file))).toBe('label.duplicate');
    expect(
      readImplicitLabel({ xmp: memorySlot }, writeImplicitLabel({ xmp: memorySlot }, file, label))?.label,
    ).toEqual(label);
  });

  it('reports the wrapped form and soft problems of labels written by others', () => {
    const value = '{"AIGC":{"Label":"2","ContentProducer":"某公司","ProduceID":"x"}}';
    const packet = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:TC260="${TC260_NS}"><TC260:AIGC>${value}</TC260:AIGC></rdf:Description></rdf:RDF>`;
    const read = readImplicitLabel({ xmp: memorySlot }, buildFile(payload, utf8Encode(packet)));
    expect(read).toMatchObject({ raw: value, form: 'wrapped', problems: ['ContentProducer: character'] });
    expect(read?.label.Label).toBe('2');
  });

  it('refuses an invalid label and leaves the file alone', () => {
    const file = buildFile(payload);
    expect(codeOf(() => writeImplicitLabel({ xmp: memorySlot }, file, buildLabel({ ProduceID: '' })))).toBe(
      'label.invalid_field',
    );
    expect(readImplicitLabel({ xmp: memorySlot }, file)).toBeUndefined();
  });

  it('notices a slot that does not keep what was written', () => {
    const forgetful: XmpSlot = { readXmp: () => undefined, writeXmp: (file) => file };
    expect(codeOf(() => writeImplicitLabel({ xmp: forgetful }, buildFile(payload), label))).toBe(
      'label.invalid_xmp',
    );
  });

  it('removes (internal): back to the original file when the label was all the XMP', () => {
    const file = buildFile(payload);
    const labelled = writeImplicitLabel({ xmp: memorySlot }, file, label);
    const removed = removeImplicitLabel({ xmp: memorySlot }, labelled);
    expect(readImplicitLabel({ xmp: memorySlot }, removed)).toBeUndefined();
    expect(bytesEqual(removed, file)).toBe(true);
    expect(removeImplicitLabel({ xmp: memorySlot }, file)).toBe(file);
  });

  it('removes (internal): keeps the rest of the XMP', () => {
    const photoshop = buildPhotoshopPacket();
    const file = buildFile(payload, utf8Encode(photoshop.text));
    expect(removeImplicitLabel({ xmp: memorySlot }, file)).toBe(file);
    const removed = removeImplicitLabel(
      { xmp: memorySlot },
      writeImplicitLabel({ xmp: memorySlot }, file, label),
    );
    expect(readImplicitLabel({ xmp: memorySlot }, removed)).toBeUndefined();
    expect(removed.length).toBe(file.length); // padding absorbed the change both ways
  });

  it('round-trips random labels', () => {
    const start = buildFile(payload, utf8Encode(buildPhotoshopPacket().text));
    fc.assert(
      fc.property(arbitraryLabel, arbitraryLabel, (a, b) => {
        const once = writeImplicitLabel({ xmp: memorySlot }, start, a);
        expect(readImplicitLabel({ xmp: memorySlot }, once)?.label).toEqual(a);
        expect(
          readImplicitLabel({ xmp: memorySlot }, writeImplicitLabel({ xmp: memorySlot }, once, b))?.label,
        ).toEqual(b);
      }),
      { numRuns: 200 },
    );
  });
});

/** A native AIGC field: a text file whose first line is `AIGC=<value>` when labeled. */
const memoryField: AigcFieldSlot = {
  readAigc(file) {
    const text = utf8Decode(file);
    return text.startsWith('AIGC=') ? text.slice(5, text.indexOf('\n')) : undefined;
  },
  writeAigc(file, value) {
    const text = utf8Decode(file);
    const body = text.startsWith('AIGC=') ? text.slice(text.indexOf('\n') + 1) : text;
    return utf8Encode(value === undefined ? body : `AIGC=${value}\n${body}`);
  },
};

describe('implicit label through a native AIGC field', () => {
  const file = utf8Encode('samples\n');

  it('writes the bare JSON into the field, reads it back, relabels and removes', () => {
    expect(readImplicitLabel({ aigc: memoryField }, file)).toBeUndefined();
    const once = writeImplicitLabel({ aigc: memoryField }, file, label);
    expect(memoryField.readAigc(once)).toBe(encodeAigcLabel(label));
    const relabelled = buildLabel({ ProduceID: 'second' });
    const twice = writeImplicitLabel({ aigc: memoryField }, once, relabelled);
    expect(readImplicitLabel({ aigc: memoryField }, twice)?.label).toEqual(relabelled);
    expect(bytesEqual(removeImplicitLabel({ aigc: memoryField }, twice), file)).toBe(true);
  });

  it('prefers the native field over XMP, and refuses a carrier with neither', () => {
    const both = { aigc: memoryField, xmp: memorySlot };
    expect(memoryField.readAigc(writeImplicitLabel(both, file, label))).toBe(encodeAigcLabel(label));
    expect(codeOf(() => writeImplicitLabel({}, file, label))).toBe('label.no_slot');
    expect(canCarryLabel({})).toBe(false);
  });
});
