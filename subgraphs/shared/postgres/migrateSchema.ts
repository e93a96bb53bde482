import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { postgresSchemaPattern, withPooledClient } from './connectPostgres.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The numbered migrations in `folder` (`0001_name.sql`), in order. */
export function readMigrationFolder(folder: URL): Migration[] {
  const path = fileURLToPath(folder);
  return readdirSync(path)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({ version: Number(file.slice(0, 4)), name: file.slice(5, -4), sql: readFileSync(`${path}/${file}`, 'utf8') }));
}

/**
 * A schema migrated by a newer release than this one: its tables may mean
 * things this code does not know, so it refuses to start on it rather than
 * read or write them.
 */
export class SchemaTooNewError extends Error {
  constructor(
    readonly schema: string,
    readonly databaseVersion: number,
    readonly codeVersion: number,
    what: string,
  ) {
    super(
      `The ${what} in PostgreSQL schema "${schema}" is at migration ${databaseVersion}, newer than this release of Wharf knows (up to ${codeVersion}): ` +
        `a newer release migrated it. Run that release (or a newer one), or restore a backup taken before the upgrade; Wharf does not start on a schema it does not know.`,
    );
    this.name = 'SchemaTooNewError';
  }
}

export interface MigrateOptions {
  /** What the schema holds, for messages (`region store`, `catalogue`). @default 'database' */
  what?: string;
}

/**
 * Brings `schema` up to the newest of `migrations` and returns the versions
 * it applied (empty when the schema was current). A schema with a migration
 * newer than any of `migrations` throws `SchemaTooNewError` and is left as
 * it is. Everything happens in one transaction, so a failing migration
 * leaves the schema as it was, and under a transaction-scoped advisory lock
 * on the schema's name, so processes starting at once apply each migration
 * exactly once: the second waits, then finds nothing left to do.
 */
export async function migrateSchema(pool: pg.Pool, schema: string, migrations: readonly Migration[], options: MigrateOptions = {}): Promise<number[]> {
  const { what = 'database' } = options;
  if (!postgresSchemaPattern.test(schema)) throw new Error(`"${schema}" is not a usable schema name; use lower-case letters, digits and "_".`);
  return withPooledClient(pool, async (client) => {
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`wharf migrations ${schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      // Unqualified names in migrations land in the schema; nothing else is searched.
      await client.query(`SET LOCAL search_path TO "${schema}"`);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
      const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version));
      const newestKnown = Math.max(0, ...migrations.map((migration) => migration.version));
      const newestApplied = Math.max(0, ...done);
      if (newestApplied > newestKnown) throw new SchemaTooNewError(schema, newestApplied, newestKnown, what);
      const applied: number[] = [];
      for (const migration of migrations) {
        if (done.has(migration.version)) continue;
        try {
          await client.query(migration.sql);
        } catch (error) {
          throw new Error(`Migration ${migration.version} (${migration.name}) failed in schema "${schema}"; nothing was changed: ${(error as Error).message}`, { cause: error });
        }
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        applied.push(migration.version);
      }
      await client.query('COMMIT');
      return applied;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}
