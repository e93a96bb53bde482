/**
 * A durable catalogue of three `wharf catalogue` processes on one
 * PostgreSQL: replica lag (from the leader's write of a change to the
 * change being found by search at every replica), leader failover after
 * `kill -9`, and memory per replica.
 *
 *   npm run bench -- replication --count 10000 [--samples 100] [--failovers 3]
 *
 * Regions run in this process (synthetic datasets, open policies) and
 * change one dataset per sample; replicas harvest every 200 ms.
 * PostgreSQL at BENCH_POSTGRES_URL (default the test database); a schema
 * of its own, dropped afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { stringify } from 'yaml';
import type { DatasetRecord } from '../schema/datasetRecord.ts';
import { signedRequestHeader, signRegionRequest } from '../schema/signedRequest.ts';
import { serveRegion, type RegionServer } from '../subgraphs/region/serveRegion.ts';
import { createMemoryStore, type MemoryStore } from '../subgraphs/region/store/createMemoryStore.ts';
import { compileRegionPolicies } from '../subgraphs/shared/access/loadRegionPolicies.ts';
import { freeLoopbackPort } from '../subgraphs/shared/listen.ts';
import { iterateDatasets } from './generateDatasets.ts';
import { percentile, rssMbOf } from './measure.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { count: { type: 'string', default: '10000' }, samples: { type: 'string', default: '100' }, failovers: { type: 'string', default: '3' } },
});
const count = Number(values.count);
const samples = Number(values.samples);
const failovers = Number(values.failovers);
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const wharfBin = fileURLToPath(new URL('../bin/wharf.mjs', import.meta.url));
const load = () => loadavg().map((value) => value.toFixed(2)).join(' / ');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const loadBefore = load();

const gatewayKeys = generateKeyPairSync('ed25519');
const harvestKeys = generateKeyPairSync('ed25519');
const open = { 'open.cedar': '@id("open") @reason("Benchmark: everything is open.") permit (principal, action, resource);' };
const stores = new Map<string, MemoryStore>();
const byRegion = new Map<string, DatasetRecord[]>();
for (const record of iterateDatasets(count, 2)) byRegion.set(record.region, [...(byRegion.get(record.region) ?? []), record]);
const servers: RegionServer[] = [];
for (const [region, records] of byRegion) {
  const store = createMemoryStore(region, records);
  stores.set(region, store);
  servers.push(await serveRegion({ store, policies: compileRegionPolicies(region, open), gatewayPublicKey: gatewayKeys.publicKey, harvesterPublicKey: harvestKeys.publicKey }));
}

const schema = `bench_replication_${randomBytes(4).toString('hex')}`;
const folder = await mkdtemp(join(tmpdir(), 'wharf-bench-replication-'));
await writeFile(join(folder, 'catalogue.pem'), harvestKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
await writeFile(join(folder, 'gateway.pub.pem'), gatewayKeys.publicKey.export({ type: 'spki', format: 'pem' }));
await writeFile(join(folder, 'regions.yaml'), stringify(servers.map((server) => ({ code: server.region, name: server.region, url: server.url }))));

interface Replica {
  name: string;
  origin: string;
  child: ChildProcess;
}
async function startReplica(name: string): Promise<Replica> {
  const port = await freeLoopbackPort();
  const child = spawn(
    process.execPath,
    [wharfBin, 'catalogue', '--regions', join(folder, 'regions.yaml'), '--harvest-key', join(folder, 'catalogue.pem'), '--gateway-key', join(folder, 'gateway.pub.pem'), '--port', String(port)],
    {
      env: { ...process.env, WHARF_CATALOGUE_DATABASE_URL: postgresUrl, WHARF_CATALOGUE_DATABASE_SCHEMA: schema, WHARF_CATALOGUE_REPLICA_NAME: name, WHARF_HARVEST_INTERVAL_MS: '200', WHARF_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const replica = { name, origin: `http://127.0.0.1:${port}`, child };
  while ((await fetch(`${replica.origin}/ready`).then((response) => response.status, () => 0)) !== 200) await sleep(50);
  return replica;
}
const roleOf = async (replica: Replica) =>
  fetch(`${replica.origin}/health`)
    .then(async (response) => ((await response.json()) as { catalogue: { role: string } }).catalogue.role)
    .catch(() => 'down');
async function searchCount(replica: Replica, text: string): Promise<number> {
  const body = JSON.stringify({ query: 'query ($q: String) { search(query: $q, first: 1) { totalCount } }', variables: { q: text } });
  const response = await fetch(`${replica.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [signedRequestHeader]: signRegionRequest(gatewayKeys.privateKey, { region: 'catalogue', method: 'POST', target: '/graphql', body }) },
    body,
  });
  return ((await response.json()) as { data?: { search: { totalCount: number } } }).data?.search.totalCount ?? -1;
}

const db = new pg.Client({ connectionString: postgresUrl });
await db.connect();
const replicas: Replica[] = [];
let started = performance.now();
replicas.push(await startReplica('a'));
while ((await roleOf(replicas[0]!)) !== 'leader') await sleep(50);
// The first harvest, stored and applied: then the followers start from the database.
while ((await searchCount(replicas[0]!, '')) < count) await sleep(100);
const firstHarvestMs = performance.now() - started;
replicas.push(await startReplica('b'), await startReplica('c'));
const memory = replicas.map((replica) => rssMbOf(replica.child.pid!));

/** Changes one dataset with a word of its own; resolves with its lag from the leader's write to each live replica's search. */
let sequence = 0;
async function measureChange(live: readonly Replica[]): Promise<{ perReplica: number[]; writeToAll: number }> {
  sequence += 1;
  const word = `lagword${sequence}x${randomBytes(3).toString('hex')}`;
  const store = [...stores.values()][sequence % stores.size]!;
  const { changes } = await store.changes(undefined, 1 + (sequence % 50));
  const last = changes[changes.length - 1]!;
  if (last.op !== 'upsert') throw new Error('expected an upsert');
  store.upsert({ ...last.dataset, keywords: [...last.dataset.keywords, word], revision: `${last.dataset.revision}-${sequence}` });
  const seenAt = await Promise.all(
    live.map(async (replica) => {
      while ((await searchCount(replica, word)) !== 1) await sleep(5);
      return Date.now();
    }),
  );
  const written = await db.query<{ at: number }>(`SELECT (extract(epoch FROM changed_at) * 1000)::float8 AS at FROM "${schema}".datasets WHERE id = $1`, [last.id]);
  const perReplica = seenAt.map((at) => at - written.rows[0]!.at);
  return { perReplica, writeToAll: Math.max(...perReplica) };
}

const lags: number[] = [];
const followerLags: number[] = [];
for (let i = 0; i < samples; i += 1) {
  const { perReplica, writeToAll } = await measureChange(replicas);
  lags.push(writeToAll);
  followerLags.push(...perReplica);
}

const failoverMs: number[] = [];
const recoveryMs: number[] = [];
for (let round = 0; round < failovers; round += 1) {
  const roles = await Promise.all(replicas.map(roleOf));
  const leader = replicas[roles.indexOf('leader')]!;
  const rest = replicas.filter((replica) => replica !== leader);
  const killedAt = performance.now();
  process.kill(leader.child.pid!, 'SIGKILL');
  while (!(await Promise.all(rest.map(roleOf))).includes('leader')) await sleep(10);
  failoverMs.push(performance.now() - killedAt);
  // A change made right after the kill, found at every remaining replica.
  await measureChange(rest);
  recoveryMs.push(performance.now() - killedAt);
  replicas.splice(replicas.indexOf(leader), 1, await startReplica(leader.name));
}
const memoryAfter = replicas.map((replica) => rssMbOf(replica.child.pid!));

for (const replica of replicas) replica.child.kill('SIGTERM');
await Promise.all(replicas.map((replica) => new Promise((resolve) => (replica.child.exitCode !== null ? resolve(undefined) : replica.child.once('exit', resolve)))));
await db.query(`DROP SCHEMA "${schema}" CASCADE`);
await db.end();
for (const server of servers) await server[Symbol.asyncDispose]();
await rm(folder, { recursive: true, force: true });

const ms = (value: number) => `${Math.round(value)} ms`;
console.log(`## Durable catalogue replication, ${count.toLocaleString('en')} datasets, 3 \`wharf catalogue\` processes (\`npm run bench -- replication --count ${count}\`)

Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}; PostgreSQL, the regions and the three replicas on the same machine; load average (1 / 5 / 15 min) ${loadBefore} before, ${load()} after.

- first harvest by the leader (stored, applied, searchable): ${(firstHarvestMs / 1000).toFixed(1)} s
- replica lag, from the leader's write of a change to search finding it at **every** replica (${samples} changes): p50 ${ms(percentile(lags, 50))}, p99 ${ms(percentile(lags, 99))}, max ${ms(Math.max(...lags))}
- the same per replica (leader included, ${followerLags.length} observations): p50 ${ms(percentile(followerLags, 50))}, p99 ${ms(percentile(followerLags, 99))}
- leader failover after \`kill -9\`, until another replica leads (${failovers} rounds): ${failoverMs.map(ms).join(', ')}
- until a change made right after the kill is found at every remaining replica: ${recoveryMs.map(ms).join(', ')}
- RSS per replica after catch-up: ${memory.map((mb) => `${mb} MB`).join(', ')}; at the end: ${memoryAfter.map((mb) => `${mb} MB`).join(', ')}
`);
