import { maxWordChars } from './analyzer.ts';
import type { ScopedFrequencies } from './scopeStatistics.ts';
import { keepLargest } from './searchPaging.ts';
import type { TermDictionary } from './termDictionary.ts';

/** Typo tolerance: words the catalogue does not know, from this length, match indexed words one edit away (two from `twoEditsFrom`). */
const fuzzyFrom = 5;
const twoEditsFrom = 9;
/** Search as you type: the last word also matches as a prefix, from this length, by its most frequent completions. */
const prefixFrom = 2;
const prefixCompletions = 64;
/** Weights of expanded terms relative to the word as typed. */
const prefixWeight = 0.6;
const fuzzyWeight = [1, 0.45, 0.3] as const;

/** One indexed term a query word stands for: the word itself, a completion of it, or a near spelling. */
export interface Expansion {
  termId: number;
  weight: number;
  /** The query word's position. */
  word: number;
}

/**
 * The indexed terms each query word stands for; `prefixLast` lets the last
 * word stand for its completions too. Which terms exist, which are frequent
 * and whether a word is rare enough to be read as a typo are decided by the
 * document frequencies in the search's scope (`frequencies`), and ties by
 * the terms themselves, so the expansions depend on nothing outside the
 * scope, not even on the order terms were first indexed in.
 */
export function expandQuery(dictionary: TermDictionary, words: readonly string[], prefixLast: boolean, frequencies: ScopedFrequencies): Expansion[] {
  const expansions: Expansion[] = [];
  const terms = dictionary.terms;
  words.forEach((word, i) => {
    const exact = dictionary.idOf(word);
    const exactDf = exact === undefined ? 0 : frequencies.of(exact);
    if (exactDf > 0) expansions.push({ termId: exact!, weight: 1, word: i });
    if (prefixLast && i === words.length - 1 && word.length >= prefixFrom) {
      for (const termId of mostFrequent(dictionary.completions(word), prefixCompletions, terms, frequencies)) expansions.push({ termId, weight: prefixWeight, word: i });
    }
    // Typo tolerance only for words the catalogue barely knows: a real word is not second-guessed. Its cost is the
    // square of the word's length, so a longer word than any indexed term (one the API refuses) is not expanded.
    if (word.length >= fuzzyFrom && word.length <= maxWordChars && exactDf < 2) {
      const near = dictionary
        .neighbours(word, word.length >= twoEditsFrom ? 2 : 1)
        .filter(({ id }) => frequencies.of(id) > 0)
        .sort((a, b) => a.distance - b.distance || compareTerms(terms[a.id]!, terms[b.id]!));
      for (const { id, distance } of near) expansions.push({ termId: id, weight: fuzzyWeight[distance] ?? 0.3, word: i });
    }
  });
  return expansions;
}

const compareTerms = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The `limit` terms of `candidates` with the highest document frequency in
 * scope, ties by term, most frequent first; terms no document in scope holds
 * are left out. A short prefix of a common stem may have thousands of
 * completions: they are visited from the highest frequency overall (a bound
 * on the frequency in scope) down, and no further once no remaining one can
 * reach the `limit`-th, so a scope holding most of the catalogue counts few.
 */
function mostFrequent(candidates: number[], limit: number, terms: readonly string[], frequencies: ScopedFrequencies): number[] {
  candidates.sort((a, b) => frequencies.bound(b) - frequencies.bound(a));
  const found: { id: number; df: number }[] = [];
  // The highest frequencies in scope so far: a candidate whose bound is below the limit-th cannot enter.
  const best: number[] = [];
  for (const id of candidates) {
    if (best.length === limit && frequencies.bound(id) < best[limit - 1]!) break;
    const df = frequencies.of(id);
    if (df === 0) continue;
    found.push({ id, df });
    keepLargest(best, df, limit);
  }
  found.sort((a, b) => b.df - a.df || compareTerms(terms[a.id]!, terms[b.id]!));
  return found.slice(0, limit).map(({ id }) => id);
}
