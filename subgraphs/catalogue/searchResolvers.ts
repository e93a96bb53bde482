import { createHash } from 'node:crypto';
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { policyFingerprint } from '../../schema/consumer.ts';
import { pickTranslation, type DatasetRecord } from '../../schema/datasetRecord.ts';
import type { TieredCache } from '../shared/cache/createTieredCache.ts';
import { WharfError } from '../../schema/errorCodes.ts';
import type { CatalogueIndex } from './createCatalogueIndex.ts';
import type { CatalogueContext } from './catalogueContext.ts';
import type { Discovery } from './createDiscovery.ts';
import type { SearchFilter } from './search/createSearchIndex.ts';
import { facetFields, type FacetField } from './search/facetIndex.ts';
import { maxQueryChars, maxWordChars, tokenize } from './search/analyzer.ts';
import { decodeCursor, encodeCursor, searchFingerprint, type SearchSort } from './search/searchPaging.ts';

/** Largest `first`, `facetLimit` and number of values in one filter field. */
export const maxSearchPageSize = 100;
const maxFilterValues = 100;
/** Most `anyOf` conditions in one filter, all groups together: each costs a pass over a document set. */
const maxFilterConditions = 100;
/** Longest filter value, in characters (publisher names and licence URLs are far shorter). */
const maxFilterValueChars = 500;
/** Characters of a refused value quoted back in an error. */
const quotedChars = 32;
const quote = (value: string) => (value.length > quotedChars ? `${value.slice(0, quotedChars)}…` : value);

interface SearchFilterInput {
  regions?: string[] | null;
  themes?: string[] | null;
  publishers?: string[] | null;
  formats?: string[] | null;
  licenses?: string[] | null;
  keywords?: string[] | null;
  modifiedFrom?: string | null;
  modifiedTo?: string | null;
  anyOf?: { field: string; value: string }[][] | null;
}

interface SearchArgs {
  query?: string | null;
  filter?: SearchFilterInput | null;
  sort?: SearchSort | null;
  first?: number | null;
  after?: string | null;
  facetLimit?: number | null;
  crowdRegions?: boolean | null;
  groupFormats?: boolean | null;
  crossLingual?: boolean | null;
}

const inputFieldOf: Record<FacetField, keyof SearchFilterInput> = {
  region: 'regions',
  theme: 'themes',
  publisher: 'publishers',
  format: 'formats',
  license: 'licenses',
  keyword: 'keywords',
};

function badInput(argumentName: string, message: string): WharfError {
  return new WharfError('BAD_USER_INPUT', message, { argumentName });
}

function boundedInt(name: string, value: number | null | undefined, fallback: number, max: number): number {
  const number = value ?? fallback;
  if (!Number.isInteger(number) || number < 1 || number > max) throw badInput(name, `"${name}" must be from 1 to ${max}; got ${number}.`);
  return number;
}

/**
 * Refuses free text the analyzer should not see: longer than `maxQueryChars`,
 * or holding a word longer than `maxWordChars` (typo expansion costs the
 * square of a word's length). The message gives lengths, never the text.
 */
function checkSearchText(argumentName: string, text: string): void {
  if (text.length > maxQueryChars) {
    throw badInput(argumentName, `"${argumentName}" must be at most ${maxQueryChars} characters long; got ${text.length.toLocaleString('en')}.`);
  }
  const longest = tokenize(text).reduce((max, word) => Math.max(max, word.length), 0);
  if (longest > maxWordChars) {
    throw badInput(argumentName, `"${argumentName}" holds a word of ${longest} characters; a word may have at most ${maxWordChars}.`);
  }
}

/** Refuses a filter value longer than `maxFilterValueChars`. */
function checkFilterValue(name: string, value: string): void {
  if (value.length > maxFilterValueChars) {
    throw badInput('filter', `filter.${name} values must be at most ${maxFilterValueChars} characters long; got one of ${value.length.toLocaleString('en')}.`);
  }
}

/** Epoch ms of an ISO date; a date-only upper bound means the end of that day. */
function parseDate(name: string, value: string, endOfDay: boolean): number {
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}(-\d{2})?/.test(value) || Number.isNaN(time)) {
    throw badInput('filter', `filter.${name} must be an ISO 8601 date such as "2024-05-01"; got "${quote(value)}".`);
  }
  return endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(value) ? time + 86_399_999 : time;
}

/** Turns the GraphQL filter into the index's, rejecting what it cannot mean. */
export function toSearchFilter(input: SearchFilterInput | null | undefined): SearchFilter {
  const filter: SearchFilter = { fields: {} };
  if (!input) return filter;
  for (const field of facetFields) {
    const values = input[inputFieldOf[field]] as string[] | null | undefined;
    if (!values) continue;
    if (values.length > maxFilterValues) throw badInput('filter', `filter.${inputFieldOf[field]} lists ${values.length} values; at most ${maxFilterValues}.`);
    for (const value of values) checkFilterValue(inputFieldOf[field], value);
    filter.fields![field] = values;
  }
  if (input.modifiedFrom) filter.modifiedFrom = parseDate('modifiedFrom', input.modifiedFrom, false);
  if (input.modifiedTo) filter.modifiedTo = parseDate('modifiedTo', input.modifiedTo, true);
  if (input.anyOf) {
    const conditions = input.anyOf.reduce((sum, group) => sum + group.length, 0);
    if (conditions > maxFilterConditions) throw badInput('filter', `filter.anyOf holds ${conditions} conditions; at most ${maxFilterConditions}.`);
    for (const group of input.anyOf) for (const condition of group) checkFilterValue('anyOf', condition.value);
    filter.anyOf = input.anyOf.map((group) =>
      group.map((condition) => ({ field: condition.field.toLowerCase() as FacetField, value: condition.value })),
    );
  }
  return filter;
}

/** How long a cached search page is kept. Its key holds the index and policy versions, so this only bounds memory. */
const searchCacheTtlMs = 5 * 60_000;

/** A search page as the cache keeps it: hits by id, the rest as the resolver returns it. */
interface CachedPage {
  edges: { cursor: string; id: string; score: number; highlights: unknown; explain: unknown; matchedLanguages: string[]; crossLingual: boolean; variants: { format: string; id: string }[] }[];
  totalCount: number;
  datasetCount: number;
  matchedAllWords: boolean;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  facets: unknown;
}

/** Whether the operation selects `path` (field names, nested) below the resolved field, through fragments. */
function selectsPath(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  const within = (set: SelectionSetNode | undefined, depth: number): boolean =>
    !!set &&
    set.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === path[depth] && (depth === path.length - 1 || within(selection.selectionSet, depth + 1));
      if (selection.kind === Kind.INLINE_FRAGMENT) return within(selection.selectionSet, depth);
      return within(info.fragments[selection.name.value]?.selectionSet, depth);
    });
  return info.fieldNodes.some((node) => within(node.selectionSet, 0));
}

/** Free text as the analyzer will see it, so trivially different spellings share a cache entry. */
const normaliseText = (text: string) => text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();

/** The page with each hit's record from the index; undefined if one is gone (then the page is computed again). */
function fromCacheWith(index: CatalogueIndex, page: CachedPage) {
  const edges = [];
  for (const { id, variants: variantIds, ...edge } of page.edges) {
    const node = index.get(id);
    if (!node) return undefined;
    const variants = [];
    for (const variant of variantIds) {
      const variantNode = index.get(variant.id);
      if (!variantNode) return undefined;
      variants.push({ format: variant.format, node: variantNode });
    }
    edges.push({ ...edge, node, variants });
  }
  return { ...page, edges };
}

/**
 * `Query.search` and `Query.suggest`, over the catalogue index. With a
 * `cache`, search pages are kept per (normalised query, filters, sort, page,
 * consumer policy fingerprint, index content version, policy versions): a
 * harvested change or a policy change makes a new key, never a stale answer.
 */
export function createSearchResolvers(index: CatalogueIndex, discovery: Discovery, cache?: TieredCache) {
  const fromCache = (page: CachedPage) => fromCacheWith(index, page);
  return {
    async search(_: unknown, args: SearchArgs, context: CatalogueContext, info: GraphQLResolveInfo) {
      const first = boundedInt('first', args.first, 20, maxSearchPageSize);
      const facetLimit = boundedInt('facetLimit', args.facetLimit, 20, maxSearchPageSize);
      const sort = args.sort ?? 'RELEVANCE';
      const text = args.query ?? '';
      checkSearchText('query', text);
      const filter = toSearchFilter(args.filter);
      // Breadth, grouping and translations are on unless turned off: they change the order, so a cursor belongs to one setting.
      const options = { crowdRegions: args.crowdRegions ?? true, groupFormats: args.groupFormats ?? true, crossLingual: args.crossLingual ?? true };
      const fingerprint = searchFingerprint([text, filter, sort, options]);
      const after = args.after ? decodeCursor(args.after, fingerprint) : undefined;
      // Explaining re-reads each hit's text: only when a query asks for it.
      const explain = selectsPath(info, ['edges', 'explain']);
      const key = cache
        ? createHash('sha256')
            .update(JSON.stringify([normaliseText(text), text.length, filter, sort, options, first, facetLimit, explain, args.after ?? null, policyFingerprint(context.consumer), index.contentVersion, discovery.policyVersions()]))
            .digest('base64url')
        : undefined;
      if (cache && key) {
        const hit = await cache.get(key);
        const page = hit ? fromCache(JSON.parse(hit) as CachedPage) : undefined;
        if (page) return page;
      }
      // Discoverability applies inside the search: hits, totals, facets and pages never include a hidden dataset.
      const outcome = index.search({
        text,
        filter,
        sort,
        first,
        facetLimit,
        explain,
        ...options,
        within: discovery.discoverable(context.consumer),
        recheck: (record) => discovery.canDiscover(context.consumer, record),
        ...(after ? { after } : {}),
      });
      const edges = outcome.hits.map((hit) => ({
        cursor: encodeCursor(fingerprint, hit),
        node: hit.record,
        score: hit.score,
        highlights: hit.highlights,
        explain: hit.explanation ?? null,
        matchedLanguages: hit.matchedLanguages,
        crossLingual: hit.crossLingual,
        variants: hit.variants.map((variant) => ({ format: variant.format, node: variant.record })),
      }));
      const page = {
        edges,
        totalCount: outcome.total,
        datasetCount: outcome.datasetCount,
        matchedAllWords: outcome.allWords,
        pageInfo: { hasNextPage: outcome.hasMore, endCursor: edges.at(-1)?.cursor ?? null },
        facets: facetFields.map((field) => ({ field: field.toUpperCase(), values: outcome.facets[field] })),
      };
      if (cache && key) {
        const cached: CachedPage = {
          ...page,
          edges: edges.map(({ node, variants, ...edge }) => ({ ...edge, id: node.id, variants: variants.map((variant) => ({ format: variant.format, id: variant.node.id })) })),
        };
        cache.set(key, JSON.stringify(cached), searchCacheTtlMs);
      }
      return page;
    },
    suggest(_: unknown, args: { prefix: string; first?: number | null; lang?: string | null }, context: CatalogueContext) {
      const first = boundedInt('first', args.first, 8, 50);
      checkSearchText('prefix', args.prefix);
      const within = discovery.discoverable(context.consumer);
      return index.suggest(args.prefix, first, within, (record) => discovery.canDiscover(context.consumer, record)).map((record: DatasetRecord) => ({
        text: pickTranslation(record.title, args.lang),
        dataset: record,
      }));
    },
  };
}
