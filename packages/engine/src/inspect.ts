import { sha256Hex } from '@synthguard/core';
import { type FormatHint, detectFormat } from '@synthguard/formats';
import { type AigcLabel, canCarryLabel, readImplicitLabel } from '@synthguard/labels';

export interface Inspection {
  readonly format: string;
  readonly mediaType: string;
  readonly modality: string;
  readonly bytes: number;
  readonly sha256: string;
  /** The GB 45438 implicit label, when the file carries one. */
  readonly label:
    | { readonly fields: AigcLabel; readonly form: 'bare' | 'wrapped'; readonly problems: readonly string[] }
    | undefined;
}

/** What a file is and which implicit label it carries. Read-only; validates the structure first. */
export function inspectContent(file: Uint8Array, hint: FormatHint = {}): Inspection {
  const handler = detectFormat(file, hint);
  // Reading the label walks and validates the whole file (the carrier contract); a handler
  // without a label carrier is validated on its own.
  if (!canCarryLabel(handler)) handler.validate(file);
  const found = readImplicitLabel(handler, file);
  return {
    format: handler.id,
    mediaType: handler.mediaType,
    modality: handler.modality,
    bytes: file.length,
    sha256: sha256Hex(file),
    label:
      found === undefined ? undefined : { fields: found.label, form: found.form, problems: found.problems },
  };
}
