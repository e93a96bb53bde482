import { quote, searchQueryError, validationError } from './ckanErrors.ts';
import { bool, integer, naturalNumber, stringList, stringParam } from './ckanParamValues.ts';
import { parseSolrFilter, type CkanFilter, type WharfFacetField } from './parseSolrFilter.ts';
import type { CkanParams } from './readCkanParams.ts';

/** Most packages one `package_search` returns, as CKAN's `ckan.search.rows_max` default; more is a Validation Error, not a silent cut. */
export const maxRows = 1000;
/** Most values a facet lists: the catalogue's own bound. `facet.limit` above it, or negative (CKAN's "unlimited"), gives this many; 0 gives none. */
export const maxFacetLimit = 100;

/** CKAN's facet fields and the catalogue's facet each reads. */
export const ckanFacetFields: Record<string, WharfFacetField> = {
  organization: 'REGION',
  groups: 'THEME',
  tags: 'KEYWORD',
  res_format: 'FORMAT',
  license_id: 'LICENSE',
};

/** The sorts Wharf's search has, by the `sort` values CKAN clients send for them. */
const sorts: Record<string, 'RELEVANCE' | 'MODIFIED' | 'TITLE'> = {
  'score desc, metadata_modified desc': 'RELEVANCE',
  'score desc': 'RELEVANCE',
  rank: 'RELEVANCE',
  'metadata_modified desc': 'MODIFIED',
  'title_string asc': 'TITLE',
  'title asc': 'TITLE',
};
export const defaultSort = 'score desc, metadata_modified desc';

/** Parameters CKAN's `package_search` takes (`VALID_SOLR_PARAMETERS` and the schema's), beyond the ones acted on: accepted, and without effect here. */
const ignored = ['include_private', 'include_drafts', 'include_deleted', 'use_default_schema', 'facet.mincount', 'qf', 'wt', 'bf', 'boost', 'tie', 'defType', 'mm', 'df', 'callback', 'extras'];
const acted = ['q', 'fq', 'fq_list', 'sort', 'rows', 'start', 'facet', 'facet.field', 'facet.limit', 'fl'];
const known = new Set([...acted, ...ignored]);

/** A `package_search` call as the catalogue's search runs it. */
export interface PackageSearchArgs {
  text: string;
  filter: CkanFilter;
  /** The catalogue's sort, and the CKAN value echoed in the answer's `sort`. */
  sort: 'RELEVANCE' | 'MODIFIED' | 'TITLE';
  sortParam: string;
  rows: number;
  start: number;
  /** CKAN facet fields asked for (none when `facet=false`). */
  facetFields: string[];
  facetLimit: number;
  /** Keys each result keeps (`fl`); undefined keeps whole packages. */
  fields: string[] | undefined;
}

/**
 * Validates `package_search`'s parameters as CKAN does and maps them onto
 * the catalogue's search. Unknown parameters are a Search Query Error, as
 * CKAN's `Invalid search parameters`; `ext_*` ones are dropped, as CKAN moves
 * them out of the search.
 */
export function packageSearchArgs(params: CkanParams): PackageSearchArgs {
  const unknown = Object.keys(params).filter((key) => !known.has(key) && !key.startsWith('ext_'));
  if (unknown.length > 0) throw searchQueryError(`Invalid search parameters: ${quote(unknown.slice(0, 10).join(', '))}`);
  const rows = naturalNumber(params, 'rows', 10);
  if (rows > maxRows) throw validationError({ rows: [`Must be at most ${maxRows}; page with start for more`] });
  const start = naturalNumber(params, 'start', 0);
  const sortParam = stringParam(params, 'sort')?.trim() || defaultSort;
  const sort = sorts[sortParam.replace(/\s+/g, ' ')];
  if (!sort) throw searchQueryError(`Invalid "sort" parameter ${quote(sortParam)}; Wharf sorts by ${Object.keys(sorts).map((key) => `"${key}"`).join(', ')}`);
  const filter: CkanFilter = { anyOf: [], nothing: false };
  const words: string[] = [];
  const q = stringParam(params, 'q') ?? '';
  if (q.trim() !== '' && q.trim() !== '""' && q.trim() !== "''") parseSolrFilter(q, 'q', filter, words);
  // Repeated `fq` query keys and `fq_list` all apply, each clause of each.
  for (const fq of [...(stringList(params, 'fq') ?? []), ...(stringList(params, 'fq_list') ?? [])]) parseSolrFilter(fq, 'fq', filter);
  const facetFields = bool(params, 'facet', true) ? (stringList(params, 'facet.field') ?? []) : [];
  const unfaceted = facetFields.filter((field) => !(field in ckanFacetFields));
  if (unfaceted.length > 0) {
    throw validationError({ 'facet.field': [`${unfaceted.map((field) => quote(field)).join(', ')} ${unfaceted.length === 1 ? 'is not a field' : 'are not fields'} Wharf counts; use ${Object.keys(ckanFacetFields).join(', ')}`] });
  }
  const facetLimit = integer(params, 'facet.limit', 50);
  const fl = stringList(params, 'fl');
  return {
    text: words.join(' '),
    filter,
    sort,
    sortParam,
    rows,
    start,
    facetFields: [...new Set(facetFields)],
    facetLimit: facetLimit < 0 || facetLimit > maxFacetLimit ? maxFacetLimit : facetLimit,
    fields: fl ? fl.flatMap((item) => item.split(/[\s,]+/)).filter(Boolean) : undefined,
  };
}

/** The catalogue's `SearchFilter` for a CKAN filter. */
export function searchFilterOf(filter: CkanFilter): Record<string, unknown> | null {
  const input: Record<string, unknown> = {};
  if (filter.anyOf.length > 0) input.anyOf = filter.anyOf;
  if (filter.modifiedFrom) input.modifiedFrom = filter.modifiedFrom;
  if (filter.modifiedTo) input.modifiedTo = filter.modifiedTo;
  return Object.keys(input).length > 0 ? input : null;
}
