import type { LineageLimits } from './lineageLimits.ts';
import { LineageLimitError } from './lineageRefusals.ts';
import type { OpenLineageDataset, RunEvent } from './validateRunEvent.ts';

/**
 * Characters no name may hold: C0 and C1 controls (NUL, ESC, CR, LF …),
 * the line and paragraph separators, and the bidirectional overrides and
 * isolates that make a name display as another. Names end up in catalogue
 * ids, logs and portal pages, where each of these can forge or hide text.
 */
const forbiddenCharacter = /[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

const maxEventTimeLength = 40;

const codePoint = (character: string) => `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNamed = (value: unknown): value is { namespace: string; name: string } => isRecord(value) && typeof value.namespace === 'string' && typeof value.name === 'string';

/**
 * The path of the first string (value or key) anywhere in `value` holding
 * U+0000, or undefined. PostgreSQL's `jsonb` refuses it, and no name or
 * facet needs it. Walked with a stack: the value's depth is bounded, but
 * not by this function.
 */
function pathOfNul(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [item, path] = stack.pop()!;
    if (typeof item === 'string') {
      if (item.includes('\0')) return path;
    } else if (Array.isArray(item)) {
      item.forEach((child, i) => stack.push([child, `${path}/${i}`]));
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, child] of Object.entries(item)) {
        if (key.includes('\0')) return `${path} (a key)`;
        // Keys are sent by the producer: shown printable and short.
        stack.push([child, `${path}/${key.replace(/[^\x20-\x7e]/g, '?').slice(0, 64)}`]);
      }
    }
  }
  return undefined;
}

/**
 * Checks what Wharf reads of an event the OpenLineage schema already
 * accepted: the shape of the `symlinks` and `columnLineage` facets (the
 * spec leaves facets open), every name's length and characters, and the
 * per-event caps. A cap gone over throws `LineageLimitError`; the other
 * problems are returned, one line each, as the schema's are.
 */
export function checkRunEvent(event: RunEvent, index: number, limits: LineageLimits): string[] {
  const problems: string[] = [];
  const over = (limit: keyof LineageLimits, what: string, count: number): never => {
    throw new LineageLimitError(limit, limits[limit], `Event ${index} has ${count} ${what}; a region takes at most ${limits[limit]} (${limit}).`, 400, { event: index });
  };
  const name = (path: string, value: string) => {
    if (value.length > limits.maxNameLength) {
      throw new LineageLimitError('maxNameLength', limits.maxNameLength, `Event ${index}: ${path} is ${value.length} characters long; a region takes names of at most ${limits.maxNameLength} (maxNameLength).`, 400, { event: index });
    }
    const bad = forbiddenCharacter.exec(value);
    if (bad) problems.push(`${path} holds the control or formatting character ${codePoint(bad[0])}, which no name may hold`);
  };

  const nul = pathOfNul(event);
  if (nul !== undefined) problems.push(`${nul || '(event)'} holds a NUL character (U+0000), which no value may hold`);
  name('/eventTime', event.eventTime);
  // Kept per event and per run state: a date-time with nanoseconds and an offset is 35 characters.
  if (event.eventTime.length > maxEventTimeLength) problems.push(`/eventTime is ${event.eventTime.length} characters long; a date-time has at most ${maxEventTimeLength}`);
  name('/run/runId', event.run.runId);
  name('/job/namespace', event.job.namespace);
  name('/job/name', event.job.name);
  const inputs = event.inputs ?? [];
  const outputs = event.outputs ?? [];
  if (inputs.length > limits.maxInputsPerEvent) over('maxInputsPerEvent', 'inputs', inputs.length);
  if (outputs.length > limits.maxOutputsPerEvent) over('maxOutputsPerEvent', 'outputs', outputs.length);

  let columns = 0;
  let columnInputFields = 0;
  const dataset = (path: string, entry: OpenLineageDataset, isOutput: boolean) => {
    name(`${path}/namespace`, entry.namespace);
    name(`${path}/name`, entry.name);
    const symlinks = entry.facets?.symlinks;
    if (symlinks !== undefined) {
      const identifiers = isRecord(symlinks) ? symlinks.identifiers : undefined;
      if (identifiers !== undefined && !(Array.isArray(identifiers) && identifiers.every(isNamed))) {
        problems.push(`${path}/facets/symlinks/identifiers must be an array of { namespace, name } with string values`);
      } else if (identifiers) {
        if (identifiers.length > limits.maxSymlinksPerDataset) over('maxSymlinksPerDataset', `symlinks on ${path}`, identifiers.length);
        identifiers.forEach((identifier, j) => {
          name(`${path}/facets/symlinks/identifiers/${j}/namespace`, identifier.namespace);
          name(`${path}/facets/symlinks/identifiers/${j}/name`, identifier.name);
        });
      }
    }
    const columnLineage = entry.facets?.columnLineage;
    if (!isOutput || columnLineage === undefined) return;
    const fields = isRecord(columnLineage) ? columnLineage.fields : undefined;
    if (fields === undefined) return;
    if (!isRecord(fields)) {
      problems.push(`${path}/facets/columnLineage/fields must be an object of columns`);
      return;
    }
    // Own keys only, read as data: a column named "__proto__" is a name like any other.
    const entries = Object.entries(fields);
    columns += entries.length;
    if (columns > limits.maxColumnsPerEvent) over('maxColumnsPerEvent', 'column-lineage columns', columns);
    entries.forEach(([column, lineage], n) => {
      // Columns are named by position: the name itself may be what is wrong.
      const columnPath = `${path}/facets/columnLineage/fields (column ${n})`;
      name(`${columnPath} name`, column);
      if (!isRecord(lineage)) {
        problems.push(`${columnPath} must be an object with inputFields`);
        return;
      }
      const inputFields = lineage.inputFields;
      if (inputFields === undefined) return;
      if (!Array.isArray(inputFields) || !inputFields.every((field) => isNamed(field) && typeof (field as { field?: unknown }).field === 'string')) {
        problems.push(`${columnPath}/inputFields must be an array of { namespace, name, field } with string values`);
        return;
      }
      columnInputFields += inputFields.length;
      if (columnInputFields > limits.maxColumnInputFieldsPerEvent) over('maxColumnInputFieldsPerEvent', 'column-lineage input fields', columnInputFields);
      (inputFields as { namespace: string; name: string; field: string }[]).forEach((field, k) => {
        name(`${columnPath}/inputFields/${k}/namespace`, field.namespace);
        name(`${columnPath}/inputFields/${k}/name`, field.name);
        name(`${columnPath}/inputFields/${k}/field`, field.field);
      });
    });
  };
  inputs.forEach((input, i) => dataset(`/inputs/${i}`, input, false));
  outputs.forEach((output, i) => dataset(`/outputs/${i}`, output, true));
  return problems;
}
