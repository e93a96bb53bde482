import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';

const run = (command: string, args: string[]) => promisify(execFile)(command, args);
import { signedRequestHeader, signRegionRequest } from '../../../../schema/signedRequest.ts';
import { createCatalogue, type Catalogue } from '../../../../subgraphs/catalogue/createCatalogue.ts';
import { openCatalogueDatabase, type CatalogueDatabase } from '../../../../subgraphs/catalogue/durable/openCatalogueDatabase.ts';
import { claimLeadership, purgeTombstones, writePage, writeSnapshot } from '../../../../subgraphs/catalogue/durable/harvestWrites.ts';
import { createCatalogueIndex } from '../../../../subgraphs/catalogue/createCatalogueIndex.ts';
import { createDiscovery } from '../../../../subgraphs/catalogue/createDiscovery.ts';
import { createReplica } from '../../../../subgraphs/catalogue/durable/createReplica.ts';
import { generateDatasets } from '../../../../bench/generateDatasets.ts';
import { DeposedError } from '../../../../subgraphs/catalogue/durable/openCatalogueDatabase.ts';
import { fixtureGatewayKeys } from '../../../support/fixtureRegions.ts';
import { describeWithServers, postgresServer, postgresUrl } from '../../../support/realServers.ts';
import { dropSchema, startSyntheticRegions, testSchemaName, type SyntheticRegions } from '../../../support/syntheticRegions.ts';

/** Every dataset a catalogue holds, id → revision. */
function held(catalogue: Catalogue): Map<string, string> {
  const out = new Map<string, string>();
  for (const state of catalogue.harvester.states()) {
    for (const id of catalogue.index.regionIds(state.region.code)) out.set(id, catalogue.index.revisionOf(id)!);
  }
  return out;
}

await describeWithServers([postgresServer], 'durable catalogue replicas', () => {
  const schema = testSchemaName();
  let regions: SyntheticRegions;
  const opened: (Catalogue | CatalogueDatabase)[] = [];
  /** Change-feed requests per replica, by what they asked for. */
  const feedCalls = new Map<string, string[]>();

  async function startReplica(name: string, options: { schema?: string; onApplied?: () => void; pollIntervalMs?: number } = {}): Promise<Catalogue> {
    const database = await openCatalogueDatabase({ url: postgresUrl, schema: options.schema ?? schema, maxConnections: 3 });
    opened.push(database);
    feedCalls.set(name, []);
    const catalogue = await createCatalogue({
      regions: [...regions.regions.values()].map((region) => region.entry),
      harvestIntervalMs: 0,
      signRequest: (request) => ({ [signedRequestHeader]: signRegionRequest(fixtureGatewayKeys.privateKey, request) }),
      fetch: (input, init) => {
        if (String(input).includes('/changes')) feedCalls.get(name)!.push(new URL(String(input)).searchParams.has('since') ? 'since' : 'snapshot');
        return fetch(input, init);
      },
      durable: { database, name, electionIntervalMs: 100, pollIntervalMs: options.pollIntervalMs ?? 200, log: () => undefined, ...(options.onApplied ? { onApplied: options.onApplied } : {}) },
    });
    opened.push(catalogue);
    await catalogue.start();
    return catalogue;
  }

  beforeAll(async () => {
    regions = await startSyntheticRegions(600, { seed: 7 });
  });
  afterEach(async () => {
    for (const resource of opened.reverse()) await resource[Symbol.asyncDispose]();
    opened.length = 0;
  });
  afterAll(async () => {
    await regions?.[Symbol.asyncDispose]();
    await dropSchema(schema);
  });

  it('puts what the leader writes into its own index from hand, reading none of it back', async () => {
    const own = testSchemaName();
    let readBack = 0;
    try {
      // No poll: a catch-up woken by the leader's own announcements, or by a write made while the last was put, would read back.
      const leader = await startReplica('alone', { schema: own, pollIntervalMs: 600_000, onApplied: () => void (readBack += 1) });
      const truth = await regions.truth();
      await expect.poll(() => held(leader).size, { timeout: 15_000 }).toBe(truth.size);
      expect(held(leader)).toEqual(truth);
      expect(readBack).toBe(0);
    } finally {
      for (const resource of opened.reverse()) await resource[Symbol.asyncDispose]();
      opened.length = 0;
      await dropSchema(own);
    }
  });

  it('harvests once, by the leader, and every replica holds what the regions hold', async () => {
    const a = await startReplica('a');
    const b = await startReplica('b');
    const truth = await regions.truth();
    await expect.poll(() => held(a).size, { timeout: 15_000 }).toBe(truth.size);
    await expect.poll(() => held(b).size, { timeout: 15_000 }).toBe(truth.size);
    expect(held(a)).toEqual(truth);
    expect(held(b)).toEqual(truth);
    const roles = [a, b].map((catalogue) => catalogue.replication!.status().role).sort();
    expect(roles).toEqual(['follower', 'leader']);
    const follower = a.replication!.status().role === 'follower' ? 'a' : 'b';
    expect(feedCalls.get(follower)).toEqual([]);
    // The follower shows the leader's harvest of each region, from the database.
    const followerCatalogue = follower === 'a' ? a : b;
    await expect.poll(() => followerCatalogue.harvester.states().every((state) => state.lastSuccessAt !== undefined && state.cursor !== undefined && !state.stale), { timeout: 5000 }).toBe(true);
    // The leader goes on from where it is: the next harvest reads on from each cursor, no region from the start.
    const leaderName = follower === 'a' ? 'b' : 'a';
    const leaderCatalogue = follower === 'a' ? b : a;
    await leaderCatalogue.harvester.harvestAll();
    const before = feedCalls.get(leaderName)!.length;
    await leaderCatalogue.harvester.harvestAll();
    expect(feedCalls.get(leaderName)!.slice(before)).toEqual(leaderCatalogue.harvester.states().map(() => 'since'));
  });

  it('hands over to the other replica when the leader stops, which resumes from the stored cursors', async () => {
    const a = await startReplica('a');
    const b = await startReplica('b');
    await expect.poll(() => [a, b].some((catalogue) => catalogue.replication!.status().role === 'leader'), { timeout: 15_000 }).toBe(true);
    const [leader, follower, followerName] = a.replication!.status().role === 'leader' ? [a, b, 'b'] : [b, a, 'a'];
    await expect.poll(() => held(follower).size, { timeout: 15_000 }).toBe((await regions.truth()).size);

    // Changes made while the leader is going away: one upsert, one deletion.
    const region = [...regions.regions.values()][0]!;
    const [first, second] = await region.store.getMany([...held(follower).keys()].filter((id) => id.startsWith(`${region.code}:`)).slice(0, 2));
    region.store.upsert({ ...first!, keywords: [...first!.keywords, 'handover'], revision: `${first!.revision}-2` });
    region.store.remove(second!.id);
    await leader[Symbol.asyncDispose]();
    opened.splice(opened.indexOf(leader), 1);

    await expect.poll(() => follower.replication!.status().role, { timeout: 10_000 }).toBe('leader');
    await follower.harvester.harvestAll();
    expect(held(follower)).toEqual(await regions.truth());
    // Resumed from the stored cursors: every feed request of the new leader continued one.
    expect(feedCalls.get(followerName)).not.toContain('snapshot');
  });

  it('starts a replica from the database alone, without asking any region', async () => {
    const a = await startReplica('a');
    await expect.poll(() => held(a).size, { timeout: 15_000 }).toBe((await regions.truth()).size);
    // The leader's harvest has ended (joined, or one more round of nothing new).
    await expect.poll(() => a.replication!.status().role, { timeout: 10_000 }).toBe('leader');
    await a.harvester.harvestAll();
    const requestsBefore = [...regions.regions.values()].reduce((sum, region) => sum + region.feedRequests(), 0);
    const late = await startReplica('late');
    await late.replication!.caughtUp();
    expect(held(late)).toEqual(held(a));
    expect([...regions.regions.values()].reduce((sum, region) => sum + region.feedRequests(), 0)).toBe(requestsBefore);
    expect(late.replication!.status()).toMatchObject({ role: 'follower', caughtUp: true, behind: 0, databaseReachable: true });
  });

  it('refuses a write of a leader whose epoch has passed, and writes nothing of it', async () => {
    const database = await openCatalogueDatabase({ url: postgresUrl, schema, maxConnections: 2 });
    opened.push(database);
    const old = await claimLeadership(database, 'old');
    await claimLeadership(database, 'new');
    const headBefore = await database.head();
    const region = [...regions.regions.values()][0]!;
    await expect(writePage(database, old, region.entry, [], ['XX:never'], 'cursor-1')).rejects.toBeInstanceOf(DeposedError);
    expect(await database.head()).toBe(headBefore);
  });

  it('drops what the database no longer holds when it was further behind than the tombstones kept', async () => {
    const database = await openCatalogueDatabase({ url: postgresUrl, schema: `${schema}_purge`, maxConnections: 2 });
    opened.push(database);
    const epoch = await claimLeadership(database, 'test');
    const region = { code: 'ZZ', name: 'ZZ', url: 'http://127.0.0.1:1/graphql' };
    const [one, two, three] = generateDatasets(3, 5).map((record) => ({ ...record, region: 'ZZ', id: `ZZ:${record.identifier}`, lineage: [], access: { ...record.access, residency: 'ZZ' } }));
    await writeSnapshot(database, epoch, region, [], [one!, two!], 'c1', new Date());
    const index = createCatalogueIndex();
    const replica = createReplica({ db: database, index, discovery: createDiscovery(index), harvester: { restore: () => undefined }, log: () => undefined });
    await replica.catchUp();
    expect([...index.regionIds('ZZ')].sort()).toEqual([one!.id, two!.id].sort());

    // While the replica is away: one deleted, its tombstone purged, another added.
    await writePage(database, epoch, region, [], [one!.id], 'c2');
    expect(await purgeTombstones(database, epoch, 0)).toBe(1);
    await writePage(database, epoch, region, [three!], [], 'c3');
    await replica.catchUp();
    expect([...index.regionIds('ZZ')].sort()).toEqual([two!.id, three!.id].sort());
    await replica[Symbol.asyncDispose]();
    await database.pool.query(`DROP SCHEMA "${schema}_purge" CASCADE`);
  });

  it('reads the catalogue whole again when its database is restored from an older backup (pg_dump, then pg_restore)', async (context) => {
    const tools = await Promise.all(['pg_dump', 'pg_restore'].map((tool) => run(tool, ['--version']).then(() => true, () => false)));
    if (tools.includes(false)) return context.skip('pg_dump and pg_restore are not installed');
    const restored = `${schema}_restore`;
    const database = await openCatalogueDatabase({ url: postgresUrl, schema: restored, maxConnections: 2 });
    opened.push(database);
    const epoch = await claimLeadership(database, 'test');
    const region = { code: 'ZY', name: 'ZY', url: 'http://127.0.0.1:1/graphql' };
    const [one, two, three] = generateDatasets(3, 6).map((record) => ({ ...record, region: 'ZY', id: `ZY:${record.identifier}`, lineage: [], access: { ...record.access, residency: 'ZY' } }));
    await writeSnapshot(database, epoch, region, [], [one!, two!], 'c1', new Date());
    const index = createCatalogueIndex();
    const replica = createReplica({ db: database, index, discovery: createDiscovery(index), harvester: { restore: () => undefined }, log: () => undefined });
    await replica.catchUp();

    const backup = join(await mkdtemp(join(tmpdir(), 'wharf-backup-')), 'catalogue.dump');
    await run('pg_dump', ['--format=custom', `--schema=${restored}`, `--file=${backup}`, postgresUrl]);
    await writePage(database, epoch, region, [three!], [two!.id], 'c2');
    await replica.catchUp();
    expect([...index.regionIds('ZY')].sort()).toEqual([one!.id, three!.id].sort());

    await database.pool.query(`DROP SCHEMA "${restored}" CASCADE`);
    await run('pg_restore', [`--dbname=${postgresUrl}`, backup]);
    await replica.catchUp();
    expect([...index.regionIds('ZY')].sort()).toEqual([one!.id, two!.id].sort());
    expect(replica.status()).toMatchObject({ applied: await database.head(), behind: 0 });
    await replica[Symbol.asyncDispose]();
    await database.pool.query(`DROP SCHEMA "${restored}" CASCADE`);
    await rm(dirname(backup), { recursive: true, force: true });
  });
});
