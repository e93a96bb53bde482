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

  /** Whether a hit of `region` at `tier` may reach the page, once every hit was offered. */
  admits(region: number, tier: number): boolean {
    return tier >= this.regionFloors[region]! || tier >= this.floor;
  }
}
