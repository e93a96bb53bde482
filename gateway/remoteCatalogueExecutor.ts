import type { KeyObject } from 'node:crypto';
import { GraphQLError, print, type ExecutionResult } from 'graphql';
import { signedRequestHeader, signRegionRequest } from '../schema/signedRequest.ts';
import { catalogueAudience } from '../subgraphs/catalogue/catalogueEndpoints.ts';
import { parseBoundedJson } from '../subgraphs/shared/parseBoundedJson.ts';
import { readCappedText, ResponseTooLargeError } from '../subgraphs/shared/readCappedText.ts';
import { consumerOf, type CatalogueExecutor } from './catalogueExecutorPlugin.ts';

export interface RemoteCatalogueOptions {
  /** The catalogue service's GraphQL endpoint (`--catalogue-url`, such as `http://catalogue.internal:4100/graphql`). */
  url: string;
  /** The gateway's Ed25519 private key: the catalogue service trusts the consumer it signs, and nothing else. */
  signingKey: KeyObject;
  /** Longest wait for one answer, in milliseconds. @default 5000 */
  timeoutMs?: number;
  /** Largest answer read, in bytes. @default 16777216 (16 MiB) */
  maxResponseBytes?: number;
  fetch?: typeof globalThis.fetch;
  /** Where a failed call's cause goes (the consumer's answer never names it). @default a JSON line on stderr */
  log?: (entry: { msg: string; reason: string }) => void;
}

/**
 * Runs the `catalogue` subgraph's fetches against a catalogue service over
 * HTTP (`wharf catalogue`), each signed with the gateway's key for the
 * audience `catalogue`, this method, path and body, and the consumer of the
 * client request: the service answers for that consumer exactly as the
 * catalogue in the gateway's process would, and refuses anything unsigned.
 *
 * A service that does not answer in time, or answers something that is not
 * a GraphQL result, is one `CATALOGUE_UNAVAILABLE` error for that fetch
 * (the cause goes to the log): the rest of the operation is still answered.
 */
export function createRemoteCatalogueExecutor(options: RemoteCatalogueOptions): CatalogueExecutor {
  const { url, signingKey, timeoutMs = 5000, maxResponseBytes = 16 * 1024 * 1024, fetch = globalThis.fetch } = options;
  const log = options.log ?? ((entry) => console.warn(JSON.stringify({ level: 'warn', ...entry })));
  const target = `${new URL(url).pathname}${new URL(url).search}`;
  const unavailable = (reason: string): ExecutionResult => {
    log({ msg: 'catalogue service unavailable', reason });
    return { errors: [new GraphQLError('The catalogue service could not be reached or did not answer in time; try again shortly.', { extensions: { code: 'CATALOGUE_UNAVAILABLE' } })] };
  };

  return async (request) => {
    const body = JSON.stringify({
      query: print(request.document),
      ...(request.variables ? { variables: request.variables } : {}),
      ...(request.operationName ? { operationName: request.operationName } : {}),
    });
    const signature = signRegionRequest(signingKey, { region: catalogueAudience, method: 'POST', target, body, consumer: consumerOf(request) });
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', [signedRequestHeader]: signature },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return unavailable((error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `not reachable (${(error as Error).message})`);
    }
    let text: string;
    try {
      ({ text } = await readCappedText(response, maxResponseBytes));
    } catch (error) {
      return unavailable(error instanceof ResponseTooLargeError ? `an answer over ${maxResponseBytes} bytes` : `the answer could not be read (${(error as Error).message})`);
    }
    let result: { data?: Record<string, unknown> | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
    try {
      result = parseBoundedJson(text) as typeof result;
    } catch {
      return unavailable(`HTTP ${response.status} with a body that is not JSON`);
    }
    if (!result || typeof result !== 'object' || (!('data' in result) && !Array.isArray(result.errors))) return unavailable(`HTTP ${response.status} without a GraphQL result`);
    // The engine expects GraphQLError instances, as from any subgraph.
    return {
      data: result.data ?? null,
      ...(Array.isArray(result.errors)
        ? { errors: result.errors.map((error) => new GraphQLError(String(error.message), { ...(error.path ? { path: error.path } : {}), ...(error.extensions ? { extensions: error.extensions } : {}) })) }
        : {}),
    };
  };
}
