/**
 * A plain summary of a parsed manifest for callers (the detector, the API): who signed it, what
 * it says was done (actions, digital source type) and our GB 45438 assertion if present.
 * Undecodable parts are left out, never guessed.
 */
import { X509Certificate } from 'node:crypto';
import { decodeCbor } from '../cbor/decode.js';
import { type CborValue, isCborMap } from '../cbor/value.js';
import { parseSign1 } from '../cose/sign1.js';
import { algorithmFromId, type CoseAlgorithm } from '../cose/algorithms.js';
import { isSuperBox } from '../jumbf/boxes.js';
import { LABEL } from './labels.js';
import { contentBox, type ParsedManifest } from './store.js';

export interface ActionSummary {
  readonly action: string;
  readonly digitalSourceType?: string;
  readonly softwareAgent?: string;
}

export interface ManifestSummary {
  readonly label: string;
  readonly claimVersion: 1 | 2;
  readonly instanceId?: string;
  readonly claimGenerator?: string;
  /** Labels of the assertions in the manifest's assertion store. */
  readonly assertions: readonly string[];
  readonly actions: readonly ActionSummary[];
  /** Our `cn.gb45438.aigc` assertion, when present. */
  readonly aigc?: { readonly produceId?: string; readonly label?: string };
  readonly signer?: { readonly alg?: CoseAlgorithm; readonly subject?: string; readonly issuer?: string };
}

const text = (v: CborValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

function cborOf(m: ParsedManifest, label: string): ReadonlyMap<string | number, CborValue> | undefined {
  const box = m.assertionStore?.contents.find((c) => isSuperBox(c) && c.description.label === label);
  const content = box !== undefined && isSuperBox(box) ? contentBox(box, 'cbor') : undefined;
  if (content === undefined) return undefined;
  try {
    const v = decodeCbor(content.payload);
    return isCborMap(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function agentName(v: CborValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  return v !== undefined && isCborMap(v) ? text(v.get('name')) : undefined;
}

function actionsOf(m: ParsedManifest): ActionSummary[] {
  const data = cborOf(m, LABEL.actionsV2) ?? cborOf(m, LABEL.actionsV1);
  const list = data?.get('actions');
  if (!Array.isArray(list)) return [];
  const out: ActionSummary[] = [];
  for (const a of list as readonly CborValue[]) {
    if (a === undefined || !isCborMap(a)) continue;
    const action = text(a.get('action'));
    if (action === undefined) continue;
    const dst = text(a.get('digitalSourceType'));
    const agent = agentName(a.get('softwareAgent'));
    out.push({
      action,
      ...(dst === undefined ? {} : { digitalSourceType: dst }),
      ...(agent === undefined ? {} : { softwareAgent: agent }),
    });
  }
  return out;
}

function signerOf(m: ParsedManifest): ManifestSummary['signer'] {
  if (m.signatureBytes === undefined) return undefined;
  try {
    const s = parseSign1(m.signatureBytes);
    let leaf: X509Certificate | undefined;
    try {
      leaf = new X509Certificate(s.x5chain[0]!);
    } catch {
      leaf = undefined;
    }
    const alg = algorithmFromId(s.algId);
    return {
      ...(alg === undefined ? {} : { alg }),
      ...(leaf === undefined ? {} : { subject: leaf.subject, issuer: leaf.issuer }),
    };
  } catch {
    return undefined;
  }
}

export function summarise(m: ParsedManifest): ManifestSummary {
  const claim = m.claim;
  const info = claim?.get('claim_generator_info');
  const generator =
    text(claim?.get('claim_generator')) ?? agentName(Array.isArray(info) ? (info as CborValue[])[0] : info);
  const aigc = cborOf(m, LABEL.aigc);
  const produceId = text(aigc?.get('produceId'));
  const label = text(aigc?.get('label'));
  const instanceId = text(claim?.get('instanceID'));
  const signer = signerOf(m);
  return {
    label: m.label,
    claimVersion: m.claimVersion,
    ...(instanceId === undefined ? {} : { instanceId }),
    ...(generator === undefined ? {} : { claimGenerator: generator }),
    assertions: (m.assertionStore?.contents ?? []).filter(isSuperBox).map((b) => b.description.label ?? ''),
    actions: actionsOf(m),
    ...(aigc === undefined
      ? {}
      : {
          aigc: {
            ...(produceId === undefined ? {} : { produceId }),
            ...(label === undefined ? {} : { label }),
          },
        }),
    ...(signer === undefined ? {} : { signer }),
  };
}
