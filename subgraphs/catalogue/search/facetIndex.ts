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

  countIn(hits: Bitset): number {
    if (this.bits) return hits.andCount(this.bits);
    let count = 0;
    for (const doc of this.list!) if (hits.has(doc)) count += 1;
    return count;
  }
}

/** What one tally increment costs against one bitset AND-and-popcount word, roughly (measured at a million datasets). */
const incrementCost = 2;

/**
 * One facet field: its values numbered, each value's documents, and each
 * document's value numbers. The last sit in one flat pool (a start and a
 * count per document): a tally over tens of thousands of hits then reads
 * memory in order instead of chasing one small array per document.
 */
class FieldFacets {
  readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  readonly postings: (ValuePosting | undefined)[] = [];
  distinct = 0;
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

  add(doc: number, values: readonly string[]): void {
    this.reserve(doc, values.length);
    const start = this.poolLength;
    values.forEach((value, i) => {
      let id = this.ids.get(value);
      if (id === undefined) {
        id = this.values.length;
        this.ids.set(value, id);
        this.values.push(value);
      }
      let posting = this.postings[id];
      if (!posting) {
        this.postings[id] = posting = new ValuePosting();
        this.distinct += 1;
      }
      posting.add(doc);
      this.pool[start + i] = id;
    });
    this.starts[doc] = start;
    this.counts[doc] = values.length;
    this.poolLength += values.length;
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
      if (posting.size === 0) {
        this.postings[id] = undefined;
        this.distinct -= 1;
      }
    }
  }

  posting(value: string): ValuePosting | undefined {
    const id = this.ids.get(value);
    return id === undefined ? undefined : this.postings[id];
  }

  /**
   * Value counts among the hits, as [value id, count] pairs, every value
   * exact: one AND-and-popcount per value when the hits are many and the
   * values few, else a tally over the hits' value lists.
   */
  count(hits: Bitset, hitDocs: Int32Array, documentCount: number): [number, number][] {
    const out: [number, number][] = [];
    const valuesPerDocument = (this.poolLength - this.poolGarbage) / Math.max(1, documentCount);
    if (this.distinct * hits.words.length < hitDocs.length * valuesPerDocument * incrementCost) {
      this.postings.forEach((posting, id) => {
        const count = posting ? posting.countIn(hits) : 0;
        if (count > 0) out.push([id, count]);
      });
      return out;
    }
    if (this.tally.length < this.values.length) this.tally = new Int32Array(this.values.length * 2);
    const { tally, pool, starts, counts } = this;
    for (let i = 0; i < hitDocs.length; i += 1) {
      const doc = hitDocs[i]!;
      const end = starts[doc]! + counts[doc]!;
      for (let k = starts[doc]!; k < end; k += 1) tally[pool[k]!]! += 1;
    }
    for (let id = 0; id < this.values.length; id += 1) {
      if (tally[id] === 0) continue;
      out.push([id, tally[id]!]);
      tally[id] = 0;
    }
    return out;
  }
}

/**
 * Per field, per value: the documents that have it, and each document's
 * values, so a search counts facets over its whole hit set: by bitset ANDs
 * when the hits are many and the values few, by a typed tally otherwise.
 */
export class FacetIndex {
  private readonly fields = new Map<FacetField, FieldFacets>(facetFields.map((field) => [field, new FieldFacets()]));
  private documentCount = 0;

  add(doc: number, record: DatasetRecord): void {
    const values = facetValuesOf(record);
    for (const field of facetFields) this.fields.get(field)!.add(doc, values[field]);
    this.documentCount += 1;
  }

  remove(doc: number): void {
    for (const field of facetFields) this.fields.get(field)!.remove(doc);
    this.documentCount -= 1;
  }

  /** Documents having any of `values` in `field` (an OR), or an empty set. */
  anyOf(field: FacetField, values: readonly string[]): Bitset {
    const result = new Bitset();
    for (const value of values) this.fields.get(field)!.posting(value)?.orInto(result);
    return result;
  }

  /**
   * The `limit` most frequent values of each field among the hits (given as
   * a bitset and as a list), counts exact for every value returned.
   */
  count(hits: Bitset, hitDocs: Int32Array, limit: number): Record<FacetField, FacetCount[]> {
    const result = {} as Record<FacetField, FacetCount[]>;
    for (const field of facetFields) {
      const facets = this.fields.get(field)!;
      const counts = facets.count(hits, hitDocs, this.documentCount);
      counts.sort((a, b) => b[1] - a[1] || (facets.values[a[0]]! < facets.values[b[0]]! ? -1 : 1));
      result[field] = counts.slice(0, limit).map(([id, count]) => ({ value: facets.values[id]!, count }));
    }
    return result;
  }
}
