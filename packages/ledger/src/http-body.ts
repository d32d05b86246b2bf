/**
 * Reads an HTTP response body with a cap applied as the bytes arrive: a server may send no
 * content-length, or a wrong one, and every answer is hostile input. Used by the tile reader,
 * the S3 tile store and the witness client.
 */

/** The body, or undefined when it is larger than `max` bytes (the rest is not read). */
export async function readBodyCapped(res: Response, max: number): Promise<Uint8Array | undefined> {
  if (res.body === null) return new Uint8Array(0);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        await reader.cancel().catch(() => undefined);
        return undefined;
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
