import { LabelError } from '../errors.js';
import { type JsonValue, JsonObject, parseJson } from './json.js';

/** GB 45438-2025 Annex E: "1" AI-generated, "2" possibly AI-generated, "3" suspected AI-generated. */
export type LabelKind = '1' | '2' | '3';

/** GB 45438-2025 Annex E implicit label: the seven keys, in this order. */
export interface AigcLabel {
  Label: LabelKind;
  ContentProducer: string;
  ProduceID: string;
  ReservedCode1: string;
  ContentPropagator: string;
  PropagateID: string;
  ReservedCode2: string;
}

export type AigcField = keyof AigcLabel;

/** Key order of the encoded object (GB 45438-2025 Annex E). */
export const AIGC_FIELDS: readonly AigcField[] = [
  'Label',
  'ContentProducer',
  'ProduceID',
  'ReservedCode1',
  'ContentPropagator',
  'PropagateID',
  'ReservedCode2',
];

export const PRODUCE_ID_MAX_LENGTH = 64;
/** ContentProducer / ContentPropagator / PropagateID: provider codes are 27 characters; 64 leaves room. */
export const CODE_FIELD_MAX_LENGTH = 64;
/** ReservedCode1/2 will hold signed SecurityData JSON (TC260-PG-202511A). */
export const RESERVED_CODE_MAX_LENGTH = 16 * 1024;
/** Cap on the label value text, for the reader and the writer alike. */
export const AIGC_VALUE_MAX_LENGTH = 64 * 1024;

/**
 * GB 45438-2025 Annex E [soft]: label values are printable ASCII without space, `"` and `\`
 * (0x21-0x7E minus 0x22 and 0x5C), so they survive every metadata container verbatim.
 */
export function isLabelValueSafe(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/**
 * ReservedCode1/2 are a documented deviation from the character set above: they carry
 * SecurityData, which is itself JSON (TC260-PG-202511A) and so contains `"` (and maybe `\`
 * and spaces). They may hold any printable ASCII 0x20-0x7E; JSON encoding escapes `"` and `\`.
 * Control characters and non-ASCII remain excluded.
 */
export function isReservedCodeSafe(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

interface FieldRule {
  min: number;
  max: number;
  safe: (s: string) => boolean;
}

const RULES: Record<Exclude<AigcField, 'Label'>, FieldRule> = {
  ContentProducer: { min: 1, max: CODE_FIELD_MAX_LENGTH, safe: isLabelValueSafe },
  ProduceID: { min: 1, max: PRODUCE_ID_MAX_LENGTH, safe: isLabelValueSafe },
  ReservedCode1: { min: 0, max: RESERVED_CODE_MAX_LENGTH, safe: isReservedCodeSafe },
  ContentPropagator: { min: 0, max: CODE_FIELD_MAX_LENGTH, safe: isLabelValueSafe },
  PropagateID: { min: 0, max: PRODUCE_ID_MAX_LENGTH, safe: isLabelValueSafe },
  ReservedCode2: { min: 0, max: RESERVED_CODE_MAX_LENGTH, safe: isReservedCodeSafe },
};

function isLabelKind(v: unknown): v is LabelKind {
  return v === '1' || v === '2' || v === '3';
}

/** What is wrong with a string field, or undefined. */
function fieldProblem(field: Exclude<AigcField, 'Label'>, value: string): string | undefined {
  const rule = RULES[field];
  if (value.length < rule.min) return 'empty';
  if (value.length > rule.max) return 'too_long';
  if (!rule.safe(value)) return 'character';
  return undefined;
}

function invalidField(field: string, problem: string): LabelError {
  return new LabelError('label.invalid_field', `The label field ${field} is invalid (${problem}); fix it.`, {
    details: { field, problem },
  });
}

/** Strict check used by the writer. Throws LabelError `label.invalid_field` with details.field. */
export function validateAigcLabel(label: AigcLabel): void {
  const unknownLabel: unknown = label; // callers may hand us parsed JSON
  if (typeof unknownLabel !== 'object' || unknownLabel === null) throw invalidField('AIGC', 'not_an_object');
  const record = unknownLabel as Record<string, unknown>;
  if (!isLabelKind(record.Label)) throw invalidField('Label', 'not_1_2_or_3');
  for (const field of AIGC_FIELDS) {
    if (field === 'Label') continue;
    const value = record[field];
    if (typeof value !== 'string') throw invalidField(field, 'not_a_string');
    const problem = fieldProblem(field, value);
    if (problem !== undefined) throw invalidField(field, problem);
  }
}

/**
 * Encodes the label as the practice guides write it: the bare seven-key object (the slot is
 * already named AIGC), keys in Annex E order, compact JSON. Validates first.
 */
export function encodeAigcLabel(label: AigcLabel): string {
  validateAigcLabel(label);
  const ordered: Record<string, string> = {};
  for (const field of AIGC_FIELDS) ordered[field] = label[field];
  const text = JSON.stringify(ordered);
  if (text.length > AIGC_VALUE_MAX_LENGTH) {
    throw new LabelError('label.too_large', 'The encoded label is too large; shorten ReservedCode1/2.', {
      details: { limit: 'value', max: AIGC_VALUE_MAX_LENGTH },
    });
  }
  return text;
}

export interface DecodedAigcLabel {
  label: AigcLabel;
  /** `bare`: the seven-key object; `wrapped`: `{"AIGC":{…}}` as printed in the standard. */
  form: 'bare' | 'wrapped';
  /** Soft-rule violations the lenient reader accepted (empty when the label is fully valid). */
  problems: string[];
}

function describeKey(key: string): string {
  return key.length <= 32 && isLabelValueSafe(key) ? key : '(unprintable key)';
}

function asObject(value: JsonValue | undefined, field: string): JsonObject {
  if (!(value instanceof JsonObject)) throw invalidField(field, 'not_an_object');
  return value;
}

function rejectDuplicates(obj: JsonObject): void {
  const key = obj.duplicateKeys[0];
  if (key === undefined) return;
  const field = describeKey(key);
  throw new LabelError('label.duplicate', `The label value repeats the key ${field}; write each key once.`, {
    details: { field },
  });
}

/**
 * Decodes a label value. Accepts the bare object and the `{"AIGC":{…}}` wrapper. Lenient where
 * the standard is soft (missing string fields read as '', character-set and length violations
 * and unknown keys are listed in `problems`); strict where a reader could be misled (bad JSON,
 * non-string fields, Label other than "1"/"2"/"3", duplicate keys, two labels in one value).
 */
export function decodeAigcLabel(text: string): DecodedAigcLabel {
  if (text.length > AIGC_VALUE_MAX_LENGTH) {
    throw new LabelError('label.too_large', 'The label value is too large to be a GB 45438 label.', {
      details: { limit: 'value', max: AIGC_VALUE_MAX_LENGTH },
    });
  }
  const top = asObject(parseJson(text), 'AIGC');
  rejectDuplicates(top);
  const problems: string[] = [];
  let form: 'bare' | 'wrapped' = 'bare';
  let obj = top;
  if (top.entries.has('AIGC')) {
    for (const field of AIGC_FIELDS) {
      if (top.entries.has(field)) {
        throw new LabelError('label.duplicate', 'The label value holds both a bare and a wrapped label.', {
          details: { field },
        });
      }
    }
    form = 'wrapped';
    obj = asObject(top.entries.get('AIGC'), 'AIGC');
    rejectDuplicates(obj);
    for (const key of top.entries.keys()) {
      if (key !== 'AIGC') problems.push(`unexpected key ${describeKey(key)} beside AIGC`);
    }
  }

  const labelValue = obj.entries.get('Label');
  if (labelValue === undefined) throw invalidField('Label', 'missing');
  if (typeof labelValue !== 'string') throw invalidField('Label', 'not_a_string');
  if (!isLabelKind(labelValue)) throw invalidField('Label', 'not_1_2_or_3');

  const label: AigcLabel = {
    Label: labelValue,
    ContentProducer: '',
    ProduceID: '',
    ReservedCode1: '',
    ContentPropagator: '',
    PropagateID: '',
    ReservedCode2: '',
  };
  for (const field of AIGC_FIELDS) {
    if (field === 'Label') continue;
    const value = obj.entries.get(field);
    if (value === undefined) {
      if (RULES[field].min > 0) problems.push(`${field}: missing`);
      continue;
    }
    if (typeof value !== 'string') throw invalidField(field, 'not_a_string');
    label[field] = value;
    const problem = fieldProblem(field, value);
    if (problem !== undefined) problems.push(`${field}: ${problem}`);
  }
  const known = new Set<string>(AIGC_FIELDS);
  for (const key of obj.entries.keys()) {
    if (!known.has(key)) problems.push(`unexpected key ${describeKey(key)}`);
  }
  return { label, form, problems };
}
