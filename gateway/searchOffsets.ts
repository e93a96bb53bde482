import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** One page of cursors, as the catalogue's `search` answers `pageInfo`. */
export interface SearchStep {
  endCursor: string | null;
  hasNextPage: boolean;
}

/** Runs the search after `after` for `first` hits (at most `maxStep`), as the caller; throws what the caller's call failed with. */
export type SearchStepper = (after: string | undefined, first: number) => Promise<SearchStep>;

export interface SearchOffsetsOptions {
  /** Memory the remembered cursors may take, keys included, in bytes (UTF-16 characters × 2). @default 8388608 (8 MiB) */
  maxBytes?: number;
  /**
   * The catalogue's content and policy versions: a remembered cursor stands
   * for its offset only while neither changes.
   */
  version(): string;
}

/** Hits one walking step skips: the catalogue's largest page. */
export const maxStep = 100;
/** Remembered offsets looked for below the one asked, at most (each a step of `maxStep`). */
const maxLookBack = 1000;

/**
 * Offsets (`start` in CKAN's `package_search`, `page` in a DCAT catalogue)
 * over the catalogue's search, which pages by cursor only: the cursor that
 * starts a search at an offset, found by walking pages of cursors from the
 * nearest offset already known. Each page a client is served remembers the
 * cursor where the next one starts, so a client paging in order never
 * walks. Cursors are remembered per caller credentials, search and
 * catalogue version; a cursor only places a search that runs as its caller
 * anyway, under that caller's discoverability.
 */
export function createSearchOffsets(options: SearchOffsetsOptions) {
  const cursors = new LRUCache<string, string>({ maxSize: options.maxBytes ?? 8 * 1024 * 1024, sizeCalculation: (cursor, key) => 2 * (cursor.length + key.length) });
  const keyOf = (scope: string, offset: number) => `${scope}|${offset}`;

  /** The scope of one caller's search: its credentials, the search itself, the catalogue's version. */
  function scopeOf(credentials: unknown, search: unknown): string {
    return createHash('sha256').update(JSON.stringify([credentials, search, options.version()])).digest('base64url');
  }

  return {
    scopeOf,
    /** Remembers that the search of `scope` continues at `offset` after `cursor`. */
    remember(scope: string, offset: number, cursor: string | null | undefined): void {
      if (offset > 0 && cursor) cursors.set(keyOf(scope, offset), cursor);
    },
    /**
     * The cursor after which the search of `scope` continues at `offset`:
     * undefined for offset 0, or when the search has no hits at all. Past
     * the last hit, the cursor of the last one (so the search answers no
     * hits). Walks with `step`, whose failures (a rate limit) propagate.
     */
    async cursorAt(scope: string, offset: number, step: SearchStepper): Promise<string | undefined> {
      if (offset === 0) return undefined;
      const known = cursors.get(keyOf(scope, offset));
      if (known) return known;
      let at = Math.floor((offset - 1) / maxStep) * maxStep;
      let cursor: string | undefined;
      // Look back at most `maxLookBack` steps: the look-up costs nothing of the caller's rate limit, so it must stay cheap.
      const lowest = Math.max(0, at - maxLookBack * maxStep);
      for (; at > lowest; at -= maxStep) {
        cursor = cursors.get(keyOf(scope, at));
        if (cursor) break;
      }
      if (!cursor) at = 0;
      while (at < offset) {
        const first = Math.min(maxStep, offset - at);
        const page = await step(cursor, first);
        if (!page.endCursor) return cursor;
        cursor = page.endCursor;
        at += first;
        if (at % maxStep === 0 || at === offset) cursors.set(keyOf(scope, at), cursor);
        if (!page.hasNextPage) return cursor;
      }
      return cursor;
    },
  };
}

export type SearchOffsets = ReturnType<typeof createSearchOffsets>;
