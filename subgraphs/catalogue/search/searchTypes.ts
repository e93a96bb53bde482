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
  explanation?: ScoreExplanation;
}

export interface SearchOutcome {
  total: number;
  hits: SearchHit[];
  hasMore: boolean;
  facets: Record<FacetField, FacetCount[]>;
}

