/**
 * Where a container keeps its C2PA manifest store (C2PA 2.x §11.3 "Embedding manifests into
 * assets"). Like c2pa-rs `asset_handlers`, an embedding only finds, inserts and removes the
 * store's bytes and reports the byte range a `c2pa.hash.data` exclusion must cover; manifest
 * logic lives elsewhere. Every method validates the container walk it relies on and throws
 * C2paError ('c2pa.corrupt', 'c2pa.duplicate_store', 'c2pa.too_large').
 */

export interface ByteRange {
  readonly start: number;
  readonly length: number;
}

export interface FoundStore {
  /** The JUMBF manifest store, reassembled when the container splits it (JPEG APP11). */
  readonly store: Uint8Array;
  /** The bytes that carry it (segments / chunk / box, headers included), in file order. */
  readonly range: ByteRange;
}

export interface ManifestEmbedding {
  /**
   * The hard binding this container uses: `c2pa.hash.data` (byte-range exclusions, the default)
   * or `c2pa.hash.bmff.v3` (box-path exclusions, ISO BMFF).
   */
  readonly binding?: 'data' | 'bmff';
  /** The embedded store, or undefined. More than one store is `c2pa.duplicate_store`. */
  find(file: Uint8Array): FoundStore | undefined;
  /**
   * A new file with `store` embedded at the container's conventional place; `file` must hold no
   * store. `range` is what the carrier occupies in the new file: it depends only on the store's
   * length, so a placeholder of the final length predicts it exactly.
   */
  insert(file: Uint8Array, store: Uint8Array): { readonly file: Uint8Array; readonly range: ByteRange };
  /** The file without its store: for a file from `insert`, exactly the bytes passed to it. */
  remove(file: Uint8Array): Uint8Array;
}

/** Cuts `range` out of `file`. */
export function cut(file: Uint8Array, range: ByteRange): Uint8Array {
  const out = new Uint8Array(file.length - range.length);
  out.set(file.subarray(0, range.start), 0);
  out.set(file.subarray(range.start + range.length), range.start);
  return out;
}

/** Inserts `bytes` at `at`. */
export function insertAt(file: Uint8Array, at: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(file.length + bytes.length);
  out.set(file.subarray(0, at), 0);
  out.set(bytes, at);
  out.set(file.subarray(at), at + bytes.length);
  return out;
}
