/**
 * Benchmark (not a test): MiniSearch vs FlexSearch (Document index) on the same
 * synthetic catalogue, with the same analyzer, printing a markdown table for
 * bench/RESULTS.md.
 *
 *   npx tsx bench/compareSearchLibraries.ts --count 100000 [--queries 200]
 *   node --expose-gc --import tsx bench/compareSearchLibraries.ts --count 100000
 *
 * Options: --seed 1, --ops 1000 (upserts and deletes each), --combine and|or,
 * --libs minisearch,flexsearch,flexsearch-forward,flexsearch-tolerant
 * (also: flexsearch-nofastupdate, FlexSearch's default register).
 *
 * Each library runs in a fresh child process (node with --expose-gc), one after
 * the other, so RSS numbers don't include another library's heap and no two
 * runs share a core. Inside a child everything is sequential on one thread:
 * build (only the add calls are timed; generating the records is not), a full
 * GC, RSS and heap, a warm-up query set, then the measured queries (each run
 * once, p50/p99), then upserts (replace a live document) and deletes.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Document, type Id, type Tokenizer } from 'flexsearch';
import MiniSearch from 'minisearch';
import type { DatasetRecord } from '../schema/datasetRecord.ts';
import { iterateDatasets, vocabulary, type Lang } from './generateDatasets.ts';
import { mulberry32 } from './measure.ts';

// ---------------------------------------------------------------- analyzer --
/**
 * The one analyzer both libraries get: NFKD with combining marks removed,
 * đ → d, lower case, split on anything not a letter/digit (marks stay inside
 * words, so Thai vowels don't split words); Han/Kana/Hangul runs become
 * overlapping bigrams (a lone character stays a unigram).
 */
const cjk = '\\p{scx=Han}\\p{scx=Hiragana}\\p{scx=Katakana}\\p{scx=Hangul}';
const cjkRun = new RegExp(`[${cjk}]+`, 'gu');
const hasCjk = new RegExp(`[${cjk}]`, 'u');
const wordSplit = /[^\p{L}\p{N}\p{M}]+/u;
const nonAscii = /[^\x00-\x7f]/;
const marks = /\p{M}+/gu;

function fold(word: string): string {
  if (!nonAscii.test(word)) return word.toLowerCase();
  return word.normalize('NFKD').replace(marks, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

export function analyze(text: string): string[] {
  const terms: string[] = [];
  const pushFolded = (word: string) => {
    const folded = fold(word);
    if (folded) terms.push(folded);
  };
  for (const word of text.split(wordSplit)) {
    if (!word) continue;
    if (!hasCjk.test(word)) {
      pushFolded(word);
      continue;
    }
    let last = 0;
    for (const match of word.matchAll(cjkRun)) {
      if (match.index > last) pushFolded(word.slice(last, match.index));
      const chars = Array.from(match[0]);
      if (chars.length === 1) terms.push(chars[0]!);
      for (let i = 0; i + 1 < chars.length; i += 1) terms.push(chars[i]! + chars[i + 1]!);
      last = match.index + match[0].length;
    }
    if (last < word.length) pushFolded(word.slice(last));
  }
  return terms;
}

// ------------------------------------------------------------------ setup --
type SearchDoc = { id: string; title: string; keywords: string; publisher: string; description: string };
const fields = ['title', 'keywords', 'publisher', 'description'] as const;
const boosts = { title: 3, keywords: 2, publisher: 1.5, description: 1 };
const kinds = ['short', 'long', 'typo', 'prefix', 'cjk'] as const;
type Kind = (typeof kinds)[number];
const topK = 20;

const toDoc = (record: DatasetRecord): SearchDoc => ({
  id: record.id,
  title: record.title.map((text) => text.value).join('\n'),
  keywords: record.keywords.join('\n'),
  publisher: record.publisher?.name ?? '',
  description: record.description.map((text) => text.value).join('\n'),
});

interface Engine {
  add(doc: SearchDoc): void;
  search(query: string, kind: Kind): number; // hits returned (≤ topK)
  upsert(doc: SearchDoc): void;
  remove(id: string): void;
  /** Kinds the engine has no equivalent for, with why. */
  unsupported: Partial<Record<Kind, string>>;
}

interface Variant { label: string; make(combine: 'and' | 'or'): Engine }

function miniSearchEngine(combine: 'and' | 'or'): Engine {
  const index = new MiniSearch<SearchDoc>({ fields: [...fields], idField: 'id', tokenize: analyze, processTerm: (term) => term });
  return {
    add: (doc) => index.add(doc),
    search: (query, kind) =>
      index.search(query, {
        boost: boosts,
        combineWith: combine === 'and' ? 'AND' : 'OR',
        prefix: kind === 'prefix',
        fuzzy: kind === 'typo' ? 0.2 : false,
      }).slice(0, topK).length,
    upsert: (doc) => index.replace(doc),
    remove: (id) => index.discard(id),
    unsupported: {},
  };
}

function flexSearchEngine(tokenize: Tokenizer, fastupdate: boolean) {
  return (combine: 'and' | 'or'): Engine => {
    const index = new Document<SearchDoc>({
      document: { id: 'id', index: fields.map((field) => ({ field, tokenize, encode: analyze })) },
      fastupdate,
      cache: false,
    });
    // No numeric field boosts in Document.search: fields are searched in boost
    // order and merged, so title hits rank first. AND holds within one field.
    const options = { index: [...fields], limit: topK, merge: true as const, suggest: combine === 'or' };
    return {
      add: (doc) => void index.add(doc),
      search: (query) => (index.search(query, options) as unknown as { id: Id }[]).slice(0, topK).length,
      upsert: (doc) => void index.update(doc),
      remove: (id) => void index.remove(id),
      unsupported: {
        ...(tokenize === 'tolerant' ? {} : { typo: 'no edit-distance fuzzy; typo needs tokenize "tolerant"' }),
        ...(tokenize === 'forward' ? {} : { prefix: 'prefix needs tokenize "forward" (index-time)' }),
      },
    };
  };
}

const variants: Record<string, Variant> = {
  minisearch: { label: `MiniSearch ${version('minisearch')}`, make: miniSearchEngine },
  flexsearch: { label: `FlexSearch ${version('flexsearch')} strict`, make: flexSearchEngine('strict', true) },
  'flexsearch-forward': { label: 'FlexSearch forward', make: flexSearchEngine('forward', true) },
  'flexsearch-tolerant': { label: 'FlexSearch tolerant', make: flexSearchEngine('tolerant', true) },
  'flexsearch-nofastupdate': { label: 'FlexSearch forward, no fastupdate', make: flexSearchEngine('forward', false) },
};

function version(name: string): string {
  const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

// ---------------------------------------------------------------- queries --

const latinLangs: Lang[] = ['en', 'en', 'en', 'vi', 'ms', 'id', 'pt'];
const words = (text: string) => text.split(/[\s,()–—]+/).filter(Boolean);

/** Query sets per kind, drawn from the generator's vocabulary (long ones from generated titles). */
function makeQueries(random: () => number, n: number, titles: string[]): Record<Kind, string[]> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const subjectIn = (lang: Lang) => pick(vocabulary.subjects)[lang];
  const latinWords = vocabulary.subjects.flatMap((s) => latinLangs.flatMap((l) => words(s[l])))
    .map((w) => fold(w)).filter((w) => /^[a-z]{5,}$/.test(w));
  const chineseBigrams = vocabulary.subjects.flatMap((s) => {
    const text = random() < 0.2 ? vocabulary.toTraditional(s.zh) : s.zh;
    return Array.from(text.matchAll(/[\u4e00-\u9fff]{2,}/g)).flatMap((m) => Array.from({ length: m[0].length - 1 }, (_, i) => m[0].slice(i, i + 2)));
  });
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const typo = (word: string) => {
    const i = 1 + Math.floor(random() * (word.length - 2));
    const c = pick([...letters]);
    switch (Math.floor(random() * 4)) {
      case 0: return word.slice(0, i) + c + word.slice(i + 1); // substitution
      case 1: return word.slice(0, i) + word.slice(i + 1); // deletion
      case 2: return word.slice(0, i) + c + word.slice(i); // insertion
      default: return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2); // transposition
    }
  };
  const make: Record<Kind, () => string> = {
    short: () => {
      for (;;) {
        const r = random();
        const q = r < 0.7 ? subjectIn(pick([...latinLangs, 'th'])) : r < 0.9 ? pick(vocabulary.places) : pick(vocabulary.kinds).en;
        if (words(q).length <= 2 && !/[\u4e00-\u9fff]/.test(q)) return q;
      }
    },
    long: () => {
      const w = words(pick(titles));
      const len = Math.min(w.length, 3 + Math.floor(random() * 3));
      const start = Math.floor(random() * (w.length - len + 1));
      return w.slice(start, start + len).join(' ');
    },
    typo: () => typo(pick(latinWords)),
    prefix: () => pick(latinWords).slice(0, 3 + Math.floor(random() * 2)),
    cjk: () => pick(chineseBigrams),
  };
  return Object.fromEntries(kinds.map((kind) => [kind, Array.from({ length: n }, make[kind])])) as Record<Kind, string[]>;
}

// ------------------------------------------------------------------ child --
interface ChildResult {
  label: string;
  buildMs: number;
  rssBaseMb: number;
  rssMb: number;
  heapMb: number;
  latency: Record<Kind, { p50: number; p99: number; hitRate: number } | { unsupported: string }>;
  upsertMs: number;
  deleteMs: number;
}

const mb = (bytes: number) => bytes / 2 ** 20;
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;

function runChild(name: string, count: number, queryCount: number, seed: number, ops: number, combine: 'and' | 'or'): ChildResult {
  const variant = variants[name];
  if (!variant) throw new Error(`unknown library ${name}`);
  const engine = variant.make(combine);
  const random = mulberry32(seed * 7919 + 17);
  // Documents kept aside: upsert targets, their new contents, delete targets, long-query titles.
  const kept = new Map<number, SearchDoc>();
  const keepIndex = () => Math.floor(random() * count);
  const upsertTargets = Array.from({ length: ops }, keepIndex);
  const upsertSources = Array.from({ length: ops }, keepIndex);
  const deleteTargets = Array.from({ length: ops }, keepIndex);
  const titleSources = Array.from({ length: queryCount * 2 }, keepIndex);
  const keep = new Set([...upsertTargets, ...upsertSources, ...deleteTargets, ...titleSources]);

  gc();
  const rssBase = process.memoryUsage().rss;
  let buildMs = 0;
  let n = 0;
  for (const record of iterateDatasets(count, seed)) {
    const doc = toDoc(record);
    if (keep.has(n)) kept.set(n, doc);
    const start = performance.now();
    engine.add(doc);
    buildMs += performance.now() - start;
    n += 1;
  }
  gc();
  const memory = process.memoryUsage();

  const titles = titleSources.map((i) => kept.get(i)!.title.split('\n')).map((t) => (t.length > 1 && /[\u4e00-\u9fff]/.test(t[0]!) ? t[1]! : t[0]!));
  const warmup = makeQueries(random, Math.max(20, Math.floor(queryCount / 4)), titles.slice(queryCount));
  const measured = makeQueries(random, queryCount, titles.slice(0, queryCount));
  const latency = {} as ChildResult['latency'];
  for (const kind of kinds) {
    const why = engine.unsupported[kind];
    if (why) {
      latency[kind] = { unsupported: why };
      continue;
    }
    for (const query of warmup[kind]) engine.search(query, kind);
    const times: number[] = [];
    let hits = 0;
    for (const query of measured[kind]) {
      const start = performance.now();
      const found = engine.search(query, kind);
      times.push(performance.now() - start);
      if (found > 0) hits += 1;
    }
    times.sort((a, b) => a - b);
    latency[kind] = { p50: percentile(times, 0.5), p99: percentile(times, 0.99), hitRate: hits / times.length };
  }

  let start = performance.now();
  upsertTargets.forEach((target, i) => engine.upsert({ ...kept.get(upsertSources[i]!)!, id: kept.get(target)!.id }));
  const upsertMs = (performance.now() - start) / ops;
  const deleted = new Set<string>();
  start = performance.now();
  for (const target of deleteTargets) {
    const id = kept.get(target)!.id;
    if (deleted.has(id)) continue; // a second delete of one id would be a no-op (or throw)
    deleted.add(id);
    engine.remove(id);
  }
  const deleteMs = (performance.now() - start) / deleted.size;

  return { label: variant.label, buildMs, rssBaseMb: mb(rssBase), rssMb: mb(memory.rss), heapMb: mb(memory.heapUsed), latency, upsertMs, deleteMs };
}

// ----------------------------------------------------------------- parent --
const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) main();

function main(): void {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '100000' },
      queries: { type: 'string', default: '200' },
      seed: { type: 'string', default: '1' },
      ops: { type: 'string', default: '1000' },
      combine: { type: 'string', default: 'and' },
      libs: { type: 'string', default: 'minisearch,flexsearch,flexsearch-forward,flexsearch-tolerant' },
      child: { type: 'string' },
    },
  });
  const count = Number(values.count);
  const queryCount = Number(values.queries);
  const seed = Number(values.seed);
  const ops = Number(values.ops);
  const combine = values.combine === 'or' ? 'or' : 'and';

  if (values.child) {
    const result = runChild(values.child, count, queryCount, seed, ops, combine);
    process.stdout.write(`\n${JSON.stringify(result)}\n`);
  } else {
    const libs = values.libs.split(',').map((lib) => lib.trim()).filter(Boolean);
    const results: ChildResult[] = [];
    for (const lib of libs) {
      const started = Date.now();
      process.stderr.write(`${lib}: ${count} docs, ${queryCount} queries per kind… `);
      const args = [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), '--child', lib,
        '--count', String(count), '--queries', String(queryCount), '--seed', String(seed), '--ops', String(ops), '--combine', combine];
      const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, stdio: ['ignore', 'pipe', 'inherit'] });
      if (child.status !== 0) throw new Error(`${lib} failed (exit ${child.status ?? child.signal})`);
      results.push(JSON.parse(child.stdout.trim().split('\n').pop()!) as ChildResult);
      process.stderr.write(`${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    }

    const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 0.1 ? x.toFixed(2) : x.toPrecision(2));
    const row = (name: string, cells: string[]) => `| ${name} | ${cells.join(' | ')} |`;
    const notes = new Map<string, number>();
    const note = (text: string) => {
      if (!notes.has(text)) notes.set(text, notes.size + 1);
      return notes.get(text)!;
    };
    const lines = [
      row('', results.map((r) => r.label)),
      row('---', results.map(() => '---:')),
      row('build, add calls only (ms)', results.map((r) => f(r.buildMs))),
      row('RSS before build (MB)', results.map((r) => f(r.rssBaseMb))),
      row('RSS after build (MB)', results.map((r) => f(r.rssMb))),
      row('JS heap after build (MB)', results.map((r) => f(r.heapMb))),
      ...kinds.map((kind) =>
        row(`${kind}: p50 / p99 ms (queries with hits)`, results.map((r) => {
          const l = r.latency[kind];
          return 'unsupported' in l ? `n/a [${note(l.unsupported)}]` : `${f(l.p50)} / ${f(l.p99)} (${Math.round(l.hitRate * 100)}%)`;
        }))),
      row(`upsert, replace a live doc (ms/op, ${ops} ops)`, results.map((r) => f(r.upsertMs))),
      row(`delete (ms/op, ${ops} ops)`, results.map((r) => f(r.deleteMs))),
    ];
    console.log(`\n${count.toLocaleString('en')} synthetic datasets (seed ${seed}), ${queryCount} queries per kind, top ${topK}, ` +
      `combine ${combine.toUpperCase()}; Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores)\n`);
    console.log(lines.join('\n'));
    console.log([
      '',
      ...[...notes].map(([text, i]) => `[${i}] ${text}`),
      'Same analyzer for all (NFKD fold, đ→d, lower case, CJK bigrams). Fields title 3, keywords 2, publisher 1.5, description 1:',
      'MiniSearch takes the boosts; FlexSearch has no numeric field boost in Document.search, so fields are searched in that order',
      `and merged (merge: true), limit ${topK} per field. MiniSearch AND spans fields; FlexSearch AND holds within one field`,
      '(suggest: true with --combine or). MiniSearch: prefix only for prefix queries, fuzzy 0.2 only for typo queries (Levenshtein:',
      'a transposition is 2 edits, so it misses one in words under 8 letters); upsert = replace(), delete = discard() (lazy; vacuuming',
      'is left to autoVacuum). FlexSearch: fastupdate on (off is its default and slower still: --libs flexsearch-nofastupdate); even',
      'so update/remove do indexOf + splice on every posting list holding the id, linear in its length (forward: short prefixes list',
      'most documents); tokenize "forward" indexes every prefix, "tolerant" indexes swapped/missing-letter variants (it cannot match',
      'an inserted or substituted letter); upsert = update(), delete = remove(). Typo queries: one random edit (substitution, deletion,',
      'insertion or transposition, never the first letter) of a word of ≥ 5 letters. Each library ran in its own process with --expose-gc.',
    ].join('\n'));
  }
}
