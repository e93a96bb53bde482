import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Consumer } from '../../../schema/consumer.ts';
import { formatDatasetId } from '../../../schema/datasetId.ts';
import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { writeJson } from '../../shared/serveApollo.ts';
import type { AccessEvaluator } from '../../shared/access/createAccessEvaluator.ts';
import type { DatasetStore } from '../store/DatasetStore.ts';
import { dcatCatalogueChunks, type DcatVisibility } from './dcatCatalogueChunks.ts';
import { dcatDatasetDocument } from './toDcatDataset.ts';

export interface DcatRoutesOptions {
  store: DatasetStore;
  evaluator: AccessEvaluator;
  /** The region's display name, the catalogue's publisher. */
  name: string;
  baseIri: () => string;
  /**
   * Whole-catalogue exports served at once; more are answered 503 with
   * `Retry-After`. Each holds one chunk of JSON-LD and a socket buffer.
   * @default 4
   */
  maxConcurrentExports?: number;
  /** Longest wait for a reader to take the next chunk, in milliseconds; then the export ends. @default 30000 */
  readerIdleMs?: number;
}

const jsonLd = 'application/ld+json; charset=utf-8';

/** Resolves true once `response` can take more, false if it closes first or stays full for `idleMs`. */
function drained(response: ServerResponse, idleMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (ok: boolean) => {
      clearTimeout(timer);
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => settle(true);
    const onClose = () => settle(false);
    const timer = setTimeout(() => settle(false), idleMs);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}

/** Lets other requests in between chunks: an export never holds the event loop for long. */
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * `GET /dcat` (the region's whole catalogue, streamed) and `GET /dcat/<id>`
 * (one dataset; `<id>` is the catalogue id or the region's own identifier),
 * as DCAT-AP 3 JSON-LD. The region's policies apply as on `/graphql`: a
 * dataset the consumer may not discover is left out (one asked by id is a
 * 404, as if absent), and one they may not read has no distributions.
 */
export function createDcatRoutes(options: DcatRoutesOptions) {
  const { store, evaluator, maxConcurrentExports = 4, readerIdleMs = 30_000 } = options;
  let exporting = 0;
  const visibilityFor = (consumer: Consumer) => (record: DatasetRecord): DcatVisibility => {
    const dataset = { ...record.access, region: record.region };
    if (evaluator.decide(consumer, dataset, 'discover').decision === 'DENY') return 'hidden';
    return evaluator.decide(consumer, dataset, 'read').decision === 'DENY' ? 'discover' : 'read';
  };

  /** `consumer`: whom the gateway signed the request for; anonymous for any other caller. */
  async function handle(request: IncomingMessage, response: ServerResponse, url: URL, consumer: Consumer): Promise<void> {
    if (request.method !== 'GET') return writeJson(response, 405, { error: `Use GET ${url.pathname}.` });
    const visibility = visibilityFor(consumer);
    if (url.pathname === '/dcat' || url.pathname === '/dcat/') {
      if (exporting >= maxConcurrentExports) {
        response.setHeader('retry-after', '5');
        return writeJson(response, 503, { error: `Region ${store.region} is already serving ${maxConcurrentExports} catalogue exports; retry in a few seconds, or ask for one dataset at /dcat/<id>.` });
      }
      exporting += 1;
      try {
        response.writeHead(200, { 'content-type': jsonLd });
        for await (const chunk of dcatCatalogueChunks(store, { baseIri: options.baseIri(), name: options.name, visibility })) {
          // A reader that went away, or takes nothing for `readerIdleMs`, ends the export: a slow one holds a chunk, not the region.
          if (response.destroyed || (!response.write(chunk) && !(await drained(response, readerIdleMs)))) {
            response.destroy();
            return;
          }
          await yieldToOthers();
        }
        response.end();
      } finally {
        exporting -= 1;
      }
      return;
    }
    let asked: string;
    try {
      asked = decodeURIComponent(url.pathname.slice('/dcat/'.length));
    } catch {
      return writeJson(response, 400, { error: `"${url.pathname}" is not a valid path; use /dcat/<dataset id>.` });
    }
    const id = asked.includes(':') ? asked : formatDatasetId(store.region, asked);
    const [record] = await store.getMany([id]);
    if (!record || visibility(record) === 'hidden') {
      return writeJson(response, 404, { error: `Region ${store.region} has no dataset "${id}" you may see; GET /dcat lists every one.` });
    }
    const body = JSON.stringify(dcatDatasetDocument(record, { baseIri: options.baseIri(), readAllowed: visibility(record) === 'read' }));
    response.writeHead(200, { 'content-type': jsonLd, 'content-length': Buffer.byteLength(body) });
    response.end(body);
  }

  return { handle };
}
