import type { Clock } from '@synthguard/core';
import type { Store } from '@synthguard/store';
import type { Metrics } from './metrics.js';

/** What routes need, passed explicitly (no singletons). */
export interface AppContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly maxUploadBytes: number;
  readonly shuttingDown: () => boolean;
}
