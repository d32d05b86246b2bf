/** Labels and URIs of C2PA 2.x (§6 "Assertions", §10 "Claims", §11.1 "JUMBF"). */
export const LABEL = {
  store: 'c2pa',
  assertions: 'c2pa.assertions',
  claimV2: 'c2pa.claim.v2',
  claimV1: 'c2pa.claim',
  signature: 'c2pa.signature',
  actionsV2: 'c2pa.actions.v2',
  actionsV1: 'c2pa.actions',
  dataHash: 'c2pa.hash.data',
  bmffHashV2: 'c2pa.hash.bmff.v2',
  bmffHashV3: 'c2pa.hash.bmff.v3',
  /** Ours: the GB 45438-2025 implicit label and produce id, bound into the signed claim. */
  aigc: 'cn.gb45438.aigc',
} as const;

/** IPTC digital source type for content made by a trained model (C2PA 2.x §18.15.1.1). */
export const TRAINED_ALGORITHMIC_MEDIA =
  'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia';

/** Relative JUMBF URI of an assertion (C2PA 2.x §8.3 "URI references"). */
export function assertionUri(label: string): string {
  return `self#jumbf=${LABEL.assertions}/${label}`;
}

export function signatureUri(manifestLabel: string): string {
  return `self#jumbf=/${LABEL.store}/${manifestLabel}/${LABEL.signature}`;
}
