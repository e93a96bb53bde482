import pg from 'pg';

/** Whether `--data` / `--out` names a PostgreSQL database rather than a folder. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/** The URL with its password replaced by `***`, fit for messages and logs. */
export function redactPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not parseable as a URL: drop everything between "//" and "@", where a password would be.
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** Schema names Wharf accepts: a plain SQL identifier, so it is safe to quote into statements. */
export const postgresSchemaPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** Thrown when the database cannot be reached or refuses the connection; names the URL without its password. */
export class PostgresUnavailableError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message || (cause as NodeJS.ErrnoException).code || cause.name : String(cause);
    super(`Cannot connect to PostgreSQL at ${redactPostgresUrl(url)}: ${reason}. Check the URL, that the server runs, and that it accepts this user.`, { cause });
    this.name = 'PostgresUnavailableError';
  }
}

export interface PostgresConnectionOptions {
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /** Most connections the pool opens. @default 10 */
  maxConnections?: number;
  /** How long to wait for a connection before failing, in milliseconds. @default 5000 */
  connectTimeoutMs?: number;
  /**
   * Longest wait for one query's answer, in milliseconds, measured by the
   * client: a server that stops answering (hung, or a network that drops
   * packets) fails the query instead of holding it forever. @default none
   */
  queryTimeoutMs?: number;
  /** Where a lost idle connection is reported. @default a JSON line on stderr */
  onConnectionLost?: (error: Error) => void;
}

/**
 * Opens a connection pool and proves it works with one round trip, so a bad
 * URL or a server that is down fails at start with a clear error rather than
 * on the first request.
 */
export async function connectPostgres(options: PostgresConnectionOptions): Promise<pg.Pool> {
  const { url, maxConnections = 10, connectTimeoutMs = 5000, queryTimeoutMs } = options;
  let pool: pg.Pool;
  try {
    pool = new pg.Pool({
      connectionString: url,
      max: maxConnections,
      connectionTimeoutMillis: connectTimeoutMs,
      ...(queryTimeoutMs !== undefined ? { query_timeout: queryTimeoutMs } : {}),
      // A peer that vanished without closing (a crashed host, a cut network) is noticed, not waited on.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
  } catch (error) {
    throw new PostgresUnavailableError(url, error);
  }
  // An idle client losing its server must not crash the process; the next query reconnects.
  const onLost = options.onConnectionLost ?? ((error: Error) => console.error(JSON.stringify({ level: 'warn', msg: 'PostgreSQL connection lost', url: redactPostgresUrl(url), error: error.message })));
  pool.on('error', onLost);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new PostgresUnavailableError(url, error);
  }
  return pool;
}

/** Clients that already have the listener `withPooledClient` adds. */
const guarded = new WeakSet<pg.PoolClient>();

/**
 * Runs `work` on a client checked out of `pool`, and releases it: destroyed
 * if anything failed on it, so a connection left mid-transaction or cut is
 * never handed out again. While checked out, a pooled client has no error
 * listener of the pool's, and a connection lost between two statements
 * would be an uncaught exception; every client gets one that ignores the
 * event (the failure reaches `work` through the statement it breaks).
 */
export async function withPooledClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  if (!guarded.has(client)) {
    guarded.add(client);
    client.on('error', () => undefined);
  }
  let failed: Error | undefined;
  try {
    return await work(client);
  } catch (error) {
    failed = error as Error;
    throw error;
  } finally {
    client.release(failed);
  }
}
