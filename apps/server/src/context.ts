import type { Clock } from '@synthguard/core';
import type { C2paIdentity, Keyring } from '@synthguard/engine';
import type { Store } from '@synthguard/store';
import type { Metrics } from './metrics.js';

/** What routes need, passed explicitly (no singletons). */
export interface AppContext {
  readonly store: Store;
  /** The providers' label signing keys. */
  readonly keyring: Keyring;
  /** The installation's C2PA signing identity (and the roots its manifests chain to). */
  readonly c2pa: C2paIdentity;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly maxUploadBytes: number;
  readonly shuttingDown: () => boolean;
}
