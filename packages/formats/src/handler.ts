/**
 * The per-format handler interface. Handlers only find, insert and remove metadata bytes
 * (the "XMP packet" slot); all label logic (XML, JSON) lives above them.
 * Model: c2pa-rs `asset_handlers` (handlers report and replace metadata byte ranges).
 *
 * Keep this interface small: new capabilities are optional members, so a handler that
 * cannot carry XMP (or anything else) simply leaves the member out.
 */

import type { ByteSource, Splice } from './source.js';

export type FormatId =
  | 'jpeg'
  | 'png'
  | 'webp'
  | 'gif'
  | 'tiff'
  | 'heif'
  | 'mp4'
  | 'mkv'
  | 'wav'
  | 'mp3'
  | 'flac'
  | 'ogg'
  | 'ooxml'
  | 'pdf'
  | 'markdown';

export type Modality = 'image' | 'video' | 'audio' | 'text' | 'document';

// Contract shared by both carriers: every read and write MUST first walk and validate the
// whole file as `validate` does (a truncated or corrupt file throws, whatever its metadata), so
// callers never need a separate `validate` before reading or writing a label. The conformance
// suites check it ("rejects every truncation in read… and write…").

export interface XmpCarrier {
  /** The file's standard XMP packet as raw UTF-8 bytes, or undefined if none. Throws FormatError. */
  readXmp(file: Uint8Array): Uint8Array | undefined;
  /**
   * A NEW file whose standard XMP packet is `packet` (replaced in place, or inserted at the
   * conventional position when absent); `undefined` removes it. Every other byte of the file is
   * kept as it was. Throws FormatError.
   */
  writeXmp(file: Uint8Array, packet: Uint8Array | undefined): Uint8Array;
}

/**
 * A native metadata field named `AIGC` holding the label text, where the TC260 guides place the
 * label outside XMP: WAV RIFF chunk `AIGC`, MP3 ID3v2 `TXXX` (description `AIGC`), FLAC/Ogg
 * Vorbis comment `AIGC=`, MP4 `moov/udta/meta` key `AIGC`, MKV SimpleTag, PDF Info `/AIGC`,
 * OOXML custom property, Markdown front matter.
 */
export interface AigcFieldCarrier {
  /**
   * The field's text (decoded per the container's rules, e.g. UTF-8), or undefined if absent.
   * More than one AIGC field is `format.duplicate_metadata`. Throws FormatError.
   */
  readAigc(file: Uint8Array): string | undefined;
  /**
   * A NEW file whose AIGC field holds `value` (replaced in place, or inserted where the guide
   * says); `undefined` removes it. Every byte outside the field and the sizes, counts and
   * checksums that enclose it is kept as it was. Throws FormatError.
   */
  writeAigc(file: Uint8Array, value: string | undefined): Uint8Array;
}

/**
 * The AIGC field read and written through a ByteSource, for files too large to hold in memory
 * (MP4/MOV). `planAigc` returns the edits; applying them to the source (`applySplices`, or a
 * streaming copy of `outputPieces`) gives exactly the bytes `aigc.writeAigc` returns. Reads and
 * plans validate the file's structure as `validate` does, but may leave bulk media data (`mdat`)
 * unread.
 */
export interface StreamingAigcCarrier {
  readAigc(src: ByteSource): string | undefined;
  planAigc(src: ByteSource, value: string | undefined): readonly Splice[];
}

export interface FormatHandler {
  readonly id: FormatId;
  /** IANA media type, lower-case, without parameters: 'image/jpeg'. */
  readonly mediaType: string;
  /** Other media types seen in the wild for this format ('image/jpg'); lookups accept them. */
  readonly mediaTypeAliases?: readonly string[];
  /** File name extensions, lower-case, without the dot: ['jpg', 'jpeg', 'jpe']. */
  readonly extensions: readonly string[];
  readonly modality: Modality;
  /**
   * True for formats without magic bytes (Markdown): when no handler sniffs a file, detection
   * may pick this one by the media type or file name the caller gives.
   */
  readonly magicless?: boolean;
  /** Magic-byte check on the first bytes (never throws, never reads out of bounds). */
  sniff(head: Uint8Array): boolean;
  /** Full structural walk of the file; throws FormatError (truncated / corrupt / bad CRC). */
  validate(file: Uint8Array): void;
  /** Standard XMP packet slot (images, PDF); the label goes in as TC260:AIGC. */
  readonly xmp?: XmpCarrier;
  /** Native AIGC field (audio, video, documents). When present, the label goes here. */
  readonly aigc?: AigcFieldCarrier;
  /** The same AIGC field through a ByteSource (bounded memory); only where files get large. */
  readonly streaming?: StreamingAigcCarrier;
}
