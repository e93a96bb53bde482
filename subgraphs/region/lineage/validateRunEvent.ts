import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const spec = JSON.parse(readFileSync(fileURLToPath(new URL('../../../schema/openlineage/OpenLineage.json', import.meta.url)), 'utf8')) as { $id: string };

// One compiled validator for the process: the OpenLineage 2-0-2 RunEvent, formats checked (uuid, date-time, uri).
const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: true, strict: false });
(addFormats as unknown as typeof addFormats.default)(ajv);
ajv.addSchema(spec);
const validate = ajv.compile({ $ref: `${spec.$id}#/$defs/RunEvent` });

/** A RunEvent as Wharf reads it (the rest of the event is kept as sent). */
export interface RunEvent {
  eventType?: 'START' | 'RUNNING' | 'COMPLETE' | 'ABORT' | 'FAIL' | 'OTHER';
  eventTime: string;
  run: { runId: string; facets?: Record<string, unknown> };
  job: { namespace: string; name: string };
  inputs?: OpenLineageDataset[];
  outputs?: OpenLineageDataset[];
}

export interface OpenLineageDataset {
  namespace: string;
  name: string;
  facets?: {
    symlinks?: { identifiers?: { namespace: string; name: string }[] };
    columnLineage?: { fields?: Record<string, { inputFields?: { namespace: string; name: string; field: string }[] }> };
  } & Record<string, unknown>;
}

/** Stands in for provenance a producer left out (see `withProvenance`). */
export const unspecifiedProducer = 'urn:wharf:producer-unspecified';
const facetGroups = ['facets', 'inputFacets', 'outputFacets'];

/**
 * A copy of `event` with the provenance fields the spec requires but real
 * producers omit — `producer` and `schemaURL` on the event, `_producer` and
 * `_schemaURL` on each facet (the dbt integration's own fixtures have none) —
 * filled with a marker, and how many were filled. Everything else is
 * validated as the spec says.
 */
export function withProvenance(event: unknown): { event: unknown; filled: number } {
  if (!event || typeof event !== 'object' || Array.isArray(event)) return { event, filled: 0 };
  const copy = structuredClone(event) as Record<string, unknown>;
  let filled = 0;
  const fill = (target: Record<string, unknown>, keys: [string, string]) => {
    for (const key of keys) {
      if (target[key] === undefined) {
        target[key] = unspecifiedProducer;
        filled += 1;
      }
    }
  };
  const fillFacets = (holder: unknown) => {
    if (!holder || typeof holder !== 'object') return;
    for (const group of facetGroups) {
      const facets = (holder as Record<string, unknown>)[group];
      if (!facets || typeof facets !== 'object' || Array.isArray(facets)) continue;
      for (const facet of Object.values(facets)) {
        if (!facet || typeof facet !== 'object' || Array.isArray(facet)) continue;
        // `_deleted: null` (as the dbt integration's fixtures send it) means the same as no `_deleted`.
        if ((facet as Record<string, unknown>)._deleted === null) delete (facet as Record<string, unknown>)._deleted;
        fill(facet as Record<string, unknown>, ['_producer', '_schemaURL']);
      }
    }
  };
  fill(copy, ['producer', 'schemaURL']);
  fillFacets(copy.run);
  fillFacets(copy.job);
  for (const list of [copy.inputs, copy.outputs]) if (Array.isArray(list)) list.forEach(fillFacets);
  return { event: copy, filled };
}

/** The reasons `event` is not a valid OpenLineage RunEvent (empty when it is). */
export function runEventProblems(event: unknown): string[] {
  if (validate(event)) return [];
  return (validate.errors ?? []).map((error) => {
    const where = error.instancePath || '(event)';
    const detail = error.keyword === 'enum' ? `: allowed ${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)}` : '';
    return `${where} ${error.message ?? 'is invalid'}${detail}`;
  });
}
