import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { Bitset } from './bitset.ts';

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

export interface FacetCount {
  value: string;
  count: number;
}

/**
 * The documents having one facet value. Rare values (most keywords) keep a
 * plain list, common ones a bitset: one bitset per value would cost
 * maxDoc/8 bytes for every keyword ever seen.
 */
class ValuePosting {
  private list: number[] | undefined = [];
  private bits: Bitset | undefined;
  size = 0;

  static readonly promoteAt = 2048;

  add(doc: number): void {
    this.size += 1;
    if (this.bits) return this.bits.add(doc);
    this.list!.push(doc);
    if (this.list!.length >= ValuePosting.promoteAt) {
      this.bits = new Bitset();
      for (const each of this.list!) this.bits.add(each);
      this.list = undefined;
    }
  }

  delete(doc: number): void {
    this.size -= 1;
    if (this.bits) return this.bits.delete(doc);
    const at = this.list!.indexOf(doc);
    if (at >= 0) {
      this.list![at] = this.list![this.list!.length - 1]!;
      this.list!.pop();
    }
  }

  orInto(target: Bitset): void {
    if (this.bits) target.or(this.bits);
    else for (const doc of this.list!) target.add(doc);
  }
}

/**
 * Per field, per value: the documents that have it (for filters), and each
 * document's values, so a search counts facets over its whole hit set. The
 * values of every field are numbered in one space and each document's value
 * numbers sit in one flat pool (a start and a count per document), so the
 * count is one tally over the hits, reading memory in document order,
 * instead of one pass per field or one small array per document.
 */
export class FacetIndex {
  private readonly ids = facetFields.map(() => new Map<string, number>());
  private readonly values: string[] = [];
  private readonly fieldOf: number[] = [];
  private readonly postings: (ValuePosting | undefined)[] = [];
  private pool = new Int32Array(1024);
  private poolLength = 0;
  private poolGarbage = 0;
  private starts = new Int32Array(1024);
  private counts = new Int32Array(1024);
  private tally = new Int32Array(64);

  private reserve(doc: number, size: number): void {
    if (doc >= this.starts.length) {
      const capacity = Math.max(doc + 1, this.starts.length * 2);
      const starts = new Int32Array(capacity);
      starts.set(this.starts);
      const counts = new Int32Array(capacity);
      counts.set(this.counts);
      this.starts = starts;
      this.counts = counts;
    }
    if (this.poolGarbage > 0 && this.poolGarbage * 2 > this.poolLength) this.compactPool();
    if (this.poolLength + size > this.pool.length) {
      const pool = new Int32Array(Math.max(this.poolLength + size, this.pool.length * 2));
      pool.set(this.pool.subarray(0, this.poolLength));
      this.pool = pool;
    }
  }

  /** Rewrites the pool without the value lists of removed documents. */
  private compactPool(): void {
    const pool = new Int32Array(Math.max(1024, (this.poolLength - this.poolGarbage) * 2));
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
    }
    return id;
  }

  add(doc: number, record: DatasetRecord): void {
    const values = facetValuesOf(record);
    const size = facetFields.reduce((sum, field) => sum + values[field].length, 0);
    this.reserve(doc, size);
    const start = this.poolLength;
    let at = start;
    facetFields.forEach((field, f) => {
      for (const value of values[field]) {
        const id = this.idOf(f, value);
        (this.postings[id] ??= new ValuePosting()).add(doc);
        this.pool[at++] = id;
      }
    });
    this.starts[doc] = start;
    this.counts[doc] = size;
    this.poolLength = at;
  }

  remove(doc: number): void {
    const count = doc < this.counts.length ? this.counts[doc]! : 0;
    if (count === 0) return;
    const start = this.starts[doc]!;
    this.counts[doc] = 0;
    this.poolGarbage += count;
    for (let i = start; i < start + count; i += 1) {
      const id = this.pool[i]!;
      const posting = this.postings[id]!;
      posting.delete(doc);
      if (posting.size === 0) this.postings[id] = undefined;
    }
  }

  /** Documents having any of `values` in `field` (an OR), or an empty set. */
  anyOf(field: FacetField, values: readonly string[]): Bitset {
    const result = new Bitset();
    const ids = this.ids[facetFields.indexOf(field)]!;
    for (const value of values) {
      const id = ids.get(value);
      if (id !== undefined) this.postings[id]?.orInto(result);
    }
    return result;
  }

  /** The `limit` most frequent values of each field among the hits, counts exact. */
  count(hitDocs: Int32Array, limit: number): Record<FacetField, FacetCount[]> {
    if (this.tally.length < this.values.length) this.tally = new Int32Array(this.values.length * 2);
    const { tally, pool, starts, counts } = this;
    for (let i = 0; i < hitDocs.length; i += 1) {
      const doc = hitDocs[i]!;
      const end = starts[doc]! + counts[doc]!;
      for (let k = starts[doc]!; k < end; k += 1) tally[pool[k]!]! += 1;
    }
    const byField: [number, number][][] = facetFields.map(() => []);
    for (let id = 0; id < this.values.length; id += 1) {
      if (tally[id] === 0) continue;
      byField[this.fieldOf[id]!]!.push([id, tally[id]!]);
      tally[id] = 0;
    }
    const result = {} as Record<FacetField, FacetCount[]>;
    facetFields.forEach((field, f) => {
      const counted = byField[f]!.sort((a, b) => b[1] - a[1] || (this.values[a[0]]! < this.values[b[0]]! ? -1 : 1));
      result[field] = counted.slice(0, limit).map(([id, count]) => ({ value: this.values[id]!, count }));
    });
    return result;
  }
}
