/**
 * Every answer of the catalogue search over generated datasets, written out
 * whole (one JSON line per search) so that two builds of the index can be
 * compared to the last bit: a change meant to make search faster must not
 * change any score, page, total, facet, highlight, explanation or
 * suggestion.
 *
 *   node --import tsx bench/searchAnswers.ts --count 100000 --out answers.jsonl
 *   cmp before.jsonl after.jsonl
 *
 * Seven query kinds (as `searchIndex.ts` makes them) × 30 queries × four
 * settings (default, no region breadth, unscoped, no cross-lingual) × three
 * pages by cursor; then explanations, sorts by date and title, pages of 200,
 * format groups, and suggestions. Some datasets get siblings differing only
 * by a format suffix in the title, so format groups are exercised.
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { SearchIndex } from '../subgraphs/catalogue/search/createSearchIndex.ts';
import type { SearchOutcome, SearchRequest } from '../subgraphs/catalogue/search/searchTypes.ts';
import { iterateDatasets } from './generateDatasets.ts';
import { emptyQuerySamples, queryKinds, sampleRecord } from './searchQueryKinds.ts';
import { mulberry32 } from './measure.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    count: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '30' },
    out: { type: 'string' },
  },
});
if (!values.out) throw new Error('--out <file> is required: where the answers are written.');
const count = Number(values.count);
const queryCount = Number(values.queries);
const random = mulberry32(42);

const index = new SearchIndex();
const samples = emptyQuerySamples();
let n = 0;
for (const record of iterateDatasets(count, 1)) {
  index.upsert(record);
  n += 1;
  // Every 40th dataset gets two siblings differing only by a format suffix: a format group of three.
  if (n % 40 === 0) {
    for (const format of ['KML', 'GEOJSON']) {
      const [first, ...rest] = record.title;
      index.upsert({ ...record, id: `${record.id}-${format}`, identifier: `${record.identifier}-${format}`, title: [{ ...first!, value: `${first!.value} (${format})` }, ...rest] });
    }
  }
  sampleRecord(samples, record, random);
}

const kinds = queryKinds(samples, random);

const within = index.documentsWhere((key) => key.tier !== 'confidential');
const out = createWriteStream(values.out);
const write = (label: string, outcome: unknown) => out.write(`${JSON.stringify([label, outcome])}\n`);
/** An outcome as JSON can hold it: records by id, every number as its exact bits (JSON would round none, but -0 and NaN). */
const plain = (outcome: SearchOutcome) => ({
  ...outcome,
  hits: outcome.hits.map((hit) => ({ ...hit, record: hit.record.id, key: exactly(hit.key), score: exactly(hit.score), variants: hit.variants.map((variant) => [variant.format, variant.record.id]) })),
});
const exactly = (value: number | string) => (typeof value === 'number' ? `${value}|${Object.is(value, -0)}` : value);

const settings: Record<string, Partial<SearchRequest>> = {
  default: { within, crowdRegions: true, groupFormats: true },
  noBreadth: { within, crowdRegions: false, groupFormats: true },
  unscoped: { crowdRegions: true, groupFormats: true },
  noCrossLingual: { within, crowdRegions: true, groupFormats: true, crossLingual: false },
};
let searches = 0;
const pages = (label: string, request: SearchRequest, pageCount: number) => {
  let after: SearchRequest['after'];
  for (let page = 0; page < pageCount; page += 1) {
    const outcome = index.search({ ...request, ...(after ? { after } : {}) });
    write(`${label} page ${page}`, plain(outcome));
    searches += 1;
    const last = outcome.hits.at(-1);
    if (!outcome.hasMore || !last) break;
    after = { id: last.id, key: last.key };
  }
};
for (const [kind, make] of Object.entries(kinds)) {
  const queries = Array.from({ length: queryCount }, make);
  queries.forEach((query, q) => {
    for (const [name, setting] of Object.entries(settings)) pages(`${kind} ${q} ${name}`, { ...query, ...setting, sort: 'RELEVANCE', first: 20 }, 3);
    if (q < 5) {
      pages(`${kind} ${q} explain`, { ...query, ...settings.default, sort: 'RELEVANCE', first: 20, explain: true }, 2);
      pages(`${kind} ${q} modified`, { ...query, ...settings.default, sort: 'MODIFIED', first: 20 }, 2);
      pages(`${kind} ${q} title`, { ...query, ...settings.default, sort: 'TITLE', first: 20 }, 2);
      pages(`${kind} ${q} first 200`, { ...query, ...settings.default, sort: 'RELEVANCE', first: 200 }, 2);
      pages(`${kind} ${q} groups only`, { ...query, within, groupFormats: true, sort: 'RELEVANCE', first: 20 }, 2);
      pages(`${kind} ${q} plain`, { ...query, within, sort: 'RELEVANCE', first: 20 }, 2);
      write(`${kind} ${q} suggest`, index.suggest(query.text, 10, within).map((record) => record.id));
      searches += 1;
    }
  });
}
out.end();
console.log(`${searches.toLocaleString('en')} answers over ${count.toLocaleString('en')} datasets written to ${values.out}`);
