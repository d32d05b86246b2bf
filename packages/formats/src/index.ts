export type {
  AigcFieldCarrier,
  FormatId,
  FormatHandler,
  Modality,
  StreamingAigcCarrier,
  XmpCarrier,
} from './handler.js';
export { type FormatErrorCode, FormatError } from './errors.js';
export {
  detectFormat,
  type FormatHint,
  formatHandlers,
  handlerByFileName,
  handlerByExtension,
  handlerById,
  handlerByMediaType,
} from './registry.js';
export {
  applySplices,
  type ByteSource,
  bytesSource,
  checkSplices,
  type OutputPiece,
  outputPieces,
  type Splice,
} from './source.js';
