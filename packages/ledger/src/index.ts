/**
 * @synthguard/ledger: the tamper-evident log («03 The ledger»): RFC 6962 / RFC 9162 Merkle
 * hashing and proofs, C2SP tlog-tiles, signed-note checkpoints. Pure library; storage and the
 * sequencer live above it.
 */
export {};
