export { AppError, isAppError } from './errors.js';
export {
  asciiBytes,
  bytesEqual,
  concatBytes,
  latin1Decode,
  readU16BE,
  readU32BE,
  startsWithAt,
  utf8Decode,
  utf8Encode,
  writeU16BE,
  writeU32BE,
} from './bytes.js';
export { constantTimeEqual, hmacSha256Hex, sha256Hex } from './hash.js';
export { type Clock, fixedClock, systemClock } from './clock.js';
export { type DirectoryLockHeld, lockDirectory } from './dir-lock.js';
export { newUlid, randomToken } from './ids.js';
export { USCC_ALPHABET, type UsccProblem, isValidUscc, usccCheckCharacter, usccProblem } from './uscc.js';
