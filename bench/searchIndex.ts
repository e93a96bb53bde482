/**
 * Wharf's catalogue search at scale: index build time and memory, search
 * latency per query kind (facets included, as every search counts them),
 * incremental upsert and delete cost.
 *
 *   npm run bench -- search --count 100000 [--queries 300] [--scope anonymous|none] [--index-file PATH] [--kinds short,cjk]
 *
 * `--index-file` keeps the built index in a file and, when the file is
 * there, loads it instead of building (the queries are drawn from the same
 * generated datasets either way): a before/after pair at a million then
 * searches one index, without two builds of several minutes. The file is
 * written with the snapshot codec, so only code whose index structures
 * match can read it.
 *
 * Searches run as \`Query.search\` runs them by default (region breadth,
 * format groups and cross-lingual expansion on). Every search is scoped to
 * what a consumer may discover, as the catalogue scopes it: by default an anonymous consumer under the demo regions'
 * policies (every dataset below the confidential tier); `--scope none`
 * searches every dataset.
 *
 * Run with `node --expose-gc` (as `npm run bench` does) for steady RSS figures.
 *
 * Latency is printed twice: wall time, and the CPU time the process spent
 * on the search (`process.cpuUsage`, every thread, so collection work and
 * a facet tally on the second thread included). On a shared machine, time
 * spent waiting for a core shows in the first and not the second; a tally
 * on the second thread shows in the second and not the first.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { SearchIndex, type SearchFilter } from '../subgraphs/catalogue/search/createSearchIndex.ts';
import { iterateDatasets } from './generateDatasets.ts';
import { emptyQuerySamples, queryKindLabels, queryKinds, sampleRecord, type QueryKind } from './searchQueryKinds.ts';
import { mulberry32, percentile, rssMb, settle } from './measure.ts';
import { indexClasses } from '../subgraphs/catalogue/snapshot/indexState.ts';
import { decodeStructure, encodeStructure } from '../subgraphs/catalogue/snapshot/structureCodec.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    count: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '300' },
    seed: { type: 'string', default: '42' },
    scope: { type: 'string', default: 'anonymous' },
    'index-file': { type: 'string' },
    kinds: { type: 'string' },
  },
});
const count = Number(values.count);
const queryCount = Number(values.queries);
const random = mulberry32(Number(values.seed));

await settle();
const rssBefore = rssMb();
const indexFile = values['index-file'];
const loading = indexFile !== undefined && existsSync(indexFile);
let index = new SearchIndex();
const samples = emptyQuerySamples();
let started = performance.now();
for (const record of iterateDatasets(count, 1)) {
  if (!loading) index.upsert(record);
  sampleRecord(samples, record, random);
}
if (loading) {
  started = performance.now();
  const loaded = decodeStructure(await readFile(indexFile), indexClasses);
  if (!(loaded instanceof SearchIndex) || loaded.size !== count) throw new Error(`${indexFile} holds no search index of ${count} datasets; delete it to build one.`);
  index = loaded;
}
const buildMs = performance.now() - started;
await settle();
const rssAfter = rssMb();
// Written after the memory is measured: the encoded copy would count in it.
if (!loading && indexFile !== undefined) await writeFile(indexFile, encodeStructure(index, indexClasses));

const kinds = queryKinds(samples, random);

// The discoverable set is made once, as the catalogue caches it per consumer until the index changes.
const within = values.scope === 'none' ? undefined : index.documentsWhere((key) => key.tier !== 'confidential');
// As \`Query.search\` runs by default: region breadth, format groups and cross-lingual expansion on.
const scoped = { ...(within ? { within } : {}), crowdRegions: true, groupFormats: true };
const rows: string[] = [];
const measured = values.kinds === undefined ? undefined : new Set(values.kinds.split(','));
for (const [kind, make] of Object.entries(kinds) as [QueryKind, () => { text: string; filter?: SearchFilter }][]) {
  // Every kind's queries are drawn, measured or not, so a kind's queries are the same whichever are measured.
  const queries = Array.from({ length: queryCount }, make);
  if (measured && !measured.has(kind)) continue;
  for (const query of queries.slice(0, 20)) index.search({ ...query, ...scoped, sort: 'RELEVANCE', first: 20 });
  const timings: number[] = [];
  const cpuTimings: number[] = [];
  let hits = 0;
  for (const query of queries) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const outcome = index.search({ ...query, ...scoped, sort: 'RELEVANCE', first: 20 });
    timings.push(performance.now() - start);
    const cpu = process.cpuUsage(cpuStart);
    cpuTimings.push((cpu.user + cpu.system) / 1000);
    hits += outcome.total;
  }
  const ms = (samples: number[], p: number) => percentile(samples, p).toFixed(1);
  rows.push(`| ${queryKindLabels[kind]} | ${ms(timings, 50)} | ${ms(timings, 99)} | ${ms(cpuTimings, 50)} | ${ms(cpuTimings, 99)} | ${Math.round(hits / queries.length)} |`);
}

// Incremental cost: replace existing documents with edited copies, then delete some.
const sample = [...iterateDatasets(Math.min(count, 1000), 1)];
started = performance.now();
for (const record of sample) index.upsert({ ...record, revision: `${record.revision}x`, title: [{ lang: 'en', value: `${record.title[0]!.value} revised` }, ...record.title.slice(1)] });
const upsertMs = (performance.now() - started) / sample.length;
started = performance.now();
for (const record of sample) index.remove(record.id);
const deleteMs = (performance.now() - started) / sample.length;

console.log(`## Catalogue search, ${count.toLocaleString('en')} datasets

Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores): a search runs on one thread, a facet tally of 1,000 datasets or more on a second meanwhile; ${queryCount} queries per kind, first page of 20 plus every facet; ${within ? `scoped to an anonymous consumer's ${within.count().toLocaleString('en')} datasets` : 'every dataset'}.

- ${loading ? `index loaded from ${indexFile}: ${(buildMs / 1000).toFixed(1)} s` : `index build: ${(buildMs / 1000).toFixed(1)} s (${Math.round(count / (buildMs / 1000)).toLocaleString('en')} datasets/s)`}
- RSS: ${rssAfter} MB after build (${rssAfter - rssBefore} MB for the index and its records)
- upsert (replace): ${upsertMs.toFixed(2)} ms each; delete: ${deleteMs.toFixed(2)} ms each (averaged over ${sample.length})

| query kind | p50 ms | p99 ms | p50 CPU ms | p99 CPU ms | mean hits |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
`);
