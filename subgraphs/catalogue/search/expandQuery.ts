import { foldTerm, maxWordChars } from './analyzer.ts';
import type { QueryWord } from './analyzeQuery.ts';
import { glossaryMatches } from './crossLingual.ts';
import { stemmedLanguages } from './languages.ts';
import { entriesInLanguages, type Postings } from './postings.ts';
import type { ScopedFrequencies } from './scopeStatistics.ts';
import { keepLargest } from './searchPaging.ts';
import type { TermDictionary } from './termDictionary.ts';

/**
 * Typo tolerance by word length, as Meilisearch and Typesense do it: none
 * up to 4 characters, one edit from `oneTypoFrom`, two from `twoTyposFrom`,
 * and only for a word the scope barely knows (fewer than `typoBelowDf`
 * datasets): a real word is not second-guessed.
 */
const oneTypoFrom = 5;
const twoTyposFrom = 9;
const typoBelowDf = 2;
/** Search as you type: the last word, when it is not a whole word the scope knows, stands for its most frequent completions from this length. */
const prefixFrom = 2;
const prefixCompletions = 64;
/** Terms one query word's translations may add, at most. */
const maxTranslations = 48;

/**
 * How an indexed term was reached from the query, best first; the
 * exactness rule ranks them in this order and `weight`s follow it.
 */
export type MatchKind = 'exact' | 'folded' | 'stem' | 'translation' | 'prefix' | 'typo';
export const matchWeights: Record<MatchKind, number> = { exact: 1, folded: 0.7, stem: 0.8, translation: 0.6, prefix: 0.5, typo: 0.4 };
/** A word typed without accents matches its accented forms as if exactly (`populacao` is `população`). */
const unaccentedWeight = 0.95;
const twoTyposWeight = 0.3;

/** One indexed term (or phrase of terms) that query words stand for. */
export interface Expansion {
  /** The term; -1 for a phrase. */
  termId: number;
  /** The terms that must all be in a document, for a phrase (a Chinese word's bigrams, a translation of several words). */
  phrase?: readonly number[];
  weight: number;
  /** The query words it stands for, one bit each. */
  words: number;
  /** The first of those words: proximity compares a term's title position with it. */
  firstWord: number;
  kind: MatchKind;
  /** For a translation, the language of the name it came from. */
  language?: string;
  /** Its document frequency in the search's scope, once `collectMatches` counted it (a phrase's has no term of its own). */
  df?: number;
  /**
   * For a stem: the stemmed languages (bit i: `stemmedLanguages[i]`) it is
   * the word's stem in. Only a document holding the term in a text of one
   * of them matches through it (`entriesInLanguages`): whether a term is
   * in a language's stem group at all depends on every dataset, hidden ones
   * included, but which of a document's own texts hold it does not.
   */
  inLanguages?: number;
  /** For another way to a term a stem also reaches (a near spelling, a completion): it reaches the documents the stem's `inLanguages` leave out. */
  outsideLanguages?: number;
}

/** Whether a document holding an expansion's term in texts of the stemmed languages `languages` matches through it. */
export function reachesLanguages(expansion: Pick<Expansion, 'inLanguages' | 'outsideLanguages'>, languages: number): boolean {
  if (expansion.inLanguages !== undefined && (languages & expansion.inLanguages) === 0) return false;
  return expansion.outsideLanguages === undefined || (languages & expansion.outsideLanguages) === 0;
}

/**
 * The terms the expansions reach only as stems, each with the stemmed
 * languages it is one in: a text of another language holding such a term
 * did not match through it, so it is not highlighted there.
 */
export function stemmedOnlyTerms(expansions: readonly Expansion[], terms: readonly string[]): Map<string, number> {
  const stemmed = new Map<string, number>();
  const elsewhere = new Set<string>();
  for (const expansion of expansions) {
    for (const id of expansion.phrase ?? [expansion.termId]) {
      if (expansion.inLanguages === undefined) elsewhere.add(terms[id]!);
      else stemmed.set(terms[id]!, (stemmed.get(terms[id]!) ?? 0) | expansion.inLanguages);
    }
  }
  for (const term of elsewhere) stemmed.delete(term);
  return stemmed;
}

/** The entries of its term's `list` a (single-term) expansion reaches: the whole list unless it is limited by languages. */
export function reachedEntries(list: Postings | undefined, expansion: Expansion): Postings | undefined {
  if (!list || (expansion.inLanguages === undefined && expansion.outsideLanguages === undefined)) return list;
  return entriesInLanguages(list, (languages) => reachesLanguages(expansion, languages));
}

export interface ExpandOptions {
  /** Expand the last word into completions even when it is a whole word (autocomplete). @default false */
  alwaysPrefixLast?: boolean;
  /** Add the glossary's equivalents. @default true */
  crossLingual?: boolean;
}

/**
 * The indexed terms each query word stands for: the word itself, its
 * folded spellings, its stems, the glossary's names for it in every
 * language, completions of the last word, near spellings of a rare one.
 * Every decision (which terms exist, which are frequent, whether a word
 * is known) is made on document frequencies in the search's scope
 * (`frequencies`), ties by the terms themselves, so the expansions depend
 * on nothing outside the scope.
 */
export function expandQuery(dictionary: TermDictionary, words: readonly QueryWord[], frequencies: ScopedFrequencies, options: ExpandOptions = {}): Expansion[] {
  const expansions = new Map<string, Expansion>();
  const inScope = (id: number) => frequencies.of(id) > 0;
  const keyOf = (expansion: Expansion) => `${expansion.phrase ? expansion.phrase.join(',') : expansion.termId}/${expansion.words}`;
  const add = (expansion: Expansion) => {
    const key = keyOf(expansion);
    const known = expansions.get(key);
    if (!known || known.weight < expansion.weight) expansions.set(key, expansion);
  };
  // Stems are kept apart from the other ways to the same term, each with the languages it is a stem in (see `inLanguages`).
  const stems = new Map<string, Expansion>();
  const addStem = (expansion: Expansion, language: number) => {
    const key = keyOf(expansion);
    const known = stems.get(key);
    if (known) known.inLanguages! |= language;
    else stems.set(key, { ...expansion, inLanguages: language });
  };
  const phraseOf = (terms: readonly string[]): number[] | undefined => {
    const ids: number[] = [];
    for (const term of terms) {
      const id = dictionary.idOf(term);
      if (id === undefined || !inScope(id)) return undefined;
      ids.push(id);
    }
    return ids;
  };
  const terms = dictionary.terms;
  // Groups list terms in the order they were first indexed, which hidden datasets decide: each is put in term order.
  const byTerm = (ids: number[]) => ids.sort((a, b) => compareTerms(terms[a]!, terms[b]!));
  words.forEach((word, i) => {
    const bit = 1 << i;
    const base = { words: bit, firstWord: i };
    if (word.terms.length > 1) {
      const phrase = phraseOf(word.terms);
      if (phrase) add({ ...base, termId: -1, phrase, weight: 1, kind: 'exact' });
      return;
    }
    const term = word.terms[0]!;
    const folded = foldTerm(term);
    const unaccented = folded === term;
    let knownDf = 0;
    const exact = dictionary.idOf(term);
    if (exact !== undefined && inScope(exact)) {
      add({ ...base, termId: exact, weight: 1, kind: 'exact' });
      knownDf += frequencies.of(exact);
    }
    for (const id of byTerm(dictionary.foldedGroup(folded))) {
      if (id === exact || !inScope(id)) continue;
      add({ ...base, termId: id, weight: unaccented ? unaccentedWeight : matchWeights.folded, kind: unaccented ? 'exact' : 'folded' });
      knownDf += frequencies.of(id);
    }
    if (!word.segmented) {
      stemmedLanguages.forEach((language, bit) => {
        for (const id of byTerm(dictionary.stemGroup(term, language))) if (inScope(id)) addStem({ ...base, termId: id, weight: matchWeights.stem, kind: 'stem' }, 1 << bit);
      });
    }
    const isLast = i === words.length - 1;
    if (isLast && [...term].length >= (word.segmented ? 1 : prefixFrom) && (knownDf === 0 || options.alwaysPrefixLast)) {
      for (const id of mostFrequent(dictionary.completions(folded), prefixCompletions, terms, frequencies)) add({ ...base, termId: id, weight: matchWeights.prefix, kind: 'prefix' });
    }
    // Typo tolerance costs the square of the word's length: a word longer than any indexed term (one the API refuses) is not expanded.
    if (!word.segmented && folded.length >= oneTypoFrom && folded.length <= maxWordChars && knownDf < typoBelowDf) {
      const near = dictionary
        .neighbours(folded, folded.length >= twoTyposFrom ? 2 : 1)
        .filter(({ id }) => inScope(id))
        .sort((a, b) => a.distance - b.distance || compareTerms(terms[a.id]!, terms[b.id]!));
      for (const { id, distance } of near) add({ ...base, termId: id, weight: distance === 1 ? matchWeights.typo : twoTyposWeight, kind: 'typo' });
    }
  });
  if (options.crossLingual !== false) {
    for (const match of glossaryMatches(words)) {
      let mask = 0;
      for (let i = match.from; i < match.from + match.length; i += 1) mask |= 1 << i;
      let added = 0;
      for (const equivalent of match.equivalents) {
        if (added >= maxTranslations) break;
        const ids = phraseOf(equivalent.terms);
        if (!ids) continue;
        const base = { words: mask, firstWord: match.from, weight: matchWeights.translation, kind: 'translation' as const, language: equivalent.language };
        add(ids.length === 1 ? { ...base, termId: ids[0]! } : { ...base, termId: -1, phrase: ids });
        added += 1;
      }
    }
  }
  // A stem outranked by another way to its term (the word as typed) is left out; one outranking it (a near spelling) keeps the documents it leaves.
  for (const [key, stem] of stems) {
    const other = expansions.get(key);
    if (!other) expansions.set(key + '/stem', stem);
    else if (other.weight < stem.weight) {
      expansions.set(key + '/stem', stem);
      other.outsideLanguages = stem.inLanguages;
    }
  }
  return [...expansions.values()];
}

/**
 * The query's words less its stop words that no text in scope holds as a
 * word (`and`, `của`, `的`): stop words were left out of each text in its
 * language, so such a word would only make "every word" unreachable. A
 * stop word of one language that is a word of another in scope stays
 * (`ha` for `Hà Nội`). When every word would go, all stay.
 */
export function withoutIdleStopWords(dictionary: TermDictionary, words: readonly QueryWord[], frequencies: ScopedFrequencies): QueryWord[] {
  const kept = words.filter((word) => !word.stopWord || word.terms.some((term) => dictionary.foldedGroup(foldTerm(term)).some((id) => frequencies.of(id) > 0)));
  return kept.length > 0 ? kept : [...words];
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
