import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Change, ChangeFeedPage } from '../../../schema/changeFeed.ts';
import { UnsafeUrlError, unsafeUrlsOf, type DatasetRecord, type LineageEdgeRecord } from '../../../schema/datasetRecord.ts';
import { regionCodePattern } from '../../../schema/datasetId.ts';
import type { IngestedLineageBounds } from '../lineage/createLineageIngest.ts';
import { unreadableJournalLine, type LineageJournal } from '../lineage/lineageJournal.ts';
import { ForeignRecordError, type WritableDatasetStore, type WriteOutcome } from './DatasetStore.ts';
import { connectPostgres, postgresSchemaPattern, redactPostgresUrl } from '../../shared/postgres/connectPostgres.ts';
import { migratePostgres } from './postgres/migratePostgres.ts';
import { withIngestedLineage } from './withIngestedLineage.ts';
import { parseBoundedJson } from '../../shared/parseBoundedJson.ts';

export interface PostgresStoreOptions {
  region: string;
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /**
   * Schema holding Wharf's tables; created, with its tables, by the
   * migrations run at start. Several regions can share one schema.
   * @default 'wharf'
   */
  schema?: string;
  /** Most connections the store opens. @default 10 */
  maxConnections?: number;
  /** How long to wait for a connection, in milliseconds. @default 5000 */
  connectTimeoutMs?: number;
}

export interface PostgresStore extends WritableDatasetStore {
  /** The database URL without its password. */
  readonly location: string;
  /** Every live dataset as it was written (without ingested lineage), by id. */
  records(): Promise<DatasetRecord[]>;
  /**
   * Adds lineage edges ingested from OpenLineage runs to `id`: merged by
   * upstream with the edges already ingested (by any replica), served after
   * the record's own. A change is a new revision in the change feed.
   * Returns false when the store has no such dataset. With `bounds`, the
   * merged list stays within them: `edges` first, then the other replicas'
   * edges (by upstream) while they fit, so rows stay bounded even when
   * replicas ingest at once.
   */
  setIngestedLineage(id: string, edges: readonly LineageEdgeRecord[], bounds?: IngestedLineageBounds): Promise<boolean>;
  /** Accepted OpenLineage events with their producers, kept in the database so every replica replays the same ones. */
  readonly lineageJournal: LineageJournal;
}

/**
 * `ours`, then those of `theirs` with another upstream while both bounds
 * hold (all of them without bounds), by upstream.
 */
function mergeWithinBounds(ours: readonly LineageEdgeRecord[], theirs: readonly LineageEdgeRecord[], bounds: IngestedLineageBounds | undefined): Map<string, LineageEdgeRecord> {
  const inputFieldsOf = (edge: LineageEdgeRecord) => (edge.columns ?? []).reduce((sum, column) => sum + column.inputFields.length, 0);
  const merged = new Map(ours.map((edge) => [edge.upstream, edge]));
  let inputFields = ours.reduce((sum, edge) => sum + inputFieldsOf(edge), 0);
  for (const edge of theirs) {
    if (merged.has(edge.upstream)) continue;
    const fields = inputFieldsOf(edge);
    if (bounds && (merged.size >= bounds.maxEdges || inputFields + fields > bounds.maxColumnInputFields)) continue;
    merged.set(edge.upstream, edge);
    inputFields += fields;
  }
  return merged;
}

/** Rows written in one statement: large enough to amortise round trips, small enough to keep statements modest. */
const rowsPerStatement = 500;

interface Row {
  id: string;
  seq: string;
  revision: string | null;
  record: DatasetRecord | null;
}

/**
 * A region's datasets in PostgreSQL, for regions that outgrow files or run
 * several subgraph replicas. Opening it runs the migrations, registers the
 * region's change feed (one epoch per region, kept across restarts, so a
 * cursor stays valid after a restart) and fails with the URL, without its
 * password, when the database cannot be reached.
 *
 * Every write is one transaction that first locks the region's feed row:
 * writers of one region are serialised, so feed positions become visible in
 * the order they were given out and a reader holding cursor N never later
 * sees a position below N appear. Equal content (same revision) is not
 * rewritten, so writing the same records again adds nothing to the feed.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const { region, url, schema = 'wharf' } = options;
  if (!regionCodePattern.test(region)) throw new Error(`"${region}" is not a region code such as "MO" or "CN-GX".`);
  if (!postgresSchemaPattern.test(schema)) throw new Error(`"${schema}" is not a usable schema name; use lower-case letters, digits and "_".`);
  const pool = await connectPostgres({
    url,
    ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
    ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
  });
  const location = redactPostgresUrl(url);
  const t = (table: string) => `"${schema}".${table}`;
  let epoch: string;
  try {
    await migratePostgres(pool, schema);
    await pool.query(`INSERT INTO ${t('region_feeds')} (region, epoch) VALUES ($1, $2) ON CONFLICT (region) DO NOTHING`, [region, randomUUID().slice(0, 8)]);
    epoch = (await pool.query<{ epoch: string }>(`SELECT epoch FROM ${t('region_feeds')} WHERE region = $1`, [region])).rows[0]!.epoch;
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }

  /** Runs `work` in a transaction holding the region's feed lock; `next()` gives out feed positions. */
  async function write<T>(work: (client: pg.PoolClient, next: () => number) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const locked = await client.query<{ last_seq: string }>(`SELECT last_seq FROM ${t('region_feeds')} WHERE region = $1 FOR UPDATE`, [region]);
      let seq = Number(locked.rows[0]!.last_seq);
      const start = seq;
      const result = await work(client, () => (seq += 1));
      if (seq !== start) await client.query(`UPDATE ${t('region_feeds')} SET last_seq = $2 WHERE region = $1`, [region, seq]);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Current rows of `ids`, locked for this transaction. */
  async function lockRows(client: pg.PoolClient, ids: readonly string[]) {
    const result = await client.query<{ id: string; revision: string | null; ingested_lineage: LineageEdgeRecord[]; source: DatasetRecord | null }>(
      `SELECT id, revision, ingested_lineage, source FROM ${t('datasets')} WHERE region = $1 AND id = ANY($2) FOR UPDATE`,
      [region, ids],
    );
    return new Map(result.rows.map((row) => [row.id, row]));
  }

  async function writeRows(client: pg.PoolClient, rows: { id: string; seq: number; revision: string | null; source: DatasetRecord | null; ingested: readonly LineageEdgeRecord[]; record: DatasetRecord | null }[]) {
    for (let i = 0; i < rows.length; i += rowsPerStatement) {
      const slice = rows.slice(i, i + rowsPerStatement);
      await client.query(
        `INSERT INTO ${t('datasets')} (region, id, seq, revision, source, ingested_lineage, record)
         SELECT $1, row.id, row.seq, row.revision, row.source, row.ingested, row.record
         FROM json_to_recordset($2::json) AS row (id text, seq bigint, revision text, source json, ingested json, record json)
         ON CONFLICT (region, id) DO UPDATE SET seq = EXCLUDED.seq, revision = EXCLUDED.revision, source = EXCLUDED.source,
           ingested_lineage = EXCLUDED.ingested_lineage, record = EXCLUDED.record, changed_at = now()`,
        [region, JSON.stringify(slice)],
      );
    }
  }

  /** A cursor's position when it is this feed's and not past its end; otherwise undefined (a full snapshot is due). */
  function positionOf(since: string | undefined, lastSeq: number): number | undefined {
    if (!since) return undefined;
    const dot = since.lastIndexOf('.');
    if (dot <= 0 || since.slice(0, dot) !== epoch) return undefined;
    const position = Number(since.slice(dot + 1));
    return Number.isSafeInteger(position) && position >= 0 && position <= lastSeq ? position : undefined;
  }

  const journal: LineageJournal = {
    async append(entries) {
      await pool.query(`INSERT INTO ${t('lineage_events')} (region, event) SELECT $1, event FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(event, n) ORDER BY n`, [
        region,
        JSON.stringify(entries),
      ]);
    },
    async read() {
      // As text, parsed with the depth bound: a row too deep to walk is refused at replay, not a crash at start.
      const result = await pool.query<{ event: string }>(`SELECT event::text AS event FROM ${t('lineage_events')} WHERE region = $1 ORDER BY position`, [region]);
      return result.rows.map((row) => {
        try {
          return parseBoundedJson(row.event);
        } catch {
          return unreadableJournalLine;
        }
      });
    },
  };

  let closed = false;
  return {
    region,
    location,
    lineageJournal: journal,

    async getMany(ids) {
      if (ids.length === 0) return [];
      const result = await pool.query<{ id: string; record: DatasetRecord }>(
        `SELECT id, record FROM ${t('datasets')} WHERE region = $1 AND id = ANY($2) AND record IS NOT NULL`,
        [region, ids],
      );
      const byId = new Map(result.rows.map((row) => [row.id, row.record]));
      return ids.map((id) => byId.get(id));
    },

    async count() {
      const result = await pool.query<{ count: string }>(`SELECT count(*) FROM ${t('datasets')} WHERE region = $1 AND record IS NOT NULL`, [region]);
      return Number(result.rows[0]!.count);
    },

    async records() {
      const result = await pool.query<{ source: DatasetRecord }>(
        `SELECT source FROM ${t('datasets')} WHERE region = $1 AND source IS NOT NULL ORDER BY id`,
        [region],
      );
      return result.rows.map((row) => row.source);
    },

    async changes(since, limit): Promise<ChangeFeedPage> {
      const client = await pool.connect();
      try {
        // One snapshot for the feed's end and the page, so the cursor never skips a row the page did not see.
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const state = await client.query<{ last_seq: string }>(`SELECT last_seq FROM ${t('region_feeds')} WHERE region = $1`, [region]);
        const lastSeq = Number(state.rows[0]!.last_seq);
        const position = positionOf(since, lastSeq);
        const reset = position === undefined;
        // A snapshot is every live dataset; tombstones matter only to a consumer that holds an older copy.
        const result = await client.query<Row>(
          `SELECT id, seq, revision, record FROM ${t('datasets')}
           WHERE region = $1 AND seq > $2 ${reset ? 'AND record IS NOT NULL' : ''}
           ORDER BY seq LIMIT $3`,
          [region, position ?? 0, limit + 1],
        );
        await client.query('COMMIT');
        const hasMore = result.rows.length > limit;
        const rows = result.rows.slice(0, limit);
        const changes: Change[] = rows.map((row) =>
          row.record ? { op: 'upsert', id: row.id, revision: row.revision!, dataset: row.record } : { op: 'delete', id: row.id },
        );
        const cursorSeq = hasMore ? Number(rows[rows.length - 1]!.seq) : lastSeq;
        return { region, cursor: `${epoch}.${cursorSeq}`, reset, hasMore, changes };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },

    async upsertMany(records): Promise<WriteOutcome> {
      if (records.length === 0) return { changed: 0, unchanged: 0 };
      // Records reach the database from imports and code, not only from validated files: a link that is not http(s) stops here.
      const unsafe = records.flatMap((record) => unsafeUrlsOf(record).map((problem) => ({ id: record.id, ...problem })));
      if (unsafe.length > 0) throw new UnsafeUrlError(region, unsafe);
      // The last copy of an id in one batch wins, as if written one after another.
      const byId = new Map(records.map((record) => [record.id, record]));
      try {
        return await write(async (client, next) => {
          const current = await lockRows(client, [...byId.keys()]);
          const rows = [];
          for (const source of byId.values()) {
            const row = current.get(source.id);
            const ingested = row?.source ? row.ingested_lineage : [];
            const served = withIngestedLineage(source, ingested);
            if (row?.revision === served.revision) continue;
            rows.push({ id: source.id, seq: next(), revision: served.revision, source, ingested, record: served });
          }
          await writeRows(client, rows);
          return { changed: rows.length, unchanged: records.length - rows.length };
        });
      } catch (error) {
        // The database's own check refused a record of another region; the transaction was rolled back whole.
        if ((error as { code?: string }).code === '23514') {
          const foreign = records.filter((record) => record.region !== region || !record.id.startsWith(`${region}:`));
          if (foreign.length > 0) throw new ForeignRecordError(region, foreign.map((record) => record.id));
        }
        throw error;
      }
    },

    async removeMany(ids): Promise<WriteOutcome> {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return { changed: 0, unchanged: 0 };
      return write(async (client, next) => {
        const current = await lockRows(client, unique);
        const rows = unique
          .filter((id) => current.get(id)?.revision)
          .map((id) => ({ id, seq: next(), revision: null, source: null, ingested: [], record: null }));
        await writeRows(client, rows);
        return { changed: rows.length, unchanged: ids.length - rows.length };
      });
    },

    async setIngestedLineage(id, edges, bounds) {
      return write(async (client, next) => {
        const row = (await lockRows(client, [id])).get(id);
        if (!row?.source) return false;
        // Merged, not replaced: another replica may have ingested edges this process never saw.
        const merged = mergeWithinBounds(edges, row.ingested_lineage, bounds);
        const ingested = [...merged.values()].sort((a, b) => (a.upstream < b.upstream ? -1 : 1));
        const served = withIngestedLineage(row.source, ingested);
        if (served.revision === row.revision && JSON.stringify(ingested) === JSON.stringify(row.ingested_lineage)) return true;
        await writeRows(client, [{ id, seq: next(), revision: served.revision, source: row.source, ingested, record: served }]);
        return true;
      });
    },

    async [Symbol.asyncDispose]() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
