import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousConsumer } from '../../schema/consumer.ts';
import { serveRegion, type RegionServer } from '../../subgraphs/region/serveRegion.ts';
import { createFileStore, type FileStore } from '../../subgraphs/region/store/createFileStore.ts';
import { createAccessEvaluator } from '../../subgraphs/shared/access/createAccessEvaluator.ts';
import { loadRegionPolicies } from '../../subgraphs/shared/access/loadRegionPolicies.ts';
import { fixtureGatewayKeys } from '../support/fixtureRegions.ts';
import { signedRegionFetch } from '../support/signedRegionFetch.ts';

const folder = fileURLToPath(new URL('../../subgraphs/demo/MO/', import.meta.url));
const id = 'MO:dsec-trade-balance';

let store: FileStore;
let server: RegionServer;
beforeAll(async () => {
  store = await createFileStore({ region: 'MO', folder, pollIntervalMs: 0 });
  server = await serveRegion({ store, policies: await loadRegionPolicies('MO', folder), gatewayPublicKey: fixtureGatewayKeys.publicKey });
});
afterAll(async () => {
  await server?.[Symbol.asyncDispose]();
  await store?.[Symbol.asyncDispose]();
});

/** An `_entities` request as the gateway would sign it: the limits hold whoever sends the operation. */
async function entities(selection: string, count: number, variables: Record<string, unknown> = {}) {
  const body = JSON.stringify({
    query: `query ($r: [_Any!]!${'p' in variables ? ', $p: String' : ''}) { _entities(representations: $r) { ... on Dataset { ${selection} } } }`,
    variables: { ...variables, r: Array.from({ length: count }, () => ({ __typename: 'Dataset', id })) },
  });
  const response = await signedRegionFetch(server, '/graphql', { body, consumer: anonymousConsumer });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] } };
}

describe('region /graphql operation limits', () => {
  it('refuses 300 aliases of dcat with LIMIT_EXCEEDED before resolving any', async () => {
    const aliases = Array.from({ length: 300 }, (_, i) => `d${i}: dcat`).join(' ');
    const { status, body } = await entities(aliases, 300);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxAliases', max: 50 });
  });

  it('refuses more representations than a region answers at once', async () => {
    const { status, body } = await entities('id', 5001);
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      { message: 'The request asks for 5001 entities; a region answers at most 5000 (maxRepresentations) at once.', extensions: { code: 'LIMIT_EXCEEDED', limit: 'maxRepresentations', max: 5000 } },
    ]);
  });

  it('refuses a request whose entity fields, dcat weighted, pass the budget', async () => {
    const aliases = Array.from({ length: 25 }, (_, i) => `d${i}: dcat`).join(' ');
    const { status, body } = await entities(aliases, 300);
    expect(status).toBe(400);
    expect(body.errors![0]!.extensions).toEqual({ code: 'LIMIT_EXCEEDED', limit: 'maxEntityFields', max: 100_000 });
    expect(body.errors![0]!.message).toBe('The request asks for 150000 entity fields; a region answers at most 100000 (maxEntityFields) at once.');
  });

  it('answers what the gateway asks: many entities, a few fields each', async () => {
    const { status, body } = await entities('id access { decision } distributions { format }', 2000);
    expect(status).toBe(200);
    expect((body.data as { _entities: unknown[] })._entities).toHaveLength(2000);
  });

  it('refuses batched requests: one operation per request', async () => {
    const batch = await signedRegionFetch(server, '/graphql', { body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]) });
    expect(batch.status).toBe(400);
  });
});

describe('access(purpose:) at a region', () => {
  it('refuses a purpose that is not a short token with BAD_USER_INPUT, deciding nothing', async () => {
    for (const purpose of ['x'.repeat(900_000), 'Statistics Now', 'a'.repeat(65)]) {
      const { status, body } = await entities('access(purpose: $p) { decision }', 1, { p: purpose });
      expect(status).toBe(200);
      expect(body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'purpose' });
      expect(body.errors![0]!.message.length).toBeLessThan(300);
    }
    const fine = await entities('access(purpose: $p) { decision purpose }', 1, { p: 'statistics' });
    expect(fine.body.errors).toBeUndefined();
  });
});

describe('the access evaluator’s memo', () => {
  it('stays within its byte bound however many distinct decisions are asked', async () => {
    const policies = await loadRegionPolicies('MO', folder);
    const evaluator = createAccessEvaluator(policies, { memoBytes: 1_000_000 });
    const [record] = await store.getMany([id]);
    // 600 distinct 9 kB purposes (past the resolver's check, as a token claim could be): 10.8 MB of keys unbounded.
    for (let i = 0; i < 600; i++) evaluator.decide(anonymousConsumer, { ...record!.access, region: 'MO' }, 'read', `${i}-${'p'.repeat(9000)}`);
    expect(evaluator.memoBytes).toBeLessThanOrEqual(1_000_000);
    expect(evaluator.memoBytes).toBeGreaterThan(500_000);
  });
});

describe('GET /dcat under many readers', () => {
  // Singapore's 3,397 datasets are a 9 MB export: far more than socket buffers hold, so a reader that stops reading holds its export.
  const singapore = fileURLToPath(new URL('../../subgraphs/demo/SG/', import.meta.url));
  let sgStore: FileStore;
  let server: RegionServer;
  beforeAll(async () => {
    sgStore = await createFileStore({ region: 'SG', folder: singapore, pollIntervalMs: 0 });
    server = await serveRegion({ store: sgStore, policies: await loadRegionPolicies('SG', singapore), gatewayPublicKey: fixtureGatewayKeys.publicKey });
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
    await sgStore?.[Symbol.asyncDispose]();
  });

  it('serves a bounded number of whole-catalogue exports at once and refuses more with 503 and Retry-After', async () => {
    const { get } = await import('node:http');
    const held: import('node:http').ClientRequest[] = [];
    // Readers that take the first bytes and then nothing: each export waits on its reader, holding one chunk.
    const slowReader = () =>
      new Promise<number>((resolve) => {
        const request = get(`${server.origin}/dcat`, (response) => {
          response.once('data', () => response.pause());
          resolve(response.statusCode ?? 0);
        });
        held.push(request);
      });
    try {
      expect(await Promise.all([slowReader(), slowReader(), slowReader(), slowReader()])).toEqual([200, 200, 200, 200]);
      const refused = await fetch(`${server.origin}/dcat`);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(await refused.json()).toEqual({ error: 'Region SG is already serving 4 catalogue exports; retry in a few seconds, ask for a page at /dcat?page=1, or for one dataset at /dcat/<id>.' });
      // A page, one dataset by id and the other endpoints still answer.
      expect((await fetch(`${server.origin}/dcat?page=1`)).status).toBe(200);
      const [first] = (await sgStore.changes(undefined, 1)).changes;
      expect((await fetch(`${server.origin}/dcat/${encodeURIComponent(first!.id)}`)).status).toBe(200);
      expect((await fetch(`${server.origin}/health`)).status).toBe(200);
    } finally {
      for (const request of held) request.destroy();
    }
    await expect.poll(async () => (await fetch(`${server.origin}/dcat`)).status, { timeout: 5000 }).toBe(200);
  });
});
