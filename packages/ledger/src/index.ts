/**
 * @synthguard/ledger: the tamper-evident log («03 The ledger»): RFC 6962 / RFC 9162 Merkle
 * hashing and proofs, C2SP tlog-tiles and entry bundles, C2SP signed-note checkpoints, RFC 8785
 * canonical JSON. Pure library; storage, the sequencer and witnesses live above it.
 */
export { type LedgerErrorCode, LedgerError } from './errors.js';
export {
  HASH_SIZE,
  type HashReader,
  MAX_TREE_SIZE,
  emptyTreeHash,
  leafHash,
  nodeHash,
  splitStoredHashIndex,
  storedHashCount,
  storedHashIndex,
  storedHashes,
  storedHashesForLeafHash,
  storedTreeHash,
  treeHash,
} from './merkle.js';
export {
  consistencyProof,
  consistencyProofSize,
  inclusionProof,
  inclusionProofSize,
  verifyConsistency,
  verifyInclusion,
} from './proofs.js';
export {
  type EntryBundle,
  MAX_TILE_LEVEL,
  TILE_HEIGHT,
  TILE_WIDTH,
  type Tile,
  checkTile,
  entriesPath,
  hashFromTile,
  newTiles,
  parseEntriesPath,
  parseTilePath,
  readTileData,
  tileForStoredIndex,
  tileHashes,
  tilePath,
  tilesForTreeSize,
} from './tiles.js';
export {
  MAX_ENTRY_SIZE,
  checkBundleAgainstTile,
  encodeEntryBundle,
  parseEntryBundle,
} from './entry-bundle.js';
export {
  MAX_NOTE_KEY_TEXT,
  NOTE_ALG_ED25519,
  type NoteKeyPair,
  type NoteSigner,
  type NoteVerifier,
  encodeSignerKey,
  encodeVerifierKey,
  generateNoteKey,
  isValidKeyName,
  noteKeyHash,
  noteSigner,
  noteVerifier,
  parseSignerKey,
  parseVerifierKey,
} from './note-keys.js';
export {
  MAX_NOTE_BYTES,
  MAX_NOTE_SIGNATURES,
  type NoteLimits,
  type NoteSignature,
  type OpenedNote,
  openNote,
  signNote,
} from './note.js';
export {
  type Checkpoint,
  MAX_CHECKPOINT_LENGTH,
  type OpenedCheckpoint,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from './checkpoint.js';
export {
  MAX_JSON_DEPTH,
  MAX_JSON_TEXT,
  canonicalJson,
  canonicalJsonBytes,
  parseCanonicalJson,
} from './canonical-json.js';
