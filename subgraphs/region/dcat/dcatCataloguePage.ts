import type { ChangeFeedPage } from '../../../schema/changeFeed.ts';
import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { hydraNamespace, hydraPageNode } from '../../shared/rdf/hydraPage.ts';
import type { DatasetStore } from '../store/DatasetStore.ts';
import { dcatCatalogueNode, type DcatCatalogueOptions, type DcatVisibility } from './dcatCatalogueChunks.ts';
import { dcatContext, toDcatDataset, type JsonLdNode } from './toDcatDataset.ts';

/** The context of a paged document: the DCAT-AP prefixes and Hydra's. */
export const dcatPageContext = { ...dcatContext, hydra: hydraNamespace } as const;

/** Datasets on a page of `/dcat?page=N`, at most; as ckanext-dcat's default. */
export const defaultDatasetsPerPage = 100;

export interface DcatPageRequest {
  /** 1-based, as ckanext-dcat numbers pages. */
  page: number;
  /** The change-feed position the previous page ended at (from its `hydra:next`); absent, pages are counted from the feed's start. */
  cursor?: string;
  /** See `defaultDatasetsPerPage`. */
  perPage: number;
  /** The URL of page `page`, continuing at feed position `cursor` when given, for the Hydra links. */
  pageUrl(page: number, cursor?: string): string;
}

export type DcatPageOutcome = { document: JsonLdNode } | { status: number; error: string; retryAfter?: number };

interface Visible {
  index: number;
  record: DatasetRecord;
  visibility: Exclude<DcatVisibility, 'hidden'>;
}

/** A page's datasets, where the feed continues after them, and whether any dataset the consumer may see follows. */
interface PageFill {
  visible: Visible[];
  cursor: string;
  hasNext: boolean;
}

class FeedMovedError extends Error {}
class StaleCursorError extends Error {}

/**
 * Fills one page from the change feed with exactly `perPage` datasets the
 * consumer may see (fewer only on the last page), ending the page's cursor
 * right after its last dataset. So neither a page's size nor where the next
 * one starts tells a consumer how many datasets it may not see.
 *
 * Each window read is `perPage` entries; a page that fills inside a window
 * is read again up to its last dataset, which puts the cursor exactly there.
 * Reads are exact because a store's `limit` counts the entries a page
 * returns.
 */
async function fillPage(store: DatasetStore, since: string | undefined, perPage: number, visibilityOf: (record: DatasetRecord) => DcatVisibility): Promise<PageFill> {
  const visibleOf = (window: ChangeFeedPage): Visible[] =>
    window.changes.flatMap((change, index) => {
      if (change.op !== 'upsert') return [];
      const visibility = visibilityOf(change.dataset);
      return visibility === 'hidden' ? [] : [{ index, record: change.dataset, visibility }];
    });
  const collected: Visible[] = [];
  let cursor = since;
  for (;;) {
    const need = perPage - collected.length;
    const window = await store.changes(cursor, perPage);
    // A position from before the store was rebuilt restarts the feed: a harvester would miss datasets unawares.
    if (cursor !== undefined && window.reset) throw new StaleCursorError();
    const visible = visibleOf(window);
    if (visible.length > need) {
      const exact = await store.changes(cursor, visible[need - 1]!.index + 1);
      const taken = visibleOf(exact);
      // The feed changed between the two reads: the page would not end where the consumer's datasets do.
      if (taken.length !== need || taken.some((item, i) => item.record.id !== visible[i]!.record.id)) throw new FeedMovedError();
      return { visible: [...collected, ...taken], cursor: exact.cursor, hasNext: true };
    }
    collected.push(...visible);
    cursor = window.cursor;
    if (!window.hasMore) return { visible: collected, cursor, hasNext: false };
    if (visible.length === need) return { visible: collected, cursor, hasNext: await anyVisibleAfter(store, cursor, perPage, visibilityOf) };
  }
}

/** Whether the feed after `cursor` holds a dataset the consumer may see: a last page is last for the consumer too. */
async function anyVisibleAfter(store: DatasetStore, cursor: string, windowSize: number, visibilityOf: (record: DatasetRecord) => DcatVisibility): Promise<boolean> {
  for (let since = cursor; ; ) {
    const window = await store.changes(since, windowSize);
    if (window.changes.some((change) => change.op === 'upsert' && visibilityOf(change.dataset) !== 'hidden')) return true;
    if (!window.hasMore) return false;
    since = window.cursor;
  }
}

/**
 * One page of a region's catalogue: the `dcat:Catalog` with `perPage` of
 * the datasets the consumer may see, and a `hydra:PagedCollection` node
 * linking the pages, as ckanext-dcat pages its catalogue.
 *
 * Pages follow the change feed, oldest change first: a harvester that
 * follows `hydra:next` sees every dataset at least once even while the
 * region changes (a dataset changed during the walk comes again later), and
 * each page costs a few store reads however deep it is. `?page=N` without a
 * cursor fills the N − 1 pages before it first. How many pages and datasets
 * there are is not known without reading them all, so it is not given.
 */
export async function dcatCataloguePage(store: DatasetStore, options: Omit<DcatCatalogueOptions, 'format'>, request: DcatPageRequest): Promise<DcatPageOutcome> {
  const moved = { status: 503, error: `Region ${store.region}'s catalogue changed while this page was read; ask again.`, retryAfter: 1 };
  let since = request.cursor;
  try {
    if (since === undefined) {
      for (let before = 1; before < request.page; before += 1) {
        const skipped = await fillPage(store, since, request.perPage, options.visibility);
        if (!skipped.hasNext) return { status: 404, error: `Page ${request.page} is past the last page (${before}) of region ${store.region}'s catalogue; start at ?page=1.` };
        since = skipped.cursor;
      }
    }
    const fill = await fillPage(store, since, request.perPage, options.visibility);
    const datasets = fill.visible.map(({ record, visibility }) => toDcatDataset(record, { baseIri: options.baseIri, readAllowed: visibility === 'read' }));
    const catalogue = { ...dcatCatalogueNode(store.region, options), ...(datasets.length > 0 ? { 'dcat:dataset': datasets } : {}) };
    const paging = hydraPageNode({
      current: request.pageUrl(request.page, request.cursor),
      first: request.pageUrl(1),
      ...(fill.hasNext ? { next: request.pageUrl(request.page + 1, fill.cursor) } : {}),
      ...(request.page > 1 ? { previous: request.pageUrl(request.page - 1) } : {}),
      itemsPerPage: request.perPage,
    });
    return { document: { '@context': dcatPageContext, '@graph': [catalogue, paging] } };
  } catch (error) {
    if (error instanceof FeedMovedError) return moved;
    if (error instanceof StaleCursorError) {
      return { status: 410, error: `The paging cursor of region ${store.region}'s catalogue is no longer valid (the region's store was rebuilt); harvest again from ?page=1.` };
    }
    throw error;
  }
}
