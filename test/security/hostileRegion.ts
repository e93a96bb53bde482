import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Change, ChangeFeedPage } from '../../schema/changeFeed.ts';
import { datasetFileSchema } from '../../schema/datasetFile.ts';
import { toDatasetRecord, type DatasetRecord } from '../../schema/datasetRecord.ts';
import { formatVersion, pinnedContract } from '../../schema/regionContract.ts';
import type { RegionEntry } from '../../schema/regionEntry.ts';
import { listen } from '../../subgraphs/shared/listen.ts';

/**
 * A hostile region for tests: a loopback server (port 0) that serves the
 * real pinned contract at `/contract`, so a gateway registers and harvests
 * it, and whatever the test chooses at `/changes`, `/policies` and
 * `/graphql`: a change feed that lies (ids of another region, "more" for
 * ever), oversized or malformed records, redirects, hangs. It records every
 * request it receives, headers included, so a test can see what the gateway
 * sent (and replay a captured `x-wharf-request` header at a real region).
 */

/** A request as the hostile region received it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent. */
  target: string;
  /** The URL, resolved against the region's origin. */
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers one request; may write nothing (a hang) or part of a body (a stall). */
export type HostileHandler = (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>;

export type HostilePath = '/contract' | '/changes' | '/policies' | '/graphql';

export interface HostileRegionOptions {
  /** @default 'HX' */
  code?: string;
  /** @default 'Hostile region' */
  name?: string;
  /** Handlers by path; the defaults serve the pinned contract, open policies, an empty snapshot, and an empty GraphQL answer. */
  handlers?: Partial<Record<HostilePath, HostileHandler>>;
}

export interface HostileRegion extends AsyncDisposable {
  readonly code: string;
  readonly origin: string;
  /** The region's `/graphql` URL, as it is registered. */
  readonly url: string;
  /** The registry entry for `startFixtureWharf({ extraRegions })`. */
  readonly entry: RegionEntry;
  /** Every request received, oldest first (the last 1,000). */
  readonly requests: readonly ReceivedRequest[];
  /** The requests received at `path` (without the query). */
  requestsTo(path: string): ReceivedRequest[];
  /** Changes how the region answers at `path` from the next request on. */
  handle(path: HostilePath, handler: HostileHandler): void;
}

const maxRecorded = 1000;

export async function startHostileRegion(options: HostileRegionOptions = {}): Promise<HostileRegion> {
  const code = options.code ?? 'HX';
  const name = options.name ?? 'Hostile region';
  const handlers = new Map<string, HostileHandler>([
    ['/contract', serveContract(code)],
    ['/policies', json({ region: code, version: 'open-1', policies: openPolicies(code) })],
    ['/changes', changeFeed(code, [[]])],
    ['/graphql', json({ data: { _entities: [] } })],
    ...Object.entries(options.handlers ?? {}),
  ]);
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let origin = '';
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const target = incoming.url ?? '/';
      const request: ReceivedRequest = { method: incoming.method ?? 'GET', target, url: new URL(target, origin), headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      if (requests.length > maxRecorded) requests.shift();
      const handler = handlers.get(request.url.pathname);
      if (!handler) return void response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not here"}');
      Promise.resolve(handler(request, response)).catch(() => response.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  origin = await listen(server, 0, '127.0.0.1');
  const url = `${origin}/graphql`;
  return {
    code,
    origin,
    url,
    entry: { code, name, url },
    requests,
    requestsTo: (path) => requests.filter((request) => request.url.pathname === path),
    handle(path, handler) {
      handlers.set(path, handler);
    },
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers `body` as JSON with `status`. */
export function json(body: unknown, status = 200): HostileHandler {
  const text = JSON.stringify(body);
  return (_request, response) => void response.writeHead(status, { 'content-type': 'application/json' }).end(text);
}

/** Answers a redirect to `location`. */
export function redirect(location: string, status = 302): HostileHandler {
  return (_request, response) => void response.writeHead(status, { location }).end();
}

/** Accepts the request and never answers it. */
export function hang(): HostileHandler {
  return () => undefined;
}

/** Waits `delayMs`, then answers as `then` does: a slow region. */
export function slow(delayMs: number, then: HostileHandler): HostileHandler {
  return (request, response) => new Promise<void>((resolve) => setTimeout(resolve, delayMs)).then(() => then(request, response));
}

/** The pinned contract, as region `code` serves it. */
export function serveContract(code: string): HostileHandler {
  const { sdl, version } = pinnedContract();
  return json({ region: code, version: formatVersion(version), sdl });
}

/** Cedar policies that let anyone discover and read every dataset of the region. */
export function openPolicies(code: string): Record<string, string> {
  return {
    'open.cedar': `@id("${code.toLowerCase()}-open")\n@reason("Everything is open.")\npermit (principal, action, resource);\n`,
  };
}

/**
 * A change feed of fixed pages, served by position: the cursor of page i is
 * `p<i>`; a request without `since` (or with an unknown cursor) gets page 0
 * as a snapshot (`reset: true` on every page of it). Changes are written as
 * given, so a test can put anything in them.
 */
export function changeFeed(code: string, pages: readonly (readonly unknown[])[], options: { region?: string } = {}): HostileHandler {
  return (request, response) => {
    const since = request.url.searchParams.get('since');
    const at = since && /^p\d+$/.test(since) ? Number(since.slice(1)) + 1 : 0;
    const index = Math.min(at, pages.length - 1);
    const page = { region: options.region ?? code, cursor: `p${index}`, reset: since === null, hasMore: index < pages.length - 1, changes: at < pages.length ? pages[index] : [] };
    json(page)(request, response);
  };
}

/**
 * A feed that always says there is more: every page holds `perPage` new
 * datasets with ids never seen before, and `hasMore: true`. With
 * `reset`, every page claims to be part of a snapshot.
 */
export function moreForever(code: string, options: { perPage?: number; reset?: boolean; prefix?: string } = {}): HostileHandler {
  const { perPage = 50, reset = true, prefix = 'fake' } = options;
  let next = 0;
  return (request, response) => {
    const changes: Change[] = [];
    for (let i = 0; i < perPage; i += 1) {
      const record = hostileRecord(code, `${prefix}-${next++}`);
      changes.push({ op: 'upsert', id: record.id, revision: record.revision, dataset: record });
    }
    const page: ChangeFeedPage = { region: code, cursor: `m${next}`, reset: reset || !request.url.searchParams.has('since'), hasMore: true, changes };
    json(page)(request, response);
  };
}

/**
 * Serves a change-feed page of about `bytes` bytes, streamed in 64 kB
 * chunks without being held in memory: one record whose description is
 * that long.
 */
export function oversizedPage(code: string, bytes: number): HostileHandler {
  return (request, response) => {
    const record = hostileRecord(code, 'huge');
    const [head, tail] = JSON.stringify({ region: code, cursor: 'h1', reset: !request.url.searchParams.has('since'), hasMore: false, changes: [upsert({ ...record, description: [{ lang: 'en', value: '\u0000' }] })] }).split('\\u0000');
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write(head);
    const chunk = 'x'.repeat(65_536);
    let left = bytes;
    const pump = (): void => {
      while (left > 0) {
        left -= chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      response.end(tail);
    };
    response.on('error', () => undefined);
    pump();
  };
}

/** A valid record of region `code`, with `overrides` on top (which may make it invalid). */
export function hostileRecord(code: string, identifier: string, overrides: Partial<Record<keyof DatasetRecord, unknown>> = {}): DatasetRecord {
  const file = datasetFileSchema.parse({
    language: 'en',
    title: `Dataset ${identifier}`,
    description: `Harvested from ${code}.`,
    keywords: ['hostile'],
    distributions: [{ format: 'CSV', accessUrl: `https://example.org/${identifier}.csv` }],
  });
  return { ...toDatasetRecord(file, code, identifier), ...overrides } as DatasetRecord;
}

/** An upsert change carrying `record` (as it is, valid or not). */
export function upsert(record: DatasetRecord | Record<string, unknown>): Change {
  const value = record as DatasetRecord;
  return { op: 'upsert', id: value.id, revision: value.revision, dataset: value };
}
