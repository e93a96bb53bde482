import { Bitset, popcount } from './bitset.ts';
import { fieldWeight, fieldWeights, idf, k1, tabledLengths } from './fieldStatistics.ts';
import { reachedEntries, type Expansion } from './expandQuery.ts';
import { phraseList, type Postings } from './postings.ts';
import { walkLists } from './walkLists.ts';
import type { DerivedLists } from './derivedLists.ts';
import { clean, cleanBit, exact, exactBit, flagSlots, matched, MatchScratch, spanSlots, translatedLow, translatedTitle, translatedTitleBit, typedLow, typedTitle, typedTitleBit } from './matchScratch.ts';
import { mostWords, type PageBounds } from './pageReach.ts';
import { proximityLevel, rankingTiers, relevanceFraction } from './rankingRules.ts';
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
  /** Phrase and language-limited lists made by earlier searches of the index as it is (see `DerivedLists`). */
  derived?: DerivedLists;
  /** Told the hits (and how many) as soon as they are known, before they are walked: they stay as they are until the search ends. */
  onHits?: (hits: Bitset, count: number) => void;
}

export interface Matches {
  /** Every hit, ascending. */
  docs: Int32Array;
  count: number;
  /** The hits that may reach the page (every hit without `reach`), ascending, with their ranking keys (see `rankingRules.ts`). */
  keyedDocs: Int32Array;
  keys: Float64Array;
  keyedCount: number;
  /** Whether every hit matches every query word; otherwise they match as many as any dataset does, and some fewer. */
  allWords: boolean;
}

/** Hits from which a first page of several words scores only those within its reach (see `collectMatches`). */
const pruneFrom = 16384;

/**
 * The hits of a query and their ranking keys. A hit matches every query
 * word through any of its expansions; when no document in `eligible` does,
 * the hits are those matching any word, ranked by how many they match
 * (the first ranking rule). Every hit is matched and counted, so totals,
 * facets and every page follow the ranking rules exactly. `exactTitles`
 * are the documents whose title is the query.
 *
 * The expansions' lists are walked for what the rules read (words
 * matched, typos, title positions) and, for one word, BM25F in the same
 * walk; then every hit gets its rules' tiers. With `bounds` (a first page
 * by relevance) and several words, whose hits the rules tell apart, the
 * tiers rule out first the hits that cannot reach the page, and BM25F is
 * added in a second walk for the hits left alone, which are keyed. Each
 * hit's score adds its terms in the same order whichever hits are scored,
 * so its key is the same to the last bit.
 */
export function collectMatches(
  into: MatchCollection,
  wordCount: number,
  expansions: readonly Expansion[],
  eligible: Bitset,
  factors: Float64Array,
  exactTitles: Set<number> | undefined,
  bounds?: PageBounds,
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
      const make = () => phraseList(members as Postings[], capacity);
      list = into.derived ? into.derived.of(`phrase ${expansion.phrase.join(' ')}`, make) : make();
      if (!list) continue;
      df = countIn(list, into.scope);
    } else {
      const make = () => reachedEntries(into.postings[expansion.termId], expansion);
      const limited = expansion.inLanguages !== undefined || expansion.outsideLanguages !== undefined;
      list = into.derived && limited ? into.derived.of(`${expansion.termId} in ${expansion.inLanguages ?? '*'} outside ${expansion.outsideLanguages ?? '-'}`, make) : make();
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
  into.onHits?.(candidates, candidateCount);
  // Leaving hits unscored pays where the rules tell many hits apart: where hits match different numbers of words. Where
  // every hit matches every word, they mostly tie on the other rules (most of them come within the page's reach), and
  // scoring them in the walk that marks them costs less than a second walk.
  const prune = bounds !== undefined && !allWords && candidateCount >= pruneFrom;
  // One word's masks are a bit each: a byte a document holds them all, a twentieth of the scratch read and written.
  const oneWord = wordCount === 1;
  // One word's hits are every eligible document of its lists: the lists are walked as they are, each entry tested there.
  const direct = oneWord ? eligible : undefined;
  // A first page of hits matching any word reads only those matching the most words: see `mostWords`.
  const walked = prune ? mostWords(sets, candidates, bounds, scratch.walked) : candidates;
  const walkedCount = walked === candidates ? candidateCount : walked.count();
  walkLists(lists, walked, walkedCount, scratch, (l, from, to) => {
    const { list, expansion, weight } = lists[l]!;
    // One word's hits are all scored: its marks are set in the pass that scores them.
    if (oneWord) scoreEntries(list, weight, fieldLengths, averages, scratch, from, to, expansion, direct);
    else {
      markEntries(list, expansion, scratch, from, to);
      if (!prune) scoreEntries(list, weight, fieldLengths, averages, scratch, from, to);
    }
  }, direct);
  const { outDocs, outKeys, keyedDocs } = scratch;
  if (oneWord) {
    const keyedCount = oneWordKeys(scratch, candidates, exactTitles, factors, bounds);
    return { docs: outDocs, count: candidateCount, keyedDocs: bounds ? keyedDocs : outDocs, keys: outKeys, keyedCount, allWords };
  }
  const tiered = tiersOf(scratch, walked, wordCount, exactTitles, bounds, prune ? undefined : factors);
  const count = tiered.count;
  if (!prune) return { docs: outDocs, count, keyedDocs: bounds ? keyedDocs : outDocs, keys: outKeys, keyedCount: tiered.keyed, allWords };
  const keyed = admitted(scratch, count, bounds);
  const keyedCount = keyed.count();
  walkLists(lists, keyed, keyedCount, scratch, (l, from, to) => scoreEntries(lists[l]!.list, lists[l]!.weight, fieldLengths, averages, scratch, from, to));
  keysOf(scratch, count, keyed, factors);
  // Every hit is listed, walked or not.
  const hitCount = walked === candidates ? count : candidates.listInto(outDocs);
  return { docs: outDocs, count: hitCount, keyedDocs, keys: outKeys, keyedCount, allWords };
}

/** Entries of `list` whose documents are in `scope`: the list's document frequency there. */
function countIn(list: Postings, scope: Bitset): number {
  let count = 0;
  for (let j = 0; j < list.length; j += 1) if (scope.has(list.docs[j]!)) count += 1;
  return count;
}

/** What one expansion tells the ranking rules about the documents of positions `from` to `to` of `scratch.entries`: the words it matched, whether as typed, in the title, and where. */
function markEntries(list: Postings, expansion: Expansion, scratch: MatchScratch, from: number, to: number): void {
  const { flags, spans } = scratch;
  const { titlePositions } = list;
  const translation = expansion.kind === 'translation';
  const titleSlot = translation ? translatedTitle : typedTitle;
  const spanSlot = translation ? translatedLow : typedLow;
  const words = expansion.words;
  const cleanWords = expansion.kind === 'typo' ? 0 : words;
  const exactWords = expansion.kind === 'exact' ? words : 0;
  const firstWord = expansion.firstWord;
  const listDocs = list.docs;
  const entries = scratch.entries;
  for (let e = from; e < to; e += 1) {
    const j = entries[e]!;
    const doc = listDocs[j]!;
    const flagsAt = doc * flagSlots;
    flags[flagsAt + matched]! |= words;
    flags[flagsAt + clean]! |= cleanWords;
    flags[flagsAt + exact]! |= exactWords;
    const position = titlePositions[j]!;
    if (position === 0) continue;
    const relative = position - firstWord;
    const low = doc * spanSlots + spanSlot;
    if (flags[flagsAt + titleSlot] === 0) {
      spans[low] = relative;
      spans[low + 1] = relative;
    } else {
      if (relative < spans[low]!) spans[low] = relative;
      if (relative > spans[low + 1]!) spans[low + 1] = relative;
    }
    flags[flagsAt + titleSlot]! |= words;
  }
}

/** The rules' tiers of a hit of a one-word query, by its bits (the exact title apart): as `rankingTiers` makes them from the masks. */
const oneWordTiers = Array.from({ length: 16 }, (_, bits) =>
  rankingTiers(1, bits & cleanBit ? 1 : 0, 0, bits & (typedTitleBit | translatedTitleBit) ? 1 : 0, bits & exactBit ? 1 : 0, false),
);

/** `markEntries` for a query of one word: what one expansion tells the rules, as bits, for an entry out of the title and in it. */
function oneWordBits(expansion: Expansion): { bits: number; inTitle: number } {
  const bits = (expansion.kind === 'typo' ? 0 : cleanBit) | (expansion.kind === 'exact' ? exactBit : 0);
  return { bits, inTitle: bits | (expansion.kind === 'translation' ? translatedTitleBit : typedTitleBit) };
}

/**
 * `tiersOf` for a query of one word, every hit scored: every hit into
 * `outDocs`, ascending; the hits given keys, and their keys, into
 * `keyedDocs` (`outDocs` itself without `bounds`) and `outKeys`. Returns
 * how many are keyed. The scratch is left at zero.
 *
 * With `bounds` (a first page by relevance) a hit is keyed only when it
 * may reach the page as its key stands against the hits before it: among
 * its region's best `kept` so far or the best `capacity` overall (offered
 * to `bounds.reach` with their whole keys; a hit below both floors when it
 * comes is below them at the end, as floors only rise), or a hit of a
 * format group. Most hits are passed over by two comparisons, and
 * `rankPage` then reads a few thousand hits, not every one.
 */
function oneWordKeys(scratch: MatchScratch, candidates: Bitset, exactTitles: Set<number> | undefined, factors: Float64Array, bounds: PageBounds | undefined): number {
  const { singleWord, outDocs, outKeys, scores } = scratch;
  const count = candidates.listInto(outDocs);
  const keyedDocs = bounds ? scratch.keyedDocs : outDocs;
  let keyed = 0;
  for (let i = 0; i < count; i += 1) {
    const doc = outDocs[i]!;
    // The exact title is the last digit of the tiers (see `rankingTiers`).
    const tiers = oneWordTiers[singleWord[doc]!]! + (exactTitles !== undefined && exactTitles.has(doc) ? 1 : 0);
    singleWord[doc] = 0;
    const key = tiers + relevanceFraction(scores[doc]! * factors[doc]!);
    scores[doc] = 0;
    // A hit of a format group is always keyed: a group folds among all of its hits.
    if (bounds !== undefined && (bounds.groupOf === undefined || bounds.groupOf[doc]! < 0) && !bounds.reach.passes(bounds.regionOf[doc]!, key)) continue;
    keyedDocs[keyed] = doc;
    outKeys[keyed] = key;
    keyed += 1;
  }
  return keyed;
}

/**
 * Adds `termWeight` × one expansion's BM25F to the scores of the documents
 * of positions `from` to `to` of `scratch.entries`, or with `direct` of the
 * list itself, those of its documents in `direct`; and, for a query of one
 * word (`oneWord`, the expansion), sets what it tells the rules in the same
 * pass.
 *
 * The loop has no branch a document's fields decide: which fields hold the
 * term, and whether the title does, differ from one entry to the next, and
 * a branch on them is mispredicted about every other time. A field without
 * the term adds 0 × its weight.
 */
function scoreEntries(list: Postings, termWeight: number, fieldLengths: Uint16Array, averages: readonly number[], scratch: MatchScratch, from: number, to: number, oneWord?: Expansion, direct?: Bitset): void {
  const { scores, singleWord } = scratch;
  const { bits, inTitle } = oneWord ? oneWordBits(oneWord) : { bits: 0, inTitle: 0 };
  const marks = oneWord !== undefined;
  const titleBit = inTitle & ~bits;
  const titlePositions = list.titlePositions;
  const weights = fieldWeights(averages);
  // An imported binding is read through its module at every use: a local, once.
  const tabled = tabledLengths;
  const { tfs, docs: listDocs } = list;
  const entries = scratch.entries;
  const within = direct?.words;
  for (let e = from; e < to; e += 1) {
    const j = within ? e : entries[e]!;
    const doc = listDocs[j]!;
    if (within && (within[doc >>> 5]! & (1 << (doc & 31))) === 0) continue;
    const packed = tfs[j]!;
    const at = doc * 4;
    const l0 = fieldLengths[at]!;
    const l1 = fieldLengths[at + 1]!;
    const l2 = fieldLengths[at + 2]!;
    const l3 = fieldLengths[at + 3]!;
    const weighted =
      (packed & 0xff) * (l0 < tabled ? weights[l0]! : fieldWeight(0, l0, averages)) +
      ((packed >>> 8) & 0xff) * (l1 < tabled ? weights[tabled + l1]! : fieldWeight(1, l1, averages)) +
      ((packed >>> 16) & 0xff) * (l2 < tabled ? weights[2 * tabled + l2]! : fieldWeight(2, l2, averages)) +
      (packed >>> 24) * (l3 < tabled ? weights[3 * tabled + l3]! : fieldWeight(3, l3, averages));
    scores[doc]! += termWeight * ((weighted * (k1 + 1)) / (weighted + k1));
    // The title bit where the title holds the term (a position of 1 to 255), none where it does not (0).
    if (marks) singleWord[doc]! |= bits | (titleBit & -((titlePositions[j]! + 255) >>> 8));
  }
}

/**
 * Every hit into `outDocs`, ascending, with its rules' tiers (its key's
 * integer part) into `outKeys`, offered to `bounds`; or, with `factors`
 * (every hit scored), its whole key: with `bounds` (a first page), only
 * for the hits that can still reach the page as the keys are made, into
 * `keyedDocs` (as `oneWordKeys` keys them). The scratch is left at zero.
 * Returns how many hits, and how many keyed.
 */
function tiersOf(scratch: MatchScratch, candidates: Bitset, wordCount: number, exactTitles: Set<number> | undefined, bounds: PageBounds | undefined, factors: Float64Array | undefined): { count: number; keyed: number } {
  const { flags, spans, outDocs, outKeys, scores, keyedDocs } = scratch;
  let keyed = 0;
  const words = candidates.words;
  const exactTitled = wordCount > 0 ? exactTitles : undefined;
  const reach = bounds?.reach;
  const regionOf = bounds?.regionOf;
  const groupOf = bounds?.groupOf;
  let count = 0;
  for (let w = 0; w < words.length; w += 1) {
    let bits = words[w]!;
    while (bits !== 0) {
      const lowBit = bits & -bits;
      bits ^= lowBit;
      const doc = (w << 5) + 31 - Math.clz32(lowBit);
      const flagsAt = doc * flagSlots;
      const spansAt = doc * spanSlots;
      const typedTitleMask = flags[flagsAt + typedTitle]!;
      const translatedTitleMask = flags[flagsAt + translatedTitle]!;
      const typedInTitle = popcount(typedTitleMask);
      const translatedInTitle = popcount(translatedTitleMask);
      // Spans are read only where proximity reads them (two words in a title or more): most hits' spans are never touched.
      const proximity =
        typedInTitle < 2 && translatedInTitle < 2
          ? 0
          : Math.max(
              proximityLevel(typedInTitle, spans[spansAt + typedLow + 1]! - spans[spansAt + typedLow]!),
              proximityLevel(translatedInTitle, spans[spansAt + translatedLow + 1]! - spans[spansAt + translatedLow]!),
            );
      const tiers = rankingTiers(
        popcount(flags[flagsAt + matched]!),
        popcount(flags[flagsAt + clean]!),
        proximity,
        popcount(typedTitleMask | translatedTitleMask),
        popcount(flags[flagsAt + exact]!),
        exactTitled !== undefined && exactTitled.has(doc),
      );
      flags[flagsAt + matched] = 0;
      flags[flagsAt + clean] = 0;
      flags[flagsAt + exact] = 0;
      flags[flagsAt + typedTitle] = 0;
      flags[flagsAt + translatedTitle] = 0;
      outDocs[count] = doc;
      count += 1;
      if (!factors) {
        outKeys[count - 1] = tiers;
        if (reach && (groupOf === undefined || groupOf[doc]! < 0)) reach.offer(regionOf![doc]!, tiers);
        continue;
      }
      const key = tiers + relevanceFraction(scores[doc]! * factors[doc]!);
      scores[doc] = 0;
      if (!reach) {
        outKeys[count - 1] = key;
        continue;
      }
      if ((groupOf === undefined || groupOf[doc]! < 0) && !reach.passes(regionOf![doc]!, key)) continue;
      keyedDocs[keyed] = doc;
      outKeys[keyed] = key;
      keyed += 1;
    }
  }
  return { count, keyed: reach && factors ? keyed : count };
}

/** The hits `bounds` admits, and every hit of a format group, into `scratch.keyed`. */
function admitted(scratch: MatchScratch, count: number, bounds: PageBounds): Bitset {
  const { outDocs, outKeys } = scratch;
  const { reach, regionOf, groupOf } = bounds;
  const keyed = scratch.keyed.clear().reserve(scratch.hits.words.length * 32);
  const keyedWords = keyed.words;
  for (let i = 0; i < count; i += 1) {
    const doc = outDocs[i]!;
    if (reach.admits(regionOf[doc]!, outKeys[i]!) || (groupOf !== undefined && groupOf[doc]! >= 0)) keyedWords[doc >>> 5]! |= 1 << (doc & 31);
  }
  return keyed;
}

/**
 * The keyed hits' keys (their tiers in `outKeys`, parallel to `outDocs`,
 * plus their relevance) into `keyedDocs` and `outKeys`, ascending. The
 * scores are left at zero.
 */
function keysOf(scratch: MatchScratch, count: number, keyed: Bitset, factors: Float64Array): void {
  const { scores, outDocs, outKeys, keyedDocs } = scratch;
  const keyedWords = keyed.words;
  let at = 0;
  for (let i = 0; i < count; i += 1) {
    const doc = outDocs[i]!;
    if ((keyedWords[doc >>> 5]! & (1 << (doc & 31))) === 0) continue;
    keyedDocs[at] = doc;
    outKeys[at] = outKeys[i]! + relevanceFraction(scores[doc]! * factors[doc]!);
    scores[doc] = 0;
    at += 1;
  }
}
