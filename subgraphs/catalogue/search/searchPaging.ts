import { createHash } from 'node:crypto';
import { WharfError } from '../../../schema/errorCodes.ts';

export type SearchSort = 'RELEVANCE' | 'MODIFIED' | 'TITLE';

/** One hit as paging sees it: its sort key and its id, the tie-breaker. */
export interface Sortable {
  id: string;
  /** Score for RELEVANCE (higher first), epoch ms for MODIFIED (newer first), folded title for TITLE. */
  key: number | string;
}

/** Orders hits: by key in the sort's direction, then by id, so the order is total and paging is stable. */
export function compareHits(sort: SearchSort, a: Sortable, b: Sortable): number {
  if (a.key !== b.key) {
    if (sort === 'TITLE') return (a.key as string) < (b.key as string) ? -1 : 1;
    return (b.key as number) - (a.key as number);
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Search-after cursor: the last hit's key and id, with a fingerprint of the
 * search it belongs to. No offset, so paging reaches every result however
 * many there are, at the same cost per page.
 */
interface CursorPayload {
  f: string;
  k: number | string;
  i: string;
}

export function searchFingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 10);
}

export function encodeCursor(fingerprint: string, hit: Sortable): string {
  const payload: CursorPayload = { f: fingerprint, k: hit.key, i: hit.id };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

export function decodeCursor(cursor: string, fingerprint: string): Sortable {
  let payload: CursorPayload | undefined;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorPayload;
  } catch {
    payload = undefined;
  }
  if (!payload || typeof payload.i !== 'string' || !['number', 'string'].includes(typeof payload.k) || typeof payload.f !== 'string') {
    throw new WharfError('BAD_USER_INPUT', `"after" must be a cursor from a previous page's edges; got "${cursor}".`, { argumentName: 'after' });
  }
  if (payload.f !== fingerprint) {
    throw new WharfError('BAD_USER_INPUT', '"after" is a cursor of a different search; page with the same query, filter and sort.', {
      argumentName: 'after',
    });
  }
  return { id: payload.i, key: payload.k };
}

/**
 * The first `limit` hits after `after` in sort order, and whether more
 * follow: one pass, keeping a sorted window of `limit + 1`, so a page costs
 * O(hits · log limit) whatever its depth.
 */
export function pageAfter<T extends Sortable>(hits: Iterable<T>, sort: SearchSort, after: Sortable | undefined, limit: number): { page: T[]; hasMore: boolean } {
  const window: T[] = [];
  const capacity = limit + 1;
  for (const hit of hits) {
    if (after && compareHits(sort, hit, after) <= 0) continue;
    if (window.length === capacity && compareHits(sort, hit, window[capacity - 1]!) >= 0) continue;
    let low = 0;
    let high = window.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareHits(sort, window[mid]!, hit) < 0) low = mid + 1;
      else high = mid;
    }
    window.splice(low, 0, hit);
    if (window.length > capacity) window.pop();
  }
  return { page: window.slice(0, limit), hasMore: window.length > limit };
}
