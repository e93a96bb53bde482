import { Kind, parse, print, visit, type ListValueNode, type StringValueNode } from 'graphql';
import { datasetIdPattern, identifierPattern } from '../../schema/datasetFile.ts';
import type { WharfCkanPackageListQuery, WharfCkanPackageSearchQuery, WharfCkanPackageShowQuery, WharfCkanSearchCursorQuery } from '../generated/operations.ts';
import { dataThemes } from '../../subgraphs/shared/dcatVocabularies.ts';
import { maxStep } from '../searchOffsets.ts';
import { notFound, quote, validationError } from './ckanErrors.ts';
import { regionsByCode, type CkanAction } from './ckanContext.ts';
import { licenceOf } from './ckanLicenses.ts';
import { naturalNumber, stringParam } from './ckanParamValues.ts';
import { ckanFacetFields, packageSearchArgs, searchFilterOf, type PackageSearchArgs } from './packageSearchArgs.ts';
import { ckanPackageFragment, groupName, organizationName, toCkanPackage, type CkanRegion, type DatasetNode } from './toCkanPackage.ts';

/** The operations that select `CkanPackage` are sent with the fragment after them. */
const packageSearchOperation = /* GraphQL */ `
  query WharfCkanPackageSearch(
    $query: String, $filter: SearchFilter, $sort: SearchSort, $first: Int, $after: String,
    $facetLimit: Int, $withResources: Boolean!, $withFacets: Boolean!, $withRegions: Boolean!
  ) {
    regions @include(if: $withRegions) { code name lastSuccessAt }
    search(query: $query, filter: $filter, sort: $sort, first: $first, after: $after, facetLimit: $facetLimit) {
      totalCount
      pageInfo { hasNextPage endCursor }
      facets @include(if: $withFacets) { field values { value count } }
      edges { node { ...CkanPackage } }
    }
  }
`;
const packageSearchQuery = packageSearchOperation + ckanPackageFragment;

const cursorQuery = /* GraphQL */ `
  query WharfCkanSearchCursor($query: String, $filter: SearchFilter, $sort: SearchSort, $first: Int, $after: String) {
    search(query: $query, filter: $filter, sort: $sort, first: $first, after: $after, facetLimit: 1) { pageInfo { hasNextPage endCursor } }
  }
`;

const nameListQuery = /* GraphQL */ `
  query WharfCkanPackageList($first: Int, $after: String) {
    search(query: "", sort: TITLE, first: $first, after: $after, facetLimit: 1) {
      pageInfo { hasNextPage endCursor }
      edges { node { identifier } }
    }
  }
`;

const packageShowOperation = /* GraphQL */ `
  query WharfCkanPackageShow($ids: [ID!]!, $withResources: Boolean!) {
    regions { code name lastSuccessAt }
    datasets(ids: $ids) { ...CkanPackage }
  }
`;
const packageShowQuery = packageShowOperation + ckanPackageFragment;

/**
 * `packageShowQuery` with the ids written into the operation in place of
 * `$ids`: the gateway's cost estimate counts a listed argument by its
 * length, and a variable by the most it may hold (100 datasets).
 */
const packageShowQueryFor = (ids: readonly string[]) => writeListVariable(packageShowQuery, 'ids', ids);

/** `query` with each use of the variable `name` replaced by `values` as a list of strings, and its definition dropped. */
function writeListVariable(query: string, name: string, values: readonly string[]): string {
  const list: ListValueNode = { kind: Kind.LIST, values: values.map((value): StringValueNode => ({ kind: Kind.STRING, value })) };
  return print(
    visit(parse(query), {
      VariableDefinition: (node) => (node.variable.name.value === name ? null : undefined),
      Variable: (node) => (node.name.value === name ? list : undefined),
    }),
  );
}

/** Regions asked at once for a dataset named only by its identifier (each a dataset in the cost estimate). */
const regionsPerLookup = 20;

type SearchPage = WharfCkanPackageSearchQuery;

/** Most names `package_list` gathers; a larger catalogue is listed with `limit` and `offset`, or `package_search`. */
export const maxPackageListNames = 100_000;

/** A CKAN facet's values as `package_search` answers them: the deprecated `facets` map and the `search_facets` items, sorted as CKAN sorts them (display name, descending). */
function ckanFacets(args: PackageSearchArgs, facets: SearchPage['search']['facets'], regions: ReadonlyMap<string, CkanRegion>) {
  const plain: Record<string, Record<string, number>> = {};
  const items: Record<string, { title: string; items: { name: string; display_name: string; count: number }[] }> = {};
  for (const field of args.facetFields) {
    const values = (facets?.find((facet) => facet.field === ckanFacetFields[field])?.values ?? []).slice(0, args.facetLimit);
    const named = values.map(({ value, count }) => {
      if (field === 'organization') return { name: organizationName(value), display_name: regions.get(value)?.name ?? value, count };
      if (field === 'groups') return { name: groupName(value), display_name: dataThemes[value] ?? value, count };
      if (field === 'license_id') return { name: value, display_name: licenceOf(value).title, count };
      return { name: value, display_name: value, count };
    });
    plain[field] = Object.fromEntries(named.map(({ name, count }) => [name, count]));
    items[field] = { title: field, items: [...named].sort((a, b) => (a.display_name < b.display_name ? 1 : a.display_name > b.display_name ? -1 : 0)) };
  }
  return { facets: plain, search_facets: items };
}

/** Whether an `fl` projection still needs each result's resources from the regions. */
const needsResources = (fields: string[] | undefined) => !fields || fields.some((field) => field === 'resources' || field === 'num_resources');

const project = (pkg: Record<string, unknown>, fields: string[] | undefined) => (fields ? Object.fromEntries(fields.filter((field) => field in pkg).map((field) => [field, pkg[field]])) : pkg);

/**
 * `package_search`: the catalogue's search with CKAN's parameters (see
 * `packageSearchArgs`); `start` is found by walking cursors (remembered, so
 * paging in order costs nothing extra), and more than 100 `rows` are read as
 * several pages of the catalogue's search, each one operation of the caller.
 */
export const packageSearch: CkanAction = async (context) => {
  const args = packageSearchArgs(context.params);
  if (args.filter.nothing) {
    const { facets, search_facets } = ckanFacets(args, [], new Map());
    return { count: 0, facets, results: [], sort: args.sortParam, search_facets };
  }
  const filter = searchFilterOf(args.filter);
  const base = { query: args.text, filter, sort: args.sort };
  const scope = context.offsets.scopeOf(context.credentials, base);
  let after = await context.offsets.cursorAt(scope, args.start, async (cursor, first) => {
    const { data } = await context.graphql<WharfCkanSearchCursorQuery>(cursorQuery, { ...base, first, after: cursor ?? null });
    return data.search.pageInfo;
  });
  const withResources = needsResources(args.fields);
  const results: Record<string, unknown>[] = [];
  let first: SearchPage | undefined;
  let regions = new Map<string, CkanRegion>();
  // One page of the catalogue's search at a time: the first answers the count, the facets and the regions' names.
  do {
    const want = Math.min(maxStep, Math.max(1, args.rows - results.length));
    const { data } = await context.graphql<SearchPage>(packageSearchQuery, {
      ...base,
      first: want,
      after: after ?? null,
      facetLimit: Math.max(1, args.facetLimit),
      withResources,
      withFacets: !first && args.facetFields.length > 0,
      withRegions: !first,
    });
    if (!first) {
      first = data;
      regions = regionsByCode(data.regions ?? []);
    }
    for (const { node } of data.search.edges.slice(0, args.rows - results.length)) results.push(project(toCkanPackage(node, regions), args.fields));
    after = data.search.pageInfo.endCursor ?? after;
    if (!data.search.pageInfo.hasNextPage) break;
  } while (results.length < args.rows);
  // With no rows, the one hit read to count is not a position served.
  if (args.rows > 0) context.offsets.remember(scope, args.start + results.length, after);
  const { facets, search_facets } = ckanFacets(args, first!.search.facets, regions);
  return { count: first!.search.totalCount, facets, results, sort: args.sortParam, search_facets };
};

/**
 * `package_show`: one dataset by `id`, the catalogue id (`MO:dsec-trade-balance`)
 * or the region's identifier (its CKAN `name`), looked up in every region.
 * A dataset the caller may not discover is not found, as one that does not
 * exist; a name several regions use is a Validation Error naming their ids.
 */
export const packageShow: CkanAction = async (context) => {
  const asked = stringParam(context.params, 'id') ?? stringParam(context.params, 'name_or_id');
  if (asked === undefined || asked.trim() === '') throw validationError({ name_or_id: ['Missing value'] });
  const value = asked.trim();
  // Ids and identifiers hold letters, digits and `.`, `_`, `~`, `-` (and one `:`) only: safe to write into the operation.
  const ids = datasetIdPattern.test(value) ? [value] : identifierPattern.test(value) ? context.regionCodes().map((code) => `${code}:${value}`) : [];
  if (ids.length === 0) throw notFound(`no dataset has the id or name ${quote(value)}`);
  const found: DatasetNode[] = [];
  let regions: WharfCkanPackageShowQuery['regions'] = [];
  for (let at = 0; at < ids.length; at += regionsPerLookup) {
    const { data } = await context.graphql<WharfCkanPackageShowQuery>(packageShowQueryFor(ids.slice(at, at + regionsPerLookup)), { withResources: true });
    regions = data.regions;
    found.push(...data.datasets.filter((node): node is DatasetNode => node !== null));
  }
  if (found.length === 0) throw notFound(`no dataset has the id or name ${quote(value)}`);
  if (found.length > 1) {
    throw validationError({ id: [`${quote(value)} is the name of datasets in regions ${found.map((node) => node.region).join(', ')}; ask for one by its id: ${found.map((node) => node.id).join(', ')}`] });
  }
  return toCkanPackage(found[0]!, regionsByCode(regions));
};

/**
 * `package_list`: the names of every dataset the caller may discover,
 * sorted as CKAN sorts them, then `offset` and `limit`. Gathered 100 at a
 * time from the catalogue's search, each page one operation of the caller.
 */
export const packageList: CkanAction = async (context) => {
  const limit = naturalNumber(context.params, 'limit', 0);
  const offset = naturalNumber(context.params, 'offset', 0);
  const names: string[] = [];
  let after: string | null = null;
  for (;;) {
    // Annotated: `after` is assigned from the answer, which TypeScript would otherwise infer from itself.
    const { data }: { data: WharfCkanPackageListQuery } = await context.graphql(nameListQuery, { first: maxStep, after });
    for (const { node } of data.search.edges) names.push(node.identifier);
    if (names.length > maxPackageListNames) {
      throw validationError({ limit: [`The catalogue lists more than ${maxPackageListNames} datasets for you; page through package_search with rows and start instead`] });
    }
    if (!data.search.pageInfo.hasNextPage || !data.search.pageInfo.endCursor) break;
    after = data.search.pageInfo.endCursor;
  }
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return limit > 0 ? names.slice(offset, offset + limit) : names.slice(offset);
};
