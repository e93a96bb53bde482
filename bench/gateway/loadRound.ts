import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { percentile } from '../measure.ts';

/** One request the load generator may send, and the only answer that counts as correct. */
export interface Page {
  /** JSON request body. */
  body: string;
  /** Extra request headers (a bearer token, say). */
  headers?: Record<string, string>;
  /** The reference answer, serialised; a response body equal to it is correct without parsing. */
  expected: string;
}

export interface LoadRoundOptions {
  /** The GraphQL endpoint. */
  url: string;
  connections: number;
  durationS: number;
  pages: readonly Page[];
  /** Picks the index of the next page to send. @default round robin */
  pick?: () => number;
  /** Per-request timeout. @default 10 */
  timeoutS?: number;
}

export interface LoadRoundResult {
  durationS: number;
  /** Responses received, correct or not. */
  responses: number;
  /** Responses equal to the reference answer: the only ones counted in `correctPerS`. */
  correct: number;
  correctPerS: number;
  /** Responses with another body or status, connection errors and timeouts. */
  failures: number;
  /** Latency percentiles of every response, in ms. */
  p50Ms: number;
  p99Ms: number;
  /** The first wrong body seen, cut to 300 characters, to say what went wrong. */
  firstFailure?: string;
}

/**
 * autocannon appends each body chunk to a string, which splits a UTF-8
 * character that straddles two TCP reads into two replacement characters:
 * every large non-ASCII answer would then differ from its reference. Keep
 * the bytes and decode once the response is complete.
 */
function decodeBodiesWhole(): void {
  const require = createRequire(import.meta.url);
  const Queue = require('autocannon/lib/pipelinedRequestsQueue.js') as {
    prototype: { peek(): { body: string | Buffer[] } | undefined; terminateRequest(): { body: string | Buffer[] } | undefined; __wholeBodies?: true };
  };
  const proto = Queue.prototype;
  if (proto.__wholeBodies) return;
  if (typeof proto.peek !== 'function' || typeof proto.terminateRequest !== 'function') {
    throw new Error('autocannon/lib/pipelinedRequestsQueue.js no longer has peek/terminateRequest; check how this autocannon version collects bodies.');
  }
  const terminate = proto.terminateRequest;
  Object.assign(proto, {
    __wholeBodies: true,
    addBody(this: typeof proto, data: Buffer) {
      const request = this.peek();
      if (!request) return;
      if (!Array.isArray(request.body)) request.body = [];
      // The parser reuses its buffer: copy.
      request.body.push(Buffer.from(data));
    },
    terminateRequest(this: typeof proto) {
      const request = terminate.call(this);
      if (request) request.body = Array.isArray(request.body) ? Buffer.concat(request.body).toString('utf8') : request.body;
      return request;
    },
  });
}

/**
 * Loads `url` with `connections` closed-loop connections for `durationS`,
 * sending `pages` (one per request, as `pick` chooses) and checking every
 * response against that page's reference answer before counting it.
 */
export async function loadRound(options: LoadRoundOptions): Promise<LoadRoundResult> {
  decodeBodiesWhole();
  const { pages } = options;
  let next = 0;
  const pick = options.pick ?? (() => (next = (next + 1) % pages.length));
  let correct = 0;
  let wrong = 0;
  let firstFailure: string | undefined;
  const latencies: number[] = [];
  const isCorrect = (status: number, body: string, page: Page): boolean => {
    if (status !== 200) return false;
    if (body === page.expected) return true;
    // Same answer, other spacing or key order.
    try {
      return isDeepStrictEqual(JSON.parse(body), JSON.parse(page.expected));
    } catch {
      return false;
    }
  };
  // Without a callback autocannon returns its instance, an event emitter that is also thenable.
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    timeout: options.timeoutS ?? 10,
    requests: [
      {
        method: 'POST',
        setupRequest(request, context) {
          const index = pick();
          const page = pages[index]!;
          (context as { page?: number }).page = index;
          return { ...request, body: page.body, headers: { 'content-type': 'application/json', ...page.headers } };
        },
        onResponse(status, body, context) {
          const page = pages[(context as { page: number }).page]!;
          if (isCorrect(status, body, page)) correct += 1;
          else {
            wrong += 1;
            firstFailure ??= `HTTP ${status}: ${body.slice(0, 300)}`;
          }
        },
      },
    ],
  }) as unknown as Promise<autocannon.Result> & autocannon.Instance;
  (instance as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
    latencies.push(responseTimeMs);
  });
  const result = await instance;
  const failures = wrong + result.errors;
  if (result.errors > 0) firstFailure ??= `${result.errors} connection error(s), ${result.timeouts} timeout(s)`;
  return {
    durationS: result.duration,
    responses: correct + wrong,
    correct,
    correctPerS: correct / result.duration,
    failures,
    p50Ms: latencies.length > 0 ? percentile(latencies, 50) : Number.NaN,
    p99Ms: latencies.length > 0 ? percentile(latencies, 99) : Number.NaN,
    ...(firstFailure !== undefined ? { firstFailure } : {}),
  };
}
