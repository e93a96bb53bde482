import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { signedRequestHeader, signRegionRequest } from '../../../../schema/signedRequest.ts';
import { createCatalogue, type Catalogue } from '../../../../subgraphs/catalogue/createCatalogue.ts';
import { openCatalogueDatabase, type CatalogueDatabase } from '../../../../subgraphs/catalogue/durable/openCatalogueDatabase.ts';
import { claimLeadership, writePage } from '../../../../subgraphs/catalogue/durable/harvestWrites.ts';
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

  async function startReplica(name: string): Promise<Catalogue> {
    const database = await openCatalogueDatabase({ url: postgresUrl, schema, maxConnections: 3 });
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
      durable: { database, name, electionIntervalMs: 100, pollIntervalMs: 200, log: () => undefined },
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
});
