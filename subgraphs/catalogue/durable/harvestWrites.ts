import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import type { RegionEntry } from '../../../schema/regionEntry.ts';
import type { RegionPolicies } from '../../shared/access/loadRegionPolicies.ts';
import type { RegionHarvestState } from '../createHarvester.ts';
import { StoreUnavailableError, type StoredHarvestState } from '../harvestSink.ts';
import type { CatalogueDatabase, WriteOutcome, WriteTransaction } from './openCatalogueDatabase.ts';

/** The sequence numbers a write took: `from` + 1 to `head`. */
export type WrittenRange = WriteOutcome<void>;

/**
 * The leader's writes of what it harvested. Each is one transaction under
 * the leader's epoch (see `CatalogueDatabase.write`): the changes and the
 * feed cursor after them commit together or not at all, so a leader that
 * dies mid-harvest leaves the cursor exactly where its last stored change
 * left it, and the next leader neither loses nor repeats a change.
 */

/**
 * Rows per statement in bulk writes: big enough to amortise round trips,
 * small enough for modest statements (four parameters a row, well within
 * the protocol's 65,535).
 */
const rowsPerStatement = 1000;

/** A region removed, or registered elsewhere, since this harvest began: its writes are refused. */
export class RegionGoneError extends StoreUnavailableError {
  constructor(code: string) {
    super(`Region ${code} was removed or registered at another address while it was being harvested; the harvest's writes were refused.`);
    this.name = 'RegionGoneError';
  }
}

type DatasetRow = { id: string; revision: string; record: DatasetRecord | null };

/** `INSERT … VALUES` of `rows` dataset rows, four parameters each after the region (`$1`). */
function insertDatasets(db: CatalogueDatabase, rows: number): string {
  const values: string[] = [];
  for (let i = 0; i < rows; i += 1) {
    const p = 2 + i * 4;
    values.push(`($${p}, $1, $${p + 1}, $${p + 2}, $${p + 3}::bigint, clock_timestamp())`);
  }
  return `INSERT INTO ${db.table('datasets')} (id, region, revision, record, seq, changed_at) VALUES ${values.join(', ')}
    ON CONFLICT (id) DO UPDATE SET region = excluded.region, revision = excluded.revision, record = excluded.record, seq = excluded.seq, changed_at = excluded.changed_at`;
}

/**
 * Writes dataset rows (NULL record: a tombstone), each with the next number
 * of the sequence. Each value is a parameter of its own: a record's JSON
 * goes to the server as it is, where an array parameter would have the
 * client escape every quote of it into an array literal first.
 */
async function writeDatasets(db: CatalogueDatabase, tx: WriteTransaction, region: string, rows: readonly DatasetRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const end = Math.min(rows.length, start + rowsPerStatement);
    const first = tx.next(end - start);
    const values: (string | null)[] = [region];
    for (let i = start; i < end; i += 1) {
      const row = rows[i]!;
      values.push(row.id, row.revision, row.record ? JSON.stringify(row.record) : null, String(first + i - start));
    }
    await tx.client.query(insertDatasets(db, end - start), values);
  }
}

/**
 * Refuses the write when the registry (in the same database) has removed the
 * region or moved it to another URL since the harvest began; a catalogue
 * without a registry row for it (no durable registry) is not checked.
 */
async function checkRegistered(db: CatalogueDatabase, tx: WriteTransaction, region: RegionEntry): Promise<void> {
  const row = await tx.client.query<{ url: string | null }>(`SELECT entry->>'url' AS url FROM ${db.table('regions')} WHERE code = $1`, [region.code]);
  if (row.rows.length > 0 && row.rows[0]!.url !== region.url) throw new RegionGoneError(region.code);
}

async function writeHarvestRow(db: CatalogueDatabase, tx: WriteTransaction, region: RegionEntry, values: { cursor?: string; reconciledAt?: Date; status?: StoredHarvestState['status'] }): Promise<void> {
  await tx.client.query(
    `INSERT INTO ${db.table('region_harvest')} (region, url, cursor, reconciled_at, status, removed, seq)
     VALUES ($1, $2, $3, $4, $5::jsonb, false, $6)
     ON CONFLICT (region) DO UPDATE SET
       url = excluded.url,
       cursor = CASE WHEN $7 THEN excluded.cursor ELSE region_harvest.cursor END,
       reconciled_at = CASE WHEN $8 THEN excluded.reconciled_at ELSE region_harvest.reconciled_at END,
       status = CASE WHEN $9 THEN excluded.status ELSE region_harvest.status END,
       removed = false,
       seq = excluded.seq`,
    [
      region.code,
      region.url,
      values.cursor ?? null,
      values.reconciledAt ?? null,
      values.status ? JSON.stringify(values.status) : null,
      tx.next(1),
      values.cursor !== undefined,
      values.reconciledAt !== undefined,
      values.status !== undefined,
    ],
  );
}

/** An incremental page: its upserts, tombstones for the deletions of datasets held (`held`), and the cursor after it. */
export async function writePage(
  db: CatalogueDatabase,
  epoch: number,
  region: RegionEntry,
  upserts: readonly DatasetRecord[],
  deletions: readonly string[],
  cursor: string,
): Promise<WrittenRange> {
  return db.write(
    async (tx) => {
      await checkRegistered(db, tx, region);
      await writeDatasets(db, tx, region.code, [
        ...upserts.map((record) => ({ id: record.id, revision: record.revision, record })),
        ...deletions.map((id) => ({ id, revision: '', record: null })),
      ]);
      await writeHarvestRow(db, tx, region, { cursor });
    },
    { epoch },
  );
}

/** A full snapshot's outcome, whole: removals, changed records, the cursor after it and when it was taken. */
export async function writeSnapshot(
  db: CatalogueDatabase,
  epoch: number,
  region: RegionEntry,
  removals: readonly string[],
  upserts: readonly DatasetRecord[],
  cursor: string,
  reconciledAt: Date,
): Promise<WrittenRange> {
  return db.write(
    async (tx) => {
      await checkRegistered(db, tx, region);
      await writeDatasets(db, tx, region.code, [
        ...removals.map((id) => ({ id, revision: '', record: null })),
        ...upserts.map((record) => ({ id: record.id, revision: record.revision, record })),
      ]);
      await writeHarvestRow(db, tx, region, { cursor, reconciledAt });
    },
    { epoch },
  );
}

/** A region's validated policies (their texts; every replica compiles them again). */
export async function writePolicies(db: CatalogueDatabase, epoch: number, region: RegionEntry, policies: RegionPolicies): Promise<WrittenRange> {
  return db.write(
    async (tx) => {
      await checkRegistered(db, tx, region);
      await tx.client.query(
        `INSERT INTO ${db.table('region_policies')} (region, version, texts, seq) VALUES ($1, $2, $3::jsonb, $4)
         ON CONFLICT (region) DO UPDATE SET version = excluded.version, texts = excluded.texts, seq = excluded.seq`,
        [region.code, policies.version, JSON.stringify(policies.texts), tx.next(1)],
      );
    },
    { epoch },
  );
}

/** How a harvest of the region ended, for every replica's view of it. */
export async function writeOutcome(db: CatalogueDatabase, epoch: number, state: RegionHarvestState): Promise<WrittenRange> {
  const status: NonNullable<StoredHarvestState['status']> = {
    stale: state.stale,
    lastError: state.lastError ?? null,
    lastHarvestAt: state.lastHarvestAt?.toISOString() ?? null,
    lastSuccessAt: state.lastSuccessAt?.toISOString() ?? null,
    skippedRecords: state.skippedRecords,
    skipped: state.skipped,
  };
  return db.write(
    async (tx) => {
      await checkRegistered(db, tx, state.region);
      await writeHarvestRow(db, tx, state.region, { status });
    },
    { epoch },
  );
}

/**
 * Makes the caller the leader of record: a new epoch, which fences every
 * write of the leader before it (see `CatalogueDatabase.write`). Waits for a
 * write of that leader under way to end first (the row lock), so none of it
 * lands after.
 */
export async function claimLeadership(db: CatalogueDatabase, name: string): Promise<number> {
  const result = await db.pool.query<{ leader_epoch: string }>(
    `UPDATE ${db.table('catalogue_state')} SET leader_epoch = leader_epoch + 1, leader_name = $1, leader_since = now() RETURNING leader_epoch`,
    [name],
  );
  return Number(result.rows[0]!.leader_epoch);
}

/** Asks the leader, wherever it runs, to harvest a region now (a webhook ping taken by any replica). */
export async function requestHarvest(db: CatalogueDatabase, code: string): Promise<void> {
  await db.pool.query('SELECT pg_notify($1, $2)', [db.channel, `harvest ${code}`]);
}

/** Tombstones for a removed region's datasets still held (a catalogue whose registry is not in the database). */
export async function writeRegionRemoval(db: CatalogueDatabase, epoch: number, code: string, ids: readonly string[]): Promise<WrittenRange> {
  return db.write(
    async (tx) => {
      await writeDatasets(db, tx, code, ids.map((id) => ({ id, revision: '', record: null })));
    },
    { epoch },
  );
}

/** A region's harvest status as the leader last stored it, for the admin API of a gateway without the catalogue in its process. */
export async function readHarvestStatus(db: CatalogueDatabase, code: string): Promise<(NonNullable<StoredHarvestState['status']> & { lastReconcileAt: string | null }) | null> {
  const result = await db.pool.query<{ status: StoredHarvestState['status']; reconciled_at: Date | null }>(
    `SELECT status, reconciled_at FROM ${db.table('region_harvest')} WHERE region = $1 AND NOT removed`,
    [code],
  );
  const row = result.rows[0];
  if (!row?.status) return null;
  return { ...row.status, lastReconcileAt: row.reconciled_at?.toISOString() ?? null };
}

/**
 * Deletes tombstones older than `retentionMs` and raises the purge mark
 * (`catalogue_state.purged_through`) past them: without it a region that
 * keeps adding and deleting new ids would grow the table without end. A
 * replica that had applied less than the mark compares what it holds with
 * the live rows instead (see `createReplica`). Returns how many went.
 */
export async function purgeTombstones(db: CatalogueDatabase, epoch: number, retentionMs: number): Promise<number> {
  const { value } = await db.write(
    async (tx) => {
      const purged = await tx.client.query<{ seq: string }>(
        `DELETE FROM ${db.table('datasets')} WHERE record IS NULL AND changed_at < clock_timestamp() - make_interval(secs => $1::float8 / 1000) RETURNING seq`,
        [retentionMs],
      );
      if (purged.rows.length === 0) return 0;
      const through = Math.max(...purged.rows.map((row) => Number(row.seq)));
      await tx.client.query(`UPDATE ${db.table('catalogue_state')} SET purged_through = GREATEST(purged_through, $1)`, [through]);
      return purged.rows.length;
    },
    { epoch },
  );
  return value;
}
