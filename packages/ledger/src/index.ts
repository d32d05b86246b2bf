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
export { CHECKPOINT_PATH, type TileStore, fileTileStore, memoryTileStore } from './log/tile-store.js';
export { type S3TileStoreOptions, s3TileStore } from './log/s3-tile-store.js';
export { type Log, type LogCheckpoint, type LogOptions, openLog } from './log/log.js';
export { type FileJournalOptions, JOURNAL_DIR, type Journal, openFileJournal } from './log/journal.js';
export { LOCK_FILE } from './log/lock.js';
export {
  PRUNE_MARK_FILE,
  type PruneMark,
  parsePruneMark,
  readMinimumIndex,
  readPruneMark,
} from './log/prune-mark.js';
export { openLogCheckpoint } from './log/recover.js';
export {
  COSIGNATURE_V1_ALG,
  COSIGNATURE_V1_SIZE,
  type Cosignature,
  type CosignatureSigner,
  type CosignatureVerifier,
  type CosignedCheckpointOptions,
  MAX_COSIGNATURE_TIMESTAMP,
  type OpenedCosignedCheckpoint,
  cosignCheckpoint,
  cosignatureMessage,
  cosignatureSigner,
  cosignatureTimestamp,
  cosignatureVerifier,
  cosignatureVerifierFromNoteKey,
  openCosignedCheckpoint,
  parseCosignatureSignerKey,
  parseCosignatureVerifierKey,
} from './witness/cosignature.js';
export {
  type AddCheckpointRequest,
  MAX_ADD_CHECKPOINT_BYTES,
  MAX_PROOF_LINES,
  TLOG_SIZE_CONTENT_TYPE,
  formatAddCheckpoint,
  parseAddCheckpoint,
  parseTlogSize,
} from './witness/protocol.js';
export {
  type WitnessLogState,
  type WitnessState,
  type WitnessStateStore,
  WITNESS_STATE_FILE,
  fileWitnessStateStore,
  memoryWitnessStateStore,
} from './witness/state.js';
export { type Witness, type WitnessLogConfig, type WitnessOptions, openWitness } from './witness/witness.js';
export {
  WITNESS_HTTP_STATUS,
  type WitnessHandlerOptions,
  witnessHandler,
  witnessHttpStatus,
} from './witness/http.js';
export {
  type ConsistencyProofs,
  type PublishOutcome,
  type SubmitResult,
  type WitnessClientOptions,
  type WitnessEndpoint,
  type WitnessPublisher,
  type WitnessPublisherOptions,
  publishToWitnesses,
  submitToWitness,
  witnessPublisher,
} from './witness/client.js';
export {
  type HttpTileReaderOptions,
  MAX_TILE_FILE,
  type TileReader,
  directoryTileReader,
  httpTileReader,
  readEntry,
  tileHashReader,
} from './evidence/tile-reader.js';
export {
  type BuildProofOptions,
  MAX_PROOF_BUNDLE_BYTES,
  MAX_PROOF_HASHES,
  PROOF_BUNDLE_HEADER,
  type ProofBundle,
  type VerifiedProof,
  type VerifyProofOptions,
  buildProofBundle,
  encodeProofBundle,
  parseProofBundle,
  verifyProofBundle,
} from './evidence/proof-bundle.js';
export {
  type FsckFailure,
  type FsckOptions,
  type FsckProblem,
  type FsckReport,
  fsckError,
  fsckLog,
  fsckTotal,
} from './evidence/fsck.js';
export {
  type BuildEvidencePackOptions,
  type EvidenceKeys,
  type EvidenceLabelKey,
  type EvidencePackSummary,
  type EvidenceRecord,
  type VerifyEvidencePackOptions,
  buildEvidencePack,
  verifyEvidencePack,
} from './evidence/pack.js';
export {
  ARCHIVE_FORMAT,
  ARCHIVE_MANIFEST,
  type ArchiveEntriesOptions,
  type ArchiveFile,
  type ArchiveManifest,
  type ArchiveSummary,
  type PruneEntriesOptions,
  type PruneOutcome,
  type VerifyArchiveOptions,
  archiveEntries,
  pruneEntries,
  removeSupersededPartials,
  verifyArchive,
} from './evidence/archive.js';
