import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAuthenticator } from '../../../../gateway/identity/authenticate.ts';
import { readTrustedRegistry } from '../../../../gateway/identity/trustedRegistry.ts';
import { demoIssuer, demoRegistryPath } from '../../../../gateway/demo/demoIdentity.ts';
import { startCatalogueService, type CatalogueService } from '../../../../gateway/startCatalogueService.ts';
import type { GatewayService } from '../../../../gateway/gatewayService.ts';
import { startGateway } from '../../../../gateway/startGateway.ts';
import { openCatalogueDatabase } from '../../../../subgraphs/catalogue/durable/openCatalogueDatabase.ts';
import { fixtureGatewayKeys } from '../../../support/fixtureRegions.ts';
import { describeWithServers, postgresServer, postgresUrl } from '../../../support/realServers.ts';
import { dropSchema, startSyntheticRegions, testSchemaName, waitUntil, type SyntheticRegions } from '../../../support/syntheticRegions.ts';
import { startTcpProxy, type ProxyMode, type TcpProxy } from '../../../support/tcpProxy.ts';

const metricsToken = 'metrics-token-of-at-least-24-chars';

await describeWithServers([postgresServer], 'durable catalogue with its database down or hung', () => {
  const schema = testSchemaName();
  const harvestKeys = generateKeyPairSync('ed25519');
  let regions: SyntheticRegions;
  let proxy: TcpProxy;
  let catalogue: CatalogueService;
  let gateway: GatewayService;

  const open = () => openCatalogueDatabase({ url: proxy.rewrite(postgresUrl), schema, maxConnections: 3, connectTimeoutMs: 5000, queryTimeoutMs: 2000 });
  const search = async (text: string) => {
    const response = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query ($q: String) { search(query: $q, first: 3) { totalCount edges { node { id } } } }', variables: { q: text } }),
    });
    return { status: response.status, body: (await response.json()) as { data?: { search: { totalCount: number } }; errors?: unknown[] } };
  };
  const health = async () => (await (await fetch(`${catalogue.origin}/health`)).json()) as { status: string; catalogue: { role: string; database: string; harvest: string } };
  const metric = async (name: string) => {
    const text = await (await fetch(`${catalogue.origin}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text();
    return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  };

  beforeAll(async () => {
    regions = await startSyntheticRegions(400, { seed: 3, harvesterPublicKey: harvestKeys.publicKey });
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    catalogue = await startCatalogueService({
      regions: [...regions.regions.values()].map((region) => region.entry),
      catalogueDatabase: await open(),
      harvestKey: harvestKeys.privateKey,
      gatewayPublicKey: fixtureGatewayKeys.publicKey,
      harvestIntervalMs: 300,
      metricsToken,
      logging: false,
      replication: { electionIntervalMs: 200, pollIntervalMs: 200, sessionCheckIntervalMs: 300, sessionCheckTimeoutMs: 1000, log: () => undefined },
    });
    gateway = await startGateway({
      regions: [],
      catalogueUrl: catalogue.url,
      catalogueDatabase: await open(),
      authenticator: await createAuthenticator(demoIssuer, await readTrustedRegistry(demoRegistryPath)),
      signingKey: fixtureGatewayKeys.privateKey,
      logging: false,
    });
    await catalogue.catalogue.replication!.caughtUp();
    const truth = await regions.truth();
    await waitUntil(() => search(''), (answer) => answer.body.data?.search.totalCount === truth.size, { timeoutMs: 20_000, what: 'the first harvest' });
  });
  afterAll(async () => {
    await gateway?.[Symbol.asyncDispose]();
    await catalogue?.[Symbol.asyncDispose]();
    await proxy?.[Symbol.asyncDispose]();
    await regions?.[Symbol.asyncDispose]();
    await dropSchema(schema);
  });

  it.each<ProxyMode>(['down', 'hung'])('keeps answering from its index while the database is %s, pauses harvesting, says so, and resumes by itself', async (mode) => {
    const word = `faultword${mode}`;
    const total = (await search('')).body.data!.search.totalCount;
    proxy.setMode(mode);
    await expect.poll(async () => (await health()).catalogue, { timeout: 15_000 }).toEqual(
      expect.objectContaining({ role: 'follower', database: 'unreachable', harvest: 'paused: catalogue database unreachable' }),
    );
    expect((await health()).status).toBe('degraded');
    expect(await metric('wharf_catalogue_database_up')).toBe(0);
    expect(await metric('wharf_catalogue_leader')).toBe(0);

    // A change at a region while the database is away: it waits for the database.
    const region = [...regions.regions.values()][0]!;
    const record = [...(await regions.truth()).keys()].find((id) => id.startsWith(`${region.code}:`));
    const [current] = await region.store.getMany([record!]);
    region.store.upsert({ ...current!, keywords: [...current!.keywords, word], revision: `${current!.revision}-${mode}` });

    for (let i = 0; i < 5; i += 1) {
      const answer = await search('');
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data!.search.totalCount).toBe(total);
    }

    proxy.setMode('forward');
    await expect.poll(async () => (await health()).catalogue, { timeout: 15_000 }).toEqual(expect.objectContaining({ role: 'leader', database: 'reachable', harvest: 'running' }));
    expect((await health()).status).toBe('ok');
    await expect.poll(async () => (await search(word)).body.data?.search.totalCount, { timeout: 15_000 }).toBe(1);
    expect(await metric('wharf_catalogue_database_up')).toBe(1);
  });
});
