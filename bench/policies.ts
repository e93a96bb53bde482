/**
 * Access decisions and discoverability at scale: Cedar decisions per second
 * (fresh and memoised), and catalogue search latency with each region's
 * discover rules applied inside the search versus no rules at all.
 *
 *   npm run bench -- policies --count 100000 [--queries 300]
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { anonymousConsumer, type Consumer } from '../schema/consumer.ts';
import type { DatasetRecord } from '../schema/datasetRecord.ts';
import { createCatalogueIndex } from '../subgraphs/catalogue/createCatalogueIndex.ts';
import { createDiscovery } from '../subgraphs/catalogue/createDiscovery.ts';
import { createAccessEvaluator } from '../subgraphs/shared/access/createAccessEvaluator.ts';
import { loadRegionPolicies } from '../subgraphs/shared/access/loadRegionPolicies.ts';
import { iterateDatasets } from './generateDatasets.ts';
import { mulberry32, percentile } from './measure.ts';

const { values } = parseArgs({ args: process.argv.slice(2), options: { count: { type: 'string', default: '100000' }, queries: { type: 'string', default: '300' } } });
const count = Number(values.count);
const queryCount = Number(values.queries);
const random = mulberry32(5);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

// The demo regions' own policies; the generator's other regions borrow Singapore's.
const demo = new URL('../subgraphs/demo/', import.meta.url).pathname;
const policyRegion: Record<string, string> = { 'CN-GX': 'CN-GX', MO: 'MO', VN: 'VN', MY: 'MY', SG: 'SG', TH: 'SG', ID: 'SG', PH: 'SG' };
const index = createCatalogueIndex();
const discovery = createDiscovery(index);
for (const [region, source] of Object.entries(policyRegion)) {
  const policies = await loadRegionPolicies(source, `${demo}${source}`);
  discovery.setPolicies({ ...policies, region, version: `${policies.version}-${region}` });
}
const records: DatasetRecord[] = [];
for (const record of iterateDatasets(count, 1)) {
  index.upsert(record);
  if (records.length < 2000) records.push(record);
}
const regions = Object.keys(policyRegion);
const consumers: Consumer[] = Array.from({ length: 50 }, (_, i) =>
  i % 5 === 0
    ? anonymousConsumer
    : { ...anonymousConsumer, subject: `c${i}`, authenticated: true, org: `org${i % 7}`, jurisdiction: pick(regions), roles: pick([[], ['researcher'], ['official'], ['health-researcher', 'official']]), mechanisms: pick([[], ['ASEAN:mcc'], ['CN:pipl-standard-contract']]) },
);

// Decisions per second, fresh (every call evaluates Cedar) and memoised (repeat attributes).
const sg = await loadRegionPolicies('SG', `${demo}SG`);
const fresh = createAccessEvaluator(sg, { memoize: false });
const memoised = createAccessEvaluator(sg);
const decisionsRun = (evaluator: ReturnType<typeof createAccessEvaluator>, n: number) => {
  const started = performance.now();
  for (let i = 0; i < n; i += 1) {
    const record = records[i % records.length]!;
    evaluator.decide(consumers[i % consumers.length]!, { ...record.access, region: 'SG' }, i % 2 === 0 ? 'read' : 'discover');
  }
  return n / ((performance.now() - started) / 1000);
};
const freshPerSecond = decisionsRun(fresh, 5000);
decisionsRun(memoised, 20_000);
const memoPerSecond = decisionsRun(memoised, 200_000);

const words = records.flatMap((record) => (record.title.find((text) => text.lang === 'en')?.value ?? '').split(/\W+/).filter((word) => word.length > 3));
const queries = Array.from({ length: queryCount }, () => ({ text: `${pick(words)}${random() < 0.5 ? ` ${pick(words)}` : ''}`, consumer: pick(consumers) }));
function run(withPolicies: boolean): number[] {
  const timings: number[] = [];
  for (const { text, consumer } of queries) {
    const started = performance.now();
    index.search({
      text,
      sort: 'RELEVANCE',
      first: 20,
      ...(withPolicies ? { within: discovery.discoverable(consumer), recheck: (record) => discovery.canDiscover(consumer, record) } : {}),
    });
    timings.push(performance.now() - started);
  }
  return timings;
}
run(false);
run(true);
const off = run(false);
const on = run(true);

console.log(`## Access decisions and discoverability, ${count.toLocaleString('en')} datasets

Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, one core; ${consumers.length} distinct consumers, ${queryCount} queries.

- Cedar decisions, fresh: ${Math.round(freshPerSecond).toLocaleString('en')}/s (${(1000 / freshPerSecond).toFixed(3)} ms each)
- decisions, memoised by policy fingerprint: ${Math.round(memoPerSecond).toLocaleString('en')}/s

| search | p50 ms | p99 ms |
| --- | ---: | ---: |
| no policies | ${percentile(off, 50).toFixed(1)} | ${percentile(off, 99).toFixed(1)} |
| discover rules inside the search | ${percentile(on, 50).toFixed(1)} | ${percentile(on, 99).toFixed(1)} |

p99 ratio with policies / without: ${(percentile(on, 99) / percentile(off, 99)).toFixed(2)} (target ≤ 1.5)
`);
