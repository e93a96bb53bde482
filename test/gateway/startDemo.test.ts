import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../gateway/startDemo.ts';
import { anonymousConsumer } from '../../schema/consumer.ts';

const adminToken = 'demo-admin-token-for-tests-0123456789';

describe('startDemo (npm start)', () => {
  let demo: Demo;
  const query = async (source: string) => {
    const response = await fetch(demo.wharf.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: source }),
    });
    return response.json();
  };

  beforeAll(async () => {
    demo = await startDemo({
      WHARF_HOST: '127.0.0.1',
      WHARF_PORT: 0,
      WHARF_REGION_PORT_BASE: 0,
      WHARF_HARVEST_INTERVAL_MS: 0,
      WHARF_REGION_TIMEOUT_MS: 5000,
      WHARF_LOG_LEVEL: 'error',
      // Settings `npm start` shares with `wharf gateway`; the last test checks the demo honours them.
      adminToken,
      WHARF_REGION_HOSTS: ['regions.example'],
      WHARF_AUTH_FAILURES_PER_MINUTE: 2,
    });
  });
  afterAll(async () => {
    await demo?.[Symbol.asyncDispose]();
  });

  it('runs five regions of at least 20 valid datasets each, all harvested', async () => {
    expect(demo.regions.map((region) => region.code)).toEqual(['CN-GX', 'MO', 'VN', 'MY', 'SG']);
    for (const region of demo.regions) expect(region.datasets).toBeGreaterThanOrEqual(20);
    const { data } = await query(`{ regions { code datasetCount stale lastError } }`);
    // Every dataset is harvested; an anonymous consumer is told only of those it may discover.
    const { index, discovery } = demo.wharf.catalogue;
    const discoverable = (code: string) => [...index.regionIds(code)].filter((id) => discovery.canDiscover(anonymousConsumer, index.get(id)!)).length;
    expect(demo.regions.map((region) => index.regionIds(region.code).size)).toEqual(demo.regions.map((region) => region.datasets));
    expect(data.regions).toEqual(
      demo.regions.map((region) => ({ code: region.code, datasetCount: discoverable(region.code), stale: false, lastError: null })),
    );
  });

  it('answers the README\'s search across regions', async () => {
    const { data } = await query(`{ search(query: "container throughput", first: 8) { totalCount edges { node { id region } } } }`);
    const regions = new Set(data.search.edges.map((edge: { node: { region: string } }) => edge.node.region));
    expect([...regions].sort()).toEqual(['CN-GX', 'SG', 'VN']);
  });

  it('answers the README\'s dataset with its distributions from the region', async () => {
    const { data } = await query(`{ dataset(id: "MO:dsec-external-merchandise-trade") { title titlePt: title(lang: "pt") distributions { format } } }`);
    expect(data.dataset).toEqual({
      title: '澳門對外商品貿易統計',
      titlePt: 'Estatísticas do Comércio Externo de Mercadorias',
      distributions: [{ format: 'CSV' }, { format: 'XLSX' }, { format: 'API' }],
    });
  });

  it('answers the README\'s lineage two levels up across a border', async () => {
    const { data, errors } = await query(`{ dataset(id: "MO:dsec-trade-balance") { upstream { id ... on Dataset { upstream { id ... on Dataset { region distributions { format } } } } } } }`);
    expect(errors).toBeUndefined();
    const second = data.dataset.upstream.flatMap((node: { upstream: { region: string }[] }) => node.upstream);
    expect(new Set(second.map((node: { region: string }) => node.region))).toEqual(new Set(['MO', 'CN-GX', 'VN']));
  });

  it('serves /health and /ready', async () => {
    expect((await fetch(`${demo.wharf.origin}/health`)).status).toBe(200);
    expect((await fetch(`${demo.wharf.origin}/ready`)).status).toBe(200);
  });

  it('honours the region hosts and the failed-authentication limit it shares with wharf gateway', async () => {
    const registration = await fetch(`${demo.wharf.origin}/admin/regions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ code: 'XX', name: 'Elsewhere', url: 'http://127.0.0.1:9/graphql' }),
    });
    expect(registration.status).toBe(400);
    expect(JSON.stringify(await registration.json())).toContain('WHARF_REGION_HOSTS allows regions.example');

    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(demo.wharf.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': `guess-${i}` },
        body: JSON.stringify({ query: '{ regions { code } }' }),
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 429]);
  });
});
