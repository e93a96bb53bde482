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
import { SearchIndex, type SearchFilter } from '../subgraphs/catalogue/search/createSearchIndex.ts';
import type { SearchOutcome, SearchRequest } from '../subgraphs/catalogue/search/searchTypes.ts';
import { tokenize } from '../subgraphs/catalogue/search/analyzer.ts';
import { iterateDatasets, vocabulary } from './generateDatasets.ts';
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
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const index = new SearchIndex();
const englishTitles: string[] = [];
const chineseTitles: string[] = [];
const regions = new Set<string>();
const themes = new Set<string>();
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
  regions.add(record.region);
  for (const theme of record.themes) themes.add(theme);
  if (englishTitles.length < 5000 && random() < 0.05) {
    const english = record.title.find((text) => text.lang === 'en');
    if (english) englishTitles.push(english.value);
    const chinese = record.title.find((text) => text.lang === 'zh');
    if (chinese) chineseTitles.push(chinese.value);
  }
}

const words = (title: string) => title.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length > 1 && !/^\d+$/.test(word));
const typo = (word: string) => {
  const at = 1 + Math.floor(random() * (word.length - 2));
  return word.slice(0, at) + word.slice(at + 1);
};
const titleWords = englishTitles.flatMap(words);
const longWords = titleWords.filter((word) => word.length >= 6);
const prefixable = titleWords.filter((word) => word.length >= 5);
const kinds: Record<string, () => { text: string; filter?: SearchFilter }> = {
  short: () => ({ text: words(pick(englishTitles)).slice(0, 1 + Math.floor(random() * 2)).join(' ') }),
  long: () => {
    const all = words(pick(englishTitles));
    return { text: all.slice(0, Math.min(all.length, 3 + Math.floor(random() * 3))).join(' ') };
  },
  typo: () => ({ text: typo(pick(longWords).toLowerCase()) }),
  filtered: () => ({
    text: words(pick(englishTitles))[0]!,
    filter: { fields: { region: [pick([...regions]), pick([...regions])], theme: [pick([...themes])] }, modifiedFrom: Date.parse('2018-01-01') },
  }),
  prefix: () => {
    const word = pick(prefixable);
    return { text: word.slice(0, 3 + Math.floor(random() * 2)).toLowerCase() };
  },
  crossLingual: () => {
    const subject = pick(vocabulary.subjects);
    return { text: subject[pick(['zh', 'vi', 'ms', 'pt', 'id', 'th'] as const)] };
  },
  cjk: () => {
    const bigrams = tokenize(pick(chineseTitles)).filter((term) => term.length === 2 && /\p{Script=Han}/u.test(term));
    return { text: pick(bigrams) };
  },
};

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
