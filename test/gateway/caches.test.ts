import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTokensPath } from '../../gateway/demo/demoIdentity.ts';
import type { Wharf } from '../../gateway/startWharf.ts';
import { hangRegion, startFixtureWharf, startReplicaWharf, startHungServer, unusedLoopbackUrl, type FixtureWharf } from '../support/fixtureRegions.ts';
import { deleteRedisKeys, describeWithServers, redisServer, redisUrl } from '../support/realServers.ts';

const demoDir = fileURLToPath(new URL('../../subgraphs/demo/', import.meta.url));
const tokens = JSON.parse(readFileSync(demoTokensPath, 'utf8')) as Record<string, string>;
const consumers: (string | undefined)[] = [undefined, ...Object.values(tokens)];

const searchPage = `query ($q: String) { search(query: $q, first: 20) { totalCount edges { node {
  id title distributions { format accessUrl } access { decision policies obligations missing { kind anyOf } } } } } }`;
const datasetPage = `query ($id: ID!, $purpose: String) { dataset(id: $id) { id title
  distributions { format mediaType accessUrl downloadUrl } access(purpose: $purpose) { decision policies obligations purpose missing { kind anyOf reason } }
  upstream { ... on Dataset { id distributions { format } } } } }`;
const texts = ['trade', 'disease', 'port', 'population', 'customs', ''];
const purposes = [null, 'research', 'public-health', 'statistics', 'commercial'];

/** Demo datasets that are not open (restricted, personal, confidential), so consumers' decisions differ. */
const guardedDatasets: Record<string, string[]> = {
  MO: ['ssm-hospital-discharge-records', 'ssm-notifiable-disease-cases', 'psp-border-crossing-records'],
  'CN-GX': ['gx-grid-load-15min', 'beibu-gulf-port-vessel-calls-raw', 'gx-hospital-discharge-records'],
};

/** Adds the guarded datasets to the fixture's regions and has every gateway harvest them. */
async function addGuardedDatasets(fixture: FixtureWharf, ...gateways: Wharf[]) {
  for (const [region, names] of Object.entries(guardedDatasets)) {
    const { store, folder } = fixture.regions.get(region)!;
    for (const name of names) await copyFile(join(demoDir, region, `${name}.yaml`), join(folder, `${name}.yaml`));
    expect(await store.refresh()).toEqual([]);
  }
  for (const gateway of [fixture.wharf, ...gateways]) await gateway.catalogue.harvester.harvestAll();
}

/** Counts region GraphQL fetches (not harvests), per region URL. */
function countingFetch() {
  const calls = new Map<string, number>();
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (init?.method === 'POST' && url.endsWith('/graphql')) calls.set(url, (calls.get(url) ?? 0) + 1);
    return globalThis.fetch(input, init);
  };
  return { fetch, total: () => [...calls.values()].reduce((sum, n) => sum + n, 0) };
}

async function post(wharf: Wharf, query: string, variables: Record<string, unknown>, token?: string) {
  const response = await fetch(wharf.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return comparable((await response.json()) as { data?: unknown; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] });
}

/** The answer without what differs per request (request ids), errors in a stable order. */
function comparable(body: { data?: unknown; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] }) {
  const errors = (body.errors ?? [])
    .map((error) => ({ message: error.message, path: error.path, code: error.extensions?.code }))
    .sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path)));
  return { data: body.data, errors };
}

async function metric(wharf: Wharf, name: string, labels: Record<string, string>): Promise<number> {
  // Read in process: /metrics itself is behind the metrics token.
  const text = await wharf.caches.registry.metrics();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (wanted.every((label) => line.includes(label))) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('gateway caches (in-process)', () => {
  let fixture: FixtureWharf;
  let uncached: Wharf;
  const spy = countingFetch();

  beforeAll(async () => {
    fixture = await startFixtureWharf({ fetch: spy.fetch, regionTimeoutMs: 1000 });
    uncached = await startReplicaWharf(fixture, { caches: { enabled: false } });
    await addGuardedDatasets(fixture, uncached);
  });
  afterAll(async () => {
    await uncached?.[Symbol.asyncDispose]();
    await fixture?.[Symbol.asyncDispose]();
  });

  it('answers exactly as an uncached gateway for random consumers, queries and purposes, cold and warm', async () => {
    const random = mulberry32(7);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const ids = [...fixture.wharf.catalogue.harvester.states()].flatMap((state) => [...fixture.wharf.catalogue.index.regionIds(state.region.code)]);
    const decisions = new Set<string>();
    for (let i = 0; i < 80; i++) {
      const token = pick(consumers);
      const [query, variables] = random() < 0.4 ? [searchPage, { q: pick(texts) }] : [datasetPage, { id: pick(ids), purpose: pick(purposes) }];
      const expected = await post(uncached, query, variables, token);
      const cold = await post(fixture.wharf, query, variables, token);
      const warm = await post(fixture.wharf, query, variables, token);
      expect(cold).toEqual(expected);
      expect(warm).toEqual(expected);
      for (const match of JSON.stringify(expected).matchAll(/"decision":"(\w+)"/g)) decisions.add(match[1]!);
    }
    // The run must have exercised PRIVATE fields with every kind of decision.
    expect([...decisions].sort()).toEqual(['ALLOW', 'CONDITIONAL', 'DENY']);
    expect(await metric(fixture.wharf, 'wharf_cache_lookups_total', { cache: 'entities', result: 'local_hit' })).toBeGreaterThan(0);
  });

  it('serves a repeated page from the cache without asking the regions again', async () => {
    const variables = { q: 'trade' };
    const token = tokens['macao-statistician'];
    const first = await post(fixture.wharf, searchPage, variables, token);
    const before = spy.total();
    const again = await post(fixture.wharf, searchPage, variables, token);
    expect(again).toEqual(first);
    expect(spy.total()).toBe(before);
  });

  it('sends a whole cached answer byte for byte as first sent, and keeps no introspection and no answer with an error', async () => {
    const raw = async (query: string, variables: Record<string, unknown> = {}) => {
      const response = await fetch(fixture.wharf.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
    };
    const hits = () => metric(fixture.wharf, 'wharf_cache_lookups_total', { cache: 'responses', result: 'local_hit' });
    const page = `query Whole($q: String) { search(query: $q, first: 5) { totalCount edges { node { id title } } } }`;
    const first = await raw(page, { q: 'port' });
    let before = await hits();
    expect(await raw(page, { q: 'port' })).toEqual(first);
    expect(first.type).toMatch(/^application\/(graphql-response\+)?json/);
    expect(await hits()).toBe(before + 1);

    const introspection = '{ __schema { queryType { name } } }';
    await raw(introspection);
    before = await hits();
    await raw(introspection);
    expect(await hits()).toBe(before);

    const someId = (JSON.parse(first.text) as { data: { search: { edges: { node: { id: string } }[] } } }).data.search.edges[0]!.node.id;
    const partlyFailed = `{ good: search(query: "port") { totalCount } bad: lineage(id: "${someId}", depth: 99) { isPartial } }`;
    const failed = JSON.parse((await raw(partlyFailed)).text) as { data: { good: unknown }; errors: { extensions: { code: string } }[] };
    expect(failed.data.good).toBeTruthy();
    expect(failed.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    before = await hits();
    await raw(partlyFailed);
    expect(await hits()).toBe(before);
  });

  it('never serves an entry of an older revision once the change is harvested', async () => {
    const query = `query ($id: ID!) { dataset(id: $id) { id revision distributions { format } } }`;
    const variables = { id: 'MO:trade-balance' };
    const before = await post(fixture.wharf, query, variables);
    expect(before.data).toMatchObject({ dataset: { distributions: [{ format: 'CSV' }] } });
    const { store, folder } = fixture.regions.get('MO')!;
    const file = join(folder, 'trade-balance.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('format: CSV', 'format: PARQUET'));
    await store.refresh();
    await fixture.wharf.catalogue.harvester.harvest('MO');
    const after = await post(fixture.wharf, query, variables);
    expect(after.data).toMatchObject({ dataset: { distributions: [{ format: 'PARQUET' }] } });
    expect((after.data as any).dataset.revision).not.toBe((before.data as any).dataset.revision);
  });

  it('serves cached entities of a region that has stopped answering, and REGION_UNAVAILABLE for the rest', async () => {
    const query = `query ($id: ID!) { dataset(id: $id) { id distributions { format } } }`;
    const warm = await post(fixture.wharf, query, { id: 'VN:lang-son-border-trade' });
    expect(warm.errors).toEqual([]);
    const restore = hangRegion(fixture.regions.get('VN')!.server);
    try {
      expect(await post(fixture.wharf, query, { id: 'VN:lang-son-border-trade' })).toEqual(warm);
      const cold = await post(fixture.wharf, query, { id: 'VN:hanoi-air-quality' });
      // distributions is non-null, so the region's failure nulls the dataset.
      expect(cold.errors.map((error) => [error.path, error.code])).toEqual([[['dataset'], 'REGION_UNAVAILABLE']]);
    } finally {
      restore();
    }
  });
});

describe('gateway caches with Redis unreachable', () => {
  it('answers while Redis is down, counting cache errors', async () => {
    const downUrl = (await unusedLoopbackUrl()).replace('http://', 'redis://').replace('/graphql', '');
    await using fixture = await startFixtureWharf({ caches: { redisUrl: downUrl } });
    const answer = await fixture.query(`{ search(query: "trade", first: 5) { totalCount edges { node { id distributions { format } } } } }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data.search.totalCount).toBeGreaterThan(0);
    expect(await metric(fixture.wharf, 'wharf_cache_errors_total', {})).toBeGreaterThan(0);
  });

  it('answers within the command timeout while Redis is hung, and stops asking it while it stays hung', async () => {
    await using hung = await startHungServer();
    const hungUrl = hung.url.replace('http://', 'redis://').replace('/graphql', '');
    await using fixture = await startFixtureWharf({ caches: { redisUrl: hungUrl, redisTimeoutMs: 50 } });
    const query = `query ($q: String) { search(query: $q, first: 5) { totalCount edges { node { id distributions { format } } } } }`;
    for (const q of ['trade', 'port', 'disease', 'population']) {
      const started = performance.now();
      const answer = await fixture.query(query, { q });
      expect(answer.errors).toBeUndefined();
      // A hung Redis costs at most a few command timeouts per request, never the request.
      expect(performance.now() - started).toBeLessThan(2000);
    }
    expect(await metric(fixture.wharf, 'wharf_cache_errors_total', { operation: 'bypass' })).toBeGreaterThan(0);
  });
});

await describeWithServers([redisServer], 'gateway caches shared through Redis', () => {
  const keyPrefix = `wharf-test:${randomUUID()}:`;
  // The entity and search layers alone; the whole-answer layer in front of them has its own test below.
  const caches = { redisUrl, keyPrefix, responses: false };
  let fixture: FixtureWharf;
  let replica: Wharf;
  const spy = countingFetch();
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(redisUrl);
    fixture = await startFixtureWharf({ caches });
    replica = await startReplicaWharf(fixture, { caches, fetch: spy.fetch });
    await addGuardedDatasets(fixture, replica);
  });
  afterAll(async () => {
    await replica?.[Symbol.asyncDispose]();
    await fixture?.[Symbol.asyncDispose]();
    await deleteRedisKeys(redis, keyPrefix);
    await redis.quit();
  });

  it('lets a second gateway replica read what the first one cached, with the same answer', async () => {
    const variables = { id: 'CN-GX:customs-exports', purpose: 'research' };
    const token = tokens['guangxi-official'];
    const first = await post(fixture.wharf, datasetPage, variables, token);
    expect(first.data).toBeTruthy();
    const before = spy.total();
    const second = await post(replica, datasetPage, variables, token);
    expect(second).toEqual(first);
    expect(spy.total()).toBe(before);
    expect(await metric(replica, 'wharf_cache_lookups_total', { cache: 'entities', result: 'redis_hit' })).toBeGreaterThan(0);
  });

  it('keeps a consumer with a different decision off another consumer\'s private entry', async () => {
    const variables = { id: 'MO:ssm-hospital-discharge-records', purpose: 'research' };
    const researcher = await post(fixture.wharf, datasetPage, variables, tokens['macao-health-researcher']);
    const anonymous = await post(replica, datasetPage, variables);
    expect((researcher.data as any).dataset.access.decision).not.toBe('DENY');
    expect((anonymous.data as any).dataset.access.decision).toBe('DENY');
    expect(anonymous.errors.map((error) => error.code)).toContain('FORBIDDEN');
    // And the researcher's own entry still serves the researcher, from either replica.
    expect(await post(replica, datasetPage, variables, tokens['macao-health-researcher'])).toEqual(researcher);
  });

  it('shares whole answers between replicas, per consumer fingerprint', async () => {
    const withResponses = { redisUrl, keyPrefix: `${keyPrefix}responses:` };
    await using a = await startReplicaWharf(fixture, { caches: withResponses });
    await using b = await startReplicaWharf(fixture, { caches: withResponses });
    await a.catalogue.harvester.harvestAll();
    await b.catalogue.harvester.harvestAll();
    const variables = { id: 'MO:ssm-hospital-discharge-records', purpose: 'research' };
    const researcher = await post(a, datasetPage, variables, tokens['macao-health-researcher']);
    const anonymous = await post(a, datasetPage, variables);
    const fromB = await post(b, datasetPage, variables, tokens['macao-health-researcher']);
    expect(fromB).toEqual(researcher);
    expect(await metric(b, 'wharf_cache_lookups_total', { cache: 'responses', result: 'redis_hit' })).toBe(1);
    // The anonymous consumer's answer is its own, on either replica.
    expect(await post(b, datasetPage, variables)).toEqual(anonymous);
    expect((anonymous.data as any).dataset.access.decision).toBe('DENY');
  });

  it('shares search pages between replicas keyed by content, not by replica', async () => {
    const query = `{ search(query: "customs", first: 3) { totalCount edges { node { id } } } }`;
    const a = await post(fixture.wharf, query, {});
    const hitsBefore = await metric(replica, 'wharf_cache_lookups_total', { cache: 'search', result: 'redis_hit' });
    const b = await post(replica, query, {});
    expect(b).toEqual(a);
    expect(await metric(replica, 'wharf_cache_lookups_total', { cache: 'search', result: 'redis_hit' })).toBe(hitsBefore + 1);
  });
});
