import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousConsumer } from '../../schema/consumer.ts';
import { signedRequestHeader, signRegionRequest } from '../../schema/signedRequest.ts';
import { regionEndpoints } from '../../subgraphs/region/regionEndpoints.ts';
import { serveRegion, type RegionServer } from '../../subgraphs/region/serveRegion.ts';
import { createFileStore, type FileStore } from '../../subgraphs/region/store/createFileStore.ts';
import { loadRegionPolicies } from '../../subgraphs/shared/access/loadRegionPolicies.ts';
import { fixtureGatewayKeys } from '../support/fixtureRegions.ts';
import { signedRegionFetch } from '../support/signedRegionFetch.ts';

/** The demo Guangxi region: its confidential border-crossing records must never leave it unasked. */
const folder = fileURLToPath(new URL('../../subgraphs/demo/CN-GX/', import.meta.url));
const confidential = 'youyiguan-border-crossing-records';
const operatorToken = 'operator-token-of-at-least-24-characters';

let store: FileStore;
let server: RegionServer;
beforeAll(async () => {
  store = await createFileStore({ region: 'CN-GX', folder, pollIntervalMs: 0 });
  server = await serveRegion({ store, policies: await loadRegionPolicies('CN-GX', folder), gatewayPublicKey: fixtureGatewayKeys.publicKey, operatorToken });
});
afterAll(async () => {
  await server?.[Symbol.asyncDispose]();
  await store?.[Symbol.asyncDispose]();
});

const entitiesBody = (ids: string[]) =>
  JSON.stringify({
    query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Dataset { id title } } }',
    variables: { r: ids.map((id) => ({ __typename: 'Dataset', id })) },
  });
/** A body each method of each endpoint accepts, so only the credential decides. */
const bodyFor = (path: string, method: string) => (method !== 'POST' ? undefined : path === '/graphql' ? entitiesBody([`CN-GX:${confidential}`]) : '{}');

describe('region endpoints: who may call what', () => {
  const callsNeeding = (credential: string) =>
    regionEndpoints.filter((endpoint) => endpoint.credential === credential).flatMap((endpoint) => endpoint.methods.map((method) => [method, endpoint.path] as const));
  const protectedCalls = [...callsNeeding('gateway'), ...callsNeeding('harvester')];

  it('lists a credential for every path the region answers', async () => {
    // A path outside the list is a 404, so nothing is served that the list does not name.
    for (const path of ['/admin', '/changes/', '/debug', '/graphql/x', '/Changes']) {
      expect((await fetch(`${server.origin}${path}`)).status, path).toBe(404);
    }
  });

  it.each(protectedCalls)('refuses an unsigned %s %s with 401 and nothing of the data', async (method, path) => {
    const body = bodyFor(path, method);
    const response = await fetch(`${server.origin}${path}${method === 'GET' ? '?limit=500' : ''}`, {
      method,
      ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}),
    });
    const text = await response.text();
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(text).toContain(`serves ${path} only to its gateway`);
    expect(text).not.toContain(confidential);
  });

  it.each(callsNeeding('producer'))('refuses %s %s without a producer key, even signed by the gateway', async (method, path) => {
    const unsigned = await fetch(`${server.origin}${path}`, { method, body: '{}', headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const asGateway = await signedRegionFetch(server, path, { method, body: '{}' });
    expect(asGateway.status).toBe(401);
  });

  it('has no endpoint without a credential kind it checks', () => {
    expect(new Set(regionEndpoints.map((endpoint) => endpoint.credential))).toEqual(new Set(['public', 'gateway', 'harvester', 'producer']));
  });

  it.each(protectedCalls)('refuses %s %s signed by another key, for another region, or a second time', async (method, path) => {
    const body = bodyFor(path, method);
    const target = method !== 'GET' ? path : path === '/graphql' ? '/graphql?query=%7B__typename%7D' : `${path}?limit=500`;
    const call = (header: string) =>
      fetch(`${server.origin}${target}`, { method, headers: { 'content-type': 'application/json', [signedRequestHeader]: header }, ...(body ? { body } : {}) });
    const request = { method, target, ...(body ? { body } : {}) };
    const foreign = await call(signRegionRequest(generateKeyPairSync('ed25519').privateKey, { region: 'CN-GX', ...request }));
    expect(foreign.status).toBe(401);
    expect(await foreign.text()).toContain('not signed by the gateway this region trusts');
    const forMacao = await call(signRegionRequest(fixtureGatewayKeys.privateKey, { region: 'MO', ...request }));
    expect(forMacao.status).toBe(401);
    expect(await forMacao.text()).toContain('signed for another region, not CN-GX');
    const once = signRegionRequest(fixtureGatewayKeys.privateKey, { region: 'CN-GX', ...request });
    expect((await call(once)).status).toBe(200);
    const again = await call(once);
    expect(again.status).toBe(401);
    expect(await again.text()).toContain('has been used before');
  });

  it('serves the gateway-only endpoints to the operator token, and refuses any other bearer token', async () => {
    const asOperator = await fetch(`${server.origin}/changes?limit=1`, { headers: { authorization: `Bearer ${operatorToken}` } });
    expect(asOperator.status).toBe(200);
    const wrong = await fetch(`${server.origin}/changes?limit=1`, { headers: { authorization: `Bearer ${operatorToken}x` } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'Region CN-GX does not accept that bearer token.' });
  });

  it('keeps the change feed, hidden datasets included, for the gateway', async () => {
    const response = await signedRegionFetch(server, '/changes?limit=500');
    expect(response.status).toBe(200);
    const page = (await response.json()) as { changes: { id: string }[] };
    expect(page.changes.map((change) => change.id)).toContain(`CN-GX:${confidential}`);
  });

  it('answers /health with liveness only: no count that would reveal hidden datasets', async () => {
    const response = await fetch(`${server.origin}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', region: 'CN-GX' });
  });

  it('serves the public endpoints to anyone, without hidden datasets', async () => {
    expect((await fetch(`${server.origin}/contract`)).status).toBe(200);
    const catalogue = await fetch(`${server.origin}/dcat`);
    expect(catalogue.status).toBe(200);
    expect(await catalogue.text()).not.toContain(confidential);
    expect((await fetch(`${server.origin}/dcat/${confidential}`)).status).toBe(404);
  });
});

describe('region endpoints: a catalogue service with a harvest key of its own', () => {
  const harvesterKeys = generateKeyPairSync('ed25519');
  let withHarvester: RegionServer;
  beforeAll(async () => {
    withHarvester = await serveRegion({ store, policies: await loadRegionPolicies('CN-GX', folder), gatewayPublicKey: fixtureGatewayKeys.publicKey, harvesterPublicKey: harvesterKeys.publicKey });
  });
  afterAll(async () => {
    await withHarvester?.[Symbol.asyncDispose]();
  });

  it.each(['/changes?limit=500', '/policies'])('serves GET %s to a request the harvest key signs for no consumer, and to the gateway', async (target) => {
    expect((await signedRegionFetch(withHarvester, target, { key: harvesterKeys.privateKey })).status).toBe(200);
    expect((await signedRegionFetch(withHarvester, target)).status).toBe(200);
  });

  it('refuses the harvest key for a consumer, and on every endpoint that serves consumers', async () => {
    const forConsumer = await signedRegionFetch(withHarvester, '/changes?limit=500', { key: harvesterKeys.privateKey, consumer: anonymousConsumer });
    expect(forConsumer.status).toBe(401);
    expect(await forConsumer.json()).toEqual({ error: 'Region CN-GX refused the request signature: A harvester signature may not carry a consumer.' });
    const entities = await signedRegionFetch(withHarvester, '/graphql', { key: harvesterKeys.privateKey, body: entitiesBody([`CN-GX:${confidential}`]) });
    expect(entities.status).toBe(401);
    expect(await entities.text()).toContain('not signed by the gateway this region trusts');
    const dcat = await signedRegionFetch(withHarvester, '/dcat', { key: harvesterKeys.privateKey });
    expect(dcat.status).toBe(401);
  });
});

describe('region _entities: no discoverability oracle', () => {
  it('answers a hidden id exactly as a missing one: null, with no error', async () => {
    const ask = async (id: string) => {
      const response = await signedRegionFetch(server, '/graphql', { body: entitiesBody([id]), consumer: anonymousConsumer });
      return { status: response.status, body: await response.json() };
    };
    const hidden = await ask(`CN-GX:${confidential}`);
    const missing = await ask('CN-GX:no-such-dataset');
    expect(hidden).toEqual({ status: 200, body: { data: { _entities: [null] } } });
    expect(missing).toEqual(hidden);
  });

  it('still answers the dataset to a consumer who may discover it', async () => {
    const official = { ...anonymousConsumer, subject: 'gx-official', authenticated: true, org: 'guangxi-border-control', jurisdiction: 'CN-GX', roles: ['official'] };
    const response = await signedRegionFetch(server, '/graphql', { body: entitiesBody([`CN-GX:${confidential}`]), consumer: official });
    const body = (await response.json()) as { data: { _entities: ({ id: string } | null)[] } };
    expect(body.data._entities[0]).toMatchObject({ id: `CN-GX:${confidential}` });
  });
});
