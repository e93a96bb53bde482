import { defaultMaxBodyBytes } from '../../shared/readJsonBody.ts';
import { defaultMaxJsonDepth } from '../../shared/parseBoundedJson.ts';

/**
 * What a region takes from OpenLineage producers at most. Every cap is
 * checked before anything is stored; going over one refuses the whole
 * request with `LIMIT_EXCEEDED`, naming the cap and its value. The defaults
 * are far above what real integrations send (the dbt integration's largest
 * event has 3 inputs, 1 output and 3 column-lineage fields) and keep a
 * dataset's page, the journal and the region's memory bounded.
 */
export interface LineageLimits {
  /** Largest request body, in bytes. @default 1048576 */
  maxBodyBytes: number;
  /** Deepest nesting of objects and arrays in a body (facets included). @default 64 */
  maxJsonDepth: number;
  /** Events in one request (a JSON array). @default 100 */
  maxEventsPerRequest: number;
  /** Inputs of one event. @default 100 */
  maxInputsPerEvent: number;
  /** Outputs of one event. @default 100 */
  maxOutputsPerEvent: number;
  /** `symlinks` identifiers of one input or output. @default 20 */
  maxSymlinksPerDataset: number;
  /** Columns (`columnLineage.fields` entries) over all outputs of one event. @default 1000 */
  maxColumnsPerEvent: number;
  /** Column-lineage input fields over all columns of one event. @default 5000 */
  maxColumnInputFieldsPerEvent: number;
  /** Length of any name an event gives (namespace, name, job, column, field, run id, event time), in UTF-16 code units. @default 1024 */
  maxNameLength: number;
  /** Ingested lineage edges (distinct upstreams) of one dataset. @default 500 */
  maxEdgesPerDataset: number;
  /** Column-lineage input fields over all ingested edges of one dataset. @default 10000 */
  maxColumnInputFieldsPerDataset: number;
  /**
   * Events remembered to take a repeat once: past it the oldest are
   * forgotten, and a repeat that old is taken again (its edges are the same,
   * so only the journal grows). @default 100000
   */
  maxRememberedEvents: number;
  /** Runs whose states are remembered; past it the least recently reported are forgotten. @default 10000 */
  maxRememberedRuns: number;
  /** States remembered per run; past it the oldest are dropped. @default 32 */
  maxStatesPerRun: number;
}

export const defaultLineageLimits: Readonly<LineageLimits> = Object.freeze({
  maxBodyBytes: defaultMaxBodyBytes,
  maxJsonDepth: defaultMaxJsonDepth,
  maxEventsPerRequest: 100,
  maxInputsPerEvent: 100,
  maxOutputsPerEvent: 100,
  maxSymlinksPerDataset: 20,
  maxColumnsPerEvent: 1000,
  maxColumnInputFieldsPerEvent: 5000,
  maxNameLength: 1024,
  maxEdgesPerDataset: 500,
  maxColumnInputFieldsPerDataset: 10_000,
  maxRememberedEvents: 100_000,
  maxRememberedRuns: 10_000,
  maxStatesPerRun: 32,
});

/** `limits` over the defaults, each checked to be a positive whole number (once, at start). */
export function resolveLineageLimits(limits: Partial<LineageLimits> = {}): Readonly<LineageLimits> {
  const resolved = { ...defaultLineageLimits, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`Lineage limit ${name} must be a whole number of at least 1; got ${String(value)}.`);
  }
  return Object.freeze(resolved);
}
