import type { FormatHandler } from '../handler.js';
import { readPdfAigc, writePdfAigc } from './aigc.js';
import { hasPdfSignature, loadPdf } from './document.js';

/**
 * PDF (ISO 32000-1/-2). Sniff: `%PDF-1.n` / `%PDF-2.0` at offset 0.
 * The label goes in the document information dictionary as `/AIGC` (TC260 guide), written
 * with an incremental update (§7.5.6), so earlier bytes, and any signature over them, stay as
 * they were.
 */
export const pdfHandler: FormatHandler = {
  id: 'pdf',
  mediaType: 'application/pdf',
  mediaTypeAliases: ['application/x-pdf'],
  extensions: ['pdf'],
  modality: 'document',
  sniff: hasPdfSignature,
  validate: (file) => {
    loadPdf(file);
  },
  aigc: { readAigc: readPdfAigc, writeAigc: writePdfAigc },
};
