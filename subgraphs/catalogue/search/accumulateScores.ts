import { popcount, type Bitset } from './bitset.ts';
import { b, boosts, k1 } from './fieldStatistics.ts';
import type { Postings } from './postings.ts';
import { keepLargest } from './searchPaging.ts';

/**
 * Per-document scratch a search sums its terms' scores in: score, matched
 * query words, the set of documents scored (`touched`), and the set of hits
 * left unscored (`marked`, see `addToScored`).
 */
export interface Accumulators {
  scores: Float64Array;
  masks: Uint32Array;
  touched: Bitset;
  marked: Bitset;
}

/**
 * Adds `termWeight` × BM25F of one term to every eligible document of
 * its posting list, and sets `bit` in its mask. The same arithmetic as
 * `bm25f`, unrolled over the four fields, so a common term's hundreds of
 * thousands of entries cost a few nanoseconds each. `onlyField` scores one
 * field alone, -1 all. Only entries in positions [`start`, `end`) with
 * documents in [`fromDoc`, `toDoc`) are visited.
 */
export function accumulateTerm(
  list: Postings,
  termWeight: number,
  bit: number,
  fieldLengths: Uint16Array,
  averages: readonly number[],
  onlyField: number,
  eligible: Bitset,
  into: Accumulators,
  start: number,
  end: number,
  fromDoc: number,
  toDoc: number,
): void {
  const boostOf = (f: number) => (onlyField < 0 || onlyField === f ? boosts[f]! : 0);
  const boost0 = boostOf(0);
  const boost1 = boostOf(1);
  const boost2 = boostOf(2);
  const boost3 = boostOf(3);
  const average0 = averages[0]! || 1;
  const average1 = averages[1]! || 1;
  const average2 = averages[2]! || 1;
  const average3 = averages[3]! || 1;
  const eligibleWords = eligible.words;
  const eligibleLength = eligibleWords.length;
  const touchedWords = into.touched.words;
  const { scores, masks } = into;
  const { docs, tfs } = list;
  for (let j = start; j < end; j += 1) {
    const doc = docs[j]!;
    if (doc < fromDoc || doc >= toDoc) continue;
    const word = doc >>> 5;
    const bitOfDoc = 1 << (doc & 31);
    if (word >= eligibleLength || (eligibleWords[word]! & bitOfDoc) === 0) continue;
    const packed = tfs[j]!;
    const at = doc * 4;
    let weighted = 0;
    let tf = packed & 0xff;
    if (tf !== 0 && boost0 !== 0) weighted += (boost0 * tf) / (1 - b + (b * fieldLengths[at]!) / average0);
    tf = (packed >>> 8) & 0xff;
    if (tf !== 0 && boost1 !== 0) weighted += (boost1 * tf) / (1 - b + (b * fieldLengths[at + 1]!) / average1);
    tf = (packed >>> 16) & 0xff;
    if (tf !== 0 && boost2 !== 0) weighted += (boost2 * tf) / (1 - b + (b * fieldLengths[at + 2]!) / average2);
    tf = packed >>> 24;
    if (tf !== 0 && boost3 !== 0) weighted += (boost3 * tf) / (1 - b + (b * fieldLengths[at + 3]!) / average3);
    if (weighted === 0) continue;
    scores[doc]! += termWeight * ((weighted * (k1 + 1)) / (weighted + k1));
    masks[doc]! |= bit;
    touchedWords[word]! |= bitOfDoc;
  }
}

/**
 * MaxScore's pass over a list that cannot lift a document onto the page on
 * its own, beyond the sample (documents from `fromDoc`, positions from
 * `start`): its documents are hits (`marked`, eligible or not: the caller
 * intersects afterwards), and it adds the term's score to the documents
 * other lists already scored (`touched`, `scoredCount` of them beyond the
 * sample, eligible already). A common term marks its hits a word at a time
 * from its bitset; when the scored documents are few against the list, an
 * ascending list is sought for each of them instead of read whole. Same
 * arithmetic as `accumulateTerm`, all fields.
 */
export function addToScored(
  list: Postings,
  termWeight: number,
  bit: number,
  fieldLengths: Uint16Array,
  averages: readonly number[],
  into: Accumulators,
  start: number,
  fromDoc: number,
  scoredCount: number,
): void {
  const [boost0, boost1, boost2, boost3] = boosts as [number, number, number, number];
  const average0 = averages[0]! || 1;
  const average1 = averages[1]! || 1;
  const average2 = averages[2]! || 1;
  const average3 = averages[3]! || 1;
  const touchedWords = into.touched.words;
  const markedWords = into.marked.words;
  const { scores, masks } = into;
  const { docs, tfs, length } = list;
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
    masks[doc]! |= bit;
  };
  // Seeking costs a few steps per scored document; reading costs one per entry.
  const seeking = list.ascending && scoredCount * 8 < length - start;
  if (list.bits && seeking) {
    into.marked.or(list.bits);
    let at = start;
    for (let w = fromDoc >>> 5; w < touchedWords.length && at < length; w += 1) {
      let scoredBits = touchedWords[w]!;
      if (w === fromDoc >>> 5) scoredBits &= ~0 << (fromDoc & 31);
      while (scoredBits !== 0) {
        const low = scoredBits & -scoredBits;
        scoredBits ^= low;
        const doc = (w << 5) + 31 - Math.clz32(low);
        at = list.seek(doc, at);
        if (at >= length) break;
        if (docs[at] === doc) add(doc, at);
      }
    }
    return;
  }
  for (let j = start; j < length; j += 1) {
    const doc = docs[j]!;
    if (doc < fromDoc) continue;
    const word = doc >>> 5;
    const bitOfDoc = 1 << (doc & 31);
    if ((touchedWords[word]! & bitOfDoc) === 0) markedWords[word]! |= bitOfDoc;
    else add(doc, j);
  }
}

/**
 * An upper bound on `termWeight` × BM25F of the term in any document: the
 * list's highest frequency and shortest length in each field, whichever
 * documents they belong to, with today's average lengths.
 */
export function scoreBound(list: Postings, termWeight: number, averages: readonly number[]): number {
  let weighted = 0;
  for (let f = 0; f < 4; f += 1) {
    const tf = list.peakTf[f]!;
    if (tf === 0) continue;
    weighted += (boosts[f]! * tf) / (1 - b + (b * list.shortestLength[f]!) / (averages[f]! || 1));
  }
  return termWeight * ((weighted * (k1 + 1)) / (weighted + k1));
}

/**
 * A document's final score before any exact-title boost: its summed score
 * times the share of the query's `wordCount` words its `mask` matched
 * (Lucene-style coordination: more words rank higher, fewer are not
 * dropped), times its factor. The floor and the gathering both use this, so
 * they agree to the last bit.
 */
export function finalScore(score: number, mask: number, wordCount: number, factor: number): number {
  return ((score * popcount(mask)) / wordCount) * factor;
}

/**
 * The `size`-th best final score among the documents below `split`, as they
 * stand in the accumulators (fully scored), or 0 when fewer match: a first
 * page's scores are at least this. A final score is the summed score times
 * the share of query words matched, times the document's factor, times
 * `exactBoost` for documents in `exact`.
 */
export function pageFloor(
  accumulators: Accumulators,
  factors: Float64Array,
  split: number,
  size: number,
  wordCount: number,
  exact: Set<number> | undefined,
  exactBoost: number,
): number {
  const { scores, masks } = accumulators;
  const best: number[] = [];
  const words = accumulators.touched.words;
  for (let w = 0; w < split >>> 5; w += 1) {
    let bits = words[w]!;
    while (bits !== 0) {
      const low = bits & -bits;
      bits ^= low;
      const doc = (w << 5) + 31 - Math.clz32(low);
      let score = finalScore(scores[doc]!, masks[doc]!, wordCount, factors[doc]!);
      if (exact?.has(doc)) score *= exactBoost;
      keepLargest(best, score, size);
    }
  }
  return best.length === size ? best[size - 1]! : 0;
}
