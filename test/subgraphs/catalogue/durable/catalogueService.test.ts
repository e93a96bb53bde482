import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAuthenticator } from '../../../../gateway/identity/authenticate.ts';
import { readTrustedRegistry } from '../../../../gateway/identity/trustedRegistry.ts';
import { demoIssuer, demoRegistryPath, demoTokensPath } from '../../../../gateway/demo/demoIdentity.ts';
import { startCatalogueService, type CatalogueService } from '../../../../gateway/startCatalogueService.ts';
import type { GatewayService } from '../../../../gateway/gatewayService.ts';
import { startGateway } from '../../../../gateway/startGateway.ts';
import { webhookRequest } from '../../../../schema/harvestWebhook.ts';
import { signedRequestHeader, signRegionRequest } from '../../../../schema/signedRequest.ts';
import { catalogueEndpoints } from '../../../../subgraphs/catalogue/catalogueEndpoints.ts';
import { openCatalogueDatabase } from '../../../../subgraphs/catalogue/durable/openCatalogueDatabase.ts';
import { fixtureGatewayKeys, startFixtureWharf, unusedLoopbackUrl, type FixtureWharf } from '../../../support/fixtureRegions.ts';
import { describeWithServers, postgresServer, postgresUrl } from '../../../support/realServers.ts';
import { dropSchema, testSchemaName, waitUntil } from '../../../support/syntheticRegions.ts';

const tokens = JSON.parse(readFileSync(demoTokensPath, 'utf8')) as Record<string, string>;
const metricsToken = 'metrics-token-of-at-least-24-chars';
const adminToken = 'admin-token-for-tests-0123456789abcdef';
const secret = 'a-test-secret-of-some-length';

await describeWithServers([postgresServer], 'the catalogue as a service, behind gateways that reach it over HTTP', () => {
  const schema = testSchemaName();
  let reference: FixtureWharf;
  let service: CatalogueService;
  let gateway: GatewayService;

  const post = async (url: string, query: string, variables: Record<string, unknown> = {}, token?: string) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
  };
  const signed = (body: string, options: { key?: import('node:crypto').KeyObject; audience?: string } = {}) =>
    signRegionRequest(options.key ?? fixtureGatewayKeys.privateKey, { region: options.audience ?? 'catalogue', method: 'POST', target: '/graphql', body });
  const callService = (body: string, header?: string) =>
    fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(header ? { [signedRequestHeader]: header } : {}) }, body });

  beforeAll(async () => {
    reference = await startFixtureWharf({ registered: ['CN-GX', 'VN'], webhookSecret: secret });
    const entries = ['CN-GX', 'VN'].map((code) => reference.wharf.registry.get(code)!);
    service = await startCatalogueService({
      regions: entries,
      catalogueDatabase: await openCatalogueDatabase({ url: postgresUrl, schema, maxConnections: 3 }),
      harvestKey: fixtureGatewayKeys.privateKey,
      gatewayPublicKey: fixtureGatewayKeys.publicKey,
      harvestIntervalMs: 0,
      metricsToken,
      logging: false,
      replication: { electionIntervalMs: 100, pollIntervalMs: 200, log: () => undefined },
    });
    gateway = await startGateway({
      // Secrets are never stored: a gateway takes them from its environment, or, as here, from the regions it is given.
      regions: entries,
      catalogueUrl: service.url,
      catalogueDatabase: await openCatalogueDatabase({ url: postgresUrl, schema, maxConnections: 2 }),
      authenticator: await createAuthenticator(demoIssuer, await readTrustedRegistry(demoRegistryPath)),
      signingKey: fixtureGatewayKeys.privateKey,
      adminToken,
      logging: false,
    });
    await waitUntil(() => service.catalogue.harvester.states(), (states) => states.length === 2 && states.every((state) => state.lastSuccessAt !== undefined), {
      what: 'the service to harvest both regions',
    });
  });
  afterAll(async () => {
    await gateway?.[Symbol.asyncDispose]();
    await service?.[Symbol.asyncDispose]();
    await reference?.[Symbol.asyncDispose]();
    await dropSchema(schema);
  });

  const operations = {
    search: '{ search(query: "trade") { totalCount edges { node { id title distributions { format } } } facets { field values { value count } } } }',
    regions: '{ regions { code name datasetCount stale } }',
    lineage: '{ lineage(id: "VN:lang-son-border-trade", direction: UPSTREAM, depth: 2) { root { id } nodes { id } edges { upstream downstream crossBorder } isPartial } }',
    flows: '{ crossBorderFlows { edge { upstream downstream } upstream { id } downstream { id } } }',
    dataset: '{ dataset(id: "CN-GX:customs-exports") { id title access { decision } downstream { id } } }',
  };

  it.each(['anonymous', 'macao-statistician', 'guangxi-official', 'hanoi-researcher'])('answers %s exactly as a gateway with the catalogue in its process', async (who) => {
    const token = who === 'anonymous' ? undefined : tokens[who];
    for (const [name, query] of Object.entries(operations)) {
      const [split, inProcess] = await Promise.all([post(gateway.graphqlUrl, query, {}, token), post(reference.wharf.graphqlUrl, query, {}, token)]);
      expect(split, name).toEqual(inProcess);
      expect(split.body.errors, name).toBeUndefined();
    }
  });

  it('refuses /graphql unsigned, signed by another key, for another audience, or a second time', async () => {
    const body = JSON.stringify({ query: '{ regions { code } }' });
    const unsigned = await callService(body);
    expect([unsigned.status, await unsigned.json()]).toEqual([
      401,
      { code: 'UNAUTHENTICATED', error: 'The catalogue serves /graphql only to its gateways: send the request signed with the gateway\'s key for the audience "catalogue" (x-wharf-request).' },
    ]);
    const foreign = await callService(body, signed(body, { key: generateKeyPairSync('ed25519').privateKey }));
    expect([foreign.status, (await foreign.json()).error]).toEqual([401, 'The catalogue refused the request signature: The request is not signed by the gateway this region trusts.']);
    const forRegion = await callService(body, signed(body, { audience: 'MO' }));
    expect([forRegion.status, (await forRegion.json()).error]).toEqual([401, 'The catalogue refused the request signature: The request was signed for another region, not catalogue.']);
    const otherBody = await callService(JSON.stringify({ query: '{ regions { code name } }' }), signed(body));
    expect(otherBody.status).toBe(401);
    const once = signed(body);
    expect((await callService(body, once)).status).toBe(200);
    const again = await callService(body, once);
    expect([again.status, (await again.json()).error]).toEqual([401, 'The catalogue refused the request signature: The request signature has been used before.']);
  });

  it('serves nothing outside its endpoint list, and each listed endpoint only with its credential', async () => {
    for (const path of ['/', '/admin/regions', '/graphql/x', '/hooks/harvest']) expect((await fetch(`${service.origin}${path}`)).status, path).toBe(404);
    expect(new Set(catalogueEndpoints.map((endpoint) => endpoint.credential))).toEqual(new Set(['public', 'gateway', 'metrics']));
    const metrics = await fetch(`${service.origin}/metrics`);
    expect(metrics.status).toBe(401);
    const scraped = await fetch(`${service.origin}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/^wharf_catalogue_leader 1$/m);
    // In public, proportions only: a count of stored changes would count hidden datasets.
    const ready = await (await fetch(`${service.origin}/ready`)).json();
    expect(ready).toEqual({ ready: true, catalogue: { role: 'leader', caughtUp: true, phase: 'caught up', appliedPercent: expect.any(Number), database: 'reachable', harvest: 'running' } });
    const detailed = await (await fetch(`${service.origin}/ready`, { headers: { authorization: `Bearer ${metricsToken}` } })).json();
    expect(detailed.catalogue).toEqual(expect.objectContaining({ applied: expect.any(Number), stored: expect.any(Number), behind: expect.any(Number) }));
  });

  it('answers CATALOGUE_UNAVAILABLE, not a failed request, when the catalogue service does not answer', async () => {
    const orphan = await startGateway({
      regions: [],
      catalogueUrl: await unusedLoopbackUrl(),
      catalogueDatabase: await openCatalogueDatabase({ url: postgresUrl, schema, maxConnections: 1 }),
      authenticator: await createAuthenticator(demoIssuer, await readTrustedRegistry(demoRegistryPath)),
      signingKey: fixtureGatewayKeys.privateKey,
      logging: false,
    });
    try {
      const answer = await post(orphan.graphqlUrl, operations.regions);
      expect(answer.status).toBe(200);
      expect(answer.body.data ?? null).toBeNull();
      expect(answer.body.errors).toEqual([
        expect.objectContaining({ message: 'The catalogue service could not be reached or did not answer in time; try again shortly.', extensions: expect.objectContaining({ code: 'CATALOGUE_UNAVAILABLE' }) }),
      ]);
    } finally {
      await orphan[Symbol.asyncDispose]();
    }
  });

  it('has a region harvested by the catalogue service when the gateway takes its ping', async () => {
    const vn = reference.regions.get('VN')!;
    await writeFile(join(vn.folder, 'da-nang-tourism.yaml'), 'language: vi\ntitle: { vi: Du lịch Đà Nẵng, en: Da Nang tourism }\ndescription: Lượt khách đến Đà Nẵng.\n');
    const search = async () => (await post(gateway.graphqlUrl, '{ search(query: "da nang") { edges { node { id } } } }')).body.data.search.edges;
    expect(await search()).toEqual([]);
    const ping = await fetch(`${gateway.origin}/hooks/harvest`, { method: 'POST', ...webhookRequest('VN', secret) });
    expect(ping.status).toBe(202);
    await waitUntil(search, (edges) => edges.length === 1, { timeoutMs: 5000, what: 'the pinged change' });
    expect(await search()).toEqual([{ node: { id: 'VN:da-nang-tourism' } }]);
  });

  it('harvests a region registered through the gateway admin API, and drops its datasets when it is removed', async () => {
    const mo = reference.regions.get('MO')!;
    const admin = (path: string, init: RequestInit = {}) =>
      fetch(`${gateway.origin}${path}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` } });
    const moDataset = '{ dataset(id: "MO:trade-balance") { id title } }';
    const registered = await admin('/admin/regions', { method: 'POST', body: JSON.stringify({ code: 'MO', name: 'Macao', url: mo.server.url }) });
    expect(registered.status).toBe(201);
    const found = await waitUntil(() => post(gateway.graphqlUrl, moDataset), (answer) => answer.body.data?.dataset !== null && !answer.body.errors, {
      what: 'MO to be harvested',
    });
    expect(found.body.data.dataset.id).toBe('MO:trade-balance');
    // The harvest's outcome is stored after its datasets, so it may be listed a moment after MO's data answers.
    const listed = await waitUntil(
      async () => (await (await admin('/admin/regions')).json()) as { regions: { code: string; harvest: { stale: boolean } | null }[] },
      (answer) => answer.regions.every((region) => region.harvest !== null),
      { what: "MO's harvest outcome to be listed" },
    );
    expect(listed.regions.map((region) => [region.code, region.harvest?.stale])).toEqual([
      ['CN-GX', false],
      ['VN', false],
      ['MO', false],
    ]);

    expect((await admin('/admin/regions/MO', { method: 'DELETE' })).status).toBe(200);
    await waitUntil(() => service.catalogue.index.regionIds('MO').size, (size) => size === 0, { what: "MO's datasets to go" });
    await waitUntil(() => post(gateway.graphqlUrl, '{ regions { code } }'), (answer) => answer.body.data.regions.length === 2, { what: 'MO to leave the catalogue' });
    expect((await post(gateway.graphqlUrl, '{ regions { code } }')).body.data.regions).toEqual([{ code: 'CN-GX' }, { code: 'VN' }]);
    expect((await post(gateway.graphqlUrl, moDataset)).body.errors?.[0]?.extensions?.code).toBe('UNKNOWN_REGION');
  });
});
