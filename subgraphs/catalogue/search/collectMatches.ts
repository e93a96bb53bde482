import { Bitset, popcount } from './bitset.ts';
import { b, boosts, idf, k1 } from './fieldStatistics.ts';
import type { Expansion } from './expandQuery.ts';
import { Postings } from './postings.ts';
import { proximityLevel, rankingKey } from './rankingRules.ts';
import type { ScopedFrequencies } from './scopeStatistics.ts';

/** What collecting reads from the index, and the scratch it writes into (reused: searches run one at a time). */
export interface MatchCollection {
  postings: readonly (Postings | undefined)[];
  /** Document frequencies in the search's scope. */
  frequencies: ScopedFrequencies;
  /** Documents in the search's scope, and how many. */
  scope: Bitset;
  documents: number;
  /** Mean field lengths in the search's scope. */
  averages: readonly number[];
  fieldLengths: Uint16Array;
  scratch: MatchScratch;
}

/** Per-document accumulators (zero between searches) and bitsets, grown with the index. */
export class MatchScratch {
  scores = new Float64Array(1024);
  /** Query words matched; matched other than by a typo; matched as typed; matched in the title. */
  masks = new Uint32Array(1024);
  cleanMasks = new Uint32Array(1024);
  exactMasks = new Uint32Array(1024);
  titleMasks = new Uint32Array(1024);
  /**
   * Lowest and highest (title position − query word) seen, for the words as
   * typed and for translations apart (`translatedTitleMasks`): their spread
   * is the proximity. Apart, because a translation stands in another
   * language's title, whose positions mean nothing to the typed words'.
   */
  low = new Int16Array(1024);
  high = new Int16Array(1024);
  translatedLow = new Int16Array(1024);
  translatedHigh = new Int16Array(1024);
  translatedTitleMasks = new Uint32Array(1024);
  outDocs = new Int32Array(1024);
  outKeys = new Float64Array(1024);
  /** The hits, left for facets. */
  readonly hits = new Bitset();
  /** One set per query word: the documents any of its expansions reaches. */
  readonly wordSets: Bitset[] = [];

  ensure(documents: number): void {
    if (documents <= this.scores.length) return;
    const capacity = Math.max(documents, this.scores.length * 2);
    const grow = <T extends Float64Array | Uint32Array | Int32Array | Int16Array>(array: T): T => {
      const next = new (array.constructor as new (length: number) => T)(capacity);
      next.set(array);
      return next;
    };
    this.scores = grow(this.scores);
    this.masks = grow(this.masks);
    this.cleanMasks = grow(this.cleanMasks);
    this.exactMasks = grow(this.exactMasks);
    this.titleMasks = grow(this.titleMasks);
    this.low = grow(this.low);
    this.high = grow(this.high);
    this.translatedLow = grow(this.translatedLow);
    this.translatedHigh = grow(this.translatedHigh);
    this.translatedTitleMasks = grow(this.translatedTitleMasks);
    this.outDocs = grow(this.outDocs);
    this.outKeys = grow(this.outKeys);
  }
}

export interface Matches {
  /** The hits, ascending, with their ranking keys (see `rankingRules.ts`). */
  docs: Int32Array;
  keys: Float64Array;
  count: number;
  /** Whether every hit matches every query word; otherwise they match as many as any dataset does, and some fewer. */
  allWords: boolean;
}

/**
 * The documents a phrase's terms are all in, as one posting list: the
 * entries of its first term, whose frequencies and title position stand
 * for the phrase's. The first, not the rarest: which term is rarest
 * depends on datasets outside the consumer's scope.
 */
function phraseList(lists: readonly Postings[], capacity: number): Postings | undefined {
  const first = 0;
  const others = lists.flatMap((list, i) => {
    if (i === first) return [];
    if (list.bits) return [list.bits];
    const set = new Bitset(capacity);
    for (let j = 0; j < list.length; j += 1) set.add(list.docs[j]!);
    return [set];
  });
  const source = lists[first]!;
  const out = new Postings(Math.max(4, source.length));
  for (let j = 0; j < source.length; j += 1) {
    const doc = source.docs[j]!;
    if (!others.every((set) => set.has(doc))) continue;
    const position = source.titlePositions[j]!;
    out.docs[out.length] = doc;
    out.tfs[out.length] = source.tfs[j]!;
    out.titlePositions[out.length] = position;
    if (out.length > 0 && doc < out.docs[out.length - 1]!) out.ascending = false;
    out.length += 1;
  }
  return out.length > 0 ? out : undefined;
}

/**
 * The hits of a query and their ranking keys. A hit matches every query
 * word through any of its expansions; when no document in `eligible` does,
 * the hits are those matching any word, ranked by how many they match
 * (the first ranking rule). Every hit is scored, so totals, facets and
 * every page follow the ranking rules exactly. `exactTitles` are the
 * documents whose title is the query.
 */
export function collectMatches(
  into: MatchCollection,
  wordCount: number,
  expansions: readonly Expansion[],
  eligible: Bitset,
  factors: Float64Array,
  exactTitles: Set<number> | undefined,
): Matches {
  const { scratch, fieldLengths, averages, frequencies } = into;
  const capacity = eligible.words.length * 32;
  scratch.ensure(capacity);
  const lists: { list: Postings; expansion: Expansion; weight: number }[] = [];
  for (const expansion of expansions) {
    let list: Postings | undefined;
    let df: number;
    if (expansion.phrase) {
      const members = expansion.phrase.map((id) => into.postings[id]);
      if (members.some((member) => !member)) continue;
      list = phraseList(members as Postings[], capacity);
      if (!list) continue;
      df = countIn(list, into.scope);
    } else {
      list = into.postings[expansion.termId];
      df = frequencies.of(expansion.termId);
    }
    expansion.df = df;
    if (!list || df === 0) continue;
    lists.push({ list, expansion, weight: expansion.weight * idf(into.documents, df) });
  }
  // Every document's terms are added in one order (weight, then expansion order), so its score is the same to the last bit whatever else is indexed.
  lists.sort((x, y) => y.weight - x.weight);
  while (scratch.wordSets.length < wordCount) scratch.wordSets.push(new Bitset());
  const sets = scratch.wordSets.slice(0, wordCount).map((set) => set.clear().reserve(capacity));
  for (const { list, expansion } of lists) {
    for (let i = 0; i < wordCount; i += 1) {
      if ((expansion.words & (1 << i)) === 0) continue;
      const set = sets[i]!;
      if (list.bits) set.or(list.bits);
      else for (let j = 0; j < list.length; j += 1) set.add(list.docs[j]!);
    }
  }
  const candidates = scratch.hits.clear().reserve(capacity).copyFrom(eligible);
  for (const set of sets) candidates.and(set);
  let allWords = true;
  if (wordCount > 1 && candidates.count() === 0) {
    allWords = false;
    candidates.clear();
    for (const set of sets) candidates.or(set);
    candidates.and(eligible);
  }
  const candidateCount = candidates.count();
  for (const { list, expansion, weight } of lists) accumulate(list, expansion, weight, candidates, candidateCount, fieldLengths, averages, scratch);
  return gather(scratch, candidates, wordCount, factors, exactTitles, allWords);
}

/** Entries of `list` whose documents are in `scope`: the list's document frequency there. */
function countIn(list: Postings, scope: Bitset): number {
  let count = 0;
  for (let j = 0; j < list.length; j += 1) if (scope.has(list.docs[j]!)) count += 1;
  return count;
}

/**
 * Adds one expansion's BM25F to every candidate in its list, and what the
 * ranking rules need: the words it matched, whether as typed, in the
 * title, and where. A list much longer than the candidates is sought into
 * instead of read whole.
 */
function accumulate(
  list: Postings,
  expansion: Expansion,
  termWeight: number,
  candidates: Bitset,
  candidateCount: number,
  fieldLengths: Uint16Array,
  averages: readonly number[],
  scratch: MatchScratch,
): void {
  const [boost0, boost1, boost2, boost3] = boosts as [number, number, number, number];
  const average0 = averages[0]! || 1;
  const average1 = averages[1]! || 1;
  const average2 = averages[2]! || 1;
  const average3 = averages[3]! || 1;
  const { scores, masks, cleanMasks, exactMasks } = scratch;
  const translation = expansion.kind === 'translation';
  const titleMasks = translation ? scratch.translatedTitleMasks : scratch.titleMasks;
  const low = translation ? scratch.translatedLow : scratch.low;
  const high = translation ? scratch.translatedHigh : scratch.high;
  const words = expansion.words;
  const clean = expansion.kind === 'typo' ? 0 : words;
  const exact = expansion.kind === 'exact' ? words : 0;
  const firstWord = expansion.firstWord;
  const { docs, tfs, titlePositions, length } = list;
  const candidateWords = candidates.words;
  const add = (doc: number, j: number) => {
    const packed = tfs[j]!;
    const at = doc * 4;
    let weighted = 0;
    let tf = packed & 0xff;
    if (tf !== 0) weighted += (boost0 * tf) / (1 - b + (b * fieldLengths[at]!) / average0);
    tf = (packed >>> 8) & 0xff;
    if (tf !== 0) weighted += (boost1 * tf) / (1 - b + (b * fieldLengths[at + 1]!) / average1);
    tf = (packed >>> 16) & 0xff;
    if (tf !== 0) weighted += (boost2 * tf) / (1 - b + (b * fieldLengths[at + 2]!) / average2);
    tf = packed >>> 24;
    if (tf !== 0) weighted += (boost3 * tf) / (1 - b + (b * fieldLengths[at + 3]!) / average3);
    scores[doc]! += termWeight * ((weighted * (k1 + 1)) / (weighted + k1));
    masks[doc]! |= words;
    cleanMasks[doc]! |= clean;
    exactMasks[doc]! |= exact;
    const position = titlePositions[j]!;
    if (position !== 0) {
      const relative = position - firstWord;
      if (titleMasks[doc] === 0) {
        low[doc] = relative;
        high[doc] = relative;
      } else {
        if (relative < low[doc]!) low[doc] = relative;
        if (relative > high[doc]!) high[doc] = relative;
      }
      titleMasks[doc]! |= words;
    }
  };
  // Seeking costs a few steps per candidate; reading costs one per entry.
  if (list.ascending && candidateCount * 8 < length) {
    let at = 0;
    for (let w = 0; w < candidateWords.length && at < length; w += 1) {
      let bits = candidateWords[w]!;
      while (bits !== 0) {
        const lowBit = bits & -bits;
        bits ^= lowBit;
        const doc = (w << 5) + 31 - Math.clz32(lowBit);
        at = list.seek(doc, at);
        if (at >= length) break;
        if (docs[at] === doc) add(doc, at);
      }
    }
    return;
  }
  for (let j = 0; j < length; j += 1) {
    const doc = docs[j]!;
    const word = doc >>> 5;
    if (word < candidateWords.length && (candidateWords[word]! & (1 << (doc & 31))) !== 0) add(doc, j);
  }
}

/** Every candidate with its ranking key, in document order; the accumulators are left at zero. */
function gather(scratch: MatchScratch, candidates: Bitset, wordCount: number, factors: Float64Array, exactTitles: Set<number> | undefined, allWords: boolean): Matches {
  const { scores, masks, cleanMasks, exactMasks, titleMasks, low, high, translatedTitleMasks, translatedLow, translatedHigh, outDocs, outKeys } = scratch;
  const words = candidates.words;
  let count = 0;
  for (let w = 0; w < words.length; w += 1) {
    let bits = words[w]!;
    while (bits !== 0) {
      const lowBit = bits & -bits;
      bits ^= lowBit;
      const doc = (w << 5) + 31 - Math.clz32(lowBit);
      const typedTitleWords = popcount(titleMasks[doc]!);
      const translatedTitleWords = popcount(translatedTitleMasks[doc]!);
      const key = rankingKey(
        popcount(masks[doc]!),
        popcount(cleanMasks[doc]!),
        Math.max(proximityLevel(typedTitleWords, high[doc]! - low[doc]!), proximityLevel(translatedTitleWords, translatedHigh[doc]! - translatedLow[doc]!)),
        popcount(titleMasks[doc]! | translatedTitleMasks[doc]!),
        popcount(exactMasks[doc]!),
        wordCount > 0 && exactTitles?.has(doc) === true,
        scores[doc]! * factors[doc]!,
      );
      scores[doc] = 0;
      masks[doc] = 0;
      cleanMasks[doc] = 0;
      exactMasks[doc] = 0;
      titleMasks[doc] = 0;
      translatedTitleMasks[doc] = 0;
      outDocs[count] = doc;
      outKeys[count] = key;
      count += 1;
    }
  }
  return { docs: outDocs, keys: outKeys, count, allWords };
}
