/**
 * A bounds-checked reader over one box payload `[at, end)`. Every read checks the remaining
 * length first; a field that runs past its box is `format.corrupt` (the box itself was complete,
 * its contents are not). Used by the `meta` parsers; box headers come from `isobmff/boxes.ts`.
 */
import { formatError } from '../errors.js';
import { type UintSize, fourcc, readUint } from './bytes.js';

/** Strings in item boxes (names, MIME types) are capped: longer ones are not metadata. */
export const MAX_STRING = 4096;
const utf8 = new TextDecoder('utf-8', { fatal: false });

export class Cursor {
  constructor(
    private readonly b: Uint8Array,
    public at: number,
    readonly end: number,
    /** The box being read, for error messages ('iloc'). */
    private readonly box: string,
  ) {}

  get remaining(): number {
    return this.end - this.at;
  }

  need(n: number): void {
    if (n > this.end - this.at) {
      throw formatError('format.corrupt', `The '${this.box}' box ends in the middle of a field.`, {
        box: this.box,
        offset: this.at,
      });
    }
  }

  uint(size: UintSize): number {
    this.need(size);
    const v = readUint(this.b, this.at, size);
    if (v === Infinity) {
      throw formatError('format.corrupt', `A 64-bit value in '${this.box}' exceeds 2^53.`, {
        box: this.box,
        offset: this.at,
      });
    }
    this.at += size;
    return v;
  }

  fourcc(): string {
    this.need(4);
    const t = fourcc(this.b, this.at);
    this.at += 4;
    return t;
  }

  skip(n: number): void {
    this.need(n);
    this.at += n;
  }

  /**
   * A NUL-terminated UTF-8 string (ISO/IEC 14496-12 §4.2 "utf8string"). A string that runs to
   * the end of the box without its NUL is accepted, as HEIF readers do for the last field.
   */
  cstring(): string {
    const limit = Math.min(this.end, this.at + MAX_STRING + 1);
    let i = this.at;
    while (i < limit && this.b[i] !== 0) i++;
    if (i === limit && limit < this.end) {
      throw formatError('format.corrupt', `A string in '${this.box}' is longer than ${MAX_STRING} bytes.`, {
        box: this.box,
        offset: this.at,
      });
    }
    const s = utf8.decode(this.b.subarray(this.at, i));
    this.at = i < this.end ? i + 1 : i;
    return s;
  }

  /** Version and flags of a FullBox (§4.2): returns the version. */
  fullBoxVersion(): number {
    const v = this.uint(1);
    this.skip(3);
    return v;
  }
}
