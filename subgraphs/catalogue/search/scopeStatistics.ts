import { andCount, type Bitset } from './bitset.ts';
import { BoundedMemo } from './boundedMemo.ts';
import type { Postings } from './postings.ts';

/**
 * The collection a search is scored against: the documents its consumer may
 * discover, with their number and mean field lengths. Document frequencies
 * among them come from `ScopedFrequencies`.
 *
 * BM25's statistics are a view of the whole collection they count: scored
 * over every document, a search would rank, expand typos and explain with
 * numbers that tell whether datasets hidden from the consumer hold a word.
 * Counted over the consumer's own scope, two catalogues that differ only in
 * what a consumer may not discover answer that consumer alike, to the bit.
 */
export interface ScopeStatistics {
  /** The documents in scope, all live; undefined for every live document. */
  readonly docs: Bitset | undefined;
  readonly documents: number;
  /** Mean length of each text field over the documents in scope (BM25F's normalisation). */
  readonly averages: readonly number[];
  /** Document frequencies in scope counted so far, by term (see `ScopedFrequencies`): kept with the statistics, which are made again when the index changes. */
  readonly counted?: BoundedMemo<number, number>;
}

/** Terms whose frequencies in a scope are kept from one search to the next; past this many they are counted afresh. */
const keptFrequencies = 65536;

/** Where a scope's counted document frequencies are kept (see `ScopedFrequencies`). */
export const countedFrequencies = () => new BoundedMemo<number, number>(keptFrequencies);

/** Mean field lengths from summed ones. */
export const averagesOf = (lengthSums: readonly number[], documents: number): number[] => lengthSums.map((sum) => sum / Math.max(1, documents));

/**
 * Document frequencies within one scope: a term's is the number of its
 * posting entries whose document is in scope (the index's own counts when
 * every live document is), counted when first asked and kept in `counted`
 * (the scope's statistics keep theirs until the index changes, so a term
 * searched again in a scope is not counted again). A common term's
 * documents are a bitset, so counting it costs a word per 32 documents; a
 * rare term's, an entry each.
 */
export class ScopedFrequencies {
  constructor(
    private readonly postings: readonly (Postings | undefined)[],
    /** The index's document frequencies over every live document. */
    private readonly everywhere: Int32Array,
    private readonly scope: Bitset | undefined,
    private readonly counted = countedFrequencies(),
  ) {}

  /** The term's document frequency over every live document: never below its frequency in scope. */
  bound(termId: number): number {
    return this.everywhere[termId] ?? 0;
  }

  of(termId: number): number {
    const overall = this.everywhere[termId] ?? 0;
    if (!this.scope || overall === 0) return overall;
    let count = this.counted.get(termId);
    if (count !== undefined) return count;
    const list = this.postings[termId];
    count = 0;
    if (list?.bits) count = andCount(list.bits.words, this.scope.words);
    else if (list) {
      // Entries of removed documents stay until compaction; the scope holds live documents only, so they never count.
      const { docs, length } = list;
      const words = this.scope.words;
      for (let j = 0; j < length; j += 1) {
        const doc = docs[j]!;
        const word = doc >>> 5;
        if (word < words.length && (words[word]! & (1 << (doc & 31))) !== 0) count += 1;
      }
    }
    this.counted.set(termId, count);
    return count;
  }
}
