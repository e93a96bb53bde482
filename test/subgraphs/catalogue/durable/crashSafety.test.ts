import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatasetRecord } from '../../../../schema/datasetRecord.ts';
import { createCatalogueCluster, queryCatalogue, revisionsAt, type CatalogueCluster, type CatalogueProcess } from '../../../support/catalogueProcesses.ts';
import { describeWithServers, postgresServer, postgresUrl } from '../../../support/realServers.ts';
import { dropSchema, startSyntheticRegions, testSchemaName, waitUntil, type SyntheticRegions } from '../../../support/syntheticRegions.ts';

/**
 * Real `wharf catalogue` processes on one database, killed with SIGKILL in
 * the middle of their work; after each crash every replica must hold
 * exactly what the regions hold: nothing lost, nothing twice, nothing
 * deleted come back.
 */
await describeWithServers([postgresServer], 'durable catalogue: kill -9 of replicas mid-work', () => {
  const schema = testSchemaName('catalogue_crash');
  const datasets = 12_000;
  let regions: SyntheticRegions;
  let cluster: CatalogueCluster;
  let db: pg.Client;
  /** Ids deleted at a region during the test: none may come back. */
  const deleted = new Set<string>();
  const replicas = new Map<string, CatalogueProcess>();

  const role = async (replica: CatalogueProcess) =>
    ((await (await fetch(`${replica.origin}/health`)).json()) as { catalogue: { role: string } }).catalogue.role;
  const ready = async (replica: CatalogueProcess) => {
    const response = await fetch(`${replica.origin}/ready`).catch(() => undefined);
    if (!response) return { status: 0, appliedPercent: 0 };
    const body = (await response.json()) as { catalogue: { appliedPercent: number } };
    return { status: response.status, appliedPercent: body.catalogue.appliedPercent };
  };
  /** Ids changed at a region during the test: each must be held at its last revision. */
  const changedIds = new Set<string>();
  /**
   * Every replica holds the regions' truth: each region's count exactly (so
   * nothing is held twice or besides), every changed dataset at its last
   * revision, none of the deleted ones, and a sample of the rest as it is.
   */
  async function expectTruthEverywhere(): Promise<void> {
    const truth = await regions.truth();
    const all = [...truth.keys()];
    const sample = all.filter((_, i) => i % 16 === 0);
    const ids = [...new Set([...changedIds, ...deleted, ...sample])];
    const expected = new Map(ids.map((id) => [id, truth.get(id) ?? null]));
    const count = async (replica: CatalogueProcess) => {
      const answer = await queryCatalogue<{ regions: { datasetCount: number }[] }>(replica.origin, '{ regions { datasetCount } }');
      return answer.data!.regions.reduce((sum, region) => sum + region.datasetCount, 0);
    };
    for (const replica of replicas.values()) {
      await waitUntil(() => count(replica), (total) => total === truth.size, { timeoutMs: 60_000, intervalMs: 250, what: `replica ${replica.name} to hold ${truth.size} datasets` });
      await waitUntil(() => revisionsAt(replica.origin, ids), (held) => [...held].every(([id, revision]) => expected.get(id) === revision), {
        timeoutMs: 30_000,
        intervalMs: 500,
        what: `replica ${replica.name} to hold the regions' truth`,
      });
      expect(await count(replica), `datasets held by ${replica.name}`).toBe(truth.size);
    }
  }
  /** Changes `count` datasets of every region (a new revision each), and deletes `deletions` more. */
  async function changeRegions(count: number, deletions: number, tag: string): Promise<number> {
    let changed = 0;
    const truth = await regions.truth();
    for (const region of regions.regions.values()) {
      const ids = [...truth.keys()].filter((id) => id.startsWith(`${region.code}:`));
      const records = (await region.store.getMany(ids.slice(0, count + deletions))) as DatasetRecord[];
      for (const record of records.slice(0, count)) {
        region.store.upsert({ ...record, keywords: [...record.keywords, tag], revision: `${record.revision}-${tag}` });
        changedIds.add(record.id);
        changed += 1;
      }
      for (const record of records.slice(count)) {
        region.store.remove(record.id);
        deleted.add(record.id);
      }
    }
    return changed;
  }
  const storedWithTag = async (tag: string) => Number((await db.query(`SELECT count(*) AS n FROM "${schema}".datasets WHERE revision LIKE $1`, [`%-${tag}`])).rows[0].n);

  beforeAll(async () => {
    db = new pg.Client({ connectionString: postgresUrl });
    await db.connect();
    cluster = await createCatalogueCluster({
      WHARF_CATALOGUE_DATABASE_URL: postgresUrl,
      WHARF_CATALOGUE_DATABASE_SCHEMA: schema,
      WHARF_HARVEST_INTERVAL_MS: '500',
      WHARF_RECONCILE_INTERVAL_MS: '600000',
      WHARF_LOG_LEVEL: 'error',
    });
    regions = await startSyntheticRegions(datasets, { seed: 11, harvesterPublicKey: cluster.harvesterPublicKey });
    await cluster.writeRegions([...regions.regions.values()].map((region) => region.entry));
  }, 60_000);
  afterAll(async () => {
    await cluster?.[Symbol.asyncDispose]();
    await regions?.[Symbol.asyncDispose]();
    await db?.end();
    await dropSchema(schema);
  });

  it('loses, repeats and resurrects nothing when the leader is killed mid-harvest and a follower mid-catch-up', async () => {
    replicas.set('a', await cluster.start('a'));
    await waitUntil(() => role(replicas.get('a')!), (value) => value === 'leader', { what: 'a to lead' });
    replicas.set('b', await cluster.start('b'));
    await expectTruthEverywhere();

    // The leader dies in the middle of an incremental harvest: some pages stored, others not.
    for (const region of regions.regions.values()) region.slowFeed(250);
    const changed = await changeRegions(900, 40, 'v2');
    const partial = await waitUntil(() => storedWithTag('v2'), (stored) => stored > 0, { intervalMs: 10, what: 'the harvest to store its first pages' });
    await replicas.get('a')!.kill9();
    replicas.delete('a');
    expect(partial).toBeLessThan(changed);
    await waitUntil(() => role(replicas.get('b')!), (value) => value === 'leader', { timeoutMs: 10_000, what: 'b to take over' });
    await expectTruthEverywhere();
    expect(await storedWithTag('v2')).toBe(changed);

    // A follower dies while it applies the stored catalogue (its first catch-up).
    for (const region of regions.regions.values()) region.slowFeed(0);
    replicas.set('c', await cluster.start('c'));
    const seen = await waitUntil(() => ready(replicas.get('c')!), (state) => state.status === 200 || (state.appliedPercent > 0 && state.appliedPercent < 100), {
      intervalMs: 5,
      what: 'c to be part-way through its catch-up',
    });
    await replicas.get('c')!.kill9();
    replicas.delete('c');
    expect(seen.status).toBe(503);

    // Both come back; more changes and deletions meanwhile.
    await changeRegions(300, 20, 'v3');
    replicas.set('a', await cluster.start('a'));
    replicas.set('c', await cluster.start('c'));
    await expectTruthEverywhere();

    // A full reconcile of every region afterwards finds nothing to change.
    const before = await db.query(`SELECT max(seq) AS seq, now() AS at FROM "${schema}".datasets`);
    await replicas.get('b')!.stop();
    replicas.delete('b');
    replicas.set('b', await cluster.start('b', { WHARF_RECONCILE_INTERVAL_MS: '1' }));
    for (const replica of replicas.values()) if (replica.name !== 'b') await replica.stop();
    for (const name of ['a', 'c']) replicas.delete(name);
    await waitUntil(
      async () => (await db.query(`SELECT count(*) AS n FROM "${schema}".region_harvest WHERE reconciled_at > $1`, [before.rows[0].at])).rows[0].n,
      (reconciled) => Number(reconciled) === regions.regions.size,
      { timeoutMs: 30_000, what: 'every region to be reconciled' },
    );
    expect((await db.query(`SELECT max(seq) AS seq FROM "${schema}".datasets`)).rows[0].seq).toBe(before.rows[0].seq);
    await expectTruthEverywhere();
  }, 300_000);
});
