import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { Bitset } from './bitset.ts';
import { keepLargest } from './searchPaging.ts';
import { sharedCopy, sharedInt32, startTally } from './tallyInWorker.ts';
import { ValuePosting } from './valuePosting.ts';

/** Fields a search can be filtered and faceted on. */
export const facetFields = ['region', 'theme', 'publisher', 'format', 'license', 'keyword'] as const;
export type FacetField = (typeof facetFields)[number];

/** The values a record has for each facet field, de-duplicated. */
export function facetValuesOf(record: DatasetRecord): Record<FacetField, string[]> {
  const unique = (values: (string | undefined)[]) => [...new Set(values.filter((value): value is string => !!value))];
  return {
    region: [record.region],
    theme: unique(record.themes),
    publisher: unique([record.publisher?.name]),
    format: unique(record.distributions.map((distribution) => distribution.format?.toUpperCase())),
    license: unique([record.license]),
    keyword: unique(record.keywords),
  };
}

/** How a count is made (see `FacetIndex.count`). */
interface CountPlan {
  byBitsets: boolean;
  byComplement: boolean;
}

export interface FacetCount {
  value: string;
  count: number;
}

/**
 * Costs in ns measured at a million documents with the benchmark's queries
 * (bench/RESULTS.md): a hit in a tally costs `tallyCost` when the hits are
 * dense, and up to `sparseTallyCost` more when they are sparse enough that
 * every hit's values are a cache miss (below `denseShare` of the
 * documents); one word of a bitset intersection (2.2 ns alone, more within
 * a search, whose own arrays compete for the cache); one document of a
 * list-held value looked up in the hits.
 */
const tallyCost = 30;
const sparseTallyCost = 30;
const denseShare = 0.35;
const wordCost = 5;
const lookupCost = 12;

/**
 * Per field, per value: the documents that have it (for filters), and each
 * document's values, so a search counts facets over its whole hit set.
 *
 * Two exact ways to count, chosen per search by their expected cost:
 * - a tally over the hits: the values of every field are numbered in one
 *   space and each document's value numbers sit in one flat pool (a start
 *   and a count per document), so it is one pass reading memory in
 *   document order. Its cost grows with the hits.
 * - against the values' bitsets, 32 documents a word, largest value first,
 *   stopping in each field once no remaining value can reach the top
 *   `limit` (a value's count is at most its size). Its cost does not grow
 *   with the hits, so it wins when they are a large share of the catalogue.
 */
export class FacetIndex {
  private readonly ids = facetFields.map(() => new Map<string, number>());
  private readonly values: string[] = [];
  private readonly fieldOf: number[] = [];
  private readonly postings: (ValuePosting | undefined)[] = [];
  /** Per field: its values held as bitsets, and how many document entries its list-held values have. */
  private readonly bitsetValues: number[][] = facetFields.map(() => []);
  private readonly listEntries = facetFields.map(() => 0);
  private readonly fieldValues: number[][] = facetFields.map(() => []);
  // In shared memory, so a tally can run on a second thread (see `countLater`).
  private pool = sharedInt32(1024);
  private poolLength = 0;
  private poolGarbage = 0;
  private starts = sharedInt32(1024);
  private counts = sharedInt32(1024);
  private tally = new Int32Array(64);
  /** Counts of the values `keepTop` holds, by value id (read only for the values it holds). */
  private topCounts = new Int32Array(64);
  private docScratch = new Int32Array(0);
  private documents = 0;

  /**
   * `bitsetFrom`: a value's documents become a bitset from this many;
   * `counting`: how counts are made, by expected cost unless told;
   * `parallelFrom`: a tally of this many documents or more runs on a
   * second thread when counted with `countLater`.
   */
  constructor(
    private readonly bitsetFrom = 2048,
    private readonly counting: 'cheaper' | 'tally' | 'complement' | 'bitsets' = 'cheaper',
    private readonly parallelFrom = 1_000,
  ) {}

  private reserve(doc: number, size: number): void {
    if (doc >= this.starts.length) {
      const capacity = Math.max(doc + 1, this.starts.length * 2);
      const starts = sharedInt32(capacity);
      starts.set(this.starts);
      const counts = sharedInt32(capacity);
      counts.set(this.counts);
      this.starts = starts;
      this.counts = counts;
    }
    if (this.poolGarbage > 0 && this.poolGarbage * 2 > this.poolLength) this.compactPool();
    if (this.poolLength + size > this.pool.length) {
      const pool = sharedInt32(Math.max(this.poolLength + size, this.pool.length * 2));
      pool.set(this.pool.subarray(0, this.poolLength));
      this.pool = pool;
    }
  }

  /** Rewrites the pool without the value lists of removed documents. */
  private compactPool(): void {
    const pool = sharedInt32(Math.max(1024, (this.poolLength - this.poolGarbage) * 2));
    let length = 0;
    for (let doc = 0; doc < this.starts.length; doc += 1) {
      const count = this.counts[doc]!;
      if (count === 0) continue;
      pool.set(this.pool.subarray(this.starts[doc]!, this.starts[doc]! + count), length);
      this.starts[doc] = length;
      length += count;
    }
    this.pool = pool;
    this.poolLength = length;
    this.poolGarbage = 0;
  }

  private idOf(field: number, value: string): number {
    let id = this.ids[field]!.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.ids[field]!.set(value, id);
      this.values.push(value);
      this.fieldOf.push(field);
      this.fieldValues[field]!.push(id);
    }
    return id;
  }

  add(doc: number, record: DatasetRecord): void {
    this.addValues(doc, facetValuesOf(record));
  }

  /** Adds a document by its values (`facetValuesOf` its record). */
  addValues(doc: number, values: Record<FacetField, string[]>): void {
    const size = facetFields.reduce((sum, field) => sum + values[field].length, 0);
    this.reserve(doc, size);
    const start = this.poolLength;
    let at = start;
    facetFields.forEach((field, f) => {
      for (const value of values[field]) {
        const id = this.idOf(f, value);
        const posting = (this.postings[id] ??= new ValuePosting(this.bitsetFrom));
        const listed = posting.bits === undefined;
        posting.add(doc);
        if (!posting.bits) this.listEntries[f]! += 1;
        else if (listed) {
          this.listEntries[f]! -= posting.size - 1;
          this.bitsetValues[f]!.push(id);
        }
        this.pool[at++] = id;
      }
    });
    this.starts[doc] = start;
    this.counts[doc] = size;
    this.poolLength = at;
    this.documents += 1;
  }

  remove(doc: number): void {
    const count = doc < this.counts.length ? this.counts[doc]! : 0;
    if (count === 0) return;
    const start = this.starts[doc]!;
    this.counts[doc] = 0;
    this.poolGarbage += count;
    this.documents -= 1;
    for (let i = start; i < start + count; i += 1) {
      const id = this.pool[i]!;
      const f = this.fieldOf[id]!;
      const posting = this.postings[id]!;
      posting.delete(doc);
      if (!posting.bits) this.listEntries[f]! -= 1;
      if (posting.size > 0) continue;
      this.postings[id] = undefined;
      if (posting.bits) this.bitsetValues[f]!.splice(this.bitsetValues[f]!.indexOf(id), 1);
    }
  }

  /** Documents having any of `values` in `field` (an OR), or an empty set; into `result` if given (cleared first). */
  anyOf(field: FacetField, values: readonly string[], result = new Bitset()): Bitset {
    result.clear();
    const ids = this.ids[facetFields.indexOf(field)]!;
    for (const value of values) {
      const id = ids.get(value);
      if (id !== undefined) this.postings[id]?.orInto(result);
    }
    return result;
  }

  /**
   * The `limit` most frequent values of each field among `hits` (a set of
   * `hitCount` of the live documents `live`; `hitDocs` lists them ascending,
   * if at hand), most frequent first, ties by value; counts exact.
   *
   * When the hits are most of the live documents, a tally of the others
   * subtracted from each value's size gives the same counts for less.
   */
  count(hits: Bitset, hitCount: number, limit: number, live: Bitset, hitDocs?: Int32Array): Record<FacetField, FacetCount[]> {
    return this.countAsPlanned(this.plan(hits, hitCount, limit), hits, hitCount, limit, live, hitDocs);
  }

  /** `count`, the way to count already chosen. */
  private countAsPlanned(plan: CountPlan, hits: Bitset, hitCount: number, limit: number, live: Bitset, hitDocs?: Int32Array): Record<FacetField, FacetCount[]> {
    if (plan.byBitsets) facetFields.forEach((_, f) => this.countField(f, hits, limit));
    else if (plan.byComplement) {
      this.tallyHits(this.listed(live, this.documents - hitCount, hits));
      this.complementTally(this.values.length);
    } else this.tallyHits(hitDocs ?? this.listed(hits, hitCount));
    return this.topValues(limit);
  }

  /** The tally of the non-hits, of the first `values` values, made their counts among the hits: each value's size less it. */
  private complementTally(values: number): void {
    const tally = this.tally;
    for (let id = 0; id < values; id += 1) tally[id] = (this.postings[id]?.size ?? 0) - tally[id]!;
  }

  /**
   * `count`, begun now and finished by the function returned (given the
   * hits listed ascending, if at hand by then): a tally of many documents
   * (`parallelFrom`) runs meanwhile on a second thread
   * (`tallyInWorker.ts`), so it overlaps what the search does until it
   * needs the facets. The counts are the same either way. `hits` and
   * `live` must not change before it is finished.
   */
  countLater(hits: Bitset, hitCount: number, limit: number, live: Bitset): (hitDocs?: Int32Array) => Record<FacetField, FacetCount[]> {
    const plan = this.plan(hits, hitCount, limit);
    const tallied = plan.byComplement ? this.documents - hitCount : hitCount;
    const now = (hitDocs?: Int32Array) => this.countAsPlanned(plan, hits, hitCount, limit, live, hitDocs);
    if (plan.byBitsets || tallied < this.parallelFrom) return now;
    this.pool = sharedCopy(this.pool);
    this.starts = sharedCopy(this.starts);
    this.counts = sharedCopy(this.counts);
    const values = this.values.length;
    const waiting = startTally({ pool: this.pool, starts: this.starts, counts: this.counts, values, hits: hits.words, ...(plan.byComplement ? { live: live.words } : {}) });
    if (!waiting) return now;
    return (hitDocs) => {
      const counted = waiting();
      if (!counted) return now(hitDocs);
      this.tally.set(counted.subarray(0, values));
      if (plan.byComplement) this.complementTally(values);
      return this.topValues(limit);
    };
  }

  /** How `count` counts `hits` (`hitCount` of the live documents): by the values' bitsets, by a tally of the non-hits, or else by a tally of the hits. */
  private plan(hits: Bitset, hitCount: number, limit: number): CountPlan {
    if (this.tally.length < this.values.length) this.tally = new Int32Array(this.values.length * 2);
    if (this.topCounts.length < this.values.length) this.topCounts = new Int32Array(this.values.length * 2);
    const sizeOf = (id: number) => this.postings[id]!.size;
    for (const candidates of this.bitsetValues) candidates.sort((a, b) => sizeOf(b) - sizeOf(a));
    const documents = Math.max(1, this.documents);
    const tallyNs = (count: number) => count * (tallyCost + sparseTallyCost * Math.max(0, 1 - count / documents / denseShare));
    const others = this.documents - hitCount;
    const byComplement = this.counting === 'cheaper' ? others < hitCount : this.counting === 'complement';
    const tallied = byComplement ? tallyNs(others) : tallyNs(hitCount);
    const byBitsets = this.counting === 'cheaper' ? hitCount > 0 && this.bitsetCost(hits, hitCount / documents, limit) < tallied : this.counting === 'bitsets';
    return { byBitsets, byComplement };
  }

  /** Each field's `limit` values counted highest in the tally, which is left at zero. */
  private topValues(limit: number): Record<FacetField, FacetCount[]> {
    const tally = this.tally;
    // Per field, its top `limit` values so far, best first: a field's thousands of counted keywords are never sorted whole.
    const best: number[][] = facetFields.map(() => []);
    for (let id = 0; id < this.values.length; id += 1) {
      const count = tally[id]!;
      if (count === 0) continue;
      tally[id] = 0;
      if (limit > 0) this.keepTop(best[this.fieldOf[id]!]!, id, count, limit);
    }
    const result = {} as Record<FacetField, FacetCount[]>;
    facetFields.forEach((field, f) => {
      result[field] = best[f]!.map((id) => ({ value: this.values[id]!, count: this.topCounts[id]! }));
    });
    return result;
  }

  /**
   * Puts value `id` with `count` into `top` (at most `limit` ids, most
   * frequent first, ties by value), as a full sort would order them: a
   * value ranking after a full list's last is rejected by one comparison.
   */
  private keepTop(top: number[], id: number, count: number, limit: number): void {
    if (top.length === limit && !this.ranksBefore(id, count, top[limit - 1]!)) return;
    this.topCounts[id] = count;
    let at = top.length;
    while (at > 0 && this.ranksBefore(id, count, top[at - 1]!)) at -= 1;
    top.splice(at, 0, id);
    if (top.length > limit) top.pop();
  }

  /** Whether value `a`, counted `countOfA`, ranks before value `b` held by `keepTop`. A method, not a closure made per call. */
  private ranksBefore(a: number, countOfA: number, b: number): boolean {
    const countOfB = this.topCounts[b]!;
    return countOfA > countOfB || (countOfA === countOfB && this.values[a]! < this.values[b]!);
  }

  /** The `count` documents of `set` not in `except`, ascending, in a reused array. */
  private listed(set: Bitset, count: number, except?: Bitset): Int32Array {
    if (this.docScratch.length < count) this.docScratch = new Int32Array(count * 2);
    return this.docScratch.subarray(0, set.listInto(this.docScratch, except));
  }

  /** Every hit's values into the tally (an array of hits reads twice as fast as a bitset's bits). */
  private tallyHits(hitDocs: Int32Array): void {
    const { tally, pool, starts, counts } = this;
    for (let i = 0; i < hitDocs.length; i += 1) {
      const doc = hitDocs[i]!;
      const end = starts[doc]! + counts[doc]!;
      for (let k = starts[doc]!; k < end; k += 1) tally[pool[k]!]! += 1;
    }
  }

  /**
   * Expected ns counting by bitsets for hits that are `density` of the
   * documents: in a field with more values than `limit`, the limit-th count
   * would be near `density` times the limit-th size if hits were a random
   * sample, and values smaller than that count stop the count. Real hits
   * cluster on some values and miss others, which leaves the limit-th count
   * lower, so half that is assumed. List-held values are read when it may
   * be below `bitsetFrom`.
   */
  private bitsetCost(hits: Bitset, density: number, limit: number): number {
    let cost = 0;
    this.bitsetValues.forEach((candidates, f) => {
      let read = candidates.length;
      let floor = 0;
      if (candidates.length >= limit) {
        floor = (density * this.postings[candidates[limit - 1]!]!.size) / 2;
        while (read > limit && this.postings[candidates[read - 1]!]!.size < floor) read -= 1;
      }
      cost += read * hits.words.length * wordCost;
      if (floor < this.bitsetFrom) cost += this.listEntries[f]! * lookupCost;
    });
    return cost;
  }

  /** The top `limit` values of field `f` among the hits, and any tied with them, into the tally. */
  private countField(f: number, hits: Bitset, limit: number): void {
    const best: number[] = [];
    const floor = () => (best.length === limit ? best[limit - 1]! : 1);
    const consider = (id: number) => {
      const count = this.postings[id]!.countIn(hits);
      this.tally[id] = count;
      if (count > 0) keepLargest(best, count, limit);
    };
    for (const id of this.bitsetValues[f]!) {
      if (this.postings[id]!.size < floor()) break;
      consider(id);
    }
    // A list-held value has fewer than bitsetFrom documents: only a lower floor lets one in.
    if (floor() >= this.bitsetFrom) return;
    for (const id of this.fieldValues[f]!) {
      const posting = this.postings[id];
      if (posting && !posting.bits && posting.size >= floor()) consider(id);
    }
  }
}
