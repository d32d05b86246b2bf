import type { Clock } from '@synthguard/core';
import type { Keyring } from '@synthguard/engine';
import type { Store } from '@synthguard/store';
import type { Metrics } from './metrics.js';

/** What routes need, passed explicitly (no singletons). */
export interface AppContext {
  readonly store: Store;
  /** The providers' label signing keys. */
  readonly keyring: Keyring;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly maxUploadBytes: number;
  readonly shuttingDown: () => boolean;
}
