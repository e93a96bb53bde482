import { changeFeedMaxLimit } from '../../../schema/changeFeed.ts';
import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { dataThemeScheme } from '../../shared/dcatVocabularies.ts';
import { createRdfSerializer } from '../../shared/rdf/createRdfSerializer.ts';
import type { RdfFormat } from '../../shared/rdf/negotiateRdfFormat.ts';
import type { DatasetStore } from '../store/DatasetStore.ts';
import { dcatContext, toDcatDataset, type JsonLdNode } from './toDcatDataset.ts';

/** What a consumer may see of one dataset: nothing, its metadata, or its metadata with distributions. */
export type DcatVisibility = 'hidden' | 'discover' | 'read';

export interface DcatCatalogueOptions {
  /** See `DcatDatasetOptions.baseIri`; the catalogue's own IRI is `<base>/dcat`. */
  baseIri: string;
  /** The region's display name, the catalogue's publisher (`Macao Special Administrative Region`). */
  name: string;
  /** What the consumer of this request may see of `record`. */
  visibility(record: DatasetRecord): DcatVisibility;
  /**
   * Datasets read from the store at a time. Large, because a file store
   * re-reads its folder for every page; the page holds records the store
   * already has, not their JSON-LD. @default 1000
   */
  pageSize?: number;
  /**
   * Datasets serialised per chunk: the JSON-LD one export holds at once
   * before the reader takes it. @default 50
   */
  chunkSize?: number;
  /** The serialisation written. @default 'jsonld' */
  format?: RdfFormat;
}

/** The IRI of a region's catalogue: `<base>/dcat`. */
export const dcatCatalogueIri = (baseIri: string) => `${baseIri.replace(/\/+$/, '')}/dcat`;

/** The catalogue node without its datasets: title, description, publisher, theme taxonomy. */
export function dcatCatalogueNode(region: string, options: Pick<DcatCatalogueOptions, 'baseIri' | 'name'>): JsonLdNode {
  return {
    '@id': dcatCatalogueIri(options.baseIri),
    '@type': 'dcat:Catalog',
    'dct:title': { '@value': `${options.name} (Wharf region ${region})`, '@language': 'en' },
    'dct:description': { '@value': `Every dataset region ${region} publishes through Wharf, as DCAT-AP 3.`, '@language': 'en' },
    // An IRI, not a blank node: each page of a paged catalogue repeats this node, and the pages must merge into one publisher.
    'dct:publisher': { '@id': `${dcatCatalogueIri(options.baseIri)}#publisher`, '@type': 'foaf:Agent', 'foaf:name': options.name },
    'dcat:themeTaxonomy': { '@id': dataThemeScheme, '@type': 'skos:ConceptScheme', 'dct:title': { '@value': 'Data theme', '@language': 'en' } },
  };
}

/**
 * The dataset nodes a consumer may see, in batches of at most `chunkSize`,
 * in the order of the store's change feed. The store is read page by page
 * (a full snapshot), so a region of any size is exported in bounded memory;
 * a batch never spans two store pages.
 */
export async function* dcatDatasetBatches(store: DatasetStore, options: DcatCatalogueOptions): AsyncGenerator<JsonLdNode[]> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  const chunkSize = options.chunkSize ?? 50;
  for (;;) {
    const page = await store.changes(cursor, Math.min(options.pageSize ?? 1000, changeFeedMaxLimit));
    let batch: JsonLdNode[] = [];
    for (const change of page.changes) {
      // A dataset changed while the export runs appears again later in the feed; it is written once.
      if (change.op !== 'upsert' || seen.has(change.id)) continue;
      seen.add(change.id);
      const visibility = options.visibility(change.dataset);
      if (visibility === 'hidden') continue;
      batch.push(toDcatDataset(change.dataset, { baseIri: options.baseIri, readAllowed: visibility === 'read' }));
      if (batch.length === chunkSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    if (!page.hasMore) break;
    cursor = page.cursor;
  }
}

/**
 * A region's whole catalogue as one DCAT-AP 3 document in `format`, in
 * chunks of text to stream: the `dcat:Catalog` with its datasets (nested
 * under `dcat:dataset` in JSON-LD). The concatenated chunks are one valid
 * document.
 */
export async function* dcatCatalogueChunks(store: DatasetStore, options: DcatCatalogueOptions): AsyncGenerator<string> {
  const catalogue = dcatCatalogueNode(store.region, options);
  const format = options.format ?? 'jsonld';
  if (format !== 'jsonld') {
    const serializer = createRdfSerializer(format, dcatContext);
    yield serializer.head() + (await serializer.chunk({ '@context': dcatContext, ...catalogue }));
    for await (const batch of dcatDatasetBatches(store, options)) {
      yield await serializer.chunk({ '@context': dcatContext, '@id': catalogue['@id'], 'dcat:dataset': batch });
    }
    yield serializer.tail();
    return;
  }
  const head = JSON.stringify({ '@context': dcatContext, ...catalogue });
  // Reopen the object to append the dataset list: `{…}` → `{…,"dcat:dataset":[`.
  yield `${head.slice(0, -1)},"dcat:dataset":[`;
  let first = true;
  for await (const batch of dcatDatasetBatches(store, options)) {
    yield `${first ? '' : ','}${batch.map((node) => JSON.stringify(node)).join(',')}`;
    first = false;
  }
  yield ']}';
}
