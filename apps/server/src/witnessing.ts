import type { Log, LogCheckpoint, WitnessEndpoint } from '@synthguard/ledger';
import { witnessPublisher } from '@synthguard/ledger';
import type { Logger } from 'pino';

/** The checkpoint as the server serves it: with the witnesses' cosignatures when they cover it. */
export interface Witnessing {
  /** The cosigned note of the latest checkpoint, or undefined while it is not cosigned yet. */
  witnessedCheckpoint(): string | undefined;
  /** Resolves when the publication in flight (if any) has finished. */
  idle(): Promise<void>;
  stop(): void;
}

/**
 * Sends every new checkpoint to the configured witnesses (C2SP tlog-witness) and keeps the
 * cosigned copy. One publication at a time: checkpoints published meanwhile are coalesced into
 * the latest. A witness that is down is logged and skipped; the log never waits for witnesses.
 */
export function startWitnessing(
  ledger: Log,
  witnesses: readonly WitnessEndpoint[],
  log: Pick<Logger, 'warn' | 'info'>,
): Witnessing {
  let cosigned: { size: number; note: string } | undefined;
  let pending: LogCheckpoint | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const publisher = witnessPublisher({
    witnesses,
    proofs: (oldSize, newSize) => ledger.consistencyProof(oldSize, newSize),
    onFailure: (f) => {
      log.warn(
        { witness: f.url, err: f.error instanceof Error ? f.error.message : String(f.error) },
        'a witness did not cosign the checkpoint',
      );
    },
  });

  const drain = async (): Promise<void> => {
    while (pending !== undefined && !stopped) {
      const cp = pending;
      pending = undefined;
      if (cp.size === 0) continue;
      try {
        const outcome = await publisher.publishDetailed({ size: cp.size, note: cp.note });
        if (outcome.cosignatures.length > 0 && (cosigned === undefined || cp.size >= cosigned.size)) {
          cosigned = { size: cp.size, note: outcome.note };
        }
      } catch (err) {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'witnessing failed');
      }
    }
  };
  const kick = (cp: LogCheckpoint): void => {
    pending = cp;
    running ??= drain().finally(() => {
      running = undefined;
    });
  };

  const unsubscribe = witnesses.length === 0 ? () => undefined : ledger.onCheckpoint(kick);
  if (witnesses.length > 0) kick(ledger.checkpoint());

  return {
    witnessedCheckpoint() {
      const latest = ledger.checkpoint();
      return cosigned !== undefined && cosigned.size === latest.size ? cosigned.note : undefined;
    },
    async idle() {
      while (running !== undefined) await running;
    },
    stop() {
      stopped = true;
      unsubscribe();
    },
  };
}
