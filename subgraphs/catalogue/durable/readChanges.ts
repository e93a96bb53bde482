import type pg from 'pg';
import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import type { StoredHarvestState } from '../harvestSink.ts';
import type { CatalogueDatabase } from './openCatalogueDatabase.ts';
import { withPooledClient } from '../../shared/postgres/connectPostgres.ts';

/** A dataset row as the catch-up reads it: a record, or a tombstone (`record` null). */
export interface DatasetChange {
  id: string;
  region: string;
  record: DatasetRecord | null;
  seq: number;
  /** When the leader wrote it, in epoch milliseconds (the server's clock). */
  changedAtMs: number;
}

export interface PolicyChange {
  region: string;
  version: string;
  /** Null: the region was removed. */
  texts: Record<string, string> | null;
}

export interface HarvestChange {
  region: string;
  removed: boolean;
  state: StoredHarvestState;
}

/** What one catch-up hands over, in this order: policies, then datasets (in batches, in sequence order), then harvest states. */
export interface ChangeHandlers {
  /** The head this catch-up reads up to, told before anything else. */
  head?(head: number): void;
  policies(changes: readonly PolicyChange[]): void;
  datasets(batch: readonly DatasetChange[]): void;
  harvests(changes: readonly HarvestChange[]): void;
}

export interface ReadChangesOptions {
  /** Rows fetched at a time from the server-side cursor. @default 2000 */
  batchRows?: number;
  /**
   * Policies and harvest states are read from after this number instead of
   * `after`: a replica whose index came from a snapshot (which holds
   * datasets only) reads them all. @default after
   */
  statesAfter?: number;
}

/**
 * Reads every change numbered after `after`, up to the head, from one
 * consistent snapshot of the database (a repeatable-read transaction): what
 * it hands over is exactly the state at that head, whatever the leader
 * writes meanwhile. Datasets stream through a server-side cursor in
 * batches, and the next batch is asked for while the last is applied, so a
 * replica holds one or two batches of rows at a time however far behind it
 * is. Returns the head read, and the tombstone purge mark (see
 * `catalogue_state.purged_through`).
 */
export async function readChanges(
  db: CatalogueDatabase,
  after: number,
  handlers: ChangeHandlers,
  options: ReadChangesOptions = {},
): Promise<{ head: number; purgedThrough: number }> {
  const { batchRows = 2000, statesAfter = after } = options;
  return withPooledClient(db.pool, async (client) => {
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const state = await client.query<{ head: string; purged_through: string }>(`SELECT head, purged_through FROM ${db.table('catalogue_state')}`);
      const head = Number(state.rows[0]!.head);
      const purgedThrough = Number(state.rows[0]!.purged_through);
      handlers.head?.(head);
      if (head > Math.min(after, statesAfter)) {
        const policies = await client.query<{ region: string; version: string; texts: Record<string, string> | null }>(
          `SELECT region, version, texts FROM ${db.table('region_policies')} WHERE seq > $1 AND seq <= $2 ORDER BY seq`,
          [statesAfter, head],
        );
        if (policies.rows.length > 0) handlers.policies(policies.rows);
        await streamDatasets(client, db, after, head, batchRows, handlers);
        const harvests = await client.query<{
          region: string;
          url: string;
          cursor: string | null;
          reconciled_at: Date | null;
          status: StoredHarvestState['status'];
          removed: boolean;
        }>(`SELECT region, url, cursor, reconciled_at, status, removed FROM ${db.table('region_harvest')} WHERE seq > $1 AND seq <= $2 ORDER BY seq`, [statesAfter, head]);
        if (harvests.rows.length > 0) {
          handlers.harvests(
            harvests.rows.map((row) => ({
              region: row.region,
              removed: row.removed,
              state: { url: row.url, cursor: row.cursor, reconciledAt: row.reconciled_at, status: row.status },
            })),
          );
        }
      }
      await client.query('COMMIT');
      return { head, purgedThrough };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

async function streamDatasets(client: pg.PoolClient, db: CatalogueDatabase, after: number, head: number, batchRows: number, handlers: ChangeHandlers): Promise<void> {
  await client.query(
    `DECLARE catch_up NO SCROLL CURSOR FOR
     SELECT id, region, record, seq, (extract(epoch FROM changed_at) * 1000)::float8 AS changed_ms
     FROM ${db.table('datasets')} WHERE seq > $1 AND seq <= $2 ORDER BY seq`,
    [after, head],
  );
  type Row = { id: string; region: string; record: string | null; seq: string; changed_ms: number };
  const fetchBatch = () => client.query<Row>(`FETCH ${batchRows} FROM catch_up`);
  let pending = fetchBatch();
  for (;;) {
    const { rows } = await pending;
    if (rows.length === 0) break;
    // Asked for before this batch is applied: the server reads the next rows while this process indexes these.
    pending = fetchBatch();
    handlers.datasets(rows.map((row) => ({ id: row.id, region: row.region, record: row.record === null ? null : (JSON.parse(row.record) as DatasetRecord), seq: Number(row.seq), changedAtMs: row.changed_ms })));
    if (rows.length < batchRows) {
      await pending;
      break;
    }
  }
  await client.query('CLOSE catch_up');
}
