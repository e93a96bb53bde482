import type { CallerCredentials, CallerGraphqlError } from '../graphqlAsCaller.ts';
import type { SearchOffsets } from '../searchOffsets.ts';
import type { CkanParams } from './readCkanParams.ts';

/** What an action has to work with: its parameters, and the gateway's GraphQL as the caller. */
export interface CkanContext {
  params: CkanParams;
  /** The caller's credentials as `/graphql` takes them (part of the offsets' scope). */
  credentials: CallerCredentials;
  /**
   * Runs an operation through the gateway as the caller. A refused call
   * (401, 429, a bad argument, a failure) throws the matching `CkanError`;
   * field errors (a region that did not answer, a URL the caller may not
   * read) come back with the data.
   */
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<{ data: T; errors: CallerGraphqlError[] }>;
  offsets: SearchOffsets;
  /** The codes of the regions the gateway routes: where a dataset named only by its identifier may be. */
  regionCodes(): readonly string[];
  /** The gateway's public origin, for `status_show` and help links. */
  publicOrigin(): string;
}

/** One action: its parameters in, its `result` out; a `CkanError` for what CKAN would refuse. */
export type CkanAction = (context: CkanContext) => Promise<unknown>;

/** The regions by code, for packages' organizations and dates. */
export const regionsByCode = (regions: readonly { code: string; name: string; lastSuccessAt: string | null }[]) =>
  new Map(regions.map((region) => [region.code, { name: region.name, lastSuccessAt: region.lastSuccessAt }]));
