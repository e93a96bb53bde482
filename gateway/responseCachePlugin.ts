import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createHash } from 'node:crypto';
import { getOperationAST, Kind, type DocumentNode, type ExecutionResult } from 'graphql';
import { anonymousConsumer, policyFingerprint, type Consumer } from '../schema/consumer.ts';
import type { TieredCache } from '../subgraphs/shared/cache/createTieredCache.ts';

export interface ResponseCacheOptions {
  cache: TieredCache;
  /**
   * Everything a whole answer depends on besides the operation and the
   * consumer: the catalogue's content version (every harvested dataset and
   * revision) and every region's policy version. A harvested change or a new
   * policy makes new keys, so an answer from before is never served again.
   */
  versions(): string;
  /**
   * The consumer of a request, as the identity plugin established it (before
   * the GraphQL context exists).
   */
  consumerOf(request: Request): Consumer | undefined;
  /**
   * Longest life of an answer, in milliseconds: the shortest `maxAge` the
   * contract gives region-owned fields (access decisions, distributions).
   * @default 60000
   */
  ttlMs?: number;
}

/** A cached answer handed to the runtime: its text is sent as it is, parsed only if a plugin reads `data`. */
interface CachedResult extends ExecutionResult {
  stringify(): string;
}

function cachedResult(text: string): CachedResult {
  let parsed: ExecutionResult | undefined;
  return {
    stringify: () => text,
    get data() {
      parsed ??= JSON.parse(text) as ExecutionResult;
      return parsed.data;
    },
  };
}

/** Introspection changes with the supergraph and is cheap: it is not kept. */
function asksForSchema(document: DocumentNode): boolean {
  return document.definitions.some(
    (definition) =>
      definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION
        ? definition.selectionSet.selections.some((selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith('__') && selection.name.value !== '__typename')
        : false,
  );
}

/** The text a client receives for a clean result: the runtime's HTTP extension is its own. */
function answerText(result: ExecutionResult): string {
  const http = (result.extensions as { http?: unknown } | undefined)?.http;
  if (http === undefined) return JSON.stringify(result);
  const { http: _http, ...extensions } = result.extensions!;
  return JSON.stringify({ ...result, extensions: Object.keys(extensions).length ? extensions : undefined });
}

/**
 * Whole GraphQL answers per (operation, variables, consumer policy
 * fingerprint, versions), in the two-tier cache. The session is the policy
 * fingerprint, never the subject: consumers whose decisions are the same
 * share answers, and no answer reaches a consumer whose decisions differ.
 * Only clean answers to queries are kept: none with an error (a region that
 * was down, a refusal), no introspection.
 *
 * A hit costs a hash and a lookup: the key is hashed synchronously, an
 * in-process hit is answered without waiting, and the kept text is sent as
 * it is, never parsed and serialised again. Wharf has no mutations and
 * versions its keys, so nothing is ever invalidated.
 */
export function responseCachePlugin(options: ResponseCacheOptions): GatewayPlugin {
  const { cache, versions, consumerOf, ttlMs = 60_000 } = options;
  const keys = new WeakMap<object, string>();
  return {
    onParams({ params, request, context, setResult }) {
      const consumer = consumerOf(request) ?? anonymousConsumer;
      const key = createHash('sha256')
        .update([params.query ?? '', params.operationName ?? '', JSON.stringify(params.variables ?? {}), policyFingerprint(consumer), versions()].join('\u0000'))
        .digest('base64url');
      const local = cache.getLocal(key);
      if (local !== undefined) return setResult(cachedResult(local));
      return cache.get(key).then((text) => {
        if (text === undefined) keys.set(context, key);
        else setResult(cachedResult(text));
      });
    },
    onExecute({ args }) {
      const key = keys.get(args.contextValue as object);
      if (key === undefined) return;
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'query' || asksForSchema(args.document)) return;
      return {
        onExecuteDone({ result }) {
          if (Symbol.asyncIterator in result || result.errors?.length || !result.data) return;
          cache.set(key, answerText(result), ttlMs);
        },
      };
    },
  };
}
