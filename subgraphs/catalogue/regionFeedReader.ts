import type { ChangeFeedPage } from '../../schema/changeFeed.ts';
import { changeFeedUrlOf, type RegionEntry } from '../../schema/regionEntry.ts';
import type { RegionRequest } from '../../schema/signedRequest.ts';
import { parseBoundedJson } from '../shared/parseBoundedJson.ts';
import { readCappedText, ResponseTooLargeError } from '../shared/readCappedText.ts';
import { HarvestError, overBudget, PageTooLargeError, plural, type HarvestBudget, type HarvestLimits } from './harvestBudget.ts';

/** Longest cursor taken from a region: it goes back into the next page's URL. */
const maxCursorLength = 1024;

export interface RegionFeedReaderOptions {
  fetch: typeof globalThis.fetch;
  /** Headers that prove a request comes from the gateway; see `HarvesterOptions.signRequest`. */
  signRequest: ((request: RegionRequest) => Record<string, string>) | undefined;
  /** Longest wait for one change-feed page, in milliseconds. */
  pageTimeoutMs: number;
  limits: HarvestLimits;
}

/** The harvester's reads from a region: one change-feed page, or its policies, each within the harvest's budget. */
export interface RegionFeedReader {
  /** One page of the region's change feed after `since`; throws `PageTooLargeError` when it is over `maxPageBytes`. */
  fetchPage(region: RegionEntry, since: string | undefined, limit: number, budget: HarvestBudget): Promise<ChangeFeedPage>;
  /** The region's `/policies` body as parsed JSON, unchecked (undefined when it is not JSON). */
  fetchPolicies(region: RegionEntry, budget: HarvestBudget): Promise<unknown>;
}

/**
 * Reads what a region serves the harvester. A region is input, not trusted: redirects are never followed,
 * every body is read with a byte cap (and within what is left of the harvest's byte budget), and every
 * fetch ends at the page timeout or the harvest's deadline.
 */
export function createRegionFeedReader({ fetch, signRequest, pageTimeoutMs, limits }: RegionFeedReaderOptions): RegionFeedReader {
  /**
   * GETs one of the region's paths within the page timeout and the harvest's
   * deadline. Redirects are not followed (`redirect: 'manual'`): a region's
   * address is what its operator registered, and a 3xx is a failure, so a
   * region cannot point the harvester at another host.
   */
  async function fetchFromRegion(what: string, region: string, url: URL, budget: HarvestBudget): Promise<Response> {
    let response: Response;
    try {
      // Signed as the gateway's own request (no consumer): a region serves its feed and policies to nobody else.
      const headers = signRequest?.({ region, method: 'GET', target: `${url.pathname}${url.search}` }) ?? {};
      response = await fetch(url, { headers, signal: AbortSignal.any([AbortSignal.timeout(pageTimeoutMs), budget.deadline]), redirect: 'manual' });
    } catch (error) {
      if (budget.deadline.aborted) throw overBudget(limits);
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${pageTimeoutMs} ms` : 'could not be reached';
      throw new HarvestError(`${what} ${reason}`);
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      throw new HarvestError(`${what} answered HTTP ${response.status}, a redirect; the harvester does not follow redirects`);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new HarvestError(`${what} answered HTTP ${response.status}`);
    }
    return response;
  }

  /** Reads a body of at most `maxBytes` (and what is left of the harvest's byte budget) and parses it. */
  async function readJson(what: string, response: Response, maxBytes: number, budget: HarvestBudget): Promise<unknown> {
    const left = limits.maxBytesPerHarvest - budget.bytes;
    let read: { text: string; bytes: number };
    try {
      read = await readCappedText(response, Math.min(maxBytes, left));
    } catch (error) {
      if (error instanceof ResponseTooLargeError) {
        if (left < maxBytes) throw new HarvestError(`harvest stopped after reading ${limits.maxBytesPerHarvest} bytes, the most one harvest may read (maxBytesPerHarvest)`);
        throw new PageTooLargeError(`${what} is larger than ${maxBytes} bytes`);
      }
      if (budget.deadline.aborted) throw overBudget(limits);
      // The deadline covers the body too: a page that stops arriving half-way is slow, not malformed.
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new HarvestError(`${what} not received within ${pageTimeoutMs} ms`);
      throw new HarvestError(`${what} could not be read`);
    }
    budget.bytes += read.bytes;
    try {
      return parseBoundedJson(read.text);
    } catch {
      return undefined;
    }
  }

  return {
    async fetchPage(region, since, limit, budget) {
      if (budget.pages >= limits.maxPagesPerHarvest) {
        throw new HarvestError(`harvest stopped after ${plural(budget.pages, 'change-feed page')}, the most one harvest may read (maxPagesPerHarvest)`);
      }
      budget.pages += 1;
      const url = changeFeedUrlOf(region);
      url.searchParams.set('limit', String(limit));
      if (since) url.searchParams.set('since', since);
      const response = await fetchFromRegion('change feed', region.code, url, budget);
      const page = (await readJson('change feed page', response, limits.maxPageBytes, budget)) as ChangeFeedPage | undefined;
      if (
        !page ||
        typeof page !== 'object' ||
        typeof page.cursor !== 'string' ||
        page.cursor.length > maxCursorLength ||
        !Array.isArray(page.changes) ||
        page.region !== region.code
      ) {
        throw new HarvestError('change feed answered something that is not a change-feed page of this region');
      }
      return page;
    },

    async fetchPolicies(region, budget) {
      try {
        const response = await fetchFromRegion('policies', region.code, new URL('policies', region.url), budget);
        return await readJson('policies', response, limits.maxPoliciesBytes, budget);
      } catch (error) {
        // Policies are not paged: too large is a failure, not a reason to ask again.
        if (error instanceof PageTooLargeError) throw new HarvestError(error.message);
        throw error;
      }
    },
  };
}
