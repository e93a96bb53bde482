import { changeFeedMaxLimit } from '../../../schema/changeFeed.ts';
import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { dataThemeScheme } from '../../shared/dcatVocabularies.ts';
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
}

/** The catalogue node without its datasets: title, description, publisher, theme taxonomy. */
export function dcatCatalogueNode(region: string, options: Pick<DcatCatalogueOptions, 'baseIri' | 'name'>): JsonLdNode {
  return {
    '@id': `${options.baseIri.replace(/\/+$/, '')}/dcat`,
    '@type': 'dcat:Catalog',
    'dct:title': { '@value': `${options.name} (Wharf region ${region})`, '@language': 'en' },
    'dct:description': { '@value': `Every dataset region ${region} publishes through Wharf, as DCAT-AP 3.`, '@language': 'en' },
    'dct:publisher': { '@type': 'foaf:Agent', 'foaf:name': options.name },
    'dcat:themeTaxonomy': { '@id': dataThemeScheme, '@type': 'skos:ConceptScheme', 'dct:title': { '@value': 'Data theme', '@language': 'en' } },
  };
}

/**
 * A region's whole catalogue as one DCAT-AP 3 JSON-LD document, in chunks
 * of text to stream: the `dcat:Catalog` with its datasets nested under
 * `dcat:dataset`. The store is read page by page through its change feed
 * (a full snapshot), so a region of any size is exported in bounded memory;
 * the concatenated chunks are one valid JSON document.
 */
export async function* dcatCatalogueChunks(store: DatasetStore, options: DcatCatalogueOptions): AsyncGenerator<string> {
  const head = JSON.stringify({ '@context': dcatContext, ...dcatCatalogueNode(store.region, options) });
  // Reopen the object to append the dataset list: `{…}` → `{…,"dcat:dataset":[`.
  yield `${head.slice(0, -1)},"dcat:dataset":[`;
  const seen = new Set<string>();
  let cursor: string | undefined;
  let first = true;
  const chunkSize = options.chunkSize ?? 50;
  for (;;) {
    const page = await store.changes(cursor, Math.min(options.pageSize ?? 1000, changeFeedMaxLimit));
    let parts: string[] = [];
    for (const change of page.changes) {
      // A dataset changed while the export runs appears again later in the feed; it is written once.
      if (change.op !== 'upsert' || seen.has(change.id)) continue;
      seen.add(change.id);
      const visibility = options.visibility(change.dataset);
      if (visibility === 'hidden') continue;
      parts.push(JSON.stringify(toDcatDataset(change.dataset, { baseIri: options.baseIri, readAllowed: visibility === 'read' })));
      if (parts.length === chunkSize) {
        yield `${first ? '' : ','}${parts.join(',')}`;
        first = false;
        parts = [];
      }
    }
    if (parts.length > 0) {
      yield `${first ? '' : ','}${parts.join(',')}`;
      first = false;
    }
    if (!page.hasMore) break;
    cursor = page.cursor;
  }
  yield ']}';
}
