import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { ExecutionRequest } from '@graphql-tools/utils';
import { print, type DocumentNode, type ExecutionResult } from 'graphql';
import { mergePartition, planPartition, type RegionOutcome, type RegionSlice } from './partitionEntities.ts';

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
  /** Headers to add to every region request of a client request (the signed consumer). */
  headersFor?: (context: object | undefined) => Record<string, string>;
}

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
  const { subgraphName = 'regions', regionUrl, timeoutMs = 5000, fetch = globalThis.fetch, headersFor } = options;
  /** One deadline per client request, keyed by its context. */
  const deadlines = new WeakMap<object, number>();
  const deadlineOf = (context: object | undefined): number => {
    if (!context) return Date.now() + timeoutMs;
    let deadline = deadlines.get(context);
    if (deadline === undefined) deadlines.set(context, (deadline = Date.now() + timeoutMs));
    return deadline;
  };

  async function callRegion(slice: RegionSlice, query: string, request: ExecutionRequest, deadline: number, extraHeaders: Record<string, string>): Promise<RegionOutcome> {
    const url = regionUrl(slice.region);
    if (!url) return { kind: 'failed', code: 'UNKNOWN_REGION', message: `Region ${slice.region} is not routed by this gateway.` };
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) {
      return { kind: 'failed', code: 'REGION_UNAVAILABLE', message: `Region ${slice.region} was not asked: the request's ${timeoutMs} ms deadline had passed.` };
    }
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...extraHeaders },
        body: JSON.stringify({ query, variables: slice.variables, operationName: request.operationName }),
        signal: AbortSignal.timeout(remainingMs),
      });
      const body = (await response.json().catch(() => undefined)) as ExecutionResult | undefined;
      if (!body || typeof body !== 'object' || (!('data' in body) && !('errors' in body))) {
        return { kind: 'failed', code: 'REGION_UNAVAILABLE', message: `Region ${slice.region} answered HTTP ${response.status} without a GraphQL result.` };
      }
      return { kind: 'answered', result: body };
    } catch (error) {
      return { kind: 'failed', code: 'REGION_UNAVAILABLE', message: describeFailure(error, slice.region, timeoutMs) };
    }
  }

  async function execute(request: ExecutionRequest): Promise<ExecutionResult> {
    const outcome = planPartition(request.document, request.variables, request.operationName, (region) => regionUrl(region) !== undefined);
    if (outcome.kind === 'refused') return { errors: [outcome.error] };
    const { plan } = outcome;
    const deadline = deadlineOf(request.context as object | undefined);
    const query = printOnce(request.document);
    const extraHeaders = headersFor?.(request.context as object | undefined) ?? {};
    const answers = await Promise.all(plan.slices.map((slice) => callRegion(slice, query, request, deadline, extraHeaders)));
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
