/** Object identifiers used by the certificates we make and check (RFC 5280 §4.2, RFC 8410, C2PA 2.x §14.5.1). */
export const OID = {
  ed25519: '1.3.101.112',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  ekuC2paClaimSigning: '1.3.6.1.4.1.62558.2.1',
  ekuDocumentSigning: '1.3.6.1.5.5.7.3.36',
} as const;
