/** Checks of a whole log served by a `Log`: fsck over its tiles, and entries at their indexes. */
import { bytesEqual } from '@synthguard/core';
import { type Log, fsckLog, leafHash, verifyInclusion } from '@synthguard/ledger';

/** Throws unless fsck passes over what `log` serves and its checkpoint has `size` entries or more. */
export async function verifyServedLog(log: Log, origin: string): Promise<number> {
  const report = await fsckLog((path) => log.read(path), { verifierKeys: [log.verifierKey], origin });
  if (!report.ok) throw new Error(`fsck failed: ${JSON.stringify(report.failure)}`);
  return report.size ?? 0;
}

/** Throws unless every (index, entry) is in the published tree, with a verifying inclusion proof for some. */
export async function verifyEntries(log: Log, acked: ReadonlyMap<number, Uint8Array>): Promise<void> {
  const cp = log.checkpoint();
  let n = 0;
  for (const [index, entry] of acked) {
    if (index >= cp.size) throw new Error(`entry ${index} is not in the tree of ${cp.size}`);
    const got = await log.entry(index);
    if (!bytesEqual(got, entry)) throw new Error(`entry ${index} differs`);
    if (n++ % 97 === 0) {
      const proof = await log.inclusionProof(index, cp.size);
      if (!verifyInclusion(index, cp.size, leafHash(entry), proof, cp.root)) {
        throw new Error(`the inclusion proof of ${index} does not verify`);
      }
    }
  }
}
