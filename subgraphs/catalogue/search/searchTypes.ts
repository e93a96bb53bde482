import type { AccessAttributes, DatasetRecord } from '../../../schema/datasetRecord.ts';
import type { Bitset } from './bitset.ts';
import type { FacetCount, FacetField } from './facetIndex.ts';
import type { SearchFilter } from './searchFilter.ts';
import type { ScoreExplanation } from './searchHits.ts';
import type { SearchSort, Sortable } from './searchPaging.ts';

/** A dataset's region and access attributes: what discover decisions depend on. */
export type AccessGroupKey = AccessAttributes & { region: string };

export interface SearchRequest {
  text: string;
  filter?: SearchFilter;
  /**
   * Only these documents can be hits (the consumer's discoverable set),
   * applied before scoring and counting; scores, expansions and explanations
   * use statistics of these documents alone (see `ScopeStatistics`). Best a
   * set `SearchIndex.documentsWhere` made, whose statistics are at hand.
   */
  within?: Bitset;
  sort: SearchSort;
  first: number;
  after?: Sortable;
  /** Facet values returned per field. @default 20 */
  facetLimit?: number;
  /** Explain each hit's score (`SearchHit.explanation`), which reads its text again. @default false */
  explain?: boolean;
  /** Expand query words into the glossary's equivalents in other languages, ranked below the words as typed. @default true */
  crossLingual?: boolean;
  /** Region breadth (see `rankPage`): by relevance, a region's first hits rank before its later ones. @default false */
  crowdRegions?: boolean;
  /** By relevance, datasets differing only by a format suffix in the title are one hit with variants. @default false */
  groupFormats?: boolean;
  /**
   * Checked again for each hit of the page, after `within` already applied:
   * a hit it rejects is dropped, so a bug in building `within` fails closed.
   */
  recheck?: (record: DatasetRecord) => boolean;
}

export interface SearchHit extends Sortable {
  record: DatasetRecord;
  score: number;
  highlights: { field: string; lang?: string; snippet: string }[];
  /** Languages of the texts the query matched in, those matched by the words as typed first. */
  matchedLanguages: string[];
  /** Whether only the glossary's equivalents matched, none of the words as typed. */
  crossLingual: boolean;
  /** For a format group, every member with its format, this hit first (empty otherwise). */
  variants: { format: string; record: DatasetRecord }[];
  explanation?: ScoreExplanation;
}

export interface SearchOutcome {
  /** Results: matching datasets, a format group counted once. */
  total: number;
  /** Matching datasets, each member of a format group counted (the facets' total). */
  datasetCount: number;
  /** Whether every result matches every query word (else no dataset does, and results match as many as possible). */
  allWords: boolean;
  hits: SearchHit[];
  hasMore: boolean;
  facets: Record<FacetField, FacetCount[]>;
}

