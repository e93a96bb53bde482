import { createHash } from 'node:crypto';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { policyFingerprint, type Consumer } from '../../schema/consumer.ts';
import type { TieredCache } from '../../subgraphs/shared/cache/createTieredCache.ts';
import type { EntityField, RegionSlice } from './partitionEntities.ts';

/**
 * How long, and for whom, a region says an answer may be reused: its
 * `Cache-Control` header, which Apollo Server computes from the contract's
 * `@cacheControl` hints (the shortest `maxAge` and the narrowest scope of
 * every field selected).
 */
export interface CachePolicy {
  maxAgeMs: number;
  scope: 'PUBLIC' | 'PRIVATE';
}

/** Reads `max-age=N, public|private`; undefined when the answer may not be reused. */
export function parseCachePolicy(header: string | null): CachePolicy | undefined {
  if (!header || /no-store|no-cache/i.test(header)) return undefined;
  const maxAge = /(?:^|[\s,])max-age=(\d+)/i.exec(header);
  const seconds = maxAge ? Number(maxAge[1]) : 0;
  if (!(seconds > 0)) return undefined;
  return { maxAgeMs: seconds * 1000, scope: /(?:^|[\s,])private(?:$|[\s,])/i.test(header) ? 'PRIVATE' : 'PUBLIC' };
}

export interface EntityCacheOptions {
  cache: TieredCache;
  /** The dataset's revision as last harvested; undefined (not harvested) means never cached. */
  revisionOf(id: string): string | undefined;
  /** Version of the region's policies as last harvested; undefined means never cached. */
  policyVersionOf(region: string): string | undefined;
  /**
   * Whether the consumer may discover the dataset under the harvested
   * policies. A PUBLIC entry is served only to consumers who may see the
   * dataset at all; the rest are always sent to the region.
   */
  canDiscover(consumer: Consumer, id: string): boolean;
}

/** One request's view of its slice for one region: what the cache had and what must still be fetched. */
export interface SliceLookup {
  /** Per representations variable, per item of the slice: the cached `{ responseKey: entity }`, or undefined. */
  cached: Map<string, (Record<string, unknown> | undefined)[]>;
  /** The slice's variables with each representations list cut to the items still to fetch. */
  variables: Record<string, unknown>;
  /** Per variable: the slice index of each item sent. */
  sent: Map<string, number[]>;
  /** Items still to fetch, over all variables. */
  missing: number;
}

/** A region's answer for the items sent, or why there is none. */
export type Fetched =
  | { data: Record<string, unknown>; errors: readonly GraphQLFormattedError[]; policy: CachePolicy | undefined }
  | { failure: { code: string; message: string } };

/** The selection part of a cache key: the document and every variable except the representations. */
export function selectionKeyOf(query: string, variables: Record<string, unknown> | undefined, representationVariables: ReadonlySet<string>): string {
  const rest = Object.entries(variables ?? {}).filter(([name]) => !representationVariables.has(name));
  return createHash('sha256').update(query).update('\0').update(JSON.stringify(rest)).digest('base64url').slice(0, 22);
}

/**
 * The partition router's entity cache: each region's `_entities` result per
 * (region, selection, dataset id, revision, region policy version, scope),
 * where scope is `public` or, for PRIVATE answers, the consumer's policy
 * fingerprint. Only entities that came back whole (non-null, no error at
 * their path) from an answer the region marked reusable are kept.
 */
export interface EntityCache {
  lookup(region: string, selectionKey: string, fields: readonly EntityField[], slice: RegionSlice, consumer: Consumer): Promise<SliceLookup>;
  /** Builds the slice's full answer from cache and fetch, and keeps what may be kept. */
  complete(region: string, selectionKey: string, fields: readonly EntityField[], slice: RegionSlice, consumer: Consumer, lookup: SliceLookup, fetched: Fetched): { data: Record<string, unknown>; errors: GraphQLError[] };
}

const policyTtlMs = 10 * 60_000;

export function createEntityCache(options: EntityCacheOptions): EntityCache {
  const { cache, revisionOf, policyVersionOf, canDiscover } = options;
  const policyKey = (region: string, selectionKey: string) => `policy|${region}|${selectionKey}`;

  /** Key of one representation, or undefined when it may not be cached for this consumer. */
  function keyOf(region: string, selectionKey: string, variableName: string, representation: unknown, policy: CachePolicy, consumer: Consumer): string | undefined {
    if (!representation || typeof representation !== 'object') return undefined;
    const { __typename, id, ...rest } = representation as { __typename?: unknown; id?: unknown };
    if (typeof id !== 'string' || Object.keys(rest).length > 0) return undefined;
    const revision = revisionOf(id);
    const policyVersion = policyVersionOf(region);
    if (revision === undefined || policyVersion === undefined || !canDiscover(consumer, id)) return undefined;
    const scope = policy.scope === 'PRIVATE' ? policyFingerprint(consumer) : 'public';
    return `${region}|${selectionKey}|${variableName}|${scope}|${policyVersion}|${String(__typename)}|${id}@${revision}`;
  }

  const fieldsOf = (fields: readonly EntityField[], variableName: string) => fields.filter((field) => field.variableName === variableName);

  return {
    async lookup(region, selectionKey, fields, slice, consumer) {
      const variableNames = [...new Set(fields.map((field) => field.variableName))];
      const cached = new Map<string, (Record<string, unknown> | undefined)[]>();
      const lists = variableNames.map((name) => (slice.variables[name] as unknown[]) ?? []);
      const policyText = await cache.get(policyKey(region, selectionKey));
      const policy = policyText ? (JSON.parse(policyText) as CachePolicy) : undefined;
      const keys = policy ? lists.map((list, v) => list.map((item) => keyOf(region, selectionKey, variableNames[v]!, item, policy, consumer))) : undefined;
      const flat = keys ? keys.flat().filter((key): key is string => key !== undefined) : [];
      const values = new Map<string, string | undefined>();
      if (flat.length > 0) {
        const found = await cache.getMany(flat);
        flat.forEach((key, i) => values.set(key, found[i]));
      }
      const variables = { ...slice.variables };
      const sent = new Map<string, number[]>();
      let missing = 0;
      variableNames.forEach((name, v) => {
        const list = lists[v]!;
        const hits = list.map((_, i) => {
          const key = keys?.[v]![i];
          const text = key === undefined ? undefined : values.get(key);
          return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
        });
        cached.set(name, hits);
        const positions = list.flatMap((_, i) => (hits[i] === undefined ? [i] : []));
        sent.set(name, positions);
        variables[name] = positions.map((i) => list[i]);
        missing += positions.length;
      });
      return { cached, variables, sent, missing };
    },

    complete(region, selectionKey, fields, slice, consumer, lookup, fetched) {
      const data: Record<string, unknown> = {};
      const errors: GraphQLError[] = [];
      const answered = 'data' in fetched ? fetched : undefined;
      for (const field of fields) {
        const hits = lookup.cached.get(field.variableName) ?? [];
        const sent = lookup.sent.get(field.variableName) ?? [];
        const list: unknown[] = hits.map((hit) => (hit ? (hit[field.responseKey] ?? null) : null));
        const fetchedList = answered?.data[field.responseKey];
        sent.forEach((index, j) => (list[index] = Array.isArray(fetchedList) ? (fetchedList[j] ?? null) : null));
        if (!answered && 'failure' in fetched) {
          for (const index of sent) errors.push(new GraphQLError(fetched.failure.message, { path: [field.responseKey, index], extensions: { code: fetched.failure.code } }));
        }
        data[field.responseKey] = list;
      }
      if (!answered) return { data, errors };
      const erroredAt = new Set<string>();
      // Region errors move from the index in the sent list to the index in the slice.
      for (const error of answered.errors) {
        const [key, position, ...rest] = error.path ?? [];
        const field = fields.find((candidate) => candidate.responseKey === key);
        const index = field && typeof position === 'number' ? lookup.sent.get(field.variableName)?.[position] : undefined;
        if (index !== undefined) erroredAt.add(`${String(key)}|${position}`);
        errors.push(new GraphQLError(error.message, { ...(index === undefined ? {} : { path: [key as string, index, ...rest] }), ...(error.extensions ? { extensions: error.extensions } : {}) }));
      }
      if (answered.policy) keep(region, selectionKey, fields, slice, consumer, lookup, answered.data, erroredAt, answered.policy);
      return { data, errors };
    },
  };

  function keep(region: string, selectionKey: string, fields: readonly EntityField[], slice: RegionSlice, consumer: Consumer, lookup: SliceLookup, answered: Record<string, unknown>, erroredAt: ReadonlySet<string>, policy: CachePolicy) {
    cache.set(policyKey(region, selectionKey), JSON.stringify(policy), policyTtlMs);
    for (const [variableName, sent] of lookup.sent) {
      const list = (slice.variables[variableName] as unknown[]) ?? [];
      const own = fieldsOf(fields, variableName);
      sent.forEach((index, j) => {
        const entry: Record<string, unknown> = {};
        for (const field of own) {
          const value = (answered[field.responseKey] as unknown[] | undefined)?.[j];
          // Only whole entities: a null or an error anywhere under it may depend on the moment or the consumer.
          if (value === null || value === undefined || erroredAt.has(`${field.responseKey}|${j}`)) return;
          entry[field.responseKey] = value;
        }
        const key = keyOf(region, selectionKey, variableName, list[index], policy, consumer);
        if (key !== undefined) cache.set(key, JSON.stringify(entry), policy.maxAgeMs);
      });
    }
  }
}
