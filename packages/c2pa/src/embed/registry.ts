/** The containers we embed manifest stores in, by format id (ids of `@synthguard/formats`). */
import { c2paError } from '../errors.js';
import type { ManifestEmbedding } from './embedding.js';
import { bmffEmbedding } from './bmff.js';
import { jpegEmbedding } from './jpeg.js';
import { mp3Embedding } from './mp3.js';
import { pngEmbedding } from './png.js';
import { wavEmbedding, webpEmbedding } from './riff.js';

export type C2paFormat = 'jpeg' | 'png' | 'webp' | 'wav' | 'mp3' | 'mp4';

const EMBEDDINGS: Readonly<Record<C2paFormat, ManifestEmbedding>> = {
  jpeg: jpegEmbedding,
  png: pngEmbedding,
  webp: webpEmbedding,
  wav: wavEmbedding,
  mp3: mp3Embedding,
  mp4: bmffEmbedding,
};

export const c2paFormats: readonly C2paFormat[] = Object.keys(EMBEDDINGS) as C2paFormat[];

export function embeddingFor(format: string): ManifestEmbedding {
  if (!Object.hasOwn(EMBEDDINGS, format)) {
    throw c2paError('c2pa.unsupported_format', 'No C2PA embedding for this format.', { format });
  }
  return EMBEDDINGS[format as C2paFormat];
}
