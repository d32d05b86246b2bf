/** Fixed key and origin of the crash test (crash.test.ts and its child process). */
import { type NoteSigner, noteSigner } from '../../note-keys.js';

export const CRASH_ORIGIN = 'crash.test.example/log';

export function buildCrashSigner(): NoteSigner {
  return noteSigner(CRASH_ORIGIN, new Uint8Array(32).fill(42));
}
