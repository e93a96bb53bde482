import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Consumer } from '../../../schema/consumer.ts';
import { formatDatasetId } from '../../../schema/datasetId.ts';
import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { WharfError } from '../../../schema/errorCodes.ts';
import { writeJson } from '../../shared/serveApollo.ts';
import type { AccessEvaluator } from '../../shared/access/createAccessEvaluator.ts';
import type { DatasetStore } from '../store/DatasetStore.ts';
import { dcatCatalogueChunks, type DcatVisibility } from './dcatCatalogueChunks.ts';
import { dcatDatasetDocument } from './toDcatDataset.ts';

export interface DcatRoutesOptions {
  store: DatasetStore;
  evaluator: AccessEvaluator;
  /** Who the request is for: the gateway's signed consumer header, anonymous without one (see `createRegionSubgraph`). */
  createContext(headers: IncomingMessage['headers']): Promise<{ consumer: Consumer }>;
  /** The region's display name, the catalogue's publisher. */
  name: string;
  baseIri: () => string;
}

const jsonLd = 'application/ld+json; charset=utf-8';

/** Resolves true once `response` can take more, false if it closes first. */
function drained(response: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (ok: boolean) => {
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => settle(true);
    const onClose = () => settle(false);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}

/**
 * `GET /dcat` (the region's whole catalogue, streamed) and `GET /dcat/<id>`
 * (one dataset; `<id>` is the catalogue id or the region's own identifier),
 * as DCAT-AP 3 JSON-LD. The region's policies apply as on `/graphql`: a
 * dataset the consumer may not discover is left out (one asked by id is a
 * 404, as if absent), and one they may not read has no distributions.
 */
export function createDcatRoutes(options: DcatRoutesOptions) {
  const { store, evaluator } = options;
  const visibilityFor = (consumer: Consumer) => (record: DatasetRecord): DcatVisibility => {
    const dataset = { ...record.access, region: record.region };
    if (evaluator.decide(consumer, dataset, 'discover').decision === 'DENY') return 'hidden';
    return evaluator.decide(consumer, dataset, 'read').decision === 'DENY' ? 'discover' : 'read';
  };

  async function handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (request.method !== 'GET') return writeJson(response, 405, { error: `Use GET ${url.pathname}.` });
    let consumer: Consumer;
    try {
      ({ consumer } = await options.createContext(request.headers));
    } catch (error) {
      if (error instanceof WharfError) return writeJson(response, 401, { error: error.message });
      throw error;
    }
    const visibility = visibilityFor(consumer);
    if (url.pathname === '/dcat' || url.pathname === '/dcat/') {
      response.writeHead(200, { 'content-type': jsonLd });
      for await (const chunk of dcatCatalogueChunks(store, { baseIri: options.baseIri(), name: options.name, visibility })) {
        // A reader that went away ends the export; a slow one holds it, not the region's memory.
        if (response.destroyed || (!response.write(chunk) && !(await drained(response)))) return;
      }
      response.end();
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
