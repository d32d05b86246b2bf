/**
 * The per-format handler interface. Handlers only find, insert and remove metadata bytes
 * (the "XMP packet" slot); all label logic (XML, JSON) lives above them.
 * Model: c2pa-rs `asset_handlers` (handlers report and replace metadata byte ranges).
 *
 * Keep this interface small: new capabilities are optional members, so a handler that
 * cannot carry XMP (or anything else) simply leaves the member out.
 */

export type FormatId = 'jpeg' | 'png';

export type Modality = 'image' | 'video' | 'audio' | 'text' | 'document';

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

export interface FormatHandler {
  readonly id: FormatId;
  /** IANA media type, lower-case, without parameters: 'image/jpeg'. */
  readonly mediaType: string;
  /** Other media types seen in the wild for this format ('image/jpg'); lookups accept them. */
  readonly mediaTypeAliases?: readonly string[];
  /** File name extensions, lower-case, without the dot: ['jpg', 'jpeg', 'jpe']. */
  readonly extensions: readonly string[];
  readonly modality: Modality;
  /** Magic-byte check on the first bytes (never throws, never reads out of bounds). */
  sniff(head: Uint8Array): boolean;
  /** Full structural walk of the file; throws FormatError (truncated / corrupt / bad CRC). */
  validate(file: Uint8Array): void;
  readonly xmp?: XmpCarrier;
}
