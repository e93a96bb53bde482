/**
 * Relevance of catalogue search over the demo catalogue: nDCG@10 and MRR
 * per query language and overall, for the search as committed and for the
 * search engine of an earlier commit (before), on the same judgments
 * (`relevanceJudgments.yaml`, made as `relevanceJudgments.md` tells).
 *
 *   npm run bench -- relevance [--baseline <commit>] [--verbose]
 *
 * The earlier engine is `subgraphs/catalogue/search/` at `--baseline`
 * (default 0fb5278, the commit before cross-lingual search), taken with
 * `git archive` into a temporary folder beside the repository's own
 * modules. Searches run over every demo dataset (no consumer scope), first
 * page of 10, as `Query.search` runs them: region breadth and format
 * groups on (the earlier engine had neither).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { DatasetRecord } from '../schema/datasetRecord.ts';
import { loadDatasetFolder } from '../subgraphs/region/store/loadDatasetFolder.ts';
import { SearchIndex } from '../subgraphs/catalogue/search/createSearchIndex.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { baseline: { type: 'string', default: '0fb5278' }, verbose: { type: 'boolean', default: false } },
});

const root = fileURLToPath(new URL('..', import.meta.url));
const languages = ['en', 'zh-Hans', 'zh-Hant', 'pt', 'vi', 'ms'] as const;
const smallRegions = ['CN-GX', 'MO', 'VN'];
/** A result at least this good counts as relevant for MRR. */
const relevantFrom = 2;
const cutoff = 10;

interface Subject {
  subject: string;
  queries: Record<(typeof languages)[number], string>;
  judged: Record<string, number>;
}
const subjects = parseYaml(readFileSync(join(root, 'bench/relevanceJudgments.yaml'), 'utf8')) as Subject[];

const records: DatasetRecord[] = [];
for (const region of ['CN-GX', 'MO', 'VN', 'MY', 'SG']) records.push(...(await loadDatasetFolder(join(root, 'subgraphs/demo', region), region)).records);
const known = new Set(records.map((record) => record.id));
for (const { subject, judged } of subjects) {
  for (const id of Object.keys(judged)) if (!known.has(id)) throw new Error(`relevanceJudgments.yaml: "${subject}" judges ${id}, which no demo region publishes`);
}

type Search = (text: string) => string[];

function engineOf(Index: typeof SearchIndex, options: object): Search {
  const index = new Index();
  for (const record of records) index.upsert(record);
  return (text) => index.search({ text, sort: 'RELEVANCE', first: cutoff, ...options }).hits.map((hit) => hit.id);
}

/** The search engine of `commit`, from `git archive`, importing the repository's schema, shared code and modules. */
async function baselineIndex(commit: string): Promise<{ Index: typeof SearchIndex; cleanup: () => void }> {
  const folder = mkdtempSync(join(tmpdir(), 'wharf-baseline-'));
  const archive = execFileSync('git', ['-C', root, 'archive', commit, 'subgraphs/catalogue/search'], { maxBuffer: 64 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', folder], { input: archive });
  symlinkSync(join(root, 'schema'), join(folder, 'schema'));
  symlinkSync(join(root, 'node_modules'), join(folder, 'node_modules'));
  mkdirSync(join(folder, 'subgraphs'), { recursive: true });
  symlinkSync(join(root, 'subgraphs/shared'), join(folder, 'subgraphs/shared'));
  const module = (await import(pathToFileURL(join(folder, 'subgraphs/catalogue/search/createSearchIndex.ts')).href)) as { SearchIndex: typeof SearchIndex };
  return { Index: module.SearchIndex, cleanup: () => rmSync(folder, { recursive: true, force: true }) };
}

const gain = (grade: number) => 2 ** grade - 1;
function ndcg(ranked: readonly string[], judged: Record<string, number>): number {
  let dcg = 0;
  ranked.slice(0, cutoff).forEach((id, i) => (dcg += gain(judged[id] ?? 0) / Math.log2(i + 2)));
  const ideal = Object.values(judged).sort((a, b) => b - a).slice(0, cutoff);
  let idcg = 0;
  ideal.forEach((grade, i) => (idcg += gain(grade) / Math.log2(i + 2)));
  return idcg === 0 ? 0 : dcg / idcg;
}
function reciprocalRank(ranked: readonly string[], judged: Record<string, number>): number {
  const at = ranked.slice(0, cutoff).findIndex((id) => (judged[id] ?? 0) >= relevantFrom);
  return at < 0 ? 0 : 1 / (at + 1);
}

interface Scores {
  ndcg: number[];
  mrr: number[];
}
function evaluate(search: Search): Map<string, Scores> {
  const groups = new Map<string, Scores>();
  const add = (group: string, ranked: string[], judged: Record<string, number>) => {
    let scores = groups.get(group);
    if (!scores) groups.set(group, (scores = { ndcg: [], mrr: [] }));
    scores.ndcg.push(ndcg(ranked, judged));
    scores.mrr.push(reciprocalRank(ranked, judged));
  };
  for (const { subject, queries, judged } of subjects) {
    const best = Object.entries(judged).filter(([, grade]) => grade === 3);
    const smallOnly = best.length > 0 && best.every(([id]) => smallRegions.includes(id.split(':')[0]!));
    for (const language of languages) {
      const ranked = search(queries[language]);
      if (values.verbose) console.error(`${subject} [${language}] ${queries[language]}: ${ranked.map((id) => `${id}=${judged[id] ?? 0}`).join(' ')}`);
      add(language, ranked, judged);
      add('overall', ranked, judged);
      // Queries in another language than every judged dataset's own (English excepted: most datasets carry an English title).
      if (language !== 'en') add('not English', ranked, judged);
      if (smallOnly) add('best answers only in CN-GX, MO, VN', ranked, judged);
    }
  }
  return groups;
}

const mean = (list: number[]) => list.reduce((sum, value) => sum + value, 0) / Math.max(1, list.length);

const after = evaluate(engineOf(SearchIndex, { crowdRegions: true, groupFormats: true }));
const { Index, cleanup } = await baselineIndex(values.baseline!);
let before: Map<string, Scores>;
try {
  before = evaluate(engineOf(Index, {}));
} finally {
  cleanup();
}
const rows = [...after.keys()].map((group) => {
  const b = before.get(group)!;
  const a = after.get(group)!;
  return `| ${group} | ${a.ndcg.length} | ${mean(b.ndcg).toFixed(3)} | ${mean(a.ndcg).toFixed(3)} | ${mean(b.mrr).toFixed(3)} | ${mean(a.mrr).toFixed(3)} |`;
});
console.log(`## Search relevance over the demo catalogue (${records.length.toLocaleString('en')} datasets)

${subjects.length} subjects × ${languages.length} query languages; judgments in bench/relevanceJudgments.yaml. Before: the search engine at ${values.baseline}; after: this one, with region breadth and format groups as \`Query.search\` has them by default. nDCG@${cutoff} with gains 2^grade − 1; MRR of the first result graded ${relevantFrom} or more.

| queries | n | nDCG@${cutoff} before | nDCG@${cutoff} after | MRR before | MRR after |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}
`);
