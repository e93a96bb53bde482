import type pg from 'pg';
import { migrateSchema, readMigrationFolder, type Migration } from '../../../shared/postgres/migrateSchema.ts';

export type { Migration } from '../../../shared/postgres/migrateSchema.ts';

/** The region store's numbered migrations in `migrations/` (`0001_name.sql`), in order. */
export function readMigrations(): Migration[] {
  return readMigrationFolder(new URL('./migrations/', import.meta.url));
}

/**
 * Brings the region store's `schema` up to the newest migration and returns
 * the versions it applied (see `migrateSchema`: one transaction, one
 * process at a time, and a schema newer than this code is refused).
 */
export function migratePostgres(pool: pg.Pool, schema: string, migrations: readonly Migration[] = readMigrations()): Promise<number[]> {
  return migrateSchema(pool, schema, migrations, { what: 'region store' });
}
