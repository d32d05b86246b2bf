/**
 * `synthguard verify` and `POST /v1/verify`: is the label there, is its signature valid, is the
 * content unchanged since signing, and whose key signed it. Read-only: the CLI needs no key at
 * all, the API any key with `content:read`.
 */
import { sha256Hex } from '@synthguard/core';
import { type FormatHint, detectFormat } from '@synthguard/formats';
import {
  type AigcLabel,
  type SignatureCheck,
  canCarryLabel,
  parseProviderCode,
  verifyImplicitLabel,
} from '@synthguard/labels';
import { type C2paReport, c2paReport, integrityOptionsFor } from './provenance.js';
import type { PublishedKey } from './signing-keys.js';

/** Where verification looks up who owns a key id: this installation's keyring, or a published list. */
export interface KeyDirectory {
  lookup(kid: string): Promise<PublishedKey | undefined>;
}

/** One signature slot as verification reports it. */
export type SignatureReport =
  | { readonly status: 'absent' }
  | { readonly status: 'foreign'; readonly problem: string }
  | {
      readonly status: 'checked';
      readonly alg: string;
      readonly keyId: string;
      readonly signatureValid: boolean;
      readonly contentUnchanged: boolean;
      readonly bindingsComplete: boolean;
      /** The key directory knows this key (published by a provider). */
      readonly keyKnown: boolean;
      readonly keyStatus: 'active' | 'retired' | undefined;
      /** The provider code the key is published for. */
      readonly keyProvider: string | undefined;
      /** The key's provider has the organisation (USCC) named in the label field it signs. */
      readonly keyMatchesLabel: boolean | undefined;
    };

/**
 * One word for the whole answer:
 * - `valid`: signed, signature valid, content unchanged, key known and owned by the label's producer;
 * - `unlabeled`; `unsigned` (a label without SecurityData); `foreign` (integrity data we cannot check);
 * - `forged` (signature invalid); `content_changed`; `key_unknown` (valid signature by a key
 *   no directory vouches for); `key_mismatch` (a known key of another organisation).
 */
export type VerificationStatus =
  | 'valid'
  | 'unlabeled'
  | 'unsigned'
  | 'foreign'
  | 'forged'
  | 'content_changed'
  | 'key_unknown'
  | 'key_mismatch';

export interface Verification {
  readonly format: string;
  readonly mediaType: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly status: VerificationStatus;
  readonly label:
    | { readonly fields: AigcLabel; readonly form: 'bare' | 'wrapped'; readonly problems: readonly string[] }
    | undefined;
  readonly producer: SignatureReport;
  readonly propagator: SignatureReport;
  /** The file's C2PA manifest, for the formats that carry one (undefined for the others). */
  readonly c2pa: C2paReport | undefined;
}

export interface VerifyOptions {
  /** PEM roots for C2PA manifests (this installation's development root, configured anchors). */
  readonly c2paTrustAnchorsPem?: string | undefined;
  /** Media type or file name, for formats without magic bytes (Markdown). */
  readonly hint?: FormatHint | undefined;
}

function usccOf(code: string): string | undefined {
  try {
    return parseProviderCode(code).uscc;
  } catch {
    return undefined;
  }
}

async function report(
  check: SignatureCheck,
  signedCode: string,
  keys: KeyDirectory,
): Promise<SignatureReport> {
  if (check.status !== 'checked') return check;
  const known = await keys.lookup(check.keyId);
  const keyKnown = known !== undefined && known.publicKey === check.publicKey;
  const labelUscc = usccOf(signedCode);
  return {
    status: 'checked',
    alg: check.alg,
    keyId: check.keyId,
    signatureValid: check.signatureValid,
    contentUnchanged: check.contentUnchanged,
    bindingsComplete: check.bindingsComplete,
    keyKnown,
    keyStatus: keyKnown ? known.status : undefined,
    keyProvider: keyKnown ? known.providerCode : undefined,
    keyMatchesLabel:
      keyKnown && labelUscc !== undefined ? usccOf(known.providerCode) === labelUscc : undefined,
  };
}

function broken(r: SignatureReport): boolean {
  return r.status === 'checked' && (!r.signatureValid || !r.bindingsComplete);
}

function statusOf(producer: SignatureReport, propagator: SignatureReport): VerificationStatus {
  // A platform's signature that does not verify is as much a forgery as the producer's.
  if (broken(producer) || broken(propagator)) return 'forged';
  if (producer.status === 'absent') return 'unsigned';
  if (producer.status === 'foreign') return 'foreign';
  if (!producer.contentUnchanged) return 'content_changed';
  if (!producer.keyKnown) return 'key_unknown';
  if (producer.keyMatchesLabel === false) return 'key_mismatch';
  return 'valid';
}

/** Verifies a file's implicit label and its signatures against `keys`. Throws for unreadable files. */
export async function verifyContent(
  file: Uint8Array,
  keys: KeyDirectory,
  options: VerifyOptions = {},
): Promise<Verification> {
  const handler = detectFormat(file, options.hint);
  if (!canCarryLabel(handler)) handler.validate(file);
  const found = canCarryLabel(handler)
    ? verifyImplicitLabel(handler, file, integrityOptionsFor(handler.id))
    : undefined;
  const base = {
    format: handler.id,
    mediaType: handler.mediaType,
    bytes: file.length,
    sha256: sha256Hex(file),
    c2pa: c2paReport(file, handler.id, options.c2paTrustAnchorsPem),
  };
  if (found === undefined) {
    return {
      ...base,
      status: 'unlabeled',
      label: undefined,
      producer: { status: 'absent' },
      propagator: { status: 'absent' },
    };
  }
  const fields = found.label.label;
  const producer = await report(found.producer, fields.ContentProducer, keys);
  const propagator = await report(found.propagator, fields.ContentPropagator, keys);
  return {
    ...base,
    status: statusOf(producer, propagator),
    label: { fields, form: found.label.form, problems: found.label.problems },
    producer,
    propagator,
  };
}
