/**
 * Faults under load: `npm run soak -- --minutes N [--rate R]`.
 *
 * Starts three demo regions (CN-GX, MO, VN) on loopback in this process, a
 * private `redis-server` on a free loopback port for the gateway's caches and
 * rate limits, and the gateway in a process of its own (`wharf gateway
 * --regions`, as a deployment runs it, so its memory is measured alone). It
 * drives mixed traffic at a steady rate — search pages, dataset pages with
 * access decisions, lineage, embed-style searches with the portal key — while
 * it stops, hangs and restarts regions and restarts Redis. Prints per phase:
 * requests, HTTP statuses, error counts by code, p50/p99; the recovery time
 * after each fault; the gateway's RSS over time; and unhandled rejections.
 * Bounded in time: it ends after N minutes whatever happens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { demoPortalApiKey } from '../gateway/demo/demoIdentity.ts';
import { createChildProcesses, regionsGatewaySpawn } from './gateway/createChildProcesses.ts';
import { serveRegion, type RegionServer } from '../subgraphs/region/serveRegion.ts';
import { createFileStore } from '../subgraphs/region/store/createFileStore.ts';
import { loadRegionPolicies } from '../subgraphs/shared/access/loadRegionPolicies.ts';
import { freeLoopbackPort } from '../subgraphs/shared/listen.ts';
import { percentile, rssMb, rssMbOf } from './measure.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '5' }, rate: { type: 'string', default: '40' } } });
const minutes = Number(values.minutes);
const rate = Number(values.rate);
if (!(minutes > 0 && minutes <= 120) || !(rate > 0 && rate <= 1000)) {
  console.error('Usage: npm run soak -- --minutes N (0 < N <= 120) [--rate requests-per-second (default 40)]');
  process.exit(2);
}
const totalMs = minutes * 60_000;
const demoDir = fileURLToPath(new URL('../subgraphs/demo/', import.meta.url));
const codes = ['CN-GX', 'MO', 'VN'] as const;
const names: Record<string, string> = { 'CN-GX': 'Guangxi', MO: 'Macao', VN: 'Viet Nam' };

let unhandled = 0;
process.on('unhandledRejection', (reason) => {
  unhandled += 1;
  console.error('unhandled rejection:', reason);
});

// --- Redis: a private server on a free loopback port, restartable.
const redisPort = await freeLoopbackPort();
let redis: ChildProcess | undefined;
async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i += 1) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(redisPort, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    await sleep(50);
  }
  throw new Error(`redis-server did not start on port ${redisPort}`);
}
async function stopRedis(): Promise<void> {
  if (!redis) return;
  const exited = new Promise((resolve) => redis!.once('exit', resolve));
  redis.kill('SIGTERM');
  await exited;
  redis = undefined;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// --- Regions and gateway.
await startRedis();
const redisUrl = `redis://127.0.0.1:${redisPort}`;
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const servers = new Map<string, RegionServer>();
const ports = new Map<string, number>();
async function startRegion(code: string): Promise<void> {
  const folder = join(demoDir, code);
  const store = await createFileStore({ region: code, folder, pollIntervalMs: 0 });
  const server = await serveRegion({ store, policies: await loadRegionPolicies(code, folder), gatewayPublicKey: publicKey, port: ports.get(code) ?? 0 });
  ports.set(code, Number(new URL(server.origin).port));
  servers.set(code, server);
}
for (const code of codes) await startRegion(code);
const workDir = mkdtempSync(join(tmpdir(), 'wharf-soak-'));
const regionListFile = join(workDir, 'regions.yaml');
writeFileSync(regionListFile, stringify(codes.map((code) => ({ code, name: names[code]!, url: servers.get(code)!.url }))));
const signingKeyFile = join(workDir, 'gateway.pem');
writeFileSync(signingKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
const processes = createChildProcesses();
const gateway = await processes.spawn(
  regionsGatewaySpawn({
    name: 'gateway',
    regionListFile,
    signingKeyFile,
    env: {
      REDIS_URL: redisUrl,
      // A key prefix of its own: the soak may share a Redis with nothing, but never collides if it does.
      WHARF_REDIS_KEY_PREFIX: `wharf-soak-${process.pid}:`,
      WHARF_HARVEST_INTERVAL_MS: '2000',
      WHARF_REGION_TIMEOUT_MS: '1500',
      // All traffic comes from one loopback address: the per-client limit would refuse the load itself.
      WHARF_CLIENT_RATE_LIMIT_PER_MINUTE: '1000000',
    },
  }),
);
const wharf = { graphqlUrl: gateway.ready[1]! };
console.log(`gateway pid ${gateway.pid} at ${wharf.graphqlUrl}`);

// --- Traffic.
type Kind = 'search' | 'dataset' | 'lineage' | 'embed';
const datasetIds = new Map<string, string[]>();
for (const code of codes) {
  const { data } = (await post({ body: { query: `{ search(filter: { regions: ["${code}"] }, first: 20) { edges { node { id } } } }` } })).body as { data: { search: { edges: { node: { id: string } }[] } } };
  datasetIds.set(code, data.search.edges.map((edge) => edge.node.id));
}
const words = ['trade', 'port', 'air quality', 'population', 'border', 'hospital', 'gdp', 'container', 'customs', 'ha noi', '海关', 'comercio'];
const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!;
function request(kind: Kind): { body: unknown; headers?: Record<string, string> } {
  const region = pick(codes);
  const id = pick(datasetIds.get(region)!);
  switch (kind) {
    case 'search':
      return { body: { query: `query ($q: String!) { search(query: $q, first: 10) { totalCount facets { field values { value count } } edges { node { id title distributions { format } } } } }`, variables: { q: pick(words) } } };
    case 'dataset':
      return { body: { query: `query ($id: ID!) { dataset(id: $id) { id title access(purpose: "statistics") { decision } distributions { format accessUrl } } }`, variables: { id } } };
    case 'lineage':
      return { body: { query: `query ($id: ID!) { lineage(id: $id, direction: UPSTREAM, depth: 3) { isPartial nodes { id } edges { upstream downstream } } }`, variables: { id } } };
    case 'embed':
      return { body: { query: `query ($q: String!) { search(query: $q, first: 5) { edges { node { id title } } } }`, variables: { q: pick(words) } }, headers: { 'x-api-key': demoPortalApiKey } };
  }
}

async function post(request: { body: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: unknown }> {
  const response = await fetch(wharf.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...request.headers },
    body: JSON.stringify(request.body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}

interface PhaseStats {
  name: string;
  latencies: number[];
  statuses: Map<string, number>;
  codes: Map<string, number>;
  byKind: Map<Kind, number>;
  /** A REGION_UNAVAILABLE that named a region other than the one at fault. */
  collateral: number;
}
const phases: PhaseStats[] = [];
let current: PhaseStats;
let faultRegion: string | undefined;
function beginPhase(name: string, region?: string): void {
  current = { name, latencies: [], statuses: new Map(), codes: new Map(), byKind: new Map(), collateral: 0 };
  faultRegion = region;
  phases.push(current);
  console.log(`${new Date().toISOString()}  phase: ${name}`);
}
const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

async function one(kind: Kind): Promise<void> {
  const phase = current;
  const region = faultRegion;
  const started = performance.now();
  try {
    const { status, body } = await post(request(kind));
    phase.latencies.push(performance.now() - started);
    count(phase.statuses, String(status));
    const errors = (body as { errors?: { extensions?: { code?: string; region?: string } }[] } | undefined)?.errors ?? [];
    for (const error of errors) {
      count(phase.codes, error.extensions?.code ?? '(no code)');
      if (error.extensions?.code === 'REGION_UNAVAILABLE' && error.extensions.region !== region) phase.collateral += 1;
    }
  } catch (error) {
    phase.latencies.push(performance.now() - started);
    count(phase.statuses, `client ${(error as Error).name}`);
  }
  phase.byKind.set(kind, (phase.byKind.get(kind) ?? 0) + 1);
}

beginPhase('warm-up');
let running = true;
const inFlight = new Set<Promise<void>>();
const kinds: Kind[] = ['search', 'search', 'dataset', 'dataset', 'lineage', 'embed'];
const driver = (async () => {
  const intervalMs = 1000 / rate;
  let next = performance.now();
  while (running) {
    const promise = one(pick(kinds)).finally(() => inFlight.delete(promise));
    inFlight.add(promise);
    next += intervalMs;
    await sleep(Math.max(0, next - performance.now()));
  }
})();

const rss: { atS: number; mb: number; soakMb: number }[] = [];
const startedAt = Date.now();
const sampleRss = () => rss.push({ atS: Math.round((Date.now() - startedAt) / 1000), mb: rssMbOf(gateway.pid), soakMb: rssMb() });
const rssTimer = setInterval(sampleRss, 5000);

/** Time from a fault's end until a dataset page of `region` answers with no error. */
async function recoveryMs(region: string): Promise<number> {
  const started = performance.now();
  const id = datasetIds.get(region)![0]!;
  for (;;) {
    const { body } = await post({ body: { query: `{ dataset(id: "${id}") { id distributions { format } } }` } }).catch(() => ({ body: undefined }));
    const result = body as { data?: { dataset?: unknown }; errors?: unknown[] } | undefined;
    if (result?.data?.dataset && !result.errors) return Math.round(performance.now() - started);
    if (performance.now() - started > 30_000) return Number.POSITIVE_INFINITY;
    await sleep(25);
  }
}

// --- The schedule: warm-up, then each fault and its recovery, equal slices of the run.
const recoveries: { fault: string; ms: number }[] = [];
const faults: { name: string; region?: string; start: () => Promise<() => Promise<void>>; probe?: string }[] = [
  {
    name: 'region MO stopped',
    region: 'MO',
    probe: 'MO',
    start: async () => {
      await servers.get('MO')![Symbol.asyncDispose]();
      return () => startRegion('MO');
    },
  },
  {
    name: 'region VN hung',
    region: 'VN',
    probe: 'VN',
    start: async () => {
      const server = servers.get('VN')!.httpServer;
      const listeners = server.listeners('request');
      server.removeAllListeners('request');
      server.on('request', () => undefined);
      return async () => {
        server.removeAllListeners('request');
        for (const listener of listeners) server.on('request', listener as never);
      };
    },
  },
  {
    name: 'region CN-GX restarted',
    region: 'CN-GX',
    probe: 'CN-GX',
    start: async () => {
      await servers.get('CN-GX')![Symbol.asyncDispose]();
      await startRegion('CN-GX');
      return async () => undefined;
    },
  },
  {
    name: 'redis restarted',
    probe: 'MO',
    start: async () => {
      await stopRedis();
      return () => startRedis();
    },
  },
];
const sliceMs = totalMs / (1 + faults.length * 2);
const deadline = Date.now() + totalMs;
await sleep(sliceMs);
for (const fault of faults) {
  if (Date.now() > deadline) break;
  beginPhase(fault.name, fault.region);
  const restore = await fault.start();
  await sleep(Math.min(sliceMs, Math.max(0, deadline - Date.now())));
  // Until it recovers, errors of the region at fault are its own, not collateral.
  beginPhase(`after ${fault.name}`, fault.region);
  await restore();
  recoveries.push({ fault: fault.name, ms: await recoveryMs(fault.probe!) });
  await sleep(Math.max(0, Math.min(sliceMs, deadline - Date.now())));
}
running = false;
await driver;
await Promise.allSettled(inFlight);
clearInterval(rssTimer);
sampleRss();
const gatewayAlive = await fetch(new URL('/health', wharf.graphqlUrl)).then((response) => response.ok, () => false);

// --- Report.
const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const mapText = (map: Map<string, number>) => [...map].sort().map(([key, value]) => `${key} ${value}`).join(', ') || '—';
const report = [
  `Soak: ${minutes} min at ${rate} requests/s (search, dataset+access, lineage, embed), regions ${codes.join(', ')}, private redis-server on :${redisPort}.`,
  '',
  line(['phase', 'requests', 'HTTP', 'errors by code', 'REGION_UNAVAILABLE for another region', 'p50 ms', 'p99 ms']),
  line(['---', '---:', '---', '---', '---:', '---:', '---:']),
  ...phases.map((phase) =>
    line([
      phase.name,
      phase.latencies.length,
      mapText(phase.statuses),
      mapText(phase.codes),
      phase.collateral,
      phase.latencies.length ? percentile(phase.latencies, 50).toFixed(1) : '—',
      phase.latencies.length ? percentile(phase.latencies, 99).toFixed(1) : '—',
    ]),
  ),
  '',
  `Recovery (a dataset page of the region answers without error after the fault ends): ${recoveries.map((r) => `${r.fault} ${r.ms} ms`).join('; ')}.`,
  `Gateway RSS MB over time (s: MB): ${rss.map((sample) => `${sample.atS}: ${sample.mb}`).join(', ')}.`,
  (() => {
    const afterWarmUp = rss.filter((sample) => sample.atS * 1000 >= sliceMs);
    if (afterWarmUp.length < 2) return 'Gateway RSS growth after warm-up: too few samples.';
    const first = afterWarmUp[0]!.mb;
    const last = afterWarmUp.at(-1)!.mb;
    const peak = Math.max(...afterWarmUp.map((sample) => sample.mb));
    return `Gateway RSS growth after warm-up: ${first} -> ${last} MB (${(((last - first) / first) * 100).toFixed(1)}%; peak ${peak} MB).`;
  })(),
  `This process (regions and load generator) RSS MB: ${rss[0]?.soakMb} -> ${rss.at(-1)?.soakMb}.`,
  `5xx answers: ${phases.reduce((sum, phase) => sum + [...phase.statuses].filter(([status]) => status.startsWith('5')).reduce((a, [, n]) => a + n, 0), 0)}; unhandled rejections: ${unhandled} here, gateway ${gatewayAlive ? 'still answering /health' : 'NOT answering /health (it exited or hung)'}.`,
];
console.log(`\n${report.join('\n')}`);

await processes.stopAll();
rmSync(workDir, { recursive: true, force: true });
for (const server of servers.values()) await Promise.resolve(server[Symbol.asyncDispose]()).catch(() => undefined);
await stopRedis();
process.exit(0);
