import type { CatalogueDatabase } from './openCatalogueDatabase.ts';

/** A region as the registry keeps it: the registry file's entry (secrets by variable name only). */
export interface StoredRegionEntry {
  code: string;
  url: string;
  [field: string]: unknown;
}

/** One change of the registry: an entry, or a removal (`entry` null). */
export interface RegistryChange {
  code: string;
  entry: StoredRegionEntry | null;
}

export interface RegistryStore extends AsyncDisposable {
  /**
   * The live entries. On the very first start of an empty registry, `seed`
   * (the registry file's entries) is written first; after that the file is
   * not read again: registrations made through the admin API are the truth.
   */
  load(seed: readonly StoredRegionEntry[]): Promise<{ entries: StoredRegionEntry[]; seeded: boolean }>;
  /** Adds or replaces an entry. */
  save(entry: StoredRegionEntry): Promise<void>;
  /** Removes an entry and, in the same transaction, every dataset, policy and harvest state of the region; false when none was registered. */
  remove(code: string): Promise<boolean>;
  /** Calls `onChange` for every change written after those already seen, polling every `pollIntervalMs` (and on `wake`). */
  follow(onChange: (changes: readonly RegistryChange[]) => void | Promise<void>): void;
  /** Looks for new changes now (a notification said the registry changed). */
  wake(): void;
}

export interface RegistryStoreOptions {
  /** How often the registry is read for changes made by other replicas, in milliseconds. @default 1000 */
  pollIntervalMs?: number;
}

/**
 * The region registry in the catalogue's database, shared by every gateway
 * and catalogue replica: a registration or removal made through any
 * replica's admin API reaches every other within `pollIntervalMs`. A
 * removal is one transaction with the tombstones of the region's datasets,
 * so no leader is needed for them to go, and a harvest of the region still
 * under way can write nothing after it (`RegionGoneError`).
 */
export function createRegistryStore(db: CatalogueDatabase, options: RegistryStoreOptions = {}): RegistryStore {
  const { pollIntervalMs = 1000 } = options;
  let seen = 0;
  let timer: NodeJS.Timeout | undefined;
  let reading: Promise<void> | undefined;
  let listener: ((changes: readonly RegistryChange[]) => void | Promise<void>) | undefined;

  async function readNew(): Promise<void> {
    if (!listener) return;
    const result = await db.pool.query<{ code: string; entry: StoredRegionEntry | null; seq: string }>(
      `SELECT code, entry, seq FROM ${db.table('regions')} WHERE seq > $1 ORDER BY seq`,
      [seen],
    );
    if (result.rows.length === 0) return;
    seen = Number(result.rows[result.rows.length - 1]!.seq);
    await listener(result.rows.map((row) => ({ code: row.code, entry: row.entry })));
  }

  const poll = () => {
    reading ??= readNew()
      .catch(() => undefined)
      .finally(() => (reading = undefined));
  };

  return {
    async load(seed) {
      let seeded = false;
      await db.write(async (tx) => {
        const state = await tx.client.query<{ registry_seeded: boolean }>(`SELECT registry_seeded FROM ${db.table('catalogue_state')}`);
        if (state.rows[0]!.registry_seeded) return;
        seeded = true;
        for (const entry of seed) {
          await tx.client.query(`INSERT INTO ${db.table('regions')} (code, entry, seq) VALUES ($1, $2::jsonb, $3) ON CONFLICT (code) DO NOTHING`, [entry.code, JSON.stringify(entry), tx.next(1)]);
        }
        await tx.client.query(`UPDATE ${db.table('catalogue_state')} SET registry_seeded = true`);
      });
      const result = await db.pool.query<{ entry: StoredRegionEntry; seq: string }>(`SELECT entry, seq FROM ${db.table('regions')} ORDER BY seq`);
      // Followed from here: what `load` returned is already known.
      const live = result.rows.filter((row) => row.entry !== null);
      seen = Math.max(seen, ...result.rows.map((row) => Number(row.seq)));
      return { entries: live.map((row) => row.entry), seeded };
    },
    async save(entry) {
      await db.write(
        async (tx) => {
          await tx.client.query(
            `INSERT INTO ${db.table('regions')} (code, entry, seq, changed_at) VALUES ($1, $2::jsonb, $3, clock_timestamp())
             ON CONFLICT (code) DO UPDATE SET entry = excluded.entry, seq = excluded.seq, changed_at = excluded.changed_at`,
            [entry.code, JSON.stringify(entry), tx.next(1)],
          );
        },
        { announce: 'regions' },
      );
    },
    async remove(code) {
      const { value } = await db.write(
        async (tx) => {
          const current = await tx.client.query(`SELECT 1 FROM ${db.table('regions')} WHERE code = $1 AND entry IS NOT NULL`, [code]);
          if (current.rows.length === 0) return false;
          await tx.client.query(`UPDATE ${db.table('regions')} SET entry = NULL, seq = $2, changed_at = clock_timestamp() WHERE code = $1`, [code, tx.next(1)]);
          // Every live dataset of the region gets a tombstone with a number of its own.
          const live = await tx.client.query<{ id: string }>(`SELECT id FROM ${db.table('datasets')} WHERE region = $1 AND record IS NOT NULL ORDER BY id`, [code]);
          if (live.rows.length > 0) {
            const first = tx.next(live.rows.length);
            await tx.client.query(
              `UPDATE ${db.table('datasets')} AS d SET record = NULL, revision = '', seq = t.seq, changed_at = clock_timestamp()
               FROM unnest($1::text[], $2::bigint[]) AS t(id, seq) WHERE d.id = t.id`,
              [live.rows.map((row) => row.id), live.rows.map((_, i) => first + i)],
            );
          }
          await tx.client.query(`UPDATE ${db.table('region_policies')} SET texts = NULL, seq = $2 WHERE region = $1`, [code, tx.next(1)]);
          await tx.client.query(`UPDATE ${db.table('region_harvest')} SET removed = true, cursor = NULL, reconciled_at = NULL, status = NULL, seq = $2 WHERE region = $1`, [code, tx.next(1)]);
          return true;
        },
        { announce: 'regions' },
      );
      return value;
    },
    follow(onChange) {
      listener = onChange;
      timer ??= setInterval(poll, pollIntervalMs);
      timer.unref();
    },
    wake: poll,
    async [Symbol.asyncDispose]() {
      clearInterval(timer);
      await reading;
    },
  };
}
