import { datasetIdPattern } from './datasetFile.ts';

/** Region codes: ISO 3166-1 alpha-2, optionally with an ISO 3166-2 subdivision (`CN-GX`). */
export const regionCodePattern = /^[A-Z]{2}(?:-[A-Z0-9]{1,3})?$/;

/** Formats a catalogue id from a region code and the region's own identifier. */
export function formatDatasetId(region: string, identifier: string): string {
  return `${region}:${identifier}`;
}

/**
 * The region code a catalogue id is owned by, or `undefined` when the id has
 * no well-formed region prefix. Only the prefix is checked: routing must not
 * depend on the identifier's syntax.
 */
export function regionOfDatasetId(id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  const colon = id.indexOf(':');
  if (colon <= 0) return undefined;
  const region = id.slice(0, colon);
  return regionCodePattern.test(region) ? region : undefined;
}

export function isDatasetId(id: string): boolean {
  return datasetIdPattern.test(id);
}
