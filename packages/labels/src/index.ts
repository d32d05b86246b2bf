export { type LabelErrorCode, LabelError } from './errors.js';
export {
  AIGC_FIELDS,
  AIGC_VALUE_MAX_LENGTH,
  type AigcField,
  type AigcLabel,
  CODE_FIELD_MAX_LENGTH,
  type DecodedAigcLabel,
  type LabelKind,
  PRODUCE_ID_MAX_LENGTH,
  RESERVED_CODE_MAX_LENGTH,
  decodeAigcLabel,
  encodeAigcLabel,
  isLabelValueSafe,
  isReservedCodeSafe,
  validateAigcLabel,
} from './aigc/label.js';
export {
  DEFAULT_SERVICE_CODE,
  PROVIDER_CODE_LENGTH,
  type ProviderCodeParts,
  type ProviderCodeProblem,
  deriveProviderCode,
  isValidProviderCode,
  parseProviderCode,
} from './provider-code.js';
export {
  IPTC_EXT_NS,
  TRAINED_ALGORITHMIC_MEDIA,
  readDigitalSourceTypes,
  AIGC_PROPERTY,
  TC260_NS,
  TC260_PREFIX,
  XMP_PACKET_MAX_BYTES,
  readAigcFromXmp,
  removeAigcFromXmp,
  setAigcInXmp,
} from './xmp/packet.js';
export {
  type AigcFieldSlot,
  type ImplicitLabel,
  type LabelCarrier,
  type XmpSlot,
  canCarryLabel,
  readImplicitLabel,
  removeImplicitLabel,
  writeImplicitLabel,
} from './implicit-label.js';
export {
  type DigestAlgorithm,
  type PublicSigningKey,
  SIGNATURE_ALGORITHMS,
  type SignatureAlgorithm,
  type SigningKey,
  digestAlgorithmFor,
  generateSigningKey,
  keyIdOf,
  publicKeyFromSpki,
  publicKeyPem,
  signingKeyFromPem,
} from './integrity/keys.js';
export {
  PRODUCER_BINDINGS,
  PROPAGATOR_BINDINGS,
  type SecurityBinding,
  type SecurityData,
  decodeSecurityData,
} from './integrity/security-data.js';
export {
  type IntegrityOptions,
  type LabelVerification,
  type SignatureCheck,
  contentWithoutLabel,
  createSecurityData,
  digestBytes,
  verifyImplicitLabel,
  writePropagatedLabel,
  writeSignedLabel,
} from './signed-label.js';
export { digestSource, piecesSource } from './pieces-source.js';
export {
  type SignedLabelPlan,
  type StreamingSignOptions,
  digestContentSource,
  planSignedLabel,
  readImplicitLabelSource,
  verifyImplicitLabelSource,
} from './streaming-label.js';
