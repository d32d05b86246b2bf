/**
 * `readManifest`: finds the file's manifest store, lists its manifests and validates the
 * active (last) one (C2PA 2.x §11.1.2, §15). A store whose JUMBF or claim CBOR cannot be parsed
 * is reported as present and invalid (`claim.malformed`), so a detector can tell "no manifest"
 * from "a broken one"; a container that does not parse still throws C2paError.
 */
import { embeddingFor } from '../embed/registry.js';
import { isAppError } from '@synthguard/core';
import { parseAnchors } from '../x509/chain.js';
import { type ParsedManifest, parseStore } from './store.js';
import { StatusLog, type ValidationResult } from './status.js';
import { type ManifestSummary, summarise } from './summary.js';
import { validateManifest } from './validate.js';

export interface ReadOptions {
  /** PEM trust anchors (root CAs). Without any, a good signature is `valid`, never `trusted`. */
  readonly trustAnchorsPem?: string;
  /** Validation time (default now). */
  readonly now?: Date;
}

export interface ReadResult {
  readonly present: boolean;
  /** Label of the active manifest (the last in the store). */
  readonly activeManifest?: string;
  readonly manifests: readonly ManifestSummary[];
  /** Validation of the active manifest; absent when no store is present. */
  readonly validation?: ValidationResult;
}

export function readManifest(file: Uint8Array, format: string, options: ReadOptions = {}): ReadResult {
  const found = embeddingFor(format).find(file);
  if (found === undefined) return { present: false, manifests: [] };
  let manifests: ParsedManifest[];
  try {
    manifests = parseStore(found.store);
  } catch (err) {
    if (!isAppError(err, 'c2pa.corrupt', 'c2pa.too_large')) throw err;
    const log = new StatusLog();
    log.add('claim.malformed', 'the manifest store cannot be parsed');
    return { present: true, manifests: [], validation: log.result() };
  }
  const active = manifests.at(-1);
  if (active === undefined) {
    const log = new StatusLog();
    log.add('claim.missing', 'the manifest store holds no manifest');
    return { present: true, manifests: [], validation: log.result() };
  }
  const log = validateManifest(active, {
    file,
    storeRange: found.range,
    anchors: parseAnchors(options.trustAnchorsPem),
    when: options.now ?? new Date(),
  });
  return {
    present: true,
    activeManifest: active.label,
    manifests: manifests.map(summarise),
    validation: log.result(),
  };
}

/** The file without its manifest store (unchanged when it has none). */
export function removeManifest(file: Uint8Array, format: string): Uint8Array {
  return embeddingFor(format).remove(file);
}
