import type { DatasetRecord } from '../schema/datasetRecord.ts';
import type { SearchFilter } from '../subgraphs/catalogue/search/createSearchIndex.ts';
import { tokenize } from '../subgraphs/catalogue/search/analyzer.ts';
import { vocabulary } from './generateDatasets.ts';

/** What the search benchmarks draw their queries from, gathered while the index is built. */
export interface QuerySamples {
  englishTitles: string[];
  chineseTitles: string[];
  regions: Set<string>;
  themes: Set<string>;
}

export const emptyQuerySamples = (): QuerySamples => ({ englishTitles: [], chineseTitles: [], regions: new Set(), themes: new Set() });

/** Notes `record` in `samples`: its region and themes, and one title in twenty (up to 5,000). */
export function sampleRecord(samples: QuerySamples, record: DatasetRecord, random: () => number): void {
  samples.regions.add(record.region);
  for (const theme of record.themes) samples.themes.add(theme);
  if (samples.englishTitles.length < 5000 && random() < 0.05) {
    const english = record.title.find((text) => text.lang === 'en');
    if (english) samples.englishTitles.push(english.value);
    const chinese = record.title.find((text) => text.lang === 'zh');
    if (chinese) samples.chineseTitles.push(chinese.value);
  }
}

/** The kinds of query the benchmarks time and compare, by key, with the label a table shows. */
export const queryKindLabels = {
  short: 'short (1–2 words)',
  long: 'long (3–5 words)',
  typo: 'typo (one edit)',
  filtered: 'filtered + faceted',
  prefix: 'prefix (3–4 letters)',
  crossLingual: 'cross-lingual (a subject in zh, vi, ms, pt, id or th)',
  cjk: 'CJK (2 characters)',
} as const;

export type QueryKind = keyof typeof queryKindLabels;

/** A maker of random queries of each kind, from `samples`. */
export function queryKinds(samples: QuerySamples, random: () => number): Record<QueryKind, () => { text: string; filter?: SearchFilter }> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const words = (title: string) => title.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length > 1 && !/^\d+$/.test(word));
  /** The word with one letter deleted. */
  const typo = (word: string) => {
    const at = 1 + Math.floor(random() * (word.length - 2));
    return word.slice(0, at) + word.slice(at + 1);
  };
  const { englishTitles, chineseTitles } = samples;
  const titleWords = englishTitles.flatMap(words);
  const longWords = titleWords.filter((word) => word.length >= 6);
  const prefixable = titleWords.filter((word) => word.length >= 5);
  return {
    short: () => ({ text: words(pick(englishTitles)).slice(0, 1 + Math.floor(random() * 2)).join(' ') }),
    long: () => {
      const all = words(pick(englishTitles));
      return { text: all.slice(0, Math.min(all.length, 3 + Math.floor(random() * 3))).join(' ') };
    },
    typo: () => ({ text: typo(pick(longWords).toLowerCase()) }),
    filtered: () => ({
      text: words(pick(englishTitles))[0]!,
      filter: { fields: { region: [pick([...samples.regions]), pick([...samples.regions])], theme: [pick([...samples.themes])] }, modifiedFrom: Date.parse('2018-01-01') },
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
}
