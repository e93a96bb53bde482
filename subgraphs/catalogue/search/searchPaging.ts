import { createHash } from 'node:crypto';
import { WharfError } from '../../../schema/errorCodes.ts';

export type SearchSort = 'RELEVANCE' | 'MODIFIED' | 'TITLE';

/** One hit as paging sees it: its sort key and its id, the tie-breaker. */
export interface Sortable {
  id: string;
  /** Score for RELEVANCE (higher first), epoch ms for MODIFIED (newer first), folded title for TITLE. */
  key: number | string;
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

/**
 * Longest cursor accepted, in characters. The longest one `encodeCursor`
 * makes (a 134-character id and a 48-character title key, every character
 * escaped) is about 600.
 */
export const maxCursorChars = 1024;
/** Characters of a refused cursor quoted back in the error. */
const quotedCursorChars = 32;

export function decodeCursor(cursor: string, fingerprint: string): Sortable {
  if (cursor.length > maxCursorChars) {
    throw new WharfError(
      'BAD_USER_INPUT',
      `"after" must be a cursor from a previous page's edges, at most ${maxCursorChars} characters long; got ${cursor.length.toLocaleString('en')}.`,
      { argumentName: 'after' },
    );
  }
  let payload: CursorPayload | undefined;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorPayload;
  } catch {
    payload = undefined;
  }
  if (!payload || typeof payload.i !== 'string' || !['number', 'string'].includes(typeof payload.k) || typeof payload.f !== 'string') {
    const quoted = cursor.length > quotedCursorChars ? `${cursor.slice(0, quotedCursorChars)}…` : cursor;
    throw new WharfError('BAD_USER_INPUT', `"after" must be a cursor from a previous page's edges; got "${quoted}".`, { argumentName: 'after' });
  }
  if (payload.f !== fingerprint) {
    throw new WharfError('BAD_USER_INPUT', '"after" is a cursor of a different search; page with the same query, filter and sort.', {
      argumentName: 'after',
    });
  }
  return { id: payload.i, key: payload.k };
}

/** Puts `value` into `best`, the `size` largest values seen so far, descending; a value no larger than a full list's last is left out. */
export function keepLargest(best: number[], value: number, size: number): void {
  if (best.length === size && value <= best[size - 1]!) return;
  let at = best.length;
  while (at > 0 && best[at - 1]! < value) at -= 1;
  best.splice(at, 0, value);
  if (best.length > size) best.pop();
}

/**
 * The indices (into parallel arrays of `count` hits) of the first `limit`
 * hits after `after` in sort order, and whether more follow. One pass with a
 * sorted window of `limit + 1`: a page costs O(hits · log limit) at any depth,
 * and no object is made per hit.
 */
export function selectPage(
  count: number,
  keyAt: (i: number) => number | string,
  idAt: (i: number) => string,
  sort: SearchSort,
  after: Sortable | undefined,
  limit: number,
): { page: number[]; hasMore: boolean } {
  const capacity = limit + 1;
  const window: number[] = [];
  const descending = sort !== 'TITLE';
  // Negative when hit i comes before (key, id) in the sort order.
  const compare = (i: number, key: number | string, id: string): number => {
    const own = keyAt(i);
    if (own !== key) return (own < key ? -1 : 1) * (descending ? -1 : 1);
    const ownId = idAt(i);
    return ownId < id ? -1 : ownId > id ? 1 : 0;
  };
  for (let i = 0; i < count; i += 1) {
    if (after && compare(i, after.key, after.id) <= 0) continue;
    if (window.length === capacity) {
      const last = window[capacity - 1]!;
      if (compare(i, keyAt(last), idAt(last)) >= 0) continue;
    }
    let low = 0;
    let high = window.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const at = window[mid]!;
      if (compare(i, keyAt(at), idAt(at)) > 0) low = mid + 1;
      else high = mid;
    }
    window.splice(low, 0, i);
    if (window.length > capacity) window.pop();
  }
  return { page: window.slice(0, limit), hasMore: window.length > limit };
}

/**
 * `selectPage` for numeric keys sorted descending (relevance, modified),
 * with the keys in a typed array: a hit below the window's last key is
 * rejected by one comparison, so a page over half a million hits costs
 * little more than reading their keys.
 */
export function selectTopByKey(
  count: number,
  keys: Float64Array,
  idAt: (i: number) => string,
  after: Sortable | undefined,
  limit: number,
): { page: number[]; hasMore: boolean } {
  const capacity = limit + 1;
  const window: number[] = [];
  const afterKey = typeof after?.key === 'number' ? after.key : after ? Number.NaN : Infinity;
  const afterId = after?.id ?? '';
  if (Number.isNaN(afterKey)) return selectPage(count, (i) => keys[i]!, idAt, 'MODIFIED', after, limit);
  // Negative when hit i comes before hit j.
  const compare = (i: number, j: number): number => {
    const a = keys[i]!;
    const b = keys[j]!;
    if (a !== b) return a > b ? -1 : 1;
    const idA = idAt(i);
    const idB = idAt(j);
    return idA < idB ? -1 : idA > idB ? 1 : 0;
  };
  let floor = -Infinity;
  for (let i = 0; i < count; i += 1) {
    const key = keys[i]!;
    if (key < floor || key > afterKey) continue;
    if (key === afterKey && idAt(i) <= afterId) continue;
    if (window.length === capacity && compare(i, window[capacity - 1]!) >= 0) continue;
    let low = 0;
    let high = window.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare(i, window[mid]!) > 0) low = mid + 1;
      else high = mid;
    }
    window.splice(low, 0, i);
    if (window.length > capacity) window.pop();
    if (window.length === capacity) floor = keys[window[capacity - 1]!]!;
  }
  return { page: window.slice(0, limit), hasMore: window.length > limit };
}
