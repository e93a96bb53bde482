import type { IncomingMessage, ServerResponse } from 'node:http';
import { JsonTooDeepError, parseBoundedJson } from '../../shared/parseBoundedJson.ts';
import { BodyTooLargeError, readBody } from '../../shared/readJsonBody.ts';
import { writeJson } from '../../shared/serveApollo.ts';
import type { DatasetStore } from '../store/DatasetStore.ts';
import { createLineageIngest, type LineageTarget } from './createLineageIngest.ts';
import { createFileJournal, type LineageJournal } from './lineageJournal.ts';
import { resolveLineageLimits, type LineageLimits } from './lineageLimits.ts';
import { maxProducerKeyLength, noLineageProducers, type LineageProducers } from './lineageProducers.ts';
import { LineageRefusal } from './lineageRefusals.ts';

export interface LineageRouteOptions {
  store: DatasetStore;
  /** The producers that may post events, each with its key's hash and namespaces. @default none: every request is refused with 401 */
  producers?: LineageProducers;
  /**
   * Where accepted events are journaled and replayed from at start; without
   * it they live in memory only. Unused when the store keeps its own journal.
   */
  journalPath?: string;
  /** @default `defaultLineageLimits` */
  limits?: Partial<LineageLimits>;
}

export interface LineageRoute {
  /** Answers `POST /api/v1/lineage` and `POST /api/v1/lineage/batch`. */
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void>;
}

/** RFC 6750's token68: what a producer key may look like in `Authorization: Bearer <key>`. */
const bearer = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const realm = 'Bearer realm="wharf-lineage"';

/**
 * The OpenLineage endpoints of a region, at the Marquez-compatible paths
 * the OpenLineage HTTP transport posts to (one event, or an array). Every
 * request names its producer with `Authorization: Bearer <key>` (the
 * transport's `api_key` auth); the key is checked before the body is read.
 * The body is read up to `maxBodyBytes`, parsed only if nested at most
 * `maxJsonDepth` deep, and taken whole or not at all. Refusals answer with
 * a registered `code`, and for caps the `limit` and its `max`: 401
 * `UNAUTHENTICATED` (with `WWW-Authenticate`), 403
 * `LINEAGE_NAMESPACE_FORBIDDEN`, 413 or 400 `LIMIT_EXCEEDED`, 400
 * `BAD_USER_INPUT`.
 *
 * Creating the route replays the journal (the store's own, or the file at
 * `journalPath`), taking again only what today's producers, names and caps
 * accept.
 */
export async function createLineageRoute(options: LineageRouteOptions): Promise<LineageRoute> {
  const { store } = options;
  const limits = resolveLineageLimits(options.limits);
  const producers = options.producers ?? noLineageProducers;
  // A store that keeps its own journal (PostgreSQL) is journaled there, so every replica replays the same events.
  const journal =
    'lineageJournal' in store
      ? (store as DatasetStore & { lineageJournal: LineageJournal }).lineageJournal
      : options.journalPath
        ? createFileJournal(options.journalPath, limits.maxJsonDepth)
        : undefined;
  const lineage =
    'setIngestedLineage' in store ? createLineageIngest(store as DatasetStore & LineageTarget, { ...(journal ? { journal } : {}), producers, limits }) : undefined;
  const replayed = await lineage?.replay();
  if (replayed && replayed.skipped > 0) {
    console.error(
      JSON.stringify({ level: 'warn', region: store.region, msg: 'lineage journal entries refused at replay', replayed: replayed.replayed, skipped: replayed.skipped, reasons: replayed.reasons }),
    );
  }

  const unauthenticated = (response: ServerResponse, message: string, error?: 'invalid_request' | 'invalid_token') => {
    response.setHeader('www-authenticate', error ? `${realm}, error="${error}"` : realm);
    writeJson(response, 401, { code: 'UNAUTHENTICATED', error: message });
  };

  return {
    async handle(request, response, url) {
      if (request.method !== 'POST') {
        response.setHeader('allow', 'POST');
        return writeJson(response, 405, { code: 'BAD_USER_INPUT', error: `Use POST ${url.pathname} with an OpenLineage RunEvent.` });
      }
      if (!lineage) return writeJson(response, 404, { error: `Region ${store.region}'s store does not take lineage events.` });

      const authorization = request.headers.authorization;
      if (!authorization) {
        return unauthenticated(
          response,
          producers.size === 0
            ? `Region ${store.region} takes lineage events from no producer; configure producers with --lineage-producers <file>.`
            : `Lineage events need "Authorization: Bearer <producer key>".`,
        );
      }
      const key = bearer.exec(authorization)?.[1];
      if (!key || key.length > maxProducerKeyLength) {
        return unauthenticated(response, `The Authorization header must be "Bearer <producer key>", a key of at most ${maxProducerKeyLength} characters.`, 'invalid_request');
      }
      const producer = producers.byKey(key);
      if (!producer) return unauthenticated(response, `The producer key is not one region ${store.region} knows.`, 'invalid_token');

      const tooLarge = () =>
        writeJson(response, 413, {
          code: 'LIMIT_EXCEEDED',
          error: `The body is larger than ${limits.maxBodyBytes} bytes (maxBodyBytes).`,
          limit: 'maxBodyBytes',
          max: limits.maxBodyBytes,
        });
      // Refused before a byte is read when the client says how large it is.
      if (Number(request.headers['content-length'] ?? 0) > limits.maxBodyBytes) return tooLarge();
      let text: string;
      try {
        text = await readBody(request, limits.maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return tooLarge();
        throw error;
      }
      let body: unknown;
      try {
        body = parseBoundedJson(text, limits.maxJsonDepth);
      } catch (error) {
        if (error instanceof JsonTooDeepError) {
          return writeJson(response, 400, {
            code: 'LIMIT_EXCEEDED',
            error: `The body is nested more than ${limits.maxJsonDepth} levels deep (maxJsonDepth).`,
            limit: 'maxJsonDepth',
            max: limits.maxJsonDepth,
          });
        }
        return writeJson(response, 400, { code: 'BAD_USER_INPUT', error: 'The body is not valid JSON.' });
      }
      try {
        return writeJson(response, 201, await lineage.ingest(Array.isArray(body) ? body : [body], producer));
      } catch (error) {
        if (error instanceof LineageRefusal) return writeJson(response, error.status, error.body());
        throw error;
      }
    },
  };
}
