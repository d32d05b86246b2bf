import type { Clock } from '@synthguard/core';
import type { C2paIdentity, Keyring, Ledger, LedgerRecorder } from '@synthguard/engine';
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
  /**
   * The tamper-evident ledger («03»): its log is served at /ledger/*, proofs and records at
   * /v1/ledger/*; every labeling, propagation and admin action goes through its record().
   */
  readonly ledger: Ledger;
  /**
   * Who may read /ledger/* (checkpoint, tiles, entry bundles): anyone (`public`, as in
   * Certificate Transparency), or installation-wide keys holding ledger:read (`authenticated`).
   */
  readonly ledgerAccess?: 'public' | 'authenticated' | undefined;
  /** The ledger's record(), as engines take it (labeling, propagation, admin actions). */
  readonly recorder: LedgerRecorder;
  /** The latest checkpoint with witness cosignatures, when witnesses have cosigned the latest size. */
  readonly witnessedCheckpoint?: (() => string | undefined) | undefined;
  readonly metrics: Metrics;
  readonly maxUploadBytes: number;
  readonly shuttingDown: () => boolean;
}
