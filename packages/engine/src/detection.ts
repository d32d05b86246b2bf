/**
 * The detector platforms use (Labeling Measures Art. 6): one verdict per file, with the evidence
 * behind it and the wording the platform must show.
 *
 * - "1" (is AI-generated, Art. 6(1)): the file's metadata carries a well-formed implicit label
 *   and nothing about it fails a check we can make (a producer signature, when present in our
 *   SecurityData form, verifies and the content is unchanged). The Measures ask only that the
 *   metadata says so; a signature strengthens the evidence and is reported, it is not required.
 *   The verdict is the label's own `Label` value ("2"/"3" when a platform wrote it so).
 * - "2" (may be AI-generated, Art. 6(2)): no such label, but the uploader declared the content
 *   as generated.
 * - "3" (suspected, Art. 6(3)): other traces: a label that is malformed, forged or whose content
 *   changed after signing; a C2PA manifest or an IPTC DigitalSourceType saying a trained model
 *   made it. (Invisible watermarks join this list when that engine lands.)
 * - none: no trace found.
 */
import { type FormatHint, detectFormat } from '@synthguard/formats';
import { type LabelKind, canCarryLabel, readDigitalSourceTypes } from '@synthguard/labels';
import { type AppError, isAppError } from '@synthguard/core';
import { type C2paReport, isAiSourceType } from './provenance.js';
import { type KeyDirectory, type Verification, verifyContent } from './verification.js';

export type Verdict = LabelKind;

/** What a platform shows next to the content (GB 45438-2025 / Labeling Measures Art. 6). */
export interface VerdictWording {
  readonly zh: string;
  readonly en: string;
  /** The provision the wording implements. */
  readonly basis: string;
}

export const VERDICT_WORDING: Readonly<Record<Verdict, VerdictWording>> = {
  '1': {
    zh: '该内容为人工智能生成合成内容',
    en: 'This content is AI-generated.',
    basis: 'Measures for Labeling AI-Generated Synthetic Content, Art. 6(1); GB 45438-2025 Annex E Label "1"',
  },
  '2': {
    zh: '该内容可能为人工智能生成合成内容',
    en: 'This content may be AI-generated.',
    basis: 'Measures for Labeling AI-Generated Synthetic Content, Art. 6(2); GB 45438-2025 Annex E Label "2"',
  },
  '3': {
    zh: '该内容疑似为人工智能生成合成内容',
    en: 'This content is suspected to be AI-generated.',
    basis: 'Measures for Labeling AI-Generated Synthetic Content, Art. 6(3); GB 45438-2025 Annex E Label "3"',
  },
};

export type Evidence =
  | {
      readonly kind: 'implicit_label';
      readonly verification: Verification;
      readonly trusted: boolean;
      readonly reason: string;
    }
  | { readonly kind: 'unreadable_label'; readonly code: string; readonly message: string }
  | { readonly kind: 'declaration' }
  | { readonly kind: 'digital_source_type'; readonly value: string }
  | { readonly kind: 'c2pa'; readonly report: C2paReport };

export interface Detection {
  readonly format: string;
  readonly verdict: Verdict | null;
  readonly wording: VerdictWording | null;
  readonly evidence: readonly Evidence[];
}

export interface DetectOptions {
  /** The uploader declared the content AI-generated (Measures Art. 10). */
  readonly declared?: boolean | undefined;
  readonly keys: KeyDirectory;
  /** PEM roots for C2PA manifests. */
  readonly c2paTrustAnchorsPem?: string | undefined;
  /** Media type or file name, for formats without magic bytes (Markdown). */
  readonly hint?: FormatHint | undefined;
}

/** Why a label is not to be trusted, or undefined when nothing we can check fails. */
function distrust(v: Verification): string | undefined {
  const problems = v.label?.problems ?? [];
  if (problems.length > 0) return `malformed label: ${problems.join('; ')}`;
  switch (v.status) {
    case 'forged':
      return 'a signature in the label does not verify (forged or tampered with)';
    case 'content_changed':
      return 'content changed after signing';
    case 'key_mismatch':
      return 'signed by a key published for another organisation than the label names';
    default:
      return undefined;
  }
}

function labelEvidence(v: Verification): Evidence & { kind: 'implicit_label' } {
  const reason = distrust(v);
  if (reason !== undefined) return { kind: 'implicit_label', verification: v, trusted: false, reason };
  const p = v.producer;
  const how =
    p.status === 'checked'
      ? p.keyKnown
        ? 'signed by a published key'
        : 'signature valid (key not published in this directory)'
      : p.status === 'foreign'
        ? 'integrity data in a form this detector cannot check'
        : 'unsigned';
  return { kind: 'implicit_label', verification: v, trusted: true, reason: `well-formed label, ${how}` };
}

/** Errors that mean "a label is there but cannot be read": traces, not failures. */
function isUnreadableLabel(err: unknown): err is AppError {
  return isAppError(err) && (err.code.startsWith('label.') || err.code === 'format.duplicate_metadata');
}

/** Detects AI-generation traces in a file. Throws FormatError for files we cannot parse at all. */
export async function detectContent(file: Uint8Array, options: DetectOptions): Promise<Detection> {
  const handler = detectFormat(file, options.hint);
  const evidence: Evidence[] = [];
  let verdict: Verdict | null = null;

  if (canCarryLabel(handler)) {
    try {
      const v = await verifyContent(file, options.keys, {
        c2paTrustAnchorsPem: options.c2paTrustAnchorsPem,
        hint: options.hint,
      });
      if (v.c2pa?.present === true && isAiSourceType(v.c2pa.digitalSourceType)) {
        evidence.push({ kind: 'c2pa', report: v.c2pa });
      }
      if (v.label !== undefined) {
        const e = labelEvidence(v);
        evidence.push(e);
        if (e.trusted) verdict = v.label.fields.Label;
      }
    } catch (err) {
      // A label that cannot even be read (two labels, broken JSON) is a trace, not a verdict of "1".
      if (!isUnreadableLabel(err)) throw err;
      evidence.push({ kind: 'unreadable_label', code: err.code, message: err.message });
    }
  } else {
    handler.validate(file);
  }

  if (options.declared === true) {
    evidence.push({ kind: 'declaration' });
    verdict ??= '2';
  }

  if (handler.xmp !== undefined) {
    try {
      const packet = handler.xmp.readXmp(file);
      for (const value of packet === undefined ? [] : readDigitalSourceTypes(packet)) {
        if (isAiSourceType(value)) {
          evidence.push({ kind: 'digital_source_type', value });
        }
      }
    } catch (err) {
      if (!isUnreadableLabel(err)) throw err;
    }
  }

  if (verdict === null && evidence.length > 0) verdict = '3';
  return {
    format: handler.id,
    verdict,
    wording: verdict === null ? null : VERDICT_WORDING[verdict],
    evidence,
  };
}
