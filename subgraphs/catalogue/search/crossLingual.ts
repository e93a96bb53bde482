import { foldTerm } from './analyzer.ts';
import { analyzeQuery, type QueryWord } from './analyzeQuery.ts';
import { glossaryConcepts, glossaryLanguages, type GlossaryLanguage } from './glossary/glossaryData.ts';

/** Longest glossary name, in query words, looked up in a query. */
export const maxPhraseWords = 4;
/** Concepts one run of query words may stand for (a word can name several). */
const conceptsPerPhrase = 3;

/** A name of a concept in one language, as the index's terms that must all be in a dataset. */
export interface Equivalent {
  language: GlossaryLanguage;
  terms: readonly string[];
}

interface Entry {
  /** The name's own key (see `keyOf`), so a query is never expanded into itself. */
  key: string;
  equivalents: readonly Equivalent[];
}

/** Query words as a lookup key: their folded forms, in order. */
const keyOf = (words: readonly QueryWord[]) => words.map((word) => foldTerm(word.text)).join(' ');

let byKey: Map<string, Entry[]> | undefined;

/**
 * The glossary indexed by the key of each of its names, every name
 * analysed as a query is: built once, on the first search (about 17,000
 * names, some tens of milliseconds), and the same for every consumer.
 */
function glossaryIndex(): Map<string, Entry[]> {
  if (byKey) return byKey;
  byKey = new Map();
  for (const concept of glossaryConcepts()) {
    const names: { language: GlossaryLanguage; words: QueryWord[] }[] = [];
    for (const language of glossaryLanguages) {
      for (const name of concept.names[language] ?? []) {
        const words = analyzeQuery(name);
        if (words.length > 0 && words.length <= maxPhraseWords) names.push({ language, words });
      }
    }
    for (const { words } of names) {
      const key = keyOf(words);
      const equivalents = names.filter((other) => keyOf(other.words) !== key).map((other) => ({ language: other.language, terms: other.words.flatMap((word) => word.terms) }));
      const entries = byKey.get(key) ?? [];
      if (entries.length < conceptsPerPhrase) entries.push({ key, equivalents });
      byKey.set(key, entries);
    }
  }
  return byKey;
}

let warming: NodeJS.Immediate | undefined;
/**
 * Builds the glossary's index soon, off the first search's path (it takes
 * some hundreds of milliseconds), once per process; the process need not
 * wait for it to exit.
 */
export function warmGlossary(): void {
  if (byKey || warming) return;
  warming = setImmediate(() => glossaryIndex());
  warming.unref();
}

/** A run of query words the glossary names, and what else names the same concepts. */
export interface GlossaryMatch {
  /** The first query word of the run and how many it spans. */
  from: number;
  length: number;
  equivalents: Equivalent[];
}

/**
 * The runs of `words` (longest first, at most `maxPhraseWords`) that name
 * a glossary concept, with the concepts' other names in every language:
 * `dân số` finds `population`, `人口`, `população`… A word inside a longer
 * run that matched is looked up again on its own only if nothing longer
 * covered it.
 */
export function glossaryMatches(words: readonly QueryWord[]): GlossaryMatch[] {
  const index = glossaryIndex();
  const covered = new Array<boolean>(words.length).fill(false);
  const matches: GlossaryMatch[] = [];
  for (let length = Math.min(maxPhraseWords, words.length); length >= 1; length -= 1) {
    for (let from = 0; from + length <= words.length; from += 1) {
      if (covered.slice(from, from + length).every(Boolean)) continue;
      const entries = index.get(keyOf(words.slice(from, from + length)));
      if (!entries) continue;
      const seen = new Set<string>();
      const equivalents: Equivalent[] = [];
      for (const entry of entries) {
        for (const equivalent of entry.equivalents) {
          const id = `${equivalent.language}:${equivalent.terms.join(' ')}`;
          if (seen.has(id)) continue;
          seen.add(id);
          equivalents.push(equivalent);
        }
      }
      matches.push({ from, length, equivalents });
      for (let i = from; i < from + length; i += 1) covered[i] = true;
    }
  }
  return matches;
}
