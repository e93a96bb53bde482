import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { webhookPath, webhookRequest } from '../../schema/harvestWebhook.ts';
import { freeLoopbackPort } from '../../subgraphs/shared/listen.ts';
import { mulberry32 } from '../measure.ts';
import { alternateRounds, type Row, type Target } from './alternateRounds.ts';
import { regionsGatewaySpawn, type Child } from './createChildProcesses.ts';
import type { WorkloadOptions } from './federationWorkload.ts';
import { formatRows, summarise } from './formatRows.ts';
import { describeCacheCounters, readCacheCounters, type CacheCounters } from './readCacheCounters.ts';
import { loadRound, type Page } from './loadRound.ts';
import { searchPageRequests, searchTerms, searchConsumers, warmupTerms, type SearchPageRequest } from './searchPages.ts';

export interface SearchPageWorkloadOptions extends WorkloadOptions {
  /** Run workload 2 (caches off vs warm). */
  page: boolean;
  /** Run workload 3 (Redis hung). */
  hung: boolean;
}

const coldLabel = 'caches off (WHARF_CACHE=off)';
const warmLabel = 'caches on, warm';
const hungWarmLabel = 'caches on, warm, Redis hung';
const hungFreshLabel = 'new replica, Redis hung';

async function post(url: string, page: Page): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...page.headers }, body: page.body });
  return { status: response.status, text: await response.text() };
}

/** Runs `task` over `items`, at most `limit` at a time, answers in order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

interface RegionState {
  code: string;
  datasetCount: number;
  lastSuccessAt: string | null;
  lastError: string | null;
  stale: boolean;
}

/**
 * Waits until the gateway has harvested every region without error. A
 * region whose first harvest failed (a change-feed page over its timeout on
 * a busy machine, say) would only be retried at the next interval, 30 s
 * later, with the gateway answering without it until then: ping the gateway
 * for it as the region would, with a signed harvest webhook.
 */
async function untilHarvested(gateway: Child, webhookSecret: string, log: (line: string) => void, timeoutMs = 90_000): Promise<void> {
  const graphqlUrl = gateway.ready[1]!;
  const deadline = Date.now() + timeoutMs;
  let lastWhy = '';
  for (;;) {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ regions { code datasetCount lastSuccessAt lastError stale } }' }),
    });
    const { data } = (await response.json()) as { data?: { regions: RegionState[] } };
    const behind = (data?.regions ?? []).filter((region) => !region.lastSuccessAt || region.stale || region.lastError);
    if (data && behind.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${gateway.name} has not harvested every region within ${timeoutMs} ms: ${JSON.stringify(behind)}`);
    const why = behind.map((region) => `${region.code} (${region.lastError ?? 'not yet harvested'})`).join(', ');
    if (why !== lastWhy) log(`  ${gateway.name}: harvesting again ${(lastWhy = why)}`);
    for (const region of behind) {
      const { headers, body } = webhookRequest(region.code, webhookSecret);
      await fetch(new URL(webhookPath, graphqlUrl), { method: 'POST', headers, body });
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}

/** Keys in the benchmark's private Redis. */
async function countRedisKeys(url: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  try {
    await redis.connect();
    return await redis.dbsize();
  } finally {
    redis.disconnect();
  }
}

/**
 * Workloads 2 and 3: Wharf's catalogue search page over the five demo
 * regions (one child process), through gateways started with `wharf gateway
 * --regions` (one process each): caches off vs caches on after a warm-up,
 * then the warm gateway and a new replica while their Redis (a private
 * `redis-server`) is stopped with SIGSTOP. Returns the Markdown it printed.
 */
export async function searchPageWorkload(options: SearchPageWorkloadOptions): Promise<string> {
  const { processes, workDir, log } = options;
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('Workloads "page" and "hung" start a private redis-server, and there is none on the PATH; install Redis, or run --workloads federation.');
  }
  const pinGateway = options.cpus ? { cpus: options.cpus.gateway } : {};
  const pinRest = options.cpus ? { cpus: options.cpus.rest } : {};

  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const signingKeyFile = join(workDir, 'gateway.pem');
  const publicKeyFile = join(workDir, 'gateway.pub.pem');
  writeFileSync(signingKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));

  const regions = await processes.spawn({
    name: 'demo regions',
    command: process.execPath,
    args: ['--import', 'tsx', 'bench/gateway/main/demoRegions.ts', '--gateway-key', publicKeyFile],
    ready: /^regions (.*)$/,
    readyTimeoutMs: 120_000,
    ...pinRest,
  });
  log(`Workloads 2–3: demo regions ready (pid ${regions.pid})`);
  const regionListFile = join(workDir, 'regions.yaml');
  // Regions ping for a harvest with this secret (see untilHarvested).
  const webhookSecret = randomBytes(24).toString('hex');
  const regionList = (JSON.parse(regions.ready[1]!) as object[]).map((region) => ({ ...region, webhookSecretEnv: 'WHARF_REGION_SECRET_BENCH' }));
  writeFileSync(regionListFile, stringify(regionList));

  const redisPort = await freeLoopbackPort();
  const redis = await processes.spawn({
    name: 'redis-server',
    command: 'redis-server',
    args: ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    ready: /Ready to accept connections/,
    node: false,
    ...pinRest,
  });
  const redisUrl = `redis://127.0.0.1:${redisPort}`;

  const shared = {
    WHARF_REGION_SECRET_BENCH: webhookSecret,
    // All the load comes from one anonymous address and three subjects: no per-client limit.
    WHARF_CLIENT_RATE_LIMIT_PER_MINUTE: '1000000000',
  };
  const startGateway = (name: string, env: Record<string, string | undefined>) =>
    processes.spawn(regionsGatewaySpawn({ name, regionListFile, signingKeyFile, env: { ...shared, ...env }, ...pinGateway }));
  // Started together: each harvests every region before it listens.
  const [cold, warm, replica] = await Promise.all([
    startGateway('gateway, caches off', { WHARF_CACHE: 'off', REDIS_URL: undefined }),
    startGateway('gateway, caches on', { WHARF_CACHE: undefined, REDIS_URL: redisUrl }),
    options.hung ? startGateway('gateway replica, caches on', { WHARF_CACHE: undefined, REDIS_URL: redisUrl }) : undefined,
  ]);

  const target = (label: string, child: Child): Target => {
    const url = child.ready[1]!;
    const origin = new URL(url).origin;
    return {
      label,
      url,
      process: child,
      observe: () => readCacheCounters(origin),
      describe: (before, after) => describeCacheCounters(before as CacheCounters | undefined, after as CacheCounters | undefined),
    };
  };
  const coldTarget = target(coldLabel, cold);
  const warmTarget = target(warmLabel, warm);
  await Promise.all([cold, warm, ...(replica ? [replica] : [])].map((gateway) => untilHarvested(gateway, webhookSecret, log)));
  log(`  gateways ready and harvested: caches off (pid ${cold.pid}), caches on (pid ${warm.pid})${replica ? `, replica (pid ${replica.pid})` : ''}; Redis pid ${redis.pid}`);

  // Reference answers from the gateway without caches; each must be error-free. A region
  // fetch over its deadline on a busy machine is retried, twice at most, and reported.
  let retried = 0;
  const reference = async (requests: readonly SearchPageRequest[]): Promise<Page[]> =>
    mapConcurrently(requests, 4, async (request) => {
      for (let attempt = 1; ; attempt += 1) {
        const { status, text } = await post(coldTarget.url, { ...request, expected: '' });
        const answer = JSON.parse(text) as { errors?: unknown[] };
        if (status === 200 && !answer.errors) return { body: request.body, headers: request.headers, expected: text };
        if (attempt === 3) {
          throw new Error(
            `The search page for "${request.term}" as ${request.consumer} is not an error-free answer after ${attempt} attempts (HTTP ${status}): ${JSON.stringify(answer.errors ?? text).slice(0, 600)}`,
          );
        }
        retried += 1;
      }
    });
  const requests = searchPageRequests();
  const pages = await reference(requests);
  if (retried > 0) log(`  ${retried} reference request(s) answered with errors and were retried (a region over its deadline?)`);
  const hits = pages.map((page) => (JSON.parse(page.expected) as { data: { search: { totalCount: number } } }).data.search.totalCount);
  log(
    `Workload 2: ${searchTerms.length} search terms × ${searchConsumers.length} consumers = ${pages.length} pages ` +
      `(median ${[...hits].sort((a, b) => a - b)[Math.floor(hits.length / 2)]} matches, ${hits.filter((count) => count === 0).length} with none), ${options.connections} connections`,
  );

  // Warm the cached gateway with one view of every page, checking each against the reference.
  const firstViews = await mapConcurrently(pages, 8, async (page) => {
    const { status, text } = await post(warmTarget.url, page);
    return status === 200 && (text === page.expected || isDeepStrictEqual(JSON.parse(text), JSON.parse(page.expected)));
  });
  const differing = firstViews.map((same, i) => (same ? undefined : requests[i]!)).filter((request) => request !== undefined);
  if (differing.length > 0) {
    log(`  ${differing.length} of ${pages.length} pages answered differently by the cached gateway on first view (first: "${differing[0]!.term}" as ${differing[0]!.consumer}); they count as errors below.`);
  }
  const present = (await readCacheCounters(new URL(warmTarget.url).origin)) !== undefined;
  const redisKeys = await countRedisKeys(redisUrl);
  log(`  cache counters at /metrics: ${present ? 'present' : 'not present'}; Redis holds ${redisKeys} key(s) after the first views`);

  const seed = 20261123;
  const roundOptions = {
    rounds: options.rounds,
    durationS: options.durationS,
    connections: options.connections,
    timeoutS: options.timeoutS,
    pages,
    // Repeated page views: uniformly random pages, the same sequence for every gateway and round.
    picker: () => {
      const random = mulberry32(seed);
      return () => Math.floor(random() * pages.length);
    },
    backends: [regions],
    log,
  };
  const sections: string[] = [];
  const cachesLine = present
    ? 'Cache counters read from each gateway\'s `/metrics` before and after each round.'
    : '**Caches: not present.** The gateway exposes no cache counters at `/metrics`; the "caches on" rows ran with the default configuration, which caches nothing in this build.';

  if (options.page) {
    const rows = await alternateRounds([coldTarget, warmTarget], { ...roundOptions, warmupS: options.warmupS });
    const off = summarise(rows, coldLabel);
    const on = summarise(rows, warmLabel);
    const ratio = on.reqPerS / off.reqPerS;
    const met = ratio >= 10 && on.p99Ms < 20 && on.failures === 0;
    sections.push(
      [
        `### 2. Catalogue search page, 5 regions: caches off vs warm (${options.connections} connections)`,
        '',
        `${pages.length} pages (${searchTerms.length} terms × ${searchConsumers.length} consumers), 20 hits each with \`access\` and \`distributions\` from the owning region. ${cachesLine}`,
        '',
        formatRows(rows, { backendLabel: 'regions', withNote: true }),
        '',
        `Warm / off: **${ratio.toFixed(2)}×** requests/s (medians ${on.reqPerS.toFixed(1)} vs ${off.reqPerS.toFixed(1)}); warm p99 ${on.p99Ms.toFixed(1)} ms. ` +
          `Target warm ≥ 10× and p99 < 20 ms: **${met ? 'met' : 'missed'}**.`,
        '',
      ].join('\n'),
    );
  }

  if (replica) {
    const hungWarm = { ...warmTarget, label: hungWarmLabel };
    const hungFresh = target(hungFreshLabel, replica);
    if (options.warmupS > 0) {
      // Warm the replica's code on other searches, so its rows measure its empty cache, not a cold process.
      const warmupPages = await reference(searchPageRequests(warmupTerms));
      const warmup = await loadRound({ url: hungFresh.url, connections: options.connections, durationS: options.warmupS, pages: warmupPages, timeoutS: options.timeoutS });
      log(`  warm-up ${hungFreshLabel} on ${warmupPages.length} other pages: ${warmup.correctPerS.toFixed(1)} req/s, ${warmup.failures} failure(s)`);
    }
    // Both gateways hold a live connection to Redis when it stops answering.
    redis.signal('SIGSTOP');
    log(`Workload 3: redis-server (pid ${redis.pid}) stopped with SIGSTOP`);
    let rows: Row[];
    try {
      rows = await alternateRounds([hungWarm, hungFresh], { ...roundOptions, warmupS: 0 });
    } finally {
      redis.signal('SIGCONT');
    }
    const lines = [hungWarmLabel, hungFreshLabel].map((label) => {
      const summary = summarise(rows, label);
      return `${label}: median ${summary.reqPerS.toFixed(1)} req/s, p99 ${summary.p99Ms.toFixed(1)} ms, ${summary.failures} errors.`;
    });
    sections.push(
      [
        `### 3. The same page with Redis hung (SIGSTOP; ${options.connections} connections)`,
        '',
        `The warm gateway of workload 2, and a replica started beside it on the same Redis whose cache holds none of the measured searches ` +
          `(its code warmed up on ${warmupTerms.length} other terms), measured after Redis stopped answering. ${cachesLine}`,
        '',
        formatRows(rows, { backendLabel: 'regions', withNote: true }),
        '',
        ...lines,
        '',
      ].join('\n'),
    );
    await replica.stop();
  }
  await warm.stop();
  await cold.stop();
  await redis.stop();
  await regions.stop();
  return sections.join('\n');
}
