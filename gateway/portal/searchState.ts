/**
 * A search as it travels in a URL: `?q=trade&theme=ECON&theme=TRAN&format=CSV
 * &region=MO&sort=MODIFIED&page=2`. The catalogue page's address holds it (so
 * reload, Back and a shared link restore the same search), a dataset link
 * carries it in `back` (so "Back to search" returns to it). Read in the
 * browser and on the gateway, so it imports nothing; every value is bounded,
 * since the URL is the visitor's to write.
 */

export type SearchSort = 'RELEVANCE' | 'MODIFIED' | 'TITLE';
export const searchSorts: readonly SearchSort[] = ['RELEVANCE', 'MODIFIED', 'TITLE'];

/** The filters a search page offers, with the URL parameter and the `SearchFilter` field of each. */
export const stateFilters = [
  { param: 'region', filter: 'regions', facet: 'REGION' },
  { param: 'theme', filter: 'themes', facet: 'THEME' },
  { param: 'format', filter: 'formats', facet: 'FORMAT' },
] as const;
export type FilterField = (typeof stateFilters)[number]['filter'];

export interface SearchState {
  query: string;
  filters: Record<FilterField, string[]>;
  sort: SearchSort;
  /** Pages of results shown (load-more), 1 or more. */
  page: number;
}

/** Bounds on what a URL may ask for: longer text is cut, more values are dropped. */
export const searchStateLimits = { queryChars: 200, valuesPerFilter: 20, valueChars: 100, pages: 10 } as const;

export const emptySearchState = (): SearchState => ({ query: '', filters: { regions: [], themes: [], formats: [] }, sort: 'RELEVANCE', page: 1 });

/** The search in `params`, every value within `searchStateLimits`; anything else in them is ignored. */
export function readSearchState(params: URLSearchParams): SearchState {
  const state = emptySearchState();
  state.query = (params.get('q') ?? '').slice(0, searchStateLimits.queryChars);
  for (const { param, filter } of stateFilters) {
    const values = params.getAll(param).map((value) => value.trim().slice(0, searchStateLimits.valueChars)).filter(Boolean);
    state.filters[filter] = [...new Set(values)].slice(0, searchStateLimits.valuesPerFilter);
  }
  const sort = params.get('sort')?.toUpperCase();
  if (sort && (searchSorts as readonly string[]).includes(sort)) state.sort = sort as SearchSort;
  const page = Number(params.get('page'));
  if (Number.isInteger(page) && page > 1) state.page = Math.min(page, searchStateLimits.pages);
  return state;
}

/** `state` as URL parameters, defaults left out (so a plain search is a short URL). */
export function writeSearchState(state: SearchState, params = new URLSearchParams()): URLSearchParams {
  for (const name of ['q', 'sort', 'page', ...stateFilters.map((entry) => entry.param)]) params.delete(name);
  if (state.query) params.set('q', state.query);
  for (const { param, filter } of stateFilters) for (const value of state.filters[filter]) params.append(param, value);
  if (state.sort !== 'RELEVANCE') params.set('sort', state.sort);
  if (state.page > 1) params.set('page', String(state.page));
  return params;
}

/** Whether `state` asks for anything (a query or a filter): an empty one shows no results list. */
export const isActiveSearch = (state: SearchState): boolean => state.query.trim() !== '' || stateFilters.some(({ filter }) => state.filters[filter].length > 0);
