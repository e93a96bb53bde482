import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createGraphQLError } from '@graphql-tools/utils';
import { defaultMaxJsonDepth, jsonDepthExceeds } from '../subgraphs/shared/parseBoundedJson.ts';

/** Limits on the HTTP request itself, checked before its body or its operation is parsed. */
export interface RequestLimits {
  /** Largest request body on any path, in bytes. @default 1048576 */
  maxBodyBytes: number;
  /** Most operations in one batched request (a JSON array); 1 turns batching off. @default 10 */
  maxBatch: number;
  /**
   * Longest operation text, in UTF-8 bytes: it bounds every entry of the
   * parse cache and of the persisted-query store, and every string literal
   * in an operation. @default 32768
   */
  maxQueryBytes?: number;
  /**
   * Deepest nesting of objects and arrays in a JSON request body (any path)
   * and in the `variables` or `extensions` of a GET or form-encoded POST.
   * @default 64
   */
  maxJsonDepth?: number;
}

export const defaultRequestLimits: Required<RequestLimits> = { maxBodyBytes: 1_048_576, maxBatch: 10, maxQueryBytes: 32_768, maxJsonDepth: defaultMaxJsonDepth };

const bodyMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The media types of a GraphQL POST whose body is JSON, as the runtime's own parser takes them. */
const jsonMediaTypes = new Set(['application/json', 'application/graphql+json']);
const formMediaType = 'application/x-www-form-urlencoded';
/** Any JSON body, whatever reads it: `application/json` and every `+json` type. */
const isJsonMediaType = (mediaType: string) => mediaType === 'application/json' || mediaType.endsWith('+json');
/** The parameters of a GET or form-encoded POST that the runtime parses as JSON. */
const jsonParams = ['variables', 'extensions'] as const;

/** A GraphQL POST body as the runtime's JSON parser would take it, with its errors worded the same. */
function parseJsonParams(text: string): unknown {
  let body: unknown;
  try {
    // Its depth was checked when the body was read (see `onRequest`).
    body = JSON.parse(text);
  } catch (error) {
    throw createGraphQLError('POST body sent invalid JSON.', {
      extensions: { http: { spec: true, status: 400 }, code: 'BAD_REQUEST', originalError: { name: (error as Error).name, message: (error as Error).message } },
    });
  }
  if (body === null || typeof body !== 'object') {
    throw createGraphQLError(`POST body is expected to be object but received ${body === null ? 'null' : typeof body}`, { extensions: { http: { status: 400 }, code: 'BAD_REQUEST' } });
  }
  return body;
}

function limitExceeded(message: string, limit: keyof RequestLimits, max: number) {
  return { errors: [{ message, extensions: { code: 'LIMIT_EXCEEDED', limit, max } }] };
}

/** UTF-8 length of `text`, measured only when its length in UTF-16 units leaves the answer open. */
function exceedsBytes(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  return text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes;
}

/**
 * The limits of the HTTP request itself, each refusal `LIMIT_EXCEEDED`
 * naming the limit and its value:
 *
 * - the body size, on every path (GraphQL, admin, webhook): a declared
 *   `Content-Length` over the limit is refused without reading a byte; a body
 *   without one (chunked) is read up to the limit and no further (413);
 * - the JSON depth of every JSON body, on every path, and of the `variables`
 *   and `extensions` of a GET or form-encoded POST, checked on the text before
 *   anything parses it: parsing is iterative, but what walks the result
 *   afterwards (variable coercion, hashing, copying) recurses (400);
 * - the length of the operation text, before the APQ store, the parse cache
 *   or the parser sees it (400);
 * - the batch size of `/graphql` (413). Give the runtime
 *   `batching: { limit: maxBatch }` too: this plugin only words its refusal.
 *
 * A GraphQL POST with a JSON body is read here, once, and its parsed body
 * handed to the runtime: the runtime would otherwise pipe every body through
 * a byte-counting stream of its own (25 MB limit), which cost a warm cached
 * answer a tenth of its time.
 *
 * Order: first in the plugin list, so no other plugin reads an unbounded body.
 */
export function requestLimitsPlugin(limits: RequestLimits = defaultRequestLimits): GatewayPlugin {
  const { maxBodyBytes, maxBatch, maxQueryBytes, maxJsonDepth } = { ...defaultRequestLimits, ...limits };
  const graphqlPath = '/graphql';
  const bodyMessage = `The request body is larger than the gateway's maxBodyBytes of ${maxBodyBytes} bytes.`;
  const depthRefusal = limitExceeded(`The request's JSON is nested deeper than the gateway's maxJsonDepth of ${maxJsonDepth} levels.`, 'maxJsonDepth', maxJsonDepth);
  const decoder = new TextDecoder();

  async function readLimited(request: Request): Promise<Uint8Array<ArrayBuffer> | undefined> {
    const reader = request.body!.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBodyBytes) {
        await reader.cancel().catch(() => undefined);
        return undefined;
      }
      chunks.push(value);
    }
    const body = new Uint8Array(new ArrayBuffer(size));
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return body;
  }

  /** Whether any of the JSON-valued parameters (`variables`, `extensions`) is nested too deep. */
  const paramsTooDeep = (params: URLSearchParams) => jsonParams.some((name) => {
    const value = params.get(name);
    return value !== null && jsonDepthExceeds(value, maxJsonDepth);
  });

  /** Bodies read by `onRequest`, by the body-less request handed on in their place. */
  const jsonBodies = new WeakMap<Request, string>();

  return {
    onRequest({ request, url, setRequest, endResponse, fetchAPI }) {
      const refuse = (status: number, value: unknown) =>
        endResponse(new fetchAPI.Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json; charset=utf-8' } }));
      if (request.method === 'GET') {
        if (url.search && paramsTooDeep(url.searchParams)) refuse(400, depthRefusal);
        return;
      }
      if (!bodyMethods.has(request.method) || !request.body) return;
      const mediaType = request.headers.get('content-type')?.split(';', 1)[0]!.trim().toLowerCase() ?? '';
      const json = isJsonMediaType(mediaType);
      const form = mediaType === formMediaType;
      const graphqlJson = request.method === 'POST' && url.pathname === graphqlPath && jsonMediaTypes.has(mediaType);

      /** Checks a body read whole, then hands it on: parsed for a GraphQL JSON POST, as bytes otherwise. */
      const handOn = (body: Uint8Array<ArrayBuffer>) => {
        if (json || form) {
          const text = decoder.decode(body);
          if (json ? jsonDepthExceeds(text, maxJsonDepth) : paramsTooDeep(new URLSearchParams(text))) return refuse(400, depthRefusal);
          if (graphqlJson) {
            const bodiless = new fetchAPI.Request(request.url, { method: 'POST', headers: request.headers, signal: request.signal });
            jsonBodies.set(bodiless, text);
            return setRequest(bodiless);
          }
        }
        setRequest(new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, body, signal: request.signal }));
      };

      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (!/^\d{1,15}$/.test(declared)) {
          return refuse(400, { errors: [{ message: `Content-Length must be a number of bytes; got "${declared.slice(0, 40)}".`, extensions: { code: 'BAD_USER_INPUT' } }] });
        }
        if (Number(declared) > maxBodyBytes) return refuse(413, limitExceeded(bodyMessage, 'maxBodyBytes', maxBodyBytes));
        // A body nobody reads as JSON goes on unread: the HTTP server delivers exactly Content-Length bytes.
        if (!json && !form) return;
        return request.arrayBuffer().then(
          (buffer) => handOn(new Uint8Array(buffer)),
          () => refuse(400, { errors: [{ message: 'The request body could not be read to its declared Content-Length.', extensions: { code: 'BAD_REQUEST' } }] }),
        );
      }
      return readLimited(request).then((body) => (body ? handOn(body) : refuse(413, limitExceeded(bodyMessage, 'maxBodyBytes', maxBodyBytes))));
    },
    onRequestParse({ request, setRequestParser }) {
      const text = jsonBodies.get(request);
      if (text !== undefined) setRequestParser(() => parseJsonParams(text) as ReturnType<Parameters<typeof setRequestParser>[0]>);
      return {
        onRequestParseDone({ requestParserResult }) {
          // Every batch item must be an operation object: later plugins (APQ) read fields of each.
          if (Array.isArray(requestParserResult)) {
            const bad = requestParserResult.findIndex((item) => typeof item !== 'object' || item === null || Array.isArray(item));
            if (bad !== -1) {
              throw createGraphQLError(`Batch item ${bad} is not an operation object such as {"query":"{ regions { code } }"}.`, {
                extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
              });
            }
          }
          // Runs before the runtime's own batch check, so the refusal carries Wharf's code.
          if (Array.isArray(requestParserResult) && requestParserResult.length > maxBatch) {
            throw createGraphQLError(
              maxBatch <= 1
                ? `The gateway takes one operation per request (maxBatch is ${maxBatch}); send the ${requestParserResult.length} operations one by one.`
                : `The batch has ${requestParserResult.length} operations; the gateway's maxBatch is ${maxBatch}.`,
              { extensions: { code: 'LIMIT_EXCEEDED', limit: 'maxBatch', max: maxBatch, http: { status: 413 } } },
            );
          }
        },
      };
    },
    onParams({ params }) {
      // Before the APQ store, the parse cache and the parser: none of them ever holds a longer text.
      if (typeof params.query === 'string' && exceedsBytes(params.query, maxQueryBytes)) {
        throw createGraphQLError(`The operation is ${Buffer.byteLength(params.query, 'utf8')} bytes long; the gateway's maxQueryBytes is ${maxQueryBytes}.`, {
          extensions: { code: 'LIMIT_EXCEEDED', limit: 'maxQueryBytes', max: maxQueryBytes, http: { status: 400 } },
        });
      }
    },
  };
}
