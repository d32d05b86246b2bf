export { type C2paErrorCode, C2paError } from './errors.js';
export {
  createDevelopmentChain,
  type DevelopmentChain,
  type DevelopmentChainOptions,
} from './x509/dev-chain.js';
export { type C2paSigner, createSigner, type SignerConfig } from './cose/signer.js';
export type { CoseAlgorithm } from './cose/algorithms.js';
export { type C2paFormat, c2paFormats } from './embed/registry.js';
export { signManifest, type SignOptions } from './manifest/sign.js';
export { readManifest, removeManifest, type ReadOptions, type ReadResult } from './manifest/read.js';
export type { ActionSummary, ManifestSummary } from './manifest/summary.js';
export type { ValidationResult, ValidationState, ValidationStatus } from './manifest/status.js';
export { TRAINED_ALGORITHMIC_MEDIA } from './manifest/labels.js';
