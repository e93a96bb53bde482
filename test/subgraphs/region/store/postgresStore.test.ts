import { randomUUID } from 'node:crypto';
import { freeLoopbackPort } from '../../../../subgraphs/shared/listen.ts';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { compileRegionPolicies } from '../../../../subgraphs/shared/access/loadRegionPolicies.ts';
import { serveRegion } from '../../../../subgraphs/region/serveRegion.ts';
import { createLineageProducers, producerKeyHash } from '../../../../subgraphs/region/lineage/lineageProducers.ts';
import { createPostgresStore, type PostgresStore } from '../../../../subgraphs/region/store/createPostgresStore.ts';
import { PostgresUnavailableError } from '../../../../subgraphs/shared/postgres/connectPostgres.ts';
import { migratePostgres, readMigrations } from '../../../../subgraphs/region/store/postgres/migratePostgres.ts';
import { describeWithServers, postgresServer, postgresUrl } from '../../../support/realServers.ts';
import { contractDataset, datasetStoreContract, recordOf, type OpenedStore } from './datasetStoreContract.ts';

/** A schema of its own per test, so runs never see each other's rows; dropped after. */
const schemas: string[] = [];
const newSchema = () => {
  const schema = `wharf_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  schemas.push(schema);
  return schema;
};
const dropSchemas = async () => {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    for (const schema of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
};

function opened(store: PostgresStore, schema: string): OpenedStore {
  return {
    store,
    upsert: async (datasets) => void (await store.upsertMany(datasets.map(recordOf))),
    remove: async (identifiers) => void (await store.removeMany(identifiers.map((identifier) => `${store.region}:${identifier}`))),
    async upsertWithOneRefused(datasets) {
      // Refused by the database's own check inside the transaction, after the other rows were sent.
      const foreign = { ...recordOf(contractDataset('foreign', 'Foreign')), id: 'VN:foreign', region: 'VN' };
      await store.upsertMany([...datasets.map(recordOf), foreign]);
    },
    async reopen() {
      await store[Symbol.asyncDispose]();
      return opened(await createPostgresStore({ region: store.region, url: postgresUrl, schema }), schema);
    },
  };
}

await describeWithServers([postgresServer], 'createPostgresStore', () => {
  afterAll(dropSchemas);

  describe('contract', () => {
    datasetStoreContract({
      cursorsSurviveRestart: true,
      async open(region) {
        const schema = newSchema();
        return opened(await createPostgresStore({ region, url: postgresUrl, schema }), schema);
      },
      cleanUp: dropSchemas,
    });
  });

  it('keeps regions sharing one schema apart, each with its own feed', async () => {
    const schema = newSchema();
    await using mo = await createPostgresStore({ region: 'MO', url: postgresUrl, schema });
    await using vn = await createPostgresStore({ region: 'VN', url: postgresUrl, schema });
    const record = recordOf(contractDataset('trade', 'Trade'));
    await mo.upsertMany([record]);
    await vn.upsertMany([{ ...record, id: 'VN:trade', region: 'VN' }]);
    await vn.upsertMany([{ ...record, id: 'VN:ports', region: 'VN' }]);
    expect([await mo.count(), await vn.count()]).toEqual([1, 2]);
    expect(await mo.getMany(['MO:trade', 'VN:trade'])).toEqual([record, undefined]);
    const moFeed = await mo.changes(undefined, 10);
    const vnFeed = await vn.changes(undefined, 10);
    expect(moFeed.changes.map((change) => change.id)).toEqual(['MO:trade']);
    expect(vnFeed.changes.map((change) => change.id)).toEqual(['VN:trade', 'VN:ports']);
    expect(moFeed.cursor.split('.')[0]).not.toBe(vnFeed.cursor.split('.')[0]);
    await expect(mo.upsertMany([{ ...record, id: 'VN:sneaky', region: 'VN' }])).rejects.toThrow(
      'Store of region MO refused "VN:sneaky": ids must start with "MO:"; nothing of this write was kept.',
    );
  });

  it('rolls back the whole batch when the database refuses one row', async () => {
    const schema = newSchema();
    await using store = await createPostgresStore({ region: 'MO', url: postgresUrl, schema });
    const good = Array.from({ length: 1200 }, (_, i) => recordOf(contractDataset(`d${i}`, `Dataset ${i}`)));
    // PostgreSQL's json refuses the NUL character: the last statement of the transaction fails after 1,000 rows went in.
    const bad = recordOf(contractDataset('nul', 'Has a \u0000 in its title'));
    await expect(store.upsertMany([...good, bad])).rejects.toThrow(/unsupported Unicode escape sequence|\\u0000/);
    expect(await store.count()).toBe(0);
    expect(await store.changes(undefined, 10)).toMatchObject({ reset: true, hasMore: false, changes: [] });
    expect(await store.upsertMany(good)).toEqual({ changed: 1200, unchanged: 0 });
    expect(await store.upsertMany(good)).toEqual({ changed: 0, unchanged: 1200 });
    expect(await store.removeMany(['MO:d0', 'MO:d0', 'MO:missing'])).toEqual({ changed: 1, unchanged: 2 });
  });

  it('gives every write of two replicas writing at once its own feed position, none lost', async () => {
    const schema = newSchema();
    await using first = await createPostgresStore({ region: 'MO', url: postgresUrl, schema });
    await using second = await createPostgresStore({ region: 'MO', url: postgresUrl, schema });
    const writes = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? first : second).upsertMany([recordOf(contractDataset(`d${i}`, `Dataset ${i}`))]));
    await Promise.all(writes);
    const page = await second.changes(undefined, 100);
    expect(page.changes.map((change) => change.id).toSorted()).toEqual(Array.from({ length: 40 }, (_, i) => `MO:d${i}`).toSorted());
    expect(page.cursor).toBe(`${page.cursor.split('.')[0]}.40`);
    // Paging one by one walks positions 1 to 40 with no gap and no repeat.
    const positions: number[] = [];
    for (let since: string | undefined = `${page.cursor.split('.')[0]}.0`; ; ) {
      const next = await first.changes(since, 1);
      if (next.changes.length === 0) break;
      positions.push(Number(next.cursor.split('.')[1]));
      since = next.cursor;
    }
    expect(positions).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('applies each migration once when two processes start at the same moment', async () => {
    const schema = newSchema();
    const pools = [new pg.Pool({ connectionString: postgresUrl }), new pg.Pool({ connectionString: postgresUrl })];
    try {
      const applied = await Promise.all(pools.map((pool) => migratePostgres(pool, schema)));
      const versions = readMigrations().map((migration) => migration.version);
      expect(applied.toSorted((x, y) => y.length - x.length)).toEqual([versions, []]);
      const recorded = await pools[0]!.query(`SELECT version, name FROM "${schema}".schema_migrations ORDER BY version`);
      expect(recorded.rows).toEqual(readMigrations().map(({ version, name }) => ({ version, name })));
      expect(await migratePostgres(pools[0]!, schema)).toEqual([]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('leaves the schema untouched when a migration fails', async () => {
    const schema = newSchema();
    await using pool = Object.assign(new pg.Pool({ connectionString: postgresUrl }), { [Symbol.asyncDispose]: () => pool.end() });
    const broken = [...readMigrations(), { version: 9999, name: 'broken', sql: 'CREATE TABLE datasets (id text)' }];
    await expect(migratePostgres(pool, schema, broken)).rejects.toThrow(`Migration 9999 (broken) failed in schema "${schema}"; nothing was changed: relation "datasets" already exists`);
    expect((await pool.query(`SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = $1`, [schema])).rows).toEqual([{ n: 0 }]);
  });

  it('keeps ingested lineage and its journal in the database across a restart', async () => {
    const schema = newSchema();
    const store = await createPostgresStore({ region: 'MO', url: postgresUrl, schema });
    await store.upsertMany([recordOf(contractDataset('reexports', 'Re-exports', { identifiers: [{ namespace: 'postgres://dsec:5432', name: 'dsec.marts.reexports' }] }))]);
    const producers = createLineageProducers([{ name: 'dsec-dbt', sha256: producerKeyHash('dsec-dbt-key'), namespaces: ['postgres://dsec:5432'] }]);
    const server = await serveRegion({ store, policies: compileRegionPolicies('MO', {}), lineageProducers: producers });
    const event = {
      eventType: 'COMPLETE',
      eventTime: '2025-03-01T08:00:00Z',
      producer: 'https://example.org/producer',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
      run: { runId: '0195a1f0-0000-7000-8000-000000000001' },
      job: { namespace: 'dsec', name: 'reexport_reconciliation' },
      inputs: [{ namespace: 'postgres://dsec:5432', name: 'dsec.raw.customs_lines' }],
      outputs: [{ namespace: 'postgres://dsec:5432', name: 'dsec.marts.reexports' }],
    };
    const response = await fetch(`${server.origin}/api/v1/lineage`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer dsec-dbt-key' }, body: JSON.stringify(event) });
    expect(response.status).toBe(201);
    const edge = { upstream: 'ol:postgres%3A%2F%2Fdsec%3A5432/dsec.raw.customs_lines', job: 'reexport_reconciliation', runTime: '2025-03-01T08:00:00Z' };
    expect((await store.getMany(['MO:reexports']))[0]!.lineage).toEqual([edge]);
    const { cursor } = await store.changes(undefined, 10);
    await server[Symbol.asyncDispose]();
    await store[Symbol.asyncDispose]();

    await using again = await createPostgresStore({ region: 'MO', url: postgresUrl, schema });
    await using replayed = await serveRegion({ store: again, policies: compileRegionPolicies('MO', {}), lineageProducers: producers });
    expect(replayed.region).toBe('MO');
    expect((await again.getMany(['MO:reexports']))[0]!.lineage).toEqual([edge]);
    expect(await again.lineageJournal.read()).toEqual([{ producer: 'dsec-dbt', event }]);
    // Replaying the journal at start changed nothing: no new feed position.
    expect((await again.changes(cursor, 10)).changes).toEqual([]);
    // Re-importing the dataset keeps the ingested edge.
    await again.upsertMany([recordOf(contractDataset('reexports', 'Re-exports', { identifiers: [{ namespace: 'postgres://dsec:5432', name: 'dsec.marts.reexports' }] }))]);
    expect((await again.changes(cursor, 10)).changes).toEqual([]);
  });

  it('keeps merged ingested lineage within the bounds it is given, its own edges first, when replicas ingest at once', async () => {
    const schema = newSchema();
    await using store = await createPostgresStore({ region: 'MO', url: postgresUrl, schema });
    await store.upsertMany([recordOf(contractDataset('reexports', 'Re-exports'))]);
    const edge = (upstream: string, fields = 0) => ({
      upstream,
      job: 'j',
      runTime: '2025-03-01T08:00:00Z',
      ...(fields > 0 ? { columns: [{ field: 'c', inputFields: Array.from({ length: fields }, (_, i) => ({ namespace: 'n', name: upstream, field: `f${i}` })) }] } : {}),
    });
    // Another replica's edges, then this one's: at most 4 edges and 3 column input fields stay, so "b" (3 fields) does not fit.
    await store.setIngestedLineage('MO:reexports', [edge('ol:n/a'), edge('ol:n/b', 3), edge('ol:n/c'), edge('ol:n/d')]);
    await store.setIngestedLineage('MO:reexports', [edge('ol:n/x', 1), edge('ol:n/y')], { maxEdges: 4, maxColumnInputFields: 3 });
    expect((await store.getMany(['MO:reexports']))[0]!.lineage.map((entry) => entry.upstream)).toEqual(['ol:n/a', 'ol:n/c', 'ol:n/x', 'ol:n/y']);
  });

  it('fails to open with the URL, without its password, when nothing listens there', async () => {
    const port = await freeLoopbackPort();
    const opening = createPostgresStore({ region: 'MO', url: `postgres://wharf:s3cret@127.0.0.1:${port}/catalogue`, connectTimeoutMs: 2000 });
    await expect(opening).rejects.toBeInstanceOf(PostgresUnavailableError);
    await expect(opening).rejects.toThrow(
      `Cannot connect to PostgreSQL at postgres://wharf:***@127.0.0.1:${port}/catalogue: connect ECONNREFUSED 127.0.0.1:${port}. Check the URL, that the server runs, and that it accepts this user.`,
    );
    await expect(opening).rejects.not.toThrow('s3cret');
  });

  it('names the database the server refused', async () => {
    const database = `wharf_missing_${randomUUID().slice(0, 8)}`;
    const url = postgresUrl.replace(/\/[^/]*$/, `/${database}`);
    await expect(createPostgresStore({ region: 'MO', url })).rejects.toThrow(`Cannot connect to PostgreSQL at ${url}: database "${database}" does not exist.`);
  });
});
