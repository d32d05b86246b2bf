/**
 * Reads a manifest store's structure (C2PA 2.x §11.1): the manifests in order (the last is the
 * active one, §11.1.2), each with its assertion boxes, claim CBOR and signature bytes. It
 * decodes only what validation needs; whether anything is valid is `validate.ts`'s job.
 */
import { decodeCbor } from '../cbor/decode.js';
import { type CborValue, isCborMap } from '../cbor/value.js';
import { c2paError } from '../errors.js';
import { childByLabel, isSuperBox, type JumbfBox, type JumbfSuperBox, parseJumbf } from '../jumbf/boxes.js';
import { UUID } from '../jumbf/uuids.js';
import { LABEL } from './labels.js';

export const MAX_MANIFESTS = 64;

export interface ParsedManifest {
  readonly label: string;
  readonly box: JumbfSuperBox;
  readonly claimVersion: 1 | 2;
  /** The claim's CBOR bytes exactly as stored (what the signature covers). */
  readonly claimBytes: Uint8Array | undefined;
  readonly claim: ReadonlyMap<string | number, CborValue> | undefined;
  readonly signatureBytes: Uint8Array | undefined;
  readonly assertionStore: JumbfSuperBox | undefined;
}

function corrupt(what: string): Error {
  return c2paError('c2pa.corrupt', `The C2PA manifest store is malformed (${what}).`);
}

/** The single content box of a type in a superbox (c2pa boxes hold one content box). */
export function contentBox(box: JumbfSuperBox, type: string): JumbfBox | undefined {
  return box.contents.find((c) => !isSuperBox(c) && c.type === type);
}

/** A box C2PA names must carry the type C2PA gives it (§11.1 table of box UUIDs). */
function typed(
  box: JumbfSuperBox | undefined,
  uuids: readonly string[],
  what: string,
): JumbfSuperBox | undefined {
  if (box !== undefined && !uuids.includes(box.description.uuid))
    throw corrupt(`${what} box has the wrong type`);
  return box;
}

function parseManifest(box: JumbfSuperBox): ParsedManifest {
  const label = box.description.label;
  if (label === undefined) throw corrupt('manifest without a label');
  typed(box, [UUID.manifest, UUID.updateManifest], 'manifest');
  const v2 = typed(childByLabel(box, LABEL.claimV2), [UUID.claim], 'claim');
  const v1 = typed(childByLabel(box, LABEL.claimV1), [UUID.claim], 'claim');
  if (v1 !== undefined && v2 !== undefined) throw corrupt('two claims in one manifest');
  const claimBox = v2 ?? v1;
  const claimBytes = claimBox === undefined ? undefined : contentBox(claimBox, 'cbor')?.payload;
  let claim: ParsedManifest['claim'];
  if (claimBytes !== undefined) {
    const decoded = decodeCbor(claimBytes);
    if (!isCborMap(decoded)) throw corrupt('claim is not a map');
    claim = decoded;
  }
  const sigBox = typed(childByLabel(box, LABEL.signature), [UUID.signature], 'signature');
  return {
    label,
    box,
    claimVersion: v1 !== undefined ? 1 : 2,
    claimBytes,
    claim,
    signatureBytes: sigBox === undefined ? undefined : contentBox(sigBox, 'cbor')?.payload,
    assertionStore: typed(childByLabel(box, LABEL.assertions), [UUID.assertionStore], 'assertion store'),
  };
}

/** Parses a JUMBF manifest store. Throws C2paError ('c2pa.corrupt' / 'c2pa.too_large'). */
export function parseStore(store: Uint8Array): ParsedManifest[] {
  const root = parseJumbf(store);
  if (root.description.uuid !== UUID.manifestStore || root.description.label !== LABEL.store) {
    throw corrupt('outer box is not a C2PA manifest store');
  }
  const manifests = root.contents.filter(isSuperBox);
  if (manifests.length > MAX_MANIFESTS) {
    throw c2paError('c2pa.too_large', 'Too many manifests in the store.', { limit: MAX_MANIFESTS });
  }
  const seen = new Set<string>();
  return manifests.map((m) => {
    const parsed = parseManifest(m);
    if (seen.has(parsed.label)) throw corrupt('two manifests with one label');
    seen.add(parsed.label);
    return parsed;
  });
}

/** Finds an assertion box by a claim's hashed URI (relative `self#jumbf=c2pa.assertions/x` or absolute). */
export function resolveAssertion(manifest: ParsedManifest, url: string): JumbfSuperBox | undefined {
  const prefix = 'self#jumbf=';
  if (!url.startsWith(prefix)) return undefined;
  let path = url.slice(prefix.length);
  const absolute = `/${LABEL.store}/${manifest.label}/`;
  if (path.startsWith(absolute)) path = path.slice(absolute.length);
  else if (path.startsWith('/')) return undefined; // another manifest's assertion: not ours to check
  const [store, label, ...more] = path.split('/');
  if (store !== LABEL.assertions || label === undefined || more.length > 0) return undefined;
  return manifest.assertionStore === undefined ? undefined : childByLabel(manifest.assertionStore, label);
}
