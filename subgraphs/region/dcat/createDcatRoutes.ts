import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Consumer } from '../../../schema/consumer.ts';
import { formatDatasetId } from '../../../schema/datasetId.ts';
import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { writeJson } from '../../shared/serveApollo.ts';
import type { AccessEvaluator } from '../../shared/access/createAccessEvaluator.ts';
import { serializeRdfDocument } from '../../shared/rdf/createRdfSerializer.ts';
import { formatOfExtension, negotiateRdfFormat, rdfFormats, type RdfFormat } from '../../shared/rdf/negotiateRdfFormat.ts';
import type { DatasetStore } from '../store/DatasetStore.ts';
import { dcatCatalogueChunks, type DcatVisibility } from './dcatCatalogueChunks.ts';
import { dcatCataloguePage, dcatPageContext, defaultDatasetsPerPage } from './dcatCataloguePage.ts';
import { createCursorSeal } from './sealedCursor.ts';
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
   * A page asked by number alone (`?page=N`, N > 1, no cursor) counts while
   * it reads the pages before it; a page reached by its link does not.
   * @default 4
   */
  maxConcurrentExports?: number;
  /** Longest wait for a reader to take the next chunk, in milliseconds; then the export ends. @default 30000 */
  readerIdleMs?: number;
  /** Datasets on a page of `/dcat?page=N`. @default 100 (see `defaultDatasetsPerPage`) */
  datasetsPerPage?: number;
}

/** The paths of the whole catalogue, with and without a format extension. */
const cataloguePaths = new Set(['/dcat', '/dcat/']);
/** Highest page number taken; a deeper one is refused before any store read. */
const maxPageNumber = 1_000_000;

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
 * `GET /dcat` (the region's whole catalogue, streamed), `GET /dcat?page=N`
 * (one page of it, with Hydra paging links) and `GET /dcat/<id>` (one
 * dataset; `<id>` is the catalogue id or the region's own identifier), as
 * DCAT-AP 3 in JSON-LD, Turtle or RDF/XML: by a path extension (`/dcat.ttl`,
 * `/dcat/<id>.rdf`), else by `Accept`, else JSON-LD; a malformed or
 * unserved `Accept` is a 406. The region's policies apply as on `/graphql`:
 * a dataset the consumer may not discover is left out (one asked by id is a
 * 404, as if absent), and one they may not read has no distributions.
 */
export function createDcatRoutes(options: DcatRoutesOptions) {
  const { store, evaluator, maxConcurrentExports = 4, readerIdleMs = 30_000, datasetsPerPage = defaultDatasetsPerPage } = options;
  const seal = createCursorSeal();
  let exporting = 0;
  const visibilityFor = (consumer: Consumer) => {
    // Decisions depend on the consumer and the dataset's access attributes only: one per distinct attribute set.
    const decided = new Map<string, DcatVisibility>();
    return (record: DatasetRecord): DcatVisibility => {
      const dataset = { ...record.access, region: record.region };
      const key = JSON.stringify(dataset);
      let visibility = decided.get(key);
      if (visibility === undefined) {
        visibility = evaluator.decide(consumer, dataset, 'discover').decision === 'DENY' ? 'hidden' : evaluator.decide(consumer, dataset, 'read').decision === 'DENY' ? 'discover' : 'read';
        if (decided.size < 10_000) decided.set(key, visibility);
      }
      return visibility;
    };
  };

  /** A document held whole (a page, one dataset), in `format`; `Vary: Accept` when the header chose it. */
  async function send(response: ServerResponse, format: RdfFormat, negotiated: boolean, document: object): Promise<void> {
    const body = await serializeRdfDocument(document, format, dcatPageContext);
    response.writeHead(200, { 'content-type': rdfFormats[format].contentType, 'content-length': Buffer.byteLength(body), ...(negotiated ? { vary: 'accept' } : {}) });
    response.end(body);
  }

  async function exportCatalogue(response: ServerResponse, format: RdfFormat, negotiated: boolean, visibility: (record: DatasetRecord) => DcatVisibility): Promise<void> {
    if (exporting >= maxConcurrentExports) {
      response.setHeader('retry-after', '5');
      return writeJson(response, 503, { error: `Region ${store.region} is already serving ${maxConcurrentExports} catalogue exports; retry in a few seconds, ask for a page at /dcat?page=1, or for one dataset at /dcat/<id>.` });
    }
    exporting += 1;
    try {
      response.writeHead(200, { 'content-type': rdfFormats[format].contentType, ...(negotiated ? { vary: 'accept' } : {}) });
      for await (const chunk of dcatCatalogueChunks(store, { baseIri: options.baseIri(), name: options.name, visibility, format })) {
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
  }

  async function servePage(response: ServerResponse, url: URL, format: RdfFormat, negotiated: boolean, visibility: (record: DatasetRecord) => DcatVisibility): Promise<void> {
    const pageParam = url.searchParams.get('page') ?? '1';
    const sealed = url.searchParams.get('cursor');
    if (!/^[1-9]\d{0,6}$/.test(pageParam) || Number(pageParam) > maxPageNumber) {
      return writeJson(response, 400, { error: `"page" must be a whole number from 1 to ${maxPageNumber}; got ${JSON.stringify(pageParam.slice(0, 40))}.` });
    }
    const cursor = sealed === null ? undefined : seal.open(sealed);
    if (sealed !== null && cursor === undefined) {
      return writeJson(response, 410, { error: `The paging cursor is not one region ${store.region} made, or is from before it restarted; harvest again from ?page=1.` });
    }
    // Links keep the path the client asked for (`/dcat.ttl`), as ckanext-dcat's do, on the region's public origin.
    const pageUrl = (page: number, pageCursor?: string) => {
      const link = new URL(url.pathname, `${options.baseIri().replace(/\/+$/, '')}/`);
      link.searchParams.set('page', String(page));
      if (pageCursor !== undefined) link.searchParams.set('cursor', pageCursor === cursor && sealed !== null ? sealed : seal.seal(pageCursor));
      return link.href;
    };
    // A page asked by number alone reads every page before it: it takes one of the whole exports' slots while it does.
    const walks = cursor === undefined && Number(pageParam) > 1;
    if (walks && exporting >= maxConcurrentExports) {
      response.setHeader('retry-after', '5');
      return writeJson(response, 503, { error: `Region ${store.region} is already serving ${maxConcurrentExports} catalogue exports; retry in a few seconds, or follow the hydra:next links from /dcat?page=1.` });
    }
    if (walks) exporting += 1;
    let outcome: Awaited<ReturnType<typeof dcatCataloguePage>>;
    try {
      outcome = await dcatCataloguePage(store, { baseIri: options.baseIri(), name: options.name, visibility }, { page: Number(pageParam), ...(cursor !== undefined ? { cursor } : {}), perPage: datasetsPerPage, pageUrl });
    } finally {
      if (walks) exporting -= 1;
    }
    if ('error' in outcome) {
      if (outcome.retryAfter) response.setHeader('retry-after', String(outcome.retryAfter));
      return writeJson(response, outcome.status, { error: outcome.error });
    }
    return send(response, format, negotiated, outcome.document);
  }

  /** `consumer`: whom the gateway signed the request for; anonymous for any other caller. */
  async function handle(request: IncomingMessage, response: ServerResponse, url: URL, consumer: Consumer): Promise<void> {
    if (request.method !== 'GET') return writeJson(response, 405, { error: `Use GET ${url.pathname}.` });
    const visibility = visibilityFor(consumer);
    const extension = formatOfExtension(url.pathname);
    const catalogue = cataloguePaths.has(url.pathname) || (extension !== undefined && extension.path === '/dcat');
    let record: DatasetRecord | undefined;
    let byExtension = false;
    if (!catalogue) {
      const idOf = (path: string) => {
        const asked = decodeURIComponent(path.slice('/dcat/'.length));
        return asked.includes(':') ? asked : formatDatasetId(store.region, asked);
      };
      let ids: string[];
      try {
        // An identifier may itself end in `.ttl`: the dataset named by the whole path wins over an extension.
        ids = [idOf(url.pathname), ...(extension ? [idOf(extension.path)] : [])];
      } catch {
        return writeJson(response, 400, { error: `"${url.pathname.slice(0, 200)}" is not a valid path; use /dcat/<dataset id>.` });
      }
      const found = await store.getMany(ids);
      const index = found.findIndex((candidate) => candidate !== undefined && visibility(candidate) !== 'hidden');
      if (index < 0) {
        return writeJson(response, 404, { error: `Region ${store.region} has no dataset "${ids[0]!.slice(0, 200)}" you may see; GET /dcat lists every one.` });
      }
      record = found[index];
      byExtension = index === 1;
    }
    const negotiation = negotiateRdfFormat(request.headers.accept, catalogue ? extension?.format : byExtension ? extension!.format : undefined);
    if ('error' in negotiation) return writeJson(response, 406, { error: negotiation.error });
    const { format } = negotiation;
    const negotiated = !negotiation.byExtension;
    if (record) return send(response, format, negotiated, dcatDatasetDocument(record, { baseIri: options.baseIri(), readAllowed: visibility(record) === 'read' }));
    if (url.searchParams.has('page') || url.searchParams.has('cursor')) return servePage(response, url, format, negotiated, visibility);
    return exportCatalogue(response, format, negotiated, visibility);
  }

  return { handle };
}
