import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../gateway/identity/authenticate.ts';
import { sha256Hex } from '../../gateway/identity/trustedRegistry.ts';
import type { Wharf } from '../../gateway/startWharf.ts';
import { startFixtureWharf, startReplicaWharf } from '../support/fixtureRegions.ts';
import { redisBinariesPresent, startRedisCluster } from '../support/redisCluster.ts';

const registry = { orgs: {}, apiKeys: [{ name: 'cluster', sha256: sha256Hex('cluster-key'), org: 'p', scope: 'public' as const, rateLimitPerMinute: 4 }] };
const page = `query ($id: ID!) { dataset(id: $id) { id distributions { format } access { decision } } }`;

async function post(wharf: Wharf, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(wharf.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: page, variables }) });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
}

/** Sum of the metrics rows of `name` that carry every one of `labels`. */
async function metric(wharf: Wharf, name: string, labels: string[]): Promise<number> {
  // Read in process: /metrics itself is behind the metrics token.
  const text = await wharf.caches.registry.metrics();
  return text
    .split('\n')
    .filter((row) => row.startsWith(`${name}{`) && labels.every((label) => row.includes(label)))
    .reduce((sum, row) => sum + Number(row.slice(row.lastIndexOf(' ') + 1)), 0);
}

const required = process.env.CI === 'true';
if (!redisBinariesPresent && !required) {
  console.warn('skipping the Redis Cluster tests: redis-server and redis-cli are not installed. To run them: apt-get install redis-server (or run bash .ci/run).');
}

describe.skipIf(!redisBinariesPresent && !required)('gateway caches and rate limits on a Redis Cluster', () => {
  it('shares cache entries and rate limits across two gateways, and keeps answering when a master dies', async () => {
    await using cluster = await startRedisCluster(3);
    // A generous command timeout: this test is about sharing and survival, not latency.
    const caches = { redisClusterNodes: cluster.nodes, keyPrefix: 'wharf-cluster-test:', redisTimeoutMs: 300 };
    await using fixture = await startFixtureWharf({ authenticator: await createAuthenticator(undefined, registry), caches, regionTimeoutMs: 3000 });
    await using replica = await startReplicaWharf(fixture, { authenticator: await createAuthenticator(undefined, registry), caches });
    const key = { 'x-api-key': 'cluster-key' };
    const ids = ['CN-GX:customs-exports', 'MO:trade-balance', 'VN:hanoi-air-quality'];

    // Cache: what one gateway fetched, the other reads from the cluster (keys spread over its slots).
    const first = await Promise.all(ids.map((id) => post(fixture.wharf, { id })));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await Promise.all(ids.map((id) => post(replica, { id })));
    expect(second.map((answer) => answer.body)).toEqual(first.map((answer) => answer.body));
    // Whole answers or entities, whichever layer the replica found them in.
    expect(await metric(replica, 'wharf_cache_lookups_total', ['result="redis_hit"'])).toBeGreaterThanOrEqual(ids.length);

    // Rate limit: four requests a minute for the key, whichever gateway takes them.
    const burst = async () => {
      const statuses = [];
      for (const gateway of [fixture.wharf, replica, fixture.wharf, replica, fixture.wharf, replica]) statuses.push((await post(gateway, { id: ids[0] }, key)).status);
      return statuses;
    };
    const minute = Math.floor(Date.now() / 60_000);
    const statuses = await burst();
    if (Math.floor(Date.now() / 60_000) === minute) expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);

    // A master dies mid-traffic: every request is still answered, with data.
    const answers: { status: number; body: { data?: any } }[] = [];
    let slowestMs = 0;
    const traffic = (async () => {
      for (let i = 0; i < 30; i += 1) {
        const started = performance.now();
        answers.push(await post(i % 2 ? replica : fixture.wharf, { id: ids[i % ids.length] }));
        slowestMs = Math.max(slowestMs, performance.now() - started);
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 30));
    cluster.kill(cluster.nodes[1]!);
    await traffic;
    expect(answers).toHaveLength(30);
    // A dead master costs a few short retries, not ioredis's default 16 redirections 100 ms apart.
    expect(slowestMs).toBeLessThan(1500);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.data?.dataset?.id).toBeTruthy();
    }
  });
});
