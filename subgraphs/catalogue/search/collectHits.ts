import { Bitset } from './bitset.ts';
import { accumulateTerm, addToScored, finalScore, pageFloor, scoreBound } from './accumulateScores.ts';
import { exactTitleBoost, idf, qualityFactorOf } from './fieldStatistics.ts';
import { reachedEntries, type Expansion } from './expandQuery.ts';
import type { Postings } from './postings.ts';
import type { ScopedFrequencies } from './scopeStatistics.ts';
import { qualityMaxScore } from '../../shared/quality/qualityIndicators.ts';

/** A first page by relevance scores this share of the documents in full to learn how high its scores are. */
const sampleShare = 16;

/** What collecting reads from the index, and the scratch it writes into (reused: searches run one at a time). */
export interface HitCollection {
  postings: readonly (Postings | undefined)[];
  /** Document frequencies in the search's scope. */
  frequencies: ScopedFrequencies;
  /** Documents in the search's scope. */
  documents: number;
  live: Bitset;
  fieldLengths: Uint16Array;
  /** Mean field lengths in the search's scope. */
  averages: readonly number[];
  /** Per document, zero between searches. */
  scores: Float64Array;
  masks: Uint32Array;
  /** Left holding every hit. */
  hits: Bitset;
  /** Hits MaxScore left unscored. */
  marked: Bitset;
  outDocs: Int32Array;
  outScores: Float64Array;
}

export interface Collected {
  /** The first `count` hits gathered, ascending, with their scores: every hit, or with `partial` those a first page could hold. */
  docs: Int32Array;
  scores: Float64Array;
  count: number;
  /** Hits in all (also in `hits`). */
  total: number;
  partial: boolean;
}

/**
 * Scores every eligible document matching any expansion into the scratch
 * accumulators and gathers them in document order; `eligible` (live
 * documents only) restricts them, `requireAll` keeps only documents
 * matching every word, `onlyField` scores one field alone, `factors` (per
 * document; a first page needs them) multiply the scores. The hits are left
 * as a set in `into.hits`.
 *
 * With `page` (a first page by relevance), every hit is still counted, so
 * totals and facets stay exact, but not every hit is scored (MaxScore):
 * the documents of the first sixteenth are scored in full, and the
 * page-th best of them is a floor the page's scores cannot be below. The
 * lists whose bounds together stay under it cannot lift a document on
 * their own: beyond the first sixteenth they only add to documents the
 * other lists scored, and mark the rest as hits. Only documents scoring
 * at least the floor are gathered (`partial`); every hit is in `into.hits`
 * and `total`.
 */
export function collectHits(
  into: HitCollection,
  wordCount: number,
  expansions: readonly Expansion[],
  eligible: Bitset,
  requireAll: boolean,
  onlyField: number,
  factors?: Float64Array,
  page?: { size: number; exact: Set<number> | undefined },
): Collected {
  const { scores, masks, fieldLengths, live, frequencies, averages, marked } = into;
  const touched = into.hits.clear().reserve(live.words.length * 32);
  const accumulators = { scores, masks, touched, marked };
  // Every path adds a document's terms in the same order, so its score is the same to the last bit. The order is by
  // term weight (from the scope's statistics), ties in expansion order, never by the lists' score bounds: those count
  // documents outside the scope, and a sum's last bit must not depend on them.
  const lists = expansions
    .flatMap((expansion) => {
      const { termId, weight, words } = expansion;
      // Phrases (termId -1) are for searches; autocomplete matches titles word by word.
      const list = termId >= 0 ? reachedEntries(into.postings[termId], expansion) : undefined;
      if (!list) return [];
      const termWeight = weight * idf(into.documents, frequencies.of(termId));
      return [{ list, termWeight, bit: words, bound: scoreBound(list, termWeight, averages) }];
    })
    .sort((a, b) => b.termWeight - a.termWeight);
  const accumulate = (entry: (typeof lists)[number], start: number, end: number, fromDoc: number, toDoc: number) =>
    accumulateTerm(entry.list, entry.termWeight, entry.bit, fieldLengths, averages, onlyField, eligible, accumulators, start, end, fromDoc, toDoc);
  let scoredOnly = false;
  // A gathered score below this cannot reach the first page (with any exact-title boost): such hits are counted, not gathered.
  let cutoff = -Infinity;
  if (!page) for (const entry of lists) accumulate(entry, 0, entry.list.length, 0, Infinity);
  else {
    const split = Math.ceil(touched.words.length / sampleShare) * 32;
    // Where each list's documents reach the split: found by seeking in an ascending list, else the whole list is read twice.
    const cuts = lists.map(({ list }) => (list.ascending ? list.seek(split) : -1));
    lists.forEach((entry, i) => accumulate(entry, 0, cuts[i]! >= 0 ? cuts[i]! : entry.list.length, 0, split));
    const floor = pageFloor(accumulators, factors!, split, page.size, wordCount, page.exact, exactTitleBoost);
    cutoff = (floor / (page.exact ? exactTitleBoost : 1)) * (1 - 1e-9);
    // Relative slack, so rounding never turns a bound into less than the score it bounds.
    const ceiling = qualityFactorOf(qualityMaxScore) * (page.exact ? exactTitleBoost : 1) * (1 + 1e-9);
    let strong = lists.length;
    let weakSum = 0;
    while (strong > 0 && weakSum + lists[strong - 1]!.bound * ceiling < floor) weakSum += lists[--strong]!.bound * ceiling;
    // Strong lists first, so every document a page could hold is scored before the weak lists add to them.
    for (let i = 0; i < strong; i += 1) accumulate(lists[i]!, Math.max(0, cuts[i]!), lists[i]!.list.length, split, Infinity);
    if (strong < lists.length) {
      marked.clear().reserve(touched.words.length * 32);
      const scoredCount = touched.count();
      for (let i = strong; i < lists.length; i += 1) {
        const entry = lists[i]!;
        addToScored(entry.list, entry.termWeight, entry.bit, fieldLengths, averages, accumulators, Math.max(0, cuts[i]!), split, scoredCount);
      }
      marked.and(eligible);
      scoredOnly = true;
    }
  }
  const full = wordCount >= 32 ? 0xffffffff : (1 << wordCount) - 1;
  const { outDocs, outScores } = into;
  const touchedWords = touched.words;
  let count = 0;
  let skipped = 0;
  for (let w = 0; w < touchedWords.length; w += 1) {
    let bits = touchedWords[w]!;
    while (bits !== 0) {
      const low = bits & -bits;
      bits ^= low;
      const doc = (w << 5) + 31 - Math.clz32(low);
      const mask = masks[doc]!;
      const score = scores[doc]!;
      scores[doc] = 0;
      masks[doc] = 0;
      if (requireAll && (mask >>> 0) !== full >>> 0) {
        touchedWords[w]! &= ~low;
        continue;
      }
      const final = finalScore(score, mask, wordCount, factors ? factors[doc]! : 1);
      if (final < cutoff) {
        skipped += 1;
        continue;
      }
      outDocs[count] = doc;
      outScores[count] = final;
      count += 1;
    }
  }
  const total = scoredOnly ? touched.or(marked).count() : count + skipped;
  return { docs: outDocs, scores: outScores, count, total, partial: scoredOnly || skipped > 0 };
}
