import { popcount, type Bitset } from './bitset.ts';

/**
 * Which hits of a search can reach its first page by relevance, judged on
 * the ranking rules alone (every rule but relevance: the integer part of a
 * hit's key, see `rankingRules.ts`), before any relevance is computed.
 *
 * A page by relevance is picked from two kinds of hit (see `rankPage`):
 * each region's best `kept` (its first breadth buckets) and the best
 * `capacity` overall. A hit whose rules rank it below the `kept`-th best
 * of its region and below the `capacity`-th best overall is in neither
 * whatever its relevance: relevance is the key's fraction, below one
 * (a sum of BM25F terms, far below the 2^20 or so where adding it to the
 * rules' integer could round up to the next integer), so a lower integer
 * part always ranks lower. Only the hits that pass need their BM25F.
 *
 * Hits of a format group are left out of the counts (a group folds to one
 * hit, so counting its members would raise a floor above where the folded
 * hits put it): they are always kept, which only lowers the floors.
 *
 * A query of one word, whose hits are scored as they are marked, offers
 * whole keys instead of tiers, and asks as it goes: a hit below both
 * floors when it comes is below them at the end, as floors only rise.
 */
export class PageReach {
  /** Per region, its best `kept` tiers so far, descending, at `region * kept`. */
  private readonly regionBest: Float64Array;
  private readonly regionSize: Int32Array;
  /** The tier a hit must reach to be among its region's best: -Infinity until `kept` are seen, Infinity when `kept` is 0. */
  readonly regionFloors: Float64Array;
  private readonly best: number[] = [];
  /** The tier a hit must reach to be among the best `capacity` overall. */
  floor = -Infinity;

  constructor(
    regions: number,
    private readonly kept: number,
    readonly capacity: number,
  ) {
    this.regionBest = new Float64Array(regions * kept);
    this.regionSize = new Int32Array(regions);
    this.regionFloors = new Float64Array(regions).fill(kept > 0 ? -Infinity : Infinity);
  }

  /** Counts a hit of `region` whose rules put it at `tier`. */
  offer(region: number, tier: number): void {
    if (tier > this.regionFloors[region]!) this.keepInRegion(region, tier);
    if (tier > this.floor) {
      const { best, capacity } = this;
      let at = best.length;
      while (at > 0 && best[at - 1]! < tier) at -= 1;
      best.splice(at, 0, tier);
      if (best.length > capacity) best.pop();
      if (best.length === capacity) this.floor = best[capacity - 1]!;
    }
  }

  private keepInRegion(region: number, tier: number): void {
    const { regionBest, kept } = this;
    const start = region * kept;
    const size = this.regionSize[region]!;
    let at = start + Math.min(size, kept - 1);
    while (at > start && regionBest[at - 1]! < tier) {
      regionBest[at] = regionBest[at - 1]!;
      at -= 1;
    }
    regionBest[at] = tier;
    if (size < kept) this.regionSize[region] = size + 1;
    if (size + 1 >= kept) this.regionFloors[region] = regionBest[start + kept - 1]!;
  }

  /**
   * Whether a hit of `region` keyed `key` may still reach the page as the
   * keys are made (see `oneWordKeys`): when its key reaches its region's
   * floor or the overall floor so far, and it is then offered. Floors only
   * rise, so a hit below both now is below both once every hit is keyed.
   * Most hits leave at the two comparisons.
   */
  passes(region: number, key: number): boolean {
    if (key < this.floor && key < this.regionFloors[region]!) return false;
    this.offer(region, key);
    return true;
  }

  /** Whether a hit of `region` at `tier` may reach the page, once every hit was offered. */
  admits(region: number, tier: number): boolean {
    return tier >= this.regionFloors[region]! || tier >= this.floor;
  }
}

/** What decides which hits may reach a first page by relevance (see `PageReach`): per document its region and format group (-1 for none, or no groups folded), and the documents in a format group (undefined when none are folded). */
export interface PageBounds {
  reach: PageReach;
  regionOf: Uint16Array;
  groupOf: Int32Array | undefined;
  grouped: Bitset | undefined;
}

/** Levels below the most words a query's hits can match that `mostWords` tells apart: a hit matching fewer is walked as every other. */
const wordLevels = 4;

/**
 * The hits of `candidates` a first page can draw from when they match
 * different numbers of words (`sets`: per query word, the documents it
 * matches), into `into`: those matching `m` words or more, and every hit of
 * a format group; or `candidates` itself.
 *
 * Words matched is the first ranking rule, above typos and region breadth:
 * a hit matching fewer words than another ranks below it whatever else
 * holds. So when `capacity` hits outside any format group (each a result
 * of its own) match `m` words or more, no hit matching fewer can reach the
 * page, or be a region's best there, or tell whether there is more. `m` is
 * the most words for which that holds; the hits of format groups are kept
 * because a group folds among all of its hits. Counted on the word sets a
 * machine word at a time (32 documents), before any list is walked: the
 * walk, tiers and keys then cost as much as the hits near the top.
 */
export function mostWords(sets: readonly Bitset[], candidates: Bitset, bounds: PageBounds, into: Bitset): Bitset {
  const words = candidates.words;
  const levels = Math.min(wordLevels, sets.length - 1);
  const groupedWords = bounds.grouped?.words;
  // Per level d (0 to `levels`), the hits missing at most d words, so far in the sets read.
  const within = new Int32Array(levels + 1);
  const setWords = sets.map((set) => set.words);
  const counts = new Float64Array(levels + 1);
  const atMostMissing = (w: number, deepest: number) => {
    within.fill(-1, 0, deepest + 1);
    for (const bits of setWords) {
      const word = bits[w]!;
      for (let d = deepest; d > 0; d -= 1) within[d] = (within[d]! & word) | (within[d - 1]! & ~word);
      within[0]! &= word;
    }
  };
  for (let w = 0; w < words.length; w += 1) {
    const hits = words[w]!;
    if (hits === 0) continue;
    atMostMissing(w, levels);
    const alone = groupedWords !== undefined && w < groupedWords.length ? hits & ~groupedWords[w]! : hits;
    for (let d = 0; d <= levels; d += 1) counts[d]! += popcount(within[d]! & alone);
  }
  let missing = 0;
  while (missing <= levels && counts[missing]! < bounds.reach.capacity) missing += 1;
  // Matching one word or more is every hit.
  if (missing > levels || missing === sets.length - 1) return candidates;
  into.clear().reserve(words.length * 32);
  const out = into.words;
  for (let w = 0; w < words.length; w += 1) {
    const hits = words[w]!;
    if (hits === 0) continue;
    atMostMissing(w, missing);
    out[w] = hits & (within[missing]! | (groupedWords !== undefined && w < groupedWords.length ? groupedWords[w]! : 0));
  }
  return into;
}
