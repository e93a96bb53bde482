import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { Logger } from '@graphql-hive/logger';
import useMeshPrometheus, { createCounter, createHistogram, createSummary } from '@graphql-mesh/plugin-prometheus';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Registry } from 'prom-client';

export interface MetricsOptions {
  /** Where every metric is registered, the caches' counters included; served at `path`. */
  registry: Registry;
  /**
   * The bearer credential a scraper sends (`WHARF_METRICS_TOKEN`); undefined,
   * `path` answers 401 to everyone.
   */
  token: string | undefined;
  log: Logger;
  /** Operation names always reported as themselves: the gateway's own persisted operations. @default [] */
  knownOperationNames?: Iterable<string>;
  /**
   * How many other distinct operation names are reported as themselves, the
   * first ones seen; every later one is reported as `other`. @default 50
   */
  maxOperationNames?: number;
  /** @default '/metrics' */
  path?: string;
}

/** What a GraphQL Name may be (a name longer than this is not one a client chose to read on a dashboard). */
const operationNamePattern = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/**
 * The `operationName` label of a client operation, from a bounded set: the
 * known names, the first `max` other names that are GraphQL names of at
 * most 64 characters, `Anonymous` for none, and `other` for everything else.
 * Clients choose operation names freely; without the bound each new one
 * would add about a hundred series to every scrape.
 */
export function operationNameLabel(known: Iterable<string>, max: number): (name: unknown) => string {
  const always = new Set(known);
  const seen = new Set<string>();
  return (name) => {
    if (typeof name !== 'string' || name === '') return 'Anonymous';
    if (always.has(name) || seen.has(name)) return name;
    if (seen.size >= max || !operationNamePattern.test(name)) return 'other';
    seen.add(name);
    return name;
  };
}

const operationTypes = new Set(['query', 'mutation', 'subscription']);
const typeLabel = (type: unknown) => (typeof type === 'string' && operationTypes.has(type) ? type : 'unknown');
const methodLabel = (method: string) => (method === 'GET' || method === 'POST' ? method : 'other');

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Prometheus metrics at `/metrics` (the runtime's GraphQL and subgraph
 * metrics, and whatever else shares `registry`), behind
 * `Authorization: Bearer <token>`, compared in constant time.
 *
 * Every label has a bounded set of values, so what a scrape returns is
 * bounded whatever clients send: operation names through
 * `operationNameLabel`; no request URL, error path or response status text
 * (values a client or a region chooses); HTTP methods as GET, POST or other.
 * The deprecated-field counter is off (the supergraph deprecates nothing,
 * and it walks every document), and so are fetch timings (regions are called
 * by the partition router, not the runtime's fetch).
 */
export function metricsPlugin(options: MetricsOptions): GatewayPlugin {
  const { registry, path = '/metrics' } = options;
  const expected = options.token === undefined ? undefined : digest(options.token);
  const operationName = operationNameLabel(options.knownOperationNames ?? [], options.maxOperationNames ?? 50);
  type OperationParams = { operationName?: unknown; operationType?: unknown };
  const operationLabels = (params: OperationParams) => ({ operationName: operationName(params.operationName), operationType: typeLabel(params.operationType) });
  const operationLabelNames = ['operationName', 'operationType'] as const;
  const histogram = (name: string, help: string) =>
    createHistogram({ registry, histogram: { name, help, labelNames: operationLabelNames }, fillLabelsFn: operationLabels });
  type SubgraphParams = { subgraphName: string; executionRequest: { operationName?: string; operationType?: string } };
  const subgraphLabelNames = ['subgraphName', 'operationName', 'operationType'] as const;
  const subgraphLabels = ({ subgraphName, executionRequest }: SubgraphParams) => ({
    subgraphName,
    operationName: operationName(executionRequest.operationName),
    operationType: typeLabel(executionRequest.operationType ?? 'query'),
  });

  const prometheus = useMeshPrometheus({
    log: options.log,
    registry,
    // Served below, behind the token.
    endpoint: false,
    metrics: {
      graphql_envelop_request: createCounter({ registry, counter: { name: 'graphql_envelop_request', help: 'GraphQL operations executed', labelNames: operationLabelNames }, fillLabelsFn: operationLabels }),
      graphql_envelop_request_duration: histogram('graphql_envelop_request_duration', 'Time spent executing GraphQL operations, in seconds'),
      graphql_envelop_request_time_summary: createSummary({ registry, summary: { name: 'graphql_envelop_request_time_summary', help: 'Time spent executing GraphQL operations, in seconds', labelNames: operationLabelNames }, fillLabelsFn: operationLabels }),
      graphql_envelop_phase_parse: histogram('graphql_envelop_phase_parse', 'Time spent parsing operations, in seconds'),
      graphql_envelop_phase_validate: histogram('graphql_envelop_phase_validate', 'Time spent validating operations, in seconds'),
      graphql_envelop_phase_context: histogram('graphql_envelop_phase_context', 'Time spent building the context, in seconds'),
      graphql_envelop_phase_execute: histogram('graphql_envelop_phase_execute', 'Time spent in execution, in seconds'),
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_error_result: createCounter({
        registry,
        counter: { name: 'graphql_envelop_error_result', help: 'Errors reported, by phase (parse, validate, context, execute)', labelNames: [...operationLabelNames, 'phase'] },
        fillLabelsFn: (params: OperationParams & { errorPhase?: string }) => ({ ...operationLabels(params), phase: params.errorPhase ?? 'unknown' }),
      }),
      graphql_envelop_deprecated_field: false,
      graphql_envelop_execute_resolver: false,
      graphql_envelop_schema_change: true,
      graphql_yoga_http_duration: createHistogram({
        registry,
        histogram: { name: 'graphql_yoga_http_duration', help: 'Time spent on GraphQL HTTP requests, in seconds', labelNames: [...operationLabelNames, 'method', 'statusCode'] },
        fillLabelsFn: (params: OperationParams, { request, response }: { request: Request; response: Response }) => ({
          ...operationLabels(params),
          method: methodLabel(request.method),
          statusCode: response.status,
        }),
      }),
      graphql_gateway_fetch_duration: false,
      graphql_gateway_subgraph_execute_duration: createHistogram({
        registry,
        histogram: { name: 'graphql_gateway_subgraph_execute_duration', help: 'Time spent on subgraph fetches, in seconds', labelNames: subgraphLabelNames },
        fillLabelsFn: subgraphLabels,
      }),
      graphql_gateway_subgraph_execute_errors: createCounter({
        registry,
        counter: { name: 'graphql_gateway_subgraph_execute_errors', help: 'Errors in subgraph answers', labelNames: subgraphLabelNames },
        fillLabelsFn: subgraphLabels,
      }),
    } as never,
  });

  async function serve(request: Request, ResponseClass: typeof Response): Promise<Response> {
    const refuse = (error: string) =>
      new ResponseClass(JSON.stringify({ code: 'UNAUTHENTICATED', error }), { status: 401, headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer' } });
    if (!expected) return refuse('Metrics are off: start the gateway with WHARF_METRICS_TOKEN and scrape with "Authorization: Bearer <token>".');
    // Compared as digests: equal length whatever was sent, so timingSafeEqual never throws and the time says nothing.
    const given = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
    if (given === undefined || !timingSafeEqual(digest(given), expected)) return refuse('Metrics need "Authorization: Bearer <token>" with the gateway\'s metrics token.');
    if (request.method !== 'GET' && request.method !== 'HEAD') return new ResponseClass(null, { status: 405, headers: { allow: 'GET, HEAD' } });
    const text = await registry.metrics();
    return new ResponseClass(request.method === 'HEAD' ? null : text, { status: 200, headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' } });
  }

  return {
    ...prometheus,
    onRequest(payload) {
      if (payload.url.pathname === path) return serve(payload.request, payload.fetchAPI.Response).then(payload.endResponse);
      return (prometheus as GatewayPlugin).onRequest?.(payload);
    },
  } as GatewayPlugin;
}
