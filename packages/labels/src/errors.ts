import { AppError } from '@synthguard/core';

/**
 * Error codes of @synthguard/labels. Stable, dotted, lower-case; the server maps them to HTTP.
 * - `label.invalid_json`  the label value is not a JSON object (details: offset, problem)
 * - `label.invalid_field` a field is missing, of the wrong type or outside its character set
 *                         (details: field, problem)
 * - `label.duplicate`     more than one label (or one key twice in a label) where exactly one is allowed
 * - `label.invalid_xmp`   the XMP packet is not well-formed (namespaced) XML / RDF (details: problem, offset)
 * - `label.too_large`     an input exceeds a size cap (details: limit, max)
 * - `label.no_slot`       the format has no place for a label
 * - `label.invalid_key`   a signing or verification key is unreadable or of an unsupported kind
 * - `label.invalid_security_data` ReservedCode1/2 holds something that is not our SecurityData
 */
export type LabelErrorCode =
  | 'label.invalid_json'
  | 'label.invalid_field'
  | 'label.duplicate'
  | 'label.invalid_xmp'
  | 'label.too_large'
  | 'label.no_slot'
  | 'label.invalid_key'
  | 'label.invalid_security_data';

export class LabelError extends AppError<LabelErrorCode> {}
