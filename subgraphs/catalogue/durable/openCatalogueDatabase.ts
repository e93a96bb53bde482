import type pg from 'pg';
import { connectPostgres, postgresSchemaPattern, redactPostgresUrl, withPooledClient } from '../../shared/postgres/connectPostgres.ts';
import { migrateSchema, readMigrationFolder, type Migration } from '../../shared/postgres/migrateSchema.ts';
import { StoreUnavailableError } from '../harvestSink.ts';

export interface CatalogueDatabaseOptions {
  /** `postgres://user:password@host:port/database` (`WHARF_CATALOGUE_DATABASE_URL`). */
  url: string;
  /** Schema of the catalogue's tables (`WHARF_CATALOGUE_DATABASE_SCHEMA`). @default 'wharf_catalogue' */
  schema?: string;
  /** Most pooled connections (the session's own dedicated one is extra). @default 4 */
  maxConnections?: number;
  /** Longest wait for a connection, in milliseconds. @default 5000 */
  connectTimeoutMs?: number;
  /**
   * Longest wait for one query, in milliseconds, measured by the client: a
   * hung server fails writes and catch-ups instead of holding them. Bulk
   * reads ask for their rows in batches, each well within it. @default 30000
   */
  queryTimeoutMs?: number;
  /** @default the migrations in `migrations/` */
  migrations?: readonly Migration[];
  /** Where a lost idle pooled connection is reported. @default a JSON line on stderr */
  onConnectionLost?: (error: Error) => void;
}

/** The catalogue's tables in PostgreSQL and the one pool every part of a replica shares. */
export interface CatalogueDatabase extends AsyncDisposable {
  readonly pool: pg.Pool;
  readonly url: string;
  readonly schema: string;
  /** The LISTEN/NOTIFY channel: every write announces the new head on it. */
  readonly channel: string;
  /** The advisory lock key the leader holds. */
  readonly leaderLockKey: string;
  /** `"schema".name`, for statements. */
  table(name: 'catalogue_state' | 'datasets' | 'region_policies' | 'region_harvest' | 'regions'): string;
  /**
   * Runs `work` in one transaction that takes the next numbers of the
   * sequence (`WriteTransaction.next`) and announces the new head when it
   * commits. With `epoch`, only while that is still the leader's epoch
   * (else `DeposedError`, and nothing is written). Every other failure is a
   * `StoreUnavailableError` and writes nothing.
   */
  write<T>(work: (tx: WriteTransaction) => Promise<T>, options?: { epoch?: number; announce?: 'regions' }): Promise<WriteOutcome<T>>;
  /** The head of the sequence: the last number written. */
  head(): Promise<number>;
}

/** What a write returns: its work's value, and the sequence numbers it took (`from` + 1 to `head`; none when equal). */
export interface WriteOutcome<T> {
  value: T;
  /** The head after the write. */
  head: number;
  /** The head before it. */
  from: number;
}

export interface WriteTransaction {
  readonly client: pg.PoolClient;
  /** Takes `count` numbers of the sequence; returns the first. */
  next(count: number): number;
}

/** The catalogue's migrations, in order. */
export function readCatalogueMigrations(): Migration[] {
  return readMigrationFolder(new URL('./migrations/', import.meta.url));
}

/** A harvest write of a leader whose lock another replica has taken since: refused, nothing written. */
export class DeposedError extends StoreUnavailableError {
  constructor(epoch: number, current: number) {
    super(`This replica led the catalogue as epoch ${epoch}, but epoch ${current} leads now; its write was refused.`);
    this.name = 'DeposedError';
  }
}

/** Default schema of the catalogue's tables. */
export const defaultCatalogueSchema = 'wharf_catalogue';

/**
 * Connects to the catalogue's database and brings its schema up to this
 * release's migrations (refusing a schema a newer release migrated, see
 * `SchemaTooNewError`). Throws `PostgresUnavailableError` when the server
 * cannot be reached: a replica does not start without its database.
 */
export async function openCatalogueDatabase(options: CatalogueDatabaseOptions): Promise<CatalogueDatabase> {
  const { url, schema = defaultCatalogueSchema, maxConnections = 4, connectTimeoutMs = 5000, queryTimeoutMs = 30_000 } = options;
  if (!postgresSchemaPattern.test(schema)) throw new Error(`WHARF_CATALOGUE_DATABASE_SCHEMA="${schema}" is not a usable schema name; use lower-case letters, digits and "_".`);
  const pool = await connectPostgres({
    url,
    maxConnections,
    connectTimeoutMs,
    queryTimeoutMs,
    ...(options.onConnectionLost ? { onConnectionLost: options.onConnectionLost } : {}),
  });
  try {
    await migrateSchema(pool, schema, options.migrations ?? readCatalogueMigrations(), { what: 'catalogue' });
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const table = (name: string) => `"${schema}".${name}`;
  const channel = `wharf_${schema}`;
  let closed = false;

  async function write<T>(work: (tx: WriteTransaction) => Promise<T>, writeOptions: { epoch?: number; announce?: 'regions' } = {}): Promise<WriteOutcome<T>> {
    let reached = false;
    try {
      return await withPooledClient(pool, async (client) => {
        reached = true;
        try {
          await client.query('BEGIN');
          // Every writer locks this row first: changes commit in the order of their numbers, and never deadlock on each other.
          const state = await client.query<{ head: string; leader_epoch: string }>(`SELECT head, leader_epoch FROM ${table('catalogue_state')} FOR UPDATE`);
          const start = Number(state.rows[0]!.head);
          const current = Number(state.rows[0]!.leader_epoch);
          if (writeOptions.epoch !== undefined && writeOptions.epoch !== current) throw new DeposedError(writeOptions.epoch, current);
          let head = start;
          const value = await work({
            client,
            next(count) {
              const first = head + 1;
              head += count;
              return first;
            },
          });
          if (head !== start) {
            await client.query(`UPDATE ${table('catalogue_state')} SET head = $1`, [head]);
            await client.query('SELECT pg_notify($1, $2)', [channel, `${head}${writeOptions.announce ? ` ${writeOptions.announce}` : ''}`]);
          }
          await client.query('COMMIT');
          return { value, head, from: start };
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      if (!reached) throw new StoreUnavailableError(`The catalogue database at ${redactPostgresUrl(url)} could not be reached: ${(error as Error).message}`, { cause: error });
      throw new StoreUnavailableError(`The catalogue database refused a write: ${(error as Error).message}`, { cause: error });
    }
  }

  return {
    pool,
    url: redactPostgresUrl(url),
    schema,
    channel,
    leaderLockKey: `wharf catalogue leader ${schema}`,
    table,
    write,
    async head() {
      const result = await pool.query<{ head: string }>(`SELECT head FROM ${table('catalogue_state')}`);
      return Number(result.rows[0]!.head);
    },
    async [Symbol.asyncDispose]() {
      if (closed) return;
      closed = true;
      await pool.end().catch(() => undefined);
    },
  };
}
