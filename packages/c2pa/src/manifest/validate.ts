/**
 * Validates the active manifest (C2PA 2.x §15 "Validation"): the claim signature (§15.7, a
 * COSE_Sign1 over the claim bytes with the x5chain leaf's key), the signer credential (§14.6),
 * every hashed URI in the claim (§15.10: the stored superbox payload hashes to the reference),
 * and the hard binding (§15.12: `c2pa.hash.data` over the file minus its exclusions). Findings
 * are status codes in a `StatusLog`; nothing here throws for a bad manifest.
 */
import { bytesEqual, isAppError } from '@synthguard/core';
import { type X509Certificate } from 'node:crypto';
import { decodeCbor } from '../cbor/decode.js';
import { type CborValue, isCborMap } from '../cbor/value.js';
import { algorithmFromId, verifyWith } from '../cose/algorithms.js';
import { parseSign1, sigStructure } from '../cose/sign1.js';
import type { ByteRange } from '../embed/embedding.js';
import { bmffHash, parseBmffExclusions } from '../hash/bmff-hash.js';
import { dataHash, digest, exclusionsValid, hashAlg } from '../hash/data-hash.js';
import { contentBox, type ParsedManifest, resolveAssertion } from './store.js';
import { LABEL, signatureUri } from './labels.js';
import { StatusLog } from './status.js';
import { checkCredential } from '../x509/chain.js';

export interface ValidateContext {
  readonly file: Uint8Array;
  /** Where the store's carrier sits in the file: an exclusion must cover it (§18.5). */
  readonly storeRange: ByteRange;
  readonly anchors: readonly X509Certificate[];
  readonly when: Date;
}

interface HashedUri {
  readonly url: string;
  readonly hash: Uint8Array;
  readonly alg: string | undefined;
}

function hashedUris(claim: ReadonlyMap<string | number, CborValue>, version: 1 | 2): HashedUri[] | undefined {
  const keys = version === 2 ? ['created_assertions', 'gathered_assertions'] : ['assertions'];
  const out: HashedUri[] = [];
  for (const key of keys) {
    const list = claim.get(key);
    if (list === undefined && key === 'gathered_assertions') continue;
    if (!Array.isArray(list)) return undefined;
    for (const item of list as readonly CborValue[]) {
      if (item === undefined || !isCborMap(item)) return undefined;
      const url = item.get('url');
      const hash = item.get('hash');
      const alg = item.get('alg');
      if (typeof url !== 'string' || !(hash instanceof Uint8Array)) return undefined;
      out.push({ url, hash, alg: typeof alg === 'string' ? alg : undefined });
    }
  }
  return out;
}

function checkSignature(m: ParsedManifest, log: StatusLog, ctx: ValidateContext): void {
  const url = signatureUri(m.label);
  if (m.signatureBytes === undefined || m.claimBytes === undefined) {
    log.add('claimSignature.missing', 'no claim signature box', url);
    return;
  }
  let sign1;
  try {
    sign1 = parseSign1(m.signatureBytes);
  } catch {
    log.add('claimSignature.mismatch', 'claim signature is not a valid COSE_Sign1', url);
    return;
  }
  const alg = algorithmFromId(sign1.algId);
  if (alg === undefined) {
    log.add('algorithm.unsupported', 'unsupported COSE algorithm', url);
    return;
  }
  const credential = checkCredential(sign1.x5chain, ctx.anchors, ctx.when);
  const ok =
    credential.leaf !== undefined &&
    verifyWith(
      alg,
      credential.leaf.publicKey,
      sigStructure(sign1.protectedBytes, m.claimBytes),
      sign1.signature,
    );
  if (ok) log.add('claimSignature.validated', 'claim signature valid', url);
  else log.add('claimSignature.mismatch', 'claim signature does not verify', url);
  if (!credential.findings.some((f) => f.code === 'signingCredential.expired')) {
    log.add('claimSignature.insideValidity', 'signer certificate valid at validation time', url);
  }
  for (const f of credential.findings) log.add(f.code, f.explanation, url);
}

function decodeAssertion(
  box: ParsedManifest['assertionStore'],
): ReadonlyMap<string | number, CborValue> | undefined {
  const content = box === undefined ? undefined : contentBox(box, 'cbor');
  if (content === undefined) return undefined;
  try {
    const v = decodeCbor(content.payload);
    return isCborMap(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function exclusionsOf(data: ReadonlyMap<string | number, CborValue>): ByteRange[] | undefined {
  const list = data.get('exclusions') ?? [];
  if (!Array.isArray(list)) return undefined;
  const out: ByteRange[] = [];
  for (const e of list as readonly CborValue[]) {
    if (e === undefined || !isCborMap(e)) return undefined;
    const start = e.get('start');
    const length = e.get('length');
    if (typeof start !== 'number' || typeof length !== 'number') return undefined;
    out.push({ start, length });
  }
  return out;
}

function checkDataHash(m: ParsedManifest, url: string, log: StatusLog, ctx: ValidateContext): void {
  const data = decodeAssertion(resolveAssertion(m, url));
  const alg = hashAlg(data?.get('alg') ?? m.claim?.get('alg') ?? 'sha256');
  const expected = data?.get('hash');
  const exclusions = data === undefined ? undefined : exclusionsOf(data);
  if (alg === undefined || !(expected instanceof Uint8Array) || exclusions === undefined) {
    log.add('assertion.dataHash.malformed', 'data hash assertion is malformed', url);
    return;
  }
  if (!exclusionsValid(ctx.file.length, exclusions)) {
    log.add('assertion.dataHash.mismatch', 'data hash exclusions lie outside the file or overlap', url);
    return;
  }
  const { start, length } = ctx.storeRange;
  if (!exclusions.some((e) => e.start <= start && start + length <= e.start + e.length)) {
    log.add('assertion.dataHash.mismatch', 'no exclusion covers the manifest store', url);
    return;
  }
  if (bytesEqual(dataHash(alg, ctx.file, exclusions), expected))
    log.add('assertion.dataHash.match', 'data hash valid', url);
  else log.add('assertion.dataHash.mismatch', 'the content no longer matches the data hash', url);
}

/**
 * C2PA 2.x §18.15.2 (as c2pa-rs enforces it): in a referenced actions assertion the first
 * action is `c2pa.created` or `c2pa.opened`.
 */
function checkActions(m: ParsedManifest, refs: readonly HashedUri[], log: StatusLog): void {
  for (const ref of refs) {
    const box = resolveAssertion(m, ref.url);
    const label = box?.description.label?.replace(/__\d+$/, '');
    if (label !== LABEL.actionsV2 && label !== LABEL.actionsV1) continue;
    const actions = decodeAssertion(box)?.get('actions');
    const first = Array.isArray(actions) ? (actions as readonly CborValue[])[0] : undefined;
    const name = first !== undefined && isCborMap(first) ? first.get('action') : undefined;
    if (name !== 'c2pa.created' && name !== 'c2pa.opened') {
      log.add('assertion.action.malformed', 'the first action must be c2pa.created or c2pa.opened', ref.url);
    }
  }
}

function checkBmffHash(m: ParsedManifest, url: string, log: StatusLog, ctx: ValidateContext): void {
  const data = decodeAssertion(resolveAssertion(m, url));
  const alg = hashAlg(data?.get('alg') ?? m.claim?.get('alg') ?? 'sha256');
  const expected = data?.get('hash');
  const exclusions = parseBmffExclusions(data?.get('exclusions'));
  if (alg === undefined || exclusions === undefined) {
    log.add('assertion.bmffHash.malformed', 'BMFF hash assertion is malformed', url);
    return;
  }
  if (!(expected instanceof Uint8Array) || data?.get('merkle') !== undefined) {
    log.add('assertion.bmffHash.mismatch', 'Merkle-tree BMFF hashes are not supported', url);
    return;
  }
  let actual: Uint8Array | 'unsupported';
  try {
    actual = bmffHash(alg, ctx.file, exclusions);
  } catch (err) {
    if (!isAppError(err, 'c2pa.corrupt', 'c2pa.too_large')) throw err;
    log.add('assertion.bmffHash.mismatch', 'the file is no longer a well-formed BMFF file', url);
    return;
  }
  if (actual === 'unsupported')
    log.add('assertion.bmffHash.mismatch', 'exclusions of nested boxes are not supported', url);
  else if (bytesEqual(actual, expected)) log.add('assertion.bmffHash.match', 'BMFF hash valid', url);
  else log.add('assertion.bmffHash.mismatch', 'the content no longer matches the BMFF hash', url);
}

/** Validates `m` as the active manifest of `ctx.file`. */
export function validateManifest(m: ParsedManifest, ctx: ValidateContext): StatusLog {
  const log = new StatusLog();
  if (m.claim === undefined || m.claimBytes === undefined) {
    log.add('claim.missing', 'manifest has no claim');
    return log;
  }
  // §10.2: the claim names the signature box that signs it; a claim moved under another
  // manifest label no longer does.
  const sigRef = m.claim.get('signature');
  if (sigRef !== signatureUri(m.label) && sigRef !== `self#jumbf=${LABEL.signature}`) {
    log.add(
      'claimSignature.missing',
      "the claim does not reference this manifest's signature",
      signatureUri(m.label),
    );
    return log;
  }
  checkSignature(m, log, ctx);
  const refs = hashedUris(m.claim, m.claimVersion);
  if (refs === undefined) {
    log.add('claim.malformed', 'claim assertion references are malformed');
    return log;
  }
  const claimAlg = m.claim.get('alg');
  const hardBindings: string[] = [];
  for (const ref of refs) {
    const box = resolveAssertion(m, ref.url);
    const alg = hashAlg(ref.alg ?? claimAlg ?? 'sha256');
    if (box === undefined) {
      log.add('assertion.missing', 'referenced assertion not found', ref.url);
      continue;
    }
    if (alg === undefined) {
      log.add('algorithm.unsupported', 'unsupported hash algorithm', ref.url);
      continue;
    }
    if (bytesEqual(digest(alg, box.payload), ref.hash))
      log.add('assertion.hashedURI.match', 'hashed uri matched', ref.url);
    else log.add('assertion.hashedURI.mismatch', 'assertion changed after signing', ref.url);
    const label = box.description.label ?? '';
    const base = label.replace(/__\d+$/, '');
    if (base === LABEL.dataHash || base === LABEL.bmffHashV2 || base === LABEL.bmffHashV3)
      hardBindings.push(ref.url);
  }
  checkActions(m, refs, log);
  if (hardBindings.length === 0) log.add('claim.hardBindings.missing', 'no hard binding assertion');
  else if (hardBindings.length > 1) log.add('assertion.multipleHardBindings', 'more than one hard binding');
  else {
    const url = hardBindings[0]!;
    if (/c2pa\.hash\.data(__\d+)?$/.test(url)) checkDataHash(m, url, log, ctx);
    else if (/c2pa\.hash\.bmff\.v[23](__\d+)?$/.test(url)) checkBmffHash(m, url, log, ctx);
    else log.add('assertion.bmffHash.mismatch', 'BMFF v1 hashes are not supported', url);
  }
  return log;
}
