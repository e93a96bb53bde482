/**
 * `npm run bench -- plans`: what a query plan costs to make with the Rust
 * planner against what it would cost to fetch one from Redis, for Wharf's
 * own operations — the figures behind keeping plans in process.
 */
import { readFileSync } from 'node:fs';
import { QueryPlanner } from '@graphql-hive/router-query-planner';
import { Redis } from 'ioredis';
import { supergraphPath } from '../schema/composeSupergraph.ts';
import { percentile } from './measure.ts';

const operations: Record<string, string> = {
  'search page': `query ($q: String) { search(query: $q, first: 20) { totalCount edges { cursor node { id title publisher { name } modified distributions { format } access { decision } } } facets { field values { value count } } } }`,
  'dataset page': `query ($id: ID!) { dataset(id: $id) { id title description distributions { format accessUrl } access { decision policies obligations missing { kind anyOf reason } } upstream { ... on Dataset { id title distributions { format } } } } }`,
  'lineage depth 3': `query ($id: ID!) { lineage(id: $id, direction: UPSTREAM, depth: 3) { nodes { ... on Dataset { id title access { decision } } ... on RestrictedDataset { id } } edges { upstream downstream crossBorder } } }`,
};
const rounds = 200;

const planner = new QueryPlanner(readFileSync(supergraphPath, 'utf8'));
console.log(`| operation | plan JSON (chars) | first plan (ms) | plan p50 (ms) | plan p99 (ms) | JSON.parse of the plan p50 (ms) |`);
console.log(`| --- | ---: | ---: | ---: | ---: | ---: |`);
const planSizes: number[] = [];
for (const [name, query] of Object.entries(operations)) {
  let started = performance.now();
  const plan = await planner.planAsync(query, undefined, new Set(), 0);
  const firstMs = performance.now() - started;
  const samples: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    started = performance.now();
    await planner.planAsync(query, undefined, new Set(), 0);
    samples.push(performance.now() - started);
  }
  const text = JSON.stringify(plan);
  planSizes.push(text.length);
  const parses: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    started = performance.now();
    JSON.parse(text);
    parses.push(performance.now() - started);
  }
  console.log(`| ${name} | ${text.length} | ${firstMs.toFixed(2)} | ${percentile(samples, 50).toFixed(3)} | ${percentile(samples, 99).toFixed(3)} | ${percentile(parses, 50).toFixed(4)} |`);
}

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
try {
  await redis.connect();
  const key = `wharf-bench:plan:${process.pid}`;
  await redis.set(key, 'x'.repeat(Math.max(...planSizes)), 'PX', 60_000);
  const samples: number[] = [];
  for (let i = 0; i < rounds * 5; i += 1) {
    const started = performance.now();
    await redis.get(key);
    samples.push(performance.now() - started);
  }
  await redis.del(key);
  console.log(`\nRedis GET of a plan-sized value on ${redisUrl}: p50 ${percentile(samples, 50).toFixed(3)} ms, p99 ${percentile(samples, 99).toFixed(3)} ms (${samples.length} round trips).`);
} catch (error) {
  console.log(`\nRedis at ${redisUrl} not reachable (${(error as Error).message}); no round-trip figure.`);
} finally {
  redis.disconnect();
}
