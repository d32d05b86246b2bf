export type { AigcFieldCarrier, FormatId, FormatHandler, Modality, XmpCarrier } from './handler.js';
export { type FormatErrorCode, FormatError } from './errors.js';
export {
  detectFormat,
  formatHandlers,
  handlerByExtension,
  handlerById,
  handlerByMediaType,
} from './registry.js';
