import type { TermDictionary } from './termDictionary.ts';

/** Typo tolerance: words the catalogue does not know, from this length, match indexed words one edit away (two from `twoEditsFrom`). */
const fuzzyFrom = 5;
const twoEditsFrom = 9;
/** Search as you type: the last word also matches as a prefix, from this length, by its most frequent completions. */
const prefixFrom = 2;
const prefixCompletions = 64;
/**
 * What a query may hold. Typo expansion costs time and memory in the square
 * of a word's length (an edit-distance table per word), so words longer than
 * `maxWordChars` (as the analyzer folds them) are matched only as typed, and
 * the API refuses them, and any query longer than `maxQueryChars` UTF-16
 * code units, before they reach the index. Real words, identifiers and
 * hashes are shorter.
 */
export const maxWordChars = 64;
export const maxQueryChars = 1000;
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

/** The indexed terms each query word stands for; `prefixLast` lets the last word stand for its completions too. */
export function expandQuery(dictionary: TermDictionary, words: readonly string[], prefixLast: boolean): Expansion[] {
  const expansions: Expansion[] = [];
  const df = dictionary.df;
  words.forEach((word, i) => {
    const exact = dictionary.idOf(word);
    if (exact !== undefined && df[exact]! > 0) expansions.push({ termId: exact, weight: 1, word: i });
    if (prefixLast && i === words.length - 1 && word.length >= prefixFrom) {
      for (const termId of dictionary.completions(word, prefixCompletions)) expansions.push({ termId, weight: prefixWeight, word: i });
    }
    // Typo tolerance only for words the catalogue barely knows: a real word is not second-guessed.
    if (word.length >= fuzzyFrom && word.length <= maxWordChars && (exact === undefined || df[exact]! < 2)) {
      const distance = word.length >= twoEditsFrom ? 2 : 1;
      for (const near of dictionary.neighbours(word, distance)) {
        expansions.push({ termId: near.id, weight: fuzzyWeight[near.distance] ?? 0.3, word: i });
      }
    }
  });
  return expansions;
}
