import type { Database } from '@keyless/db';

/** One row of `user_usage`, as the ledger-worker keeps it: running totals per owner. */
export interface UsageRow {
  ownerSub: string;
  uploads: number;
  bytes: number;
  updatedAt: Date;
}

export interface UsageSnapshot {
  /** The database's clock when the snapshot was taken: the totals are true as of this instant. */
  asOf: Date;
  rows: UsageRow[];
}

interface RawRow {
  owner_sub: string;
  uploads_count: string;
  bytes_total: string;
  updated_at: Date;
}

/** pg hands bigint over as a string; JSON has no integers beyond 2^53, so refuse rather than round. */
function safeInteger(value: string, what: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number))
    throw new Error(`${what} ${value} is beyond what a JSON number holds exactly`);
  return number;
}

/**
 * Every owner's totals from one snapshot (REPEATABLE READ, READ ONLY), with the time that snapshot
 * stands for. REPEATABLE READ fixes the snapshot at the transaction's first query, and that query
 * is the one that reads the clock, so the time and the totals describe the same moment however
 * many uploads the ledger-worker commits while the rows are read.
 */
export function readUsage(db: Database): Promise<UsageSnapshot> {
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const clock = await tx.query<{ as_of: Date }>('SELECT statement_timestamp() AS as_of');
    const usage = await tx.query<RawRow>(
      'SELECT owner_sub, uploads_count, bytes_total, updated_at FROM user_usage ORDER BY owner_sub',
    );
    const asOf = clock.rows[0]?.as_of;
    if (!asOf) throw new Error('the database returned no time');
    return {
      asOf,
      rows: usage.rows.map((row) => ({
        ownerSub: row.owner_sub,
        uploads: safeInteger(row.uploads_count, `uploads_count of ${row.owner_sub}`),
        bytes: safeInteger(row.bytes_total, `bytes_total of ${row.owner_sub}`),
        updatedAt: row.updated_at,
      })),
    };
  });
}
