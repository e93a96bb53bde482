import MiniSearch, { type SearchResult as MiniSearchResult } from 'minisearch';
import type { DatasetRecord, LocalizedText } from '../../../schema/datasetRecord.ts';
import { foldText, tokenize } from './analyzer.ts';
import { Bitset } from './bitset.ts';
import { FacetIndex, facetFields, type FacetCount, type FacetField } from './facetIndex.ts';
import { highlight } from './highlight.ts';
import { pageAfter, type SearchSort, type Sortable } from './searchPaging.ts';

/**
 * Field boosts: a match in the title counts most, then keywords, publisher,
 * description (title > keywords > publisher > description).
 */
export const fieldBoosts = { title: 3, keywords: 2, publisher: 1.5, description: 1 } as const;
/** Multiplier for a dataset whose title (in any language) is exactly the query. */
export const exactTitleBoost = 4;
/** Fuzzy matching starts at this term length (one edit), and allows two edits from `twoEditsFrom`. */
const fuzzyFrom = 5;
const twoEditsFrom = 9;
/** The last query term is also a prefix from this length: search as you type. */
const prefixFrom = 3;

type TextField = keyof typeof fieldBoosts;
const textFields = Object.keys(fieldBoosts) as TextField[];

/** A filter: every listed field must match (AND); within a field any value (OR); plus extra OR groups. */
export interface SearchFilter {
  fields?: Partial<Record<FacetField, readonly string[]>>;
  /** Each group must match; within a group, any condition. */
  anyOf?: readonly (readonly { field: FacetField; value: string }[])[];
  modifiedFrom?: number;
  modifiedTo?: number;
}

export interface SearchRequest {
  text: string;
  filter?: SearchFilter;
  sort: SearchSort;
  first: number;
  after?: Sortable;
  /** Facet values returned per field. @default 20 */
  facetLimit?: number;
  /** Only documents for which this holds are visible (applied inside the search). */
  visible?: (record: DatasetRecord) => boolean;
}

export interface ScoreExplanation {
  textScore: number;
  coordination: number;
  exactTitle: number;
  matches: { term: string; fields: string[] }[];
}

export interface SearchHit extends Sortable {
  record: DatasetRecord;
  score: number;
  /** Field name → marked-up snippets. */
  highlights: { field: string; lang?: string; snippet: string }[];
  explanation?: ScoreExplanation;
}

export interface SearchOutcome {
  total: number;
  hits: SearchHit[];
  hasMore: boolean;
  facets: Record<FacetField, FacetCount[]>;
}

interface Candidate extends Sortable {
  doc: number;
  result?: MiniSearchResult;
  score: number;
}

const joinTexts = (texts: LocalizedText[]) => texts.map((text) => text.value).join('\n');

/**
 * The catalogue's search index: MiniSearch (BM25+, prefix, fuzzy) over the
 * text fields with Wharf's analyzer, plus the pieces a catalogue needs around
 * it: bitset filters and facet counts, search-after paging over every
 * result, exact-title and coordination boosts, highlights, explanations.
 */
export class SearchIndex {
  private readonly text = new MiniSearch<{ doc: number } & Record<TextField, string>>({
    idField: 'doc',
    fields: textFields,
    storeFields: [],
    tokenize,
    // The analyzer already folds; MiniSearch must not change terms again.
    processTerm: (term) => term,
    searchOptions: { boost: { ...fieldBoosts } },
  });
  private readonly facets = new FacetIndex();
  private readonly docOf = new Map<string, number>();
  private readonly records: (DatasetRecord | undefined)[] = [];
  private readonly modified: number[] = [];
  private readonly titleKey: string[] = [];
  private readonly exactTitles = new Map<string, Set<number>>();
  private readonly live = new Bitset();
  private readonly freeDocs: number[] = [];

  get size(): number {
    return this.docOf.size;
  }

  get(id: string): DatasetRecord | undefined {
    const doc = this.docOf.get(id);
    return doc === undefined ? undefined : this.records[doc];
  }

  upsert(record: DatasetRecord): void {
    if (this.docOf.has(record.id)) this.remove(record.id);
    const doc = this.freeDocs.pop() ?? this.records.length;
    this.docOf.set(record.id, doc);
    this.records[doc] = record;
    this.modified[doc] = record.modified ? Date.parse(record.modified) || 0 : 0;
    this.titleKey[doc] = foldText(record.title[0]?.value ?? '');
    for (const title of new Set(record.title.map((text) => tokenize(text.value).join(' ')))) {
      let docs = this.exactTitles.get(title);
      if (!docs) this.exactTitles.set(title, (docs = new Set()));
      docs.add(doc);
    }
    this.text.add({
      doc,
      title: joinTexts(record.title),
      keywords: record.keywords.join('\n'),
      publisher: record.publisher?.name ?? '',
      description: joinTexts(record.description),
    });
    this.facets.add(doc, record);
    this.live.add(doc);
  }

  remove(id: string): void {
    const doc = this.docOf.get(id);
    if (doc === undefined) return;
    const record = this.records[doc]!;
    this.text.discard(doc);
    this.facets.remove(doc);
    this.live.delete(doc);
    for (const title of record.title) {
      const key = tokenize(title.value).join(' ');
      const docs = this.exactTitles.get(key);
      docs?.delete(doc);
      if (docs?.size === 0) this.exactTitles.delete(key);
    }
    this.docOf.delete(id);
    this.records[doc] = undefined;
    this.freeDocs.push(doc);
  }

  /** The documents the filter admits (all live documents when it is empty). */
  private admitted(filter: SearchFilter | undefined): Bitset {
    const admitted = this.live.clone();
    for (const field of facetFields) {
      const values = filter?.fields?.[field];
      if (values && values.length > 0) admitted.and(this.facets.anyOf(field, values));
    }
    for (const group of filter?.anyOf ?? []) {
      const union = new Bitset();
      for (const condition of group) union.or(this.facets.anyOf(condition.field, [condition.value]));
      admitted.and(union);
    }
    if (filter?.modifiedFrom !== undefined || filter?.modifiedTo !== undefined) {
      const from = filter.modifiedFrom ?? -Infinity;
      const to = filter.modifiedTo ?? Infinity;
      for (const doc of admitted) {
        const modified = this.modified[doc]!;
        if (!(modified >= from && modified <= to) || modified === 0) admitted.delete(doc);
      }
    }
    return admitted;
  }

  private sortKey(sort: SearchSort, doc: number, score: number): number | string {
    if (sort === 'MODIFIED') return this.modified[doc]!;
    if (sort === 'TITLE') return this.titleKey[doc]!;
    return score;
  }

  search(request: SearchRequest): SearchOutcome {
    const admitted = this.admitted(request.filter);
    const terms = tokenize(request.text);
    // A blank query lists everything admitted; "relevance" then means newest first.
    const sort: SearchSort = terms.length === 0 && request.sort === 'RELEVANCE' ? 'MODIFIED' : request.sort;
    const candidates: Candidate[] = [];
    const visible = request.visible;
    if (terms.length === 0) {
      for (const doc of admitted) {
        const record = this.records[doc]!;
        if (visible && !visible(record)) continue;
        candidates.push({ doc, id: record.id, score: 0, key: this.sortKey(sort, doc, 0) });
      }
    } else {
      const exact = this.exactTitles.get(terms.join(' '));
      const results = this.text.search(request.text, {
        prefix: (term, i, all) => i === all.length - 1 && term.length >= prefixFrom && !/\s$/.test(request.text),
        fuzzy: (term) => (term.length >= twoEditsFrom ? 2 : term.length >= fuzzyFrom ? 1 : false),
        weights: { fuzzy: 0.45, prefix: 0.6 },
        filter: (result) => admitted.has(result.id as number),
      });
      for (const result of results) {
        const doc = result.id as number;
        const record = this.records[doc]!;
        if (visible && !visible(record)) continue;
        // Lucene-style coordination: matching more of the query's words ranks higher, fewer is not dropped.
        const coordination = result.queryTerms.length / terms.length;
        const score = result.score * coordination * (exact?.has(doc) ? exactTitleBoost : 1);
        candidates.push({ doc, id: record.id, score, result, key: this.sortKey(sort, doc, score) });
      }
    }

    const hitSet = new Bitset(this.records.length);
    const hitDocs = candidates.map((candidate) => candidate.doc);
    for (const doc of hitDocs) hitSet.add(doc);
    const facets = this.facets.count(hitSet, hitDocs, request.facetLimit ?? 20);
    const { page, hasMore } = pageAfter(candidates, sort, request.after, request.first);
    const exact = terms.length > 0 ? this.exactTitles.get(terms.join(' ')) : undefined;
    return {
      total: candidates.length,
      hasMore,
      facets,
      hits: page.map((candidate) => this.toHit(candidate, terms.length, exact)),
    };
  }

  private toHit(candidate: Candidate, queryTermCount: number, exact: Set<number> | undefined): SearchHit {
    const record = this.records[candidate.doc]!;
    const hit: SearchHit = { id: candidate.id, key: candidate.key, record, score: candidate.score, highlights: [] };
    const result = candidate.result;
    if (!result) return hit;
    const matched = new Set(result.terms);
    const fieldTexts: [string, LocalizedText[]][] = [
      ['title', record.title],
      ['description', record.description],
      ['keywords', record.keywords.map((value) => ({ lang: record.language, value }))],
      ['publisher', record.publisher ? [{ lang: record.language, value: record.publisher.name }] : []],
    ];
    for (const [field, texts] of fieldTexts) {
      for (const text of texts) {
        const snippet = highlight(text.value, matched);
        if (snippet) hit.highlights.push({ field, lang: text.lang, snippet });
      }
    }
    hit.explanation = {
      textScore: result.score,
      coordination: result.queryTerms.length / queryTermCount,
      exactTitle: exact?.has(candidate.doc) ? exactTitleBoost : 1,
      matches: Object.entries(result.match).map(([term, fields]) => ({ term, fields })),
    };
    return hit;
  }

  /** Titles completing `prefix` (its last word as a prefix), best first. */
  suggest(prefix: string, limit: number, visible?: (record: DatasetRecord) => boolean): DatasetRecord[] {
    if (tokenize(prefix).length === 0) return [];
    const results = this.text.search(prefix, {
      fields: ['title'],
      prefix: (_term, i, all) => i === all.length - 1,
      combineWith: 'AND',
    });
    const out: DatasetRecord[] = [];
    for (const result of results) {
      const record = this.records[result.id as number]!;
      if (visible && !visible(record)) continue;
      out.push(record);
      if (out.length === limit) break;
    }
    return out;
  }
}
