import { isAppError } from '@synthguard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LabelError } from '../errors.js';
import { arbitraryLabel, buildLabel, codeOf, thrown } from '../testing/labels.js';
import {
  AIGC_VALUE_MAX_LENGTH,
  type AigcLabel,
  RESERVED_CODE_MAX_LENGTH,
  decodeAigcLabel,
  encodeAigcLabel,
  isLabelValueSafe,
  validateAigcLabel,
} from './label.js';

describe('encodeAigcLabel (GB 45438-2025 Annex E, practice-guide form)', () => {
  it('writes the bare seven-key object in Annex E order, compact', () => {
    expect(encodeAigcLabel(buildLabel({ ReservedCode1: 'abc' }))).toBe(
      '{"Label":"1","ContentProducer":"001191440300708461136T1XGW3","ProduceID":"01JD2Y7K3M9Q8R5T6V7W8X9Y0Z",' +
        '"ReservedCode1":"abc","ContentPropagator":"","PropagateID":"","ReservedCode2":""}',
    );
  });

  it('keeps Annex E key order whatever the object order', () => {
    const shuffled = JSON.parse(
      '{"ReservedCode2":"","PropagateID":"p","ContentPropagator":"c","ReservedCode1":"","ProduceID":"i","ContentProducer":"x","Label":"2"}',
    ) as AigcLabel;
    expect(encodeAigcLabel(shuffled)).toBe(
      '{"Label":"2","ContentProducer":"x","ProduceID":"i","ReservedCode1":"","ContentPropagator":"c","PropagateID":"p","ReservedCode2":""}',
    );
  });

  it('escapes SecurityData JSON in ReservedCode1/2', () => {
    const sd = '{"Type":"1","Version":"1.0","PubSD":"a b\\c"}';
    const text = encodeAigcLabel(buildLabel({ ReservedCode1: sd, ReservedCode2: sd }));
    expect(decodeAigcLabel(text).label.ReservedCode1).toBe(sd);
    expect(decodeAigcLabel(text).problems).toEqual([]);
  });

  it.each<[string, Partial<AigcLabel>, string, string]>([
    ['Label 4', { Label: '4' as '1' }, 'Label', 'not_1_2_or_3'],
    ['Label number', { Label: 1 as unknown as '1' }, 'Label', 'not_1_2_or_3'],
    ['empty producer', { ContentProducer: '' }, 'ContentProducer', 'empty'],
    ['producer with space', { ContentProducer: 'a b' }, 'ContentProducer', 'character'],
    ['Chinese producer name', { ContentProducer: '某公司' }, 'ContentProducer', 'character'],
    ['producer 65 chars', { ContentProducer: 'A'.repeat(65) }, 'ContentProducer', 'too_long'],
    ['empty ProduceID', { ProduceID: '' }, 'ProduceID', 'empty'],
    ['ProduceID 65 chars', { ProduceID: 'A'.repeat(65) }, 'ProduceID', 'too_long'],
    ['ProduceID with quote', { ProduceID: 'a"b' }, 'ProduceID', 'character'],
    ['ProduceID with backslash', { ProduceID: 'a\\b' }, 'ProduceID', 'character'],
    ['propagator with tab', { ContentPropagator: 'a\tb' }, 'ContentPropagator', 'character'],
    ['PropagateID non-string', { PropagateID: 5 as unknown as string }, 'PropagateID', 'not_a_string'],
    ['ReservedCode1 newline', { ReservedCode1: 'a\nb' }, 'ReservedCode1', 'character'],
    ['ReservedCode2 non-ASCII', { ReservedCode2: 'é' }, 'ReservedCode2', 'character'],
    [
      'ReservedCode1 too long',
      { ReservedCode1: 'x'.repeat(RESERVED_CODE_MAX_LENGTH + 1) },
      'ReservedCode1',
      'too_long',
    ],
    ['ReservedCode2 missing', { ReservedCode2: undefined }, 'ReservedCode2', 'not_a_string'],
  ])('rejects %s', (_name, overrides, field, problem) => {
    const err = thrown(() => encodeAigcLabel(buildLabel(overrides)));
    expect(err.code).toBe('label.invalid_field');
    expect(err.details).toEqual({ field, problem });
    expect(isAppError(err, 'label.invalid_field')).toBe(true);
  });

  it.each([null, undefined, 'x', 1])('rejects a non-object label: %j', (value) => {
    expect(
      thrown(() => {
        validateAigcLabel(value as unknown as AigcLabel);
      }).details,
    ).toEqual({
      field: 'AIGC',
      problem: 'not_an_object',
    });
  });

  it('accepts 64-character IDs and 16 KiB reserved codes', () => {
    expect(() => {
      validateAigcLabel(
        buildLabel({ ProduceID: 'A'.repeat(64), ReservedCode1: ' '.repeat(RESERVED_CODE_MAX_LENGTH) }),
      );
    }).not.toThrow();
  });

  it('refuses to write a label its own reader would refuse (64 KiB)', () => {
    const quotes = '"'.repeat(RESERVED_CODE_MAX_LENGTH);
    expect(codeOf(() => encodeAigcLabel(buildLabel({ ReservedCode1: quotes, ReservedCode2: quotes })))).toBe(
      'label.too_large',
    );
  });
});

describe('decodeAigcLabel', () => {
  it('reads the bare form', () => {
    const label = buildLabel({ Label: '3', ContentPropagator: 'P', PropagateID: 'Q' });
    expect(decodeAigcLabel(encodeAigcLabel(label))).toEqual({ label, form: 'bare', problems: [] });
  });

  it('reads the wrapped form printed in the standard', () => {
    const text =
      '{"AIGC":{"Label":"1","ContentProducer":"001191440300708461136T1XGW3","ProduceID":"abc",' +
      '"ReservedCode1":"","ContentPropagator":"001191440300708461136T1XGW3","PropagateID":"abc","ReservedCode2":""}}';
    const decoded = decodeAigcLabel(text);
    expect(decoded.form).toBe('wrapped');
    expect(decoded.problems).toEqual([]);
    expect(decoded.label.PropagateID).toBe('abc');
  });

  it('tolerates whitespace and any key order', () => {
    const text = ' {\n  "ProduceID" : "x",\r\n\t"Label":"2", "ContentProducer":"y"\n} ';
    expect(decodeAigcLabel(text)).toEqual({
      label: buildLabel({ Label: '2', ContentProducer: 'y', ProduceID: 'x' }),
      form: 'bare',
      problems: [],
    });
  });

  it.each<[string, string, string[]]>([
    ['missing optional fields read as empty', '{"Label":"1","ContentProducer":"A","ProduceID":"B"}', []],
    ['missing producer', '{"Label":"1","ProduceID":"B"}', ['ContentProducer: missing']],
    ['space in ProduceID', '{"Label":"1","ContentProducer":"A","ProduceID":"B C"}', ['ProduceID: character']],
    [
      'unknown key',
      '{"Label":"1","ContentProducer":"A","ProduceID":"B","Extra":"z"}',
      ['unexpected key Extra'],
    ],
    [
      'unprintable unknown key',
      '{"Label":"1","ContentProducer":"A","ProduceID":"B","\\u0000":"z"}',
      ['unexpected key (unprintable key)'],
    ],
    [
      'key beside the wrapper',
      '{"AIGC":{"Label":"1","ContentProducer":"A","ProduceID":"B"},"v":1}',
      ['unexpected key v beside AIGC'],
    ],
    [
      'Chinese producer',
      '{"Label":"1","ContentProducer":"某公司","ProduceID":"B"}',
      ['ContentProducer: character'],
    ],
  ])('is lenient: %s', (_name, text, problems) => {
    expect(decodeAigcLabel(text).problems).toEqual(problems);
  });

  it.each<[string, string, string]>([
    ['empty', '', 'label.invalid_json'],
    ['not JSON', 'Label=1', 'label.invalid_json'],
    ['truncated', '{"Label":"1"', 'label.invalid_json'],
    ['trailing data', '{"Label":"1"} x', 'label.invalid_json'],
    ['trailing comma', '{"Label":"1",}', 'label.invalid_json'],
    ['single quotes', "{'Label':'1'}", 'label.invalid_json'],
    ['raw control char', '{"Label":"1","ProduceID":"a\u0001"}', 'label.invalid_json'],
    ['bad escape', '{"Label":"1","ProduceID":"\\x41"}', 'label.invalid_json'],
    ['too deep', `{"Label":"1","x":${'['.repeat(40)}${']'.repeat(40)}}`, 'label.invalid_json'],
    ['array', '[{"Label":"1"}]', 'label.invalid_field'],
    ['string', '"AIGC"', 'label.invalid_field'],
    ['AIGC not an object', '{"AIGC":"{}"}', 'label.invalid_field'],
    ['Label missing', '{"ContentProducer":"A"}', 'label.invalid_field'],
    ['Label number', '{"Label":1}', 'label.invalid_field'],
    ['Label 0', '{"Label":"0"}', 'label.invalid_field'],
    ['Label with space', '{"Label":" 1"}', 'label.invalid_field'],
    ['field number', '{"Label":"1","ProduceID":7}', 'label.invalid_field'],
    ['field null', '{"Label":"1","ReservedCode1":null}', 'label.invalid_field'],
    ['field object', '{"Label":"1","ReservedCode1":{"Type":"1"}}', 'label.invalid_field'],
    ['duplicate key', '{"Label":"1","Label":"3"}', 'label.duplicate'],
    [
      'duplicate key inside wrapper',
      '{"AIGC":{"Label":"1","ProduceID":"a","ProduceID":"b"}}',
      'label.duplicate',
    ],
    ['bare and wrapped at once', '{"Label":"3","AIGC":{"Label":"1"}}', 'label.duplicate'],
    [
      'over 64 KiB',
      `{"Label":"1","ReservedCode1":"${'x'.repeat(AIGC_VALUE_MAX_LENGTH)}"}`,
      'label.too_large',
    ],
  ])('rejects %s', (_name, text, code) => {
    expect(codeOf(() => decodeAigcLabel(text))).toBe(code);
  });

  it('carries no raw input in error messages', () => {
    const err = thrown(() => decodeAigcLabel('{"Label":"SECRET-9"}'));
    expect(err.message).not.toContain('SECRET');
  });

  it('treats __proto__ as an ordinary key', () => {
    const decoded = decodeAigcLabel(
      '{"Label":"1","ContentProducer":"A","ProduceID":"B","__proto__":{"x":"1"}}',
    );
    expect(decoded.problems).toEqual(['unexpected key __proto__']);
    expect(Object.getPrototypeOf(decoded.label)).toBe(Object.prototype);
  });

  it('round-trips every label the writer accepts', () => {
    fc.assert(
      fc.property(arbitraryLabel, (label) => {
        const text = encodeAigcLabel(label);
        expect(isLabelValueSafe(text.replace(/[" \\]/g, ''))).toBe(true);
        expect(decodeAigcLabel(text)).toEqual({ label, form: 'bare', problems: [] });
        expect(decodeAigcLabel(`{"AIGC":${text}}`)).toEqual({ label, form: 'wrapped', problems: [] });
      }),
    );
  });

  it('never throws anything but LabelError, and agrees with JSON.parse on validity', () => {
    const valid = arbitraryLabel.map(encodeAigcLabel);
    const mutated = fc
      .tuple(valid, fc.nat(), fc.string({ maxLength: 3, unit: 'binary' }), fc.nat(5))
      .map(
        ([t, at, ins, del]) => t.slice(0, at % (t.length + 1)) + ins + t.slice((at % (t.length + 1)) + del),
      );
    const input = fc.oneof(fc.string({ unit: 'binary' }), fc.json(), mutated, valid);
    fc.assert(
      fc.property(input, (text) => {
        let parsed = true;
        try {
          JSON.parse(text);
        } catch {
          parsed = false;
        }
        try {
          decodeAigcLabel(text);
        } catch (err) {
          expect(err).toBeInstanceOf(LabelError);
          const { code, details } = err as LabelError;
          // JSON.parse has no depth cap; every other invalid_json must be invalid for it too.
          if (code === 'label.invalid_json' && details?.problem !== 'too_deep') expect(parsed).toBe(false);
          return;
        }
        expect(parsed).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('isLabelValueSafe', () => {
  it.each<[string, boolean]>([
    ['', true],
    ['001191440300708461136T1XGW3', true],
    ['!~', true],
    ['a b', false],
    ['a"b', false],
    ['a\\b', false],
    ['\u007f', false],
    ['é', false],
  ])('%j -> %s', (s, ok) => {
    expect(isLabelValueSafe(s)).toBe(ok);
  });
});
