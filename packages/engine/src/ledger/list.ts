/**
 * A tenant's ledger records for a period, by leaf index: what an inspector's evidence pack
 * holds («03 The ledger», point 8; the pack itself is built by @synthguard/ledger's evidence
 * module from these leaves, the log's proofs and checkpoints).
 */
import { MAX_LEDGER_LIST_LIMIT, type Store } from '@synthguard/store';

export interface LedgerRecordQuery {
  /** The tenant; null = installation-wide records. */
  readonly tenantId: string | null;
  /** From this instant (inclusive). */
  readonly from: Date;
  /** Up to this instant (exclusive). */
  readonly to: Date;
}

/** One record as listed: the leaf and where it is in the log. */
export interface LedgerListing {
  readonly id: string;
  readonly index: number;
  /** The leaf as canonical JSON text: its UTF-8 bytes are the log entry. */
  readonly leaf: string;
  readonly type: string;
  readonly tenantId: string | null;
  readonly time: Date;
}

/** The records of the query in pages of up to 10,000, by leaf index. */
export async function* ledgerRecordPages(
  store: Store,
  query: LedgerRecordQuery,
): AsyncGenerator<LedgerListing[], void, undefined> {
  let afterIndex: number | undefined;
  for (;;) {
    const rows = await store.ledgerRecords.list({
      tenantId: query.tenantId,
      from: query.from,
      to: query.to,
      limit: MAX_LEDGER_LIST_LIMIT,
      ...(afterIndex === undefined ? {} : { afterIndex }),
    });
    if (rows.length === 0) return;
    yield rows.map((r) => ({
      id: r.id,
      index: r.leafIndex,
      leaf: r.leaf,
      type: r.type,
      tenantId: r.tenantId,
      time: r.time,
    }));
    if (rows.length < MAX_LEDGER_LIST_LIMIT) return;
    afterIndex = rows[rows.length - 1]!.leafIndex;
  }
}

/** Every record of the query, by leaf index (use ledgerRecordPages for very long periods). */
export async function listLedgerRecords(store: Store, query: LedgerRecordQuery): Promise<LedgerListing[]> {
  const all: LedgerListing[] = [];
  for await (const page of ledgerRecordPages(store, query)) all.push(...page);
  return all;
}
