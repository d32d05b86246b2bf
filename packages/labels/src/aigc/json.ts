import { LabelError } from '../errors.js';

/**
 * A small strict JSON parser (RFC 8259) for label values. Unlike `JSON.parse` it reports
 * duplicate object keys (RFC 8259 §4 leaves their meaning undefined, so two readers of
 * `{"Label":"1","Label":"3"}` may disagree), caps nesting, and builds objects as Maps so
 * keys such as `__proto__` are plain data.
 */
export class JsonObject {
  readonly entries = new Map<string, JsonValue>();
  readonly duplicateKeys: string[] = [];
}

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

export const JSON_MAX_DEPTH = 32;

function fail(offset: number, problem: string): never {
  throw new LabelError(
    'label.invalid_json',
    'The label value is not valid JSON; write the JSON object text.',
    {
      details: { offset, problem },
    },
  );
}

class Parser {
  private at = 0;

  constructor(private readonly text: string) {}

  parseDocument(): JsonValue {
    this.skipWhitespace();
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.at !== this.text.length) fail(this.at, 'trailing_data');
    return value;
  }

  private skipWhitespace(): void {
    const t = this.text;
    while (this.at < t.length) {
      const c = t.charCodeAt(this.at);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.at++;
      else break;
    }
  }

  private parseValue(depth: number): JsonValue {
    const c = this.text.charCodeAt(this.at);
    switch (c) {
      case 0x7b: // {
        return this.parseObject(depth + 1);
      case 0x5b: // [
        return this.parseArray(depth + 1);
      case 0x22: // "
        return this.parseString();
      case 0x74: // t
        return this.parseLiteral('true', true);
      case 0x66: // f
        return this.parseLiteral('false', false);
      case 0x6e: // n
        return this.parseLiteral('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.parseNumber();
        return fail(this.at, Number.isNaN(c) ? 'unexpected_end' : 'unexpected_character');
    }
  }

  private parseLiteral<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.at)) fail(this.at, 'unexpected_character');
    this.at += word.length;
    return value;
  }

  private parseObject(depth: number): JsonObject {
    if (depth > JSON_MAX_DEPTH) fail(this.at, 'too_deep');
    const obj = new JsonObject();
    this.at++; // {
    this.skipWhitespace();
    if (this.text.charCodeAt(this.at) === 0x7d) {
      this.at++;
      return obj;
    }
    for (;;) {
      if (this.text.charCodeAt(this.at) !== 0x22) fail(this.at, 'expected_key');
      const key = this.parseString();
      this.skipWhitespace();
      if (this.text.charCodeAt(this.at) !== 0x3a) fail(this.at, 'expected_colon');
      this.at++;
      this.skipWhitespace();
      const value = this.parseValue(depth);
      if (obj.entries.has(key)) obj.duplicateKeys.push(key);
      else obj.entries.set(key, value);
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.at);
      this.at++;
      if (c === 0x7d) return obj;
      if (c !== 0x2c) fail(this.at - 1, 'expected_comma');
      this.skipWhitespace();
    }
  }

  private parseArray(depth: number): JsonValue[] {
    if (depth > JSON_MAX_DEPTH) fail(this.at, 'too_deep');
    const arr: JsonValue[] = [];
    this.at++; // [
    this.skipWhitespace();
    if (this.text.charCodeAt(this.at) === 0x5d) {
      this.at++;
      return arr;
    }
    for (;;) {
      arr.push(this.parseValue(depth));
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.at);
      this.at++;
      if (c === 0x5d) return arr;
      if (c !== 0x2c) fail(this.at - 1, 'expected_comma');
      this.skipWhitespace();
    }
  }

  private parseString(): string {
    const t = this.text;
    this.at++; // opening quote
    let out = '';
    let runStart = this.at;
    for (;;) {
      if (this.at >= t.length) fail(this.at, 'unterminated_string');
      const c = t.charCodeAt(this.at);
      if (c === 0x22) {
        out += t.slice(runStart, this.at);
        this.at++;
        return out;
      }
      if (c < 0x20) fail(this.at, 'control_character_in_string');
      if (c !== 0x5c) {
        this.at++;
        continue;
      }
      out += t.slice(runStart, this.at);
      const e = t.charCodeAt(this.at + 1);
      this.at += 2;
      switch (e) {
        case 0x22:
          out += '"';
          break;
        case 0x5c:
          out += '\\';
          break;
        case 0x2f:
          out += '/';
          break;
        case 0x62:
          out += '\b';
          break;
        case 0x66:
          out += '\f';
          break;
        case 0x6e:
          out += '\n';
          break;
        case 0x72:
          out += '\r';
          break;
        case 0x74:
          out += '\t';
          break;
        case 0x75: {
          const hex = t.slice(this.at, this.at + 4);
          if (!/^[0-9A-Fa-f]{4}$/.test(hex)) fail(this.at, 'bad_unicode_escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.at += 4;
          break;
        }
        default:
          fail(this.at - 1, 'bad_escape');
      }
      runStart = this.at;
    }
  }

  private parseNumber(): number {
    const m = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    m.lastIndex = this.at;
    const found = m.exec(this.text);
    if (found === null) return fail(this.at, 'bad_number');
    this.at += found[0].length;
    return Number(found[0]);
  }
}

/** Parses `text` as one JSON value. Throws LabelError `label.invalid_json`. */
export function parseJson(text: string): JsonValue {
  return new Parser(text).parseDocument();
}
