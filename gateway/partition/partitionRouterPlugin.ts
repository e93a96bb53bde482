import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { ExecutionRequest } from '@graphql-tools/utils';
import { print, type DocumentNode, type ExecutionResult } from 'graphql';
import { anonymousConsumer, policyFingerprint, type Consumer } from '../../schema/consumer.ts';
import type { RegionRequest } from '../../schema/signedRequest.ts';
import { parseCachePolicy, selectionKeyOf, type CachePolicy, type EntityCache } from './entityCache.ts';
import { mergePartition, planPartition, type PartitionPlan, type RegionOutcome, type RegionSlice } from './partitionEntities.ts';

export interface PartitionRouterOptions {
  /** The logical subgraph whose requests are split by region. @default 'regions' */
  subgraphName?: string;
  /** The subgraph endpoint of a region, or undefined when the gateway does not route to it. */
  regionUrl(region: string): string | undefined;
  /**
   * Time budget of one client request for all its region fetches together,
   * in milliseconds. Sequential fetches share it, so timeouts never add up.
   * @default 5000
   */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  /**
   * Headers that prove to the region that a fetch comes from this gateway,
   * for that region, request and consumer (`x-wharf-request`). @default none
   */
  signRequest?: (request: RegionRequest) => Record<string, string>;
  /** Reuse region answers the region marks cacheable (see `createEntityCache`). @default none */
  entityCache?: EntityCache;
  /**
   * Send identical concurrent region fetches once: requests for the same
   * region, document, variables and consumer fingerprint share one answer.
   * @default true
   */
  coalesce?: boolean;
  /**
   * Asked before a region is sent a fetch, with the time left: undefined
   * admits it; an outcome refuses it (the gateway's contract check). Must be
   * cheap once a region has been admitted.
   */
  admit?: (region: string, remainingMs: number) => Promise<Extract<RegionOutcome, { kind: 'failed' }> | undefined>;
}

/** A region's answer with the reuse policy it declared. */
type RegionAnswer = { outcome: RegionOutcome; policy: CachePolicy | undefined };

const consumerOf = (context: object | undefined): Consumer => (context as { consumer?: Consumer } | undefined)?.consumer ?? anonymousConsumer;

/** Printed documents by AST: the planner reuses plan documents, so each is printed once. */
const printed = new WeakMap<DocumentNode, string>();
function printOnce(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) printed.set(document, (text = print(document)));
  return text;
}

function describeFailure(error: unknown, region: string, timeoutMs: number): string {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `Region ${region} did not answer within the request's ${timeoutMs} ms deadline.`;
  }
  return `Region ${region} could not be reached.`;
}

/**
 * The gateway plugin that turns the logical `regions` subgraph into the real
 * regions: every request to it is split by the region prefix of each
 * entity's id, sent to each region in parallel and merged back in order (see
 * `partitionEntities.ts`). A region that is down or hung costs only its own
 * entities, as nulls with `REGION_UNAVAILABLE`.
 */
export function partitionRouterPlugin(options: PartitionRouterOptions): GatewayPlugin {
  const { subgraphName = 'regions', regionUrl, timeoutMs = 5000, fetch = globalThis.fetch, signRequest, entityCache, coalesce = true, admit } = options;
  /** One deadline per client request, keyed by its context. */
  const deadlines = new WeakMap<object, number>();
  const deadlineOf = (context: object | undefined): number => {
    if (!context) return Date.now() + timeoutMs;
    let deadline = deadlines.get(context);
    if (deadline === undefined) deadlines.set(context, (deadline = Date.now() + timeoutMs));
    return deadline;
  };

  async function callRegion(region: string, variables: Record<string, unknown>, query: string, request: ExecutionRequest, deadline: number, consumer: Consumer): Promise<RegionAnswer> {
    const failed = (code: 'UNKNOWN_REGION' | 'REGION_UNAVAILABLE', message: string): RegionAnswer => ({ outcome: { kind: 'failed', code, message }, policy: undefined });
    const url = regionUrl(region);
    if (!url) return failed('UNKNOWN_REGION', `Region ${region} is not routed by this gateway.`);
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) return failed('REGION_UNAVAILABLE', `Region ${region} was not asked: the request's ${timeoutMs} ms deadline had passed.`);
    if (admit) {
      const refusal = await admit(region, remainingMs);
      if (refusal) return { outcome: refusal, policy: undefined };
    }
    try {
      const body = JSON.stringify({ query, variables, operationName: request.operationName });
      const { pathname, search } = new URL(url);
      const signature = signRequest?.({ region, method: 'POST', target: `${pathname}${search}`, body, consumer }) ?? {};
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...signature },
        body,
        signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
      });
      const answer = (await response.json().catch(() => undefined)) as ExecutionResult | undefined;
      if (!answer || typeof answer !== 'object' || (!('data' in answer) && !('errors' in answer))) {
        return failed('REGION_UNAVAILABLE', `Region ${region} answered HTTP ${response.status} without a GraphQL result.`);
      }
      return { outcome: { kind: 'answered', result: answer }, policy: response.ok ? parseCachePolicy(response.headers.get('cache-control')) : undefined };
    } catch (error) {
      return failed('REGION_UNAVAILABLE', describeFailure(error, region, timeoutMs));
    }
  }

  /** Region fetches in flight, by everything their answer depends on. */
  const inFlight = new Map<string, Promise<RegionAnswer>>();
  function fetchRegion(region: string, variables: Record<string, unknown>, query: string, request: ExecutionRequest, deadline: number, consumer: Consumer): Promise<RegionAnswer> {
    if (!coalesce) return callRegion(region, variables, query, request, deadline, consumer);
    const key = `${region}\0${policyFingerprint(consumer)}\0${request.operationName ?? ''}\0${query}\0${JSON.stringify(variables)}`;
    let answer = inFlight.get(key);
    if (!answer) {
      // Requests that share a fetch share the policy fingerprint the region decides by.
      answer = callRegion(region, variables, query, request, deadline, consumer).finally(() => inFlight.delete(key));
      inFlight.set(key, answer);
    }
    return answer;
  }

  async function answerSlice(slice: RegionSlice, plan: PartitionPlan, selectionKey: string | undefined, query: string, request: ExecutionRequest, deadline: number, consumer: Consumer): Promise<RegionOutcome> {
    if (!entityCache || selectionKey === undefined) {
      return (await fetchRegion(slice.region, slice.variables, query, request, deadline, consumer)).outcome;
    }
    const lookup = await entityCache.lookup(slice.region, selectionKey, plan.fields, slice, consumer);
    const total = [...lookup.cached.values()].reduce((sum, list) => sum + list.length, 0);
    if (lookup.missing === 0) {
      const { data, errors } = entityCache.complete(slice.region, selectionKey, plan.fields, slice, consumer, lookup, { data: {}, errors: [], policy: undefined });
      return { kind: 'answered', result: errors.length > 0 ? { data, errors } : { data } };
    }
    const { outcome, policy } = await fetchRegion(slice.region, lookup.variables, query, request, deadline, consumer);
    // Nothing cached and nothing answered: the region's failure as it is.
    if (lookup.missing === total && (outcome.kind === 'failed' || !outcome.result.data)) return outcome;
    const fetched =
      outcome.kind === 'answered' && outcome.result.data
        ? { data: outcome.result.data, errors: outcome.result.errors ?? [], policy }
        : { failure: outcome.kind === 'failed' ? outcome : { code: 'REGION_ERROR', message: `Region ${slice.region} failed the fetch: ${outcome.result.errors?.[0]?.message ?? 'it answered no data'}` } };
    const { data, errors } = entityCache.complete(slice.region, selectionKey, plan.fields, slice, consumer, lookup, fetched);
    return { kind: 'answered', result: errors.length > 0 ? { data, errors } : { data } };
  }

  async function execute(request: ExecutionRequest): Promise<ExecutionResult> {
    const outcome = planPartition(request.document, request.variables, request.operationName, (region) => regionUrl(region) !== undefined);
    if (outcome.kind === 'refused') return { errors: [outcome.error] };
    const { plan } = outcome;
    const deadline = deadlineOf(request.context as object | undefined);
    const query = printOnce(request.document);
    const consumer = consumerOf(request.context as object | undefined);
    const selectionKey = entityCache ? selectionKeyOf(query, request.variables, new Set(plan.fields.map((field) => field.variableName))) : undefined;
    const answers = await Promise.all(plan.slices.map((slice) => answerSlice(slice, plan, selectionKey, query, request, deadline, consumer)));
    return mergePartition(plan, new Map(plan.slices.map((slice, i) => [slice.region, answers[i]!])));
  }

  return {
    onExecute({ args }) {
      // The deadline starts when the client operation starts, before any subgraph is asked.
      deadlineOf(args.contextValue as object);
    },
    onSubgraphExecute({ subgraphName: name, setExecutor }) {
      if (name === subgraphName) setExecutor(execute as never);
    },
  };
}
