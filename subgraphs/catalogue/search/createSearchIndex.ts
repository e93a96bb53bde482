import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { foldText, tokenize } from './analyzer.ts';
import { analyzeQuery } from './analyzeQuery.ts';
import { Bitset } from './bitset.ts';
import { FacetIndex, facetValuesOf, type FacetField } from './facetIndex.ts';
import { assertIndexable, UnindexableRecordError } from './assertIndexable.ts';
import { admittedDocuments, filterScratch } from './searchFilter.ts';
import type { AccessGroupKey, SearchHit, SearchOutcome, SearchRequest } from './searchTypes.ts';
import { exactTitleBoost, fieldBoosts, qualityFactorOf, qualityWeight, termFrequencies } from './fieldStatistics.ts';
import { explainScore, highlightsOf } from './searchHits.ts';
import { Postings, postingBitsetFrom } from './postings.ts';
import { RecordArena } from './recordArena.ts';
import { HashMultimap } from './hashMultimap.ts';
import { selectPage, selectTopByKey, type SearchSort } from './searchPaging.ts';
import { TermDictionary } from './termDictionary.ts';
import { averagesOf, countedFrequencies, ScopedFrequencies, type ScopeStatistics } from './scopeStatistics.ts';
import { expandQuery, reachesLanguages, stemmedOnlyTerms, withoutIdleStopWords, type Expansion } from './expandQuery.ts';
import { collectHits, type HitCollection } from './collectHits.ts';
import { collectMatches } from './collectMatches.ts';
import { DerivedLists } from './derivedLists.ts';
import { MatchScratch, maxMatchedWords } from './matchScratch.ts';
import { formatGroupKeyOf, formatSuffixOf, pageCapacity, rankPage, regionKept } from './diversifyHits.ts';
import { PageReach } from './pageReach.ts';
import { tiersOf } from './rankingRules.ts';
import { warmGlossary } from './crossLingual.ts';
import { qualityMask, scoreOfMask } from '../../shared/quality/assessQuality.ts';

export { exactTitleBoost, fieldBoosts, qualityFactorOf, qualityWeight };
/** Query words beyond this many are ignored (one bit each in the match mask). */
const maxQueryWords = maxMatchedWords;
/** Compact posting lists once this many entries belong to removed documents and they are a fifth of all. */
const compactAfterDeadPostings = 200_000;

export type { SearchFilter } from './searchFilter.ts';
export { UnindexableRecordError } from './assertIndexable.ts';

export type { AccessGroupKey, SearchHit, SearchOutcome, SearchRequest } from './searchTypes.ts';

/** A record checked and with everything an insert writes derived from it (see `SearchIndex.prepare`). */
export interface PreparedRecord {
  readonly record: DatasetRecord;
  readonly json: Buffer;
  readonly tf: Map<string, number>;
  /** Per title term, its first position there plus one (see `termFrequencies`). */
  readonly titlePositions: Map<string, number>;
  /** Per term, the stemmed languages of the texts it came from. */
  readonly languages: Map<string, number>;
  /** Its format group (see `formatGroupKeyOf`), if its title ends with a format. */
  readonly formatGroup: string | undefined;
  /** Per field, its length in terms (at most 65,535). */
  readonly lengths: readonly number[];
  readonly modifiedMs: number;
  readonly qualityMask: number;
  readonly qualityFactor: number;
  readonly titleKey: string;
  readonly exactTitleKeys: Set<number>;
  readonly facetValues: Record<FacetField, string[]>;
  readonly groupName: string;
  readonly groupKey: AccessGroupKey;
}

/** Documents sharing a region and access attributes, under their JSON as `name`, with their summed field lengths. */
interface AccessGroup {
  name: string;
  key: AccessGroupKey;
  docs: Bitset;
  size: number;
  lengthSums: number[];
}

const titleKeyOf = (text: string) => tokenize(text).join(' ');
/** Title sort keys keep this many characters; beyond them, ties fall back to the id. */
const titleSortChars = 48;

/** FNV-1a: exact titles are looked up by hash, then confirmed against the record. */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * The catalogue's search index. Terms come from Wharf's analyzer, each text
 * in its language; their dictionary keeps folded forms in MiniSearch's radix
 * tree (prefix and typo expansion) and stem groups; posting lists are typed
 * arrays scored with BM25F, with each term's first title position for
 * proximity; a query's hits are ranked by the rules of `rankingRules.ts`,
 * then spread across regions and folded into format groups
 * (`rankPage`); filters and facets are bitsets; pages are cut with
 * search-after over every hit. See docs/search.md; measured in
 * bench/RESULTS.md against MiniSearch and FlexSearch used whole.
 *
 * Removal is lazy: a removed document leaves the live set at once (and its
 * statistics), its posting entries are skipped, and the lists are compacted
 * in bulk later; only then is its document number reused.
 */
export class SearchIndex {
  private readonly dictionary = new TermDictionary();
  private readonly postings: (Postings | undefined)[] = [];
  private readonly facets: FacetIndex;
  private readonly docOf = new Map<string, number>();
  private readonly records = new RecordArena();
  /** Per document: its id and revision (read on every page and every harvest, so never parsed for). */
  private readonly ids: (string | undefined)[] = [];
  private readonly revisions: (string | undefined)[] = [];
  private readonly titleKey: string[] = [];
  private readonly exactTitles = new HashMultimap();
  /** Documents grouped by region and access attributes: discoverability is decided once per group. */
  private readonly accessGroups = new Map<string, AccessGroup>();
  private readonly groupOf: (AccessGroup | undefined)[] = [];
  private readonly live = new Bitset();
  private readonly lengthSums = [0, 0, 0, 0];
  private fieldLengths = new Uint16Array(4096);
  private modified = new Float64Array(1024);
  /** Per document: the MQA indicators it passes (see `qualityMask`) and the ranking factor they make. */
  private qualityMasks = new Uint32Array(1024);
  private qualityFactors = new Float64Array(1024);
  /** Per document: its region's number (in `regionNumbers`) and its format group's (-1 for none), for breadth and grouping. */
  private regionOf = new Uint16Array(1024);
  private formatGroupOf = new Int32Array(1024).fill(-1);
  private readonly regionNumbers = new Map<string, number>();
  /** Format groups with live members: key → number and member count (a group leaves when its last member does). */
  private readonly formatGroups = new Map<string, { number: number; members: number }>();
  private nextFormatGroup = 0;
  private liveCount = 0;
  /** Goes up with every insert and removal: statistics of a document set are valid for one value of it. */
  private changes = 0;
  /** Statistics of the document sets searches are scoped to (see `statisticsOf`), kept while a set is in use. */
  private readonly scopes = new WeakMap<Bitset, { changes: number; statistics: ScopeStatistics }>();
  /** The documents in a format group, as of `changes` (see `groupedDocuments`). */
  private grouped: { changes: number; docs: Bitset } | undefined;
  private freeDocs: number[] = [];
  private deadDocs: number[] = [];
  private deadPostings = 0;
  private totalPostings = 0;
  // Scratch buffers of one search, reused so a search allocates almost nothing; searches
  // are synchronous, so one runs at a time and nothing outlives it.
  private scores = new Float64Array(1024);
  private masks = new Uint32Array(1024);
  private hitDocs = new Int32Array(1024);
  private hitScores = new Float64Array(1024);
  private readonly hitBits = new Bitset();
  private readonly markedBits = new Bitset();
  private readonly filterScratch = filterScratch();
  private readonly matchScratch = new MatchScratch();
  private readonly derivedLists = new DerivedLists();
  private sortKeyScratch = new Float64Array(0);

  private readonly postingBitsetFrom: number;

  /**
   * `facetBitsetFrom`: a facet value's documents are held as a bitset from
   * this many (see `FacetIndex`); `postingBitsetFrom`: a term's, from this
   * many (see `Postings`).
   */
  constructor(options: { facetBitsetFrom?: number; postingBitsetFrom?: number } = {}) {
    this.facets = new FacetIndex(options.facetBitsetFrom);
    this.postingBitsetFrom = options.postingBitsetFrom ?? postingBitsetFrom;
    warmGlossary();
  }

  get size(): number {
    return this.liveCount;
  }

  get(id: string): DatasetRecord | undefined {
    const doc = this.docOf.get(id);
    return doc === undefined ? undefined : this.records.get(doc);
  }

  /** The document number of `id`, the bit it has in document sets. */
  documentOf(id: string): number | undefined {
    return this.docOf.get(id);
  }

  /** The quality mask held for `id` (see `qualityMask`), without reading the record. */
  qualityMaskOf(id: string): number | undefined {
    const doc = this.docOf.get(id);
    return doc === undefined ? undefined : this.qualityMasks[doc];
  }

  /** The modified time held for `id` (epoch ms, 0 when unknown), without reading the record. */
  modifiedMsOf(id: string): number | undefined {
    const doc = this.docOf.get(id);
    return doc === undefined ? undefined : this.modified[doc];
  }

  /** The revision held for `id`, without reading the record. */
  revisionOf(id: string): string | undefined {
    const doc = this.docOf.get(id);
    return doc === undefined ? undefined : this.revisions[doc];
  }

  /**
   * The statistics a search within `within` is scored against (see
   * `ScopeStatistics`): those of the live documents in it, or of every live
   * document without it. A set `documentsWhere` made has them summed from
   * its access groups; any other set (or one made before a change) is
   * counted once, and kept while the set is alive and the index unchanged.
   */
  private statisticsOf(within: Bitset | undefined): ScopeStatistics {
    if (!within) return { docs: undefined, documents: this.liveCount, averages: averagesOf(this.lengthSums, this.liveCount) };
    const known = this.scopes.get(within);
    if (known?.changes === this.changes) return known.statistics;
    const docs = within.clone().and(this.live);
    const sums = [0, 0, 0, 0];
    let documents = 0;
    for (const doc of docs) {
      documents += 1;
      for (let f = 0; f < 4; f += 1) sums[f]! += this.fieldLengths[doc * 4 + f]!;
    }
    const statistics = { docs, documents, averages: averagesOf(sums, documents), counted: countedFrequencies() };
    this.scopes.set(within, { changes: this.changes, statistics });
    return statistics;
  }

  /** The documents in a format group, made again once the index has changed. */
  private groupedDocuments(): Bitset {
    if (this.grouped?.changes === this.changes) return this.grouped.docs;
    const docs = new Bitset(this.ids.length);
    for (let doc = 0; doc < this.ids.length; doc += 1) if (this.formatGroupOf[doc]! >= 0) docs.add(doc);
    this.grouped = { changes: this.changes, docs };
    return docs;
  }

  private exactTitleKeys(record: DatasetRecord): Set<number> {
    return new Set(record.title.map((text) => hash32(titleKeyOf(text.value))));
  }

  private ensureCapacity(doc: number): void {
    if (doc < this.modified.length) return;
    const capacity = Math.max(doc + 1, this.modified.length * 2);
    const grow = <T extends Float64Array | Uint32Array | Int32Array | Uint16Array>(array: T, size: number): T => {
      const next = new (array.constructor as new (length: number) => T)(size);
      next.set(array);
      return next;
    };
    this.modified = grow(this.modified, capacity);
    this.qualityMasks = grow(this.qualityMasks, capacity);
    this.qualityFactors = grow(this.qualityFactors, capacity);
    this.regionOf = grow(this.regionOf, capacity);
    const groups = new Int32Array(capacity).fill(-1);
    groups.set(this.formatGroupOf);
    this.formatGroupOf = groups;
    this.fieldLengths = grow(this.fieldLengths, capacity * 4);
    this.scores = grow(this.scores, capacity);
    this.masks = grow(this.masks, capacity);
    this.hitDocs = grow(this.hitDocs, capacity);
    this.hitScores = grow(this.hitScores, capacity);
  }

  /** Adds `record`, or replaces the one with its id; a record it refuses (see `prepare`) changes nothing. */
  upsert(record: DatasetRecord): void {
    this.commit(this.prepare(record));
  }

  /**
   * Checks `record` (`assertIndexable`) and derives everything an insert
   * writes, changing nothing: it throws `UnindexableRecordError` for a record
   * the index cannot hold, so a refused record is never half inserted.
   */
  prepare(record: unknown): PreparedRecord {
    assertIndexable(record);
    let json: Buffer;
    try {
      json = Buffer.from(JSON.stringify(record));
    } catch (error) {
      throw new UnindexableRecordError(record.id, 'the record', `cannot be stored as JSON (${(error as Error).message})`);
    }
    const { tf, lengths, titlePositions, languages, titleKeys } = termFrequencies(record);
    const mask = qualityMask(record);
    return {
      record,
      json,
      tf,
      titlePositions,
      languages,
      formatGroup: formatGroupKeyOf(record),
      lengths: lengths.map((length) => Math.min(length, 65535)),
      modifiedMs: record.modified ? Date.parse(record.modified) || 0 : 0,
      qualityMask: mask,
      qualityFactor: qualityFactorOf(scoreOfMask(mask)),
      titleKey: foldText(record.title[0]!.value).slice(0, titleSortChars),
      exactTitleKeys: new Set(titleKeys.map(hash32)),
      facetValues: facetValuesOf(record),
      groupName: JSON.stringify([record.region, record.access]),
      groupKey: { ...record.access, region: record.region },
    };
  }

  /** Inserts a prepared record, replacing any with its id. Nothing here depends on the record's shape any more, so nothing throws half-way. */
  commit(prepared: PreparedRecord): void {
    const { record, tf, lengths } = prepared;
    if (this.docOf.has(record.id)) this.remove(record.id);
    const doc = this.freeDocs.pop() ?? this.ids.length;
    this.ensureCapacity(doc);
    this.changes += 1;
    for (let f = 0; f < 4; f += 1) {
      this.fieldLengths[doc * 4 + f] = lengths[f]!;
      this.lengthSums[f]! += lengths[f]!;
    }
    for (const [term, packed] of tf) {
      const id = this.dictionary.intern(term);
      const languages = prepared.languages.get(term) ?? 0;
      (this.postings[id] ??= new Postings(4, this.postingBitsetFrom)).push(doc, packed, prepared.titlePositions.get(term) ?? 0, languages, this.fieldLengths, doc * 4, this.ids.length);
      this.dictionary.df[id]! += 1;
      if (languages !== 0) this.dictionary.noteLanguages(id, languages);
    }
    let region = this.regionNumbers.get(record.region);
    if (region === undefined) this.regionNumbers.set(record.region, (region = this.regionNumbers.size));
    this.regionOf[doc] = region;
    if (prepared.formatGroup !== undefined) {
      let group = this.formatGroups.get(prepared.formatGroup);
      if (!group) this.formatGroups.set(prepared.formatGroup, (group = { number: this.nextFormatGroup++, members: 0 }));
      group.members += 1;
      this.formatGroupOf[doc] = group.number;
    } else this.formatGroupOf[doc] = -1;
    this.totalPostings += tf.size;
    this.records.putJson(doc, prepared.json);
    this.ids[doc] = record.id;
    this.revisions[doc] = record.revision;
    this.docOf.set(record.id, doc);
    this.modified[doc] = prepared.modifiedMs;
    this.qualityMasks[doc] = prepared.qualityMask;
    this.qualityFactors[doc] = prepared.qualityFactor;
    this.titleKey[doc] = prepared.titleKey;
    for (const key of prepared.exactTitleKeys) this.exactTitles.add(key, doc);
    this.facets.addValues(doc, prepared.facetValues);
    let group = this.accessGroups.get(prepared.groupName);
    if (!group) this.accessGroups.set(prepared.groupName, (group = { name: prepared.groupName, key: prepared.groupKey, docs: new Bitset(), size: 0, lengthSums: [0, 0, 0, 0] }));
    group.docs.add(doc);
    group.size += 1;
    for (let f = 0; f < 4; f += 1) group.lengthSums[f]! += lengths[f]!;
    this.groupOf[doc] = group;
    this.live.add(doc);
    this.liveCount += 1;
  }

  /**
   * The union of the access groups `allows` admits: decided once per group,
   * not per document. Its statistics, summed from the same groups, are kept
   * for searches within it until the index changes.
   */
  documentsWhere(allows: (key: AccessGroupKey) => boolean): Bitset {
    const result = new Bitset(this.ids.length);
    const sums = [0, 0, 0, 0];
    let documents = 0;
    for (const group of this.accessGroups.values()) {
      if (!allows(group.key)) continue;
      result.or(group.docs);
      documents += group.size;
      for (let f = 0; f < 4; f += 1) sums[f]! += group.lengthSums[f]!;
    }
    this.scopes.set(result, { changes: this.changes, statistics: { docs: result, documents, averages: averagesOf(sums, documents), counted: countedFrequencies() } });
    return result;
  }

  remove(id: string): void {
    const doc = this.docOf.get(id);
    if (doc === undefined) return;
    const record = this.records.get(doc)!;
    // The record's terms are recomputed rather than stored: removal is rare, memory is not.
    const { tf } = termFrequencies(record);
    for (const term of tf.keys()) this.dictionary.df[this.dictionary.idOf(term)!]! -= 1;
    this.changes += 1;
    const group = this.groupOf[doc]!;
    for (let f = 0; f < 4; f += 1) {
      this.lengthSums[f]! -= this.fieldLengths[doc * 4 + f]!;
      group.lengthSums[f]! -= this.fieldLengths[doc * 4 + f]!;
    }
    for (const key of this.exactTitleKeys(record)) this.exactTitles.delete(key, doc);
    const formatGroup = formatGroupKeyOf(record);
    const formatGroupEntry = formatGroup === undefined ? undefined : this.formatGroups.get(formatGroup);
    if (formatGroupEntry && (formatGroupEntry.members -= 1) === 0) this.formatGroups.delete(formatGroup!);
    this.formatGroupOf[doc] = -1;
    this.facets.remove(doc);
    group.docs.delete(doc);
    group.size -= 1;
    if (group.size === 0) this.accessGroups.delete(group.name);
    this.groupOf[doc] = undefined;
    this.live.delete(doc);
    this.liveCount -= 1;
    this.docOf.delete(id);
    this.records.remove(doc);
    this.ids[doc] = undefined;
    this.revisions[doc] = undefined;
    this.deadDocs.push(doc);
    this.deadPostings += tf.size;
    if (this.deadPostings >= compactAfterDeadPostings && this.deadPostings * 5 >= this.totalPostings) this.compact();
  }

  /** Drops removed documents' posting entries and frees their numbers. */
  compact(): void {
    for (const list of this.postings) list?.compact((doc) => this.live.has(doc));
    this.freeDocs.push(...this.deadDocs);
    this.deadDocs = [];
    this.totalPostings -= this.deadPostings;
    this.deadPostings = 0;
  }

  /** Documents of `scope` with a title whose words are exactly `key`; hash hits are confirmed against the record. */
  private exactTitleDocs(key: string, scope: Bitset): Set<number> | undefined {
    const docs = this.exactTitles.get(hash32(key));
    const confirmed = docs.filter((doc) => scope.has(doc) && this.records.get(doc)!.title.some((text) => titleKeyOf(text.value) === key));
    return confirmed.length > 0 ? new Set(confirmed) : undefined;
  }

  /** The index's postings, the scope's statistics, and this index's scratch, as collecting hits reads and writes them. */
  private hitCollection(statistics: ScopeStatistics, frequencies: ScopedFrequencies): HitCollection {
    return {
      postings: this.postings,
      frequencies,
      documents: statistics.documents,
      live: this.live,
      fieldLengths: this.fieldLengths,
      averages: statistics.averages,
      scores: this.scores,
      masks: this.masks,
      hits: this.hitBits,
      marked: this.markedBits,
      outDocs: this.hitDocs,
      outScores: this.hitScores,
    };
  }

  search(request: SearchRequest): SearchOutcome {
    const admitted = admittedDocuments(request.filter, request.within, this.live, this.facets, this.modified, this.filterScratch);
    const statistics = this.statisticsOf(request.within);
    const frequencies = new ScopedFrequencies(this.postings, this.dictionary.df, statistics.docs, statistics.counted);
    const words = withoutIdleStopWords(this.dictionary, analyzeQuery(request.text), frequencies).slice(0, maxQueryWords);
    // A blank query lists everything admitted; "relevance" then means newest first.
    const sort: SearchSort = words.length === 0 && request.sort === 'RELEVANCE' ? 'MODIFIED' : request.sort;
    let docs: Int32Array;
    let scores: Float64Array;
    let count = 0;
    let expansions: Expansion[] = [];
    const exact = words.length > 0 ? this.exactTitleDocs(titleKeyOf(request.text), statistics.docs ?? this.live) : undefined;
    let hitSet: Bitset;
    let total = 0;
    let variants = new Map<number, number[]>();
    let allWords = true;
    // The hits given keys (in `scores`): every hit, or by relevance those that may reach the page.
    let keyed: { docs: Int32Array; count: number } = { docs: this.hitDocs, count: 0 };
    const facetLimit = request.facetLimit ?? 20;
    // Facets are counted from as soon as the hits are known: a long tally runs meanwhile on a second thread.
    let countFacets = (hitDocs: Int32Array) => this.facets.count(hitSet, total, facetLimit, this.live, hitDocs);
    if (words.length === 0) {
      docs = this.hitDocs;
      scores = this.hitScores;
      hitSet = admitted ?? this.live;
      count = hitSet.listInto(docs);
      // Scores of a blank query are 0: the scratch still holds the last search's, which may be another consumer's.
      scores.fill(0, 0, count);
      total = count;
    } else {
      expansions = expandQuery(this.dictionary, words, frequencies, { crossLingual: request.crossLingual !== false });
      const scope = statistics.docs ?? this.live;
      // A first page by relevance keys only the hits that can reach it (see `PageReach`); a later one keys them all.
      const crowdRegions = request.crowdRegions === true;
      const regions = this.regionNumbers.size;
      const bounds =
        sort === 'RELEVANCE' && !request.after
          ? { reach: new PageReach(regions, crowdRegions ? regionKept : 0, pageCapacity(request.first, crowdRegions, regions)), regionOf: this.regionOf, groupOf: request.groupFormats ? this.formatGroupOf : undefined, grouped: request.groupFormats ? this.groupedDocuments() : undefined }
          : undefined;
      const matches = collectMatches(
        {
          postings: this.postings,
          frequencies,
          scope,
          documents: statistics.documents,
          averages: statistics.averages,
          fieldLengths: this.fieldLengths,
          scratch: this.matchScratch,
          derived: this.derivedLists.at(this.changes),
          onHits: (hits, hitCount) => (countFacets = this.facets.countLater(hits, hitCount, facetLimit, this.live)),
        },
        words.length,
        expansions,
        admitted ?? this.live,
        this.qualityFactors,
        exact,
        bounds,
      );
      docs = matches.docs;
      // Parallel to `docs` unless bounded (every hit keyed).
      scores = matches.keys;
      hitSet = this.matchScratch.hits;
      count = matches.count;
      keyed = { docs: matches.keyedDocs, count: matches.keyedCount };
      allWords = matches.allWords;
      total = count;
    }
    // Facets count every matching dataset, before format groups fold (the hits listed ascending, as a tally reads them).
    const hitDocs = docs.subarray(0, count);
    let page: { doc: number; key: number | string; score: number }[];
    let hasMore: boolean;
    if (words.length > 0 && sort === 'RELEVANCE') {
      const options = { crowdRegions: request.crowdRegions === true, groupFormats: request.groupFormats === true };
      const ranked = rankPage(keyed.docs, scores, keyed.count, this.regionOf, this.regionNumbers.size, this.formatGroupOf, (doc) => this.ids[doc]!, options, request.after, request.first);
      // Every format group's hits are keyed: the groups fold among them alone.
      count -= keyed.count - ranked.count;
      ({ hasMore, variants } = ranked);
      page = ranked.page.map(({ doc, key }) => ({ doc, key, score: key }));
    } else {
      const keyAt = sort === 'MODIFIED' ? (i: number) => this.modified[docs[i]!]! : sort === 'TITLE' ? (i: number) => this.titleKey[docs[i]!]! : (i: number) => scores[i]!;
      const idAt = (i: number) => this.ids[docs[i]!]!;
      const selected = sort === 'TITLE' ? selectPage(count, keyAt, idAt, sort, request.after, request.first) : selectTopByKey(count, this.sortKeys(sort, docs, scores, count), idAt, request.after, request.first);
      page = selected.page.map((i) => ({ doc: docs[i]!, key: keyAt(i), score: scores[i]! }));
      hasMore = selected.hasMore;
    }
    const facets = countFacets(hitDocs);
    const terms = this.dictionary.terms;
    const termsOf = (expansion: Expansion) => (expansion.phrase ?? [expansion.termId]).map((id) => terms[id]!);
    const asTyped = new Set(expansions.filter((expansion) => expansion.kind !== 'translation').flatMap(termsOf));
    const translated = new Set(expansions.filter((expansion) => expansion.kind === 'translation').flatMap(termsOf));
    const matched = { asTyped, translated, stemmedOnly: stemmedOnlyTerms(expansions, terms) };
    const explain = request.explain ? { statistics, frequencies } : undefined;
    const hits = page.map(({ doc, key, score }) => this.toHit(doc, score, key, words.length, expansions, matched, exact, explain, variants.get(doc)));
    return {
      // Results as listed: a format group is one.
      total: count,
      datasetCount: total,
      allWords,
      hasMore,
      facets,
      hits: request.recheck ? hits.filter((hit) => request.recheck!(hit.record)) : hits,
    };
  }

  /** The numeric sort key of each of `count` hits: its score, or its modified time. */
  private sortKeys(sort: SearchSort, docs: Int32Array, scores: Float64Array, count: number): Float64Array {
    if (sort !== 'MODIFIED') return scores;
    const keys = this.sortKeyScratch.length >= count ? this.sortKeyScratch : (this.sortKeyScratch = new Float64Array(this.hitDocs.length));
    for (let i = 0; i < count; i += 1) keys[i] = this.modified[docs[i]!]!;
    return keys;
  }

  /** A page's hit, with its highlights, the languages it matched in, its format variants, and its score explained when given `explain`. */
  private toHit(
    doc: number,
    score: number,
    key: number | string,
    wordCount: number,
    expansions: Expansion[],
    matched: { asTyped: Set<string>; translated: Set<string>; stemmedOnly: Map<string, number> },
    exact: Set<number> | undefined,
    explain: { statistics: ScopeStatistics; frequencies: ScopedFrequencies } | undefined,
    variantDocs: number[] | undefined,
  ): SearchHit {
    const record = this.records.get(doc)!;
    const hit: SearchHit = { id: record.id, key, record, score, highlights: [], matchedLanguages: [], crossLingual: false, variants: [] };
    if (variantDocs) {
      const own = formatSuffixOf(record);
      hit.variants = [
        ...(own ? [{ format: own.format, record }] : []),
        ...variantDocs.map((variant) => {
          const other = this.records.get(variant)!;
          return { format: formatSuffixOf(other)?.format ?? '', record: other };
        }),
      ];
    }
    if (wordCount === 0) return hit;
    const matchedTexts = highlightsOf(record, matched.asTyped, matched.translated, matched.stemmedOnly);
    hit.highlights = matchedTexts.highlights;
    hit.matchedLanguages = matchedTexts.languages;
    hit.crossLingual = matchedTexts.crossLingual;
    if (!explain) return hit;
    const { statistics, frequencies } = explain;
    const terms = expansions.map((expansion) => {
      const { termId, phrase, weight, words, df } = expansion;
      const ids = phrase ?? [termId];
      return { term: this.dictionary.terms[ids[0]!]!, phrase: ids.map((id) => this.dictionary.terms[id]!), weight, words, df: df ?? frequencies.of(termId), reaches: (languages: number) => reachesLanguages(expansion, languages) };
    });
    hit.explanation = explainScore(record, wordCount, terms, statistics.documents, statistics.averages, exact?.has(doc) ? exactTitleBoost : 1, this.qualityFactors[doc]!, tiersOf(score));
    return hit;
  }

  /** Datasets whose titles hold every word typed so far (the last as a prefix), best title match first; `within` as in `SearchRequest`. */
  suggest(prefix: string, limit: number, within?: Bitset, recheck?: (record: DatasetRecord) => boolean): DatasetRecord[] {
    const statistics = this.statisticsOf(within);
    const frequencies = new ScopedFrequencies(this.postings, this.dictionary.df, statistics.docs, statistics.counted);
    const words = withoutIdleStopWords(this.dictionary, analyzeQuery(prefix), frequencies).slice(0, maxQueryWords);
    if (words.length === 0) return [];
    const expansions = expandQuery(this.dictionary, words, frequencies, { alwaysPrefixLast: true, crossLingual: false });
    const eligible = within ? this.filterScratch.admitted.copyFrom(within).and(this.live) : this.live;
    const collected = collectHits(this.hitCollection(statistics, frequencies), words.length, expansions, eligible, true, 0);
    // Equal scores by id: document numbers depend on what else was ever indexed.
    const idAt = (i: number) => this.ids[collected.docs[i]!]!;
    const order = Array.from({ length: collected.count }, (_, i) => i).sort((a, b) => collected.scores[b]! - collected.scores[a]! || (idAt(a) < idAt(b) ? -1 : 1));
    const out: DatasetRecord[] = [];
    for (const i of order) {
      const record = this.records.get(collected.docs[i]!)!;
      if (recheck && !recheck(record)) continue;
      out.push(record);
      if (out.length === limit) break;
    }
    return out;
  }
}
