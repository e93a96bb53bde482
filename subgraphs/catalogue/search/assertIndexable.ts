import type { AccessAttributes, DatasetRecord } from '../../../schema/datasetRecord.ts';

/**
 * A record the catalogue index refuses, with the field that is wrong. The
 * index is unchanged when this is thrown.
 */
export class UnindexableRecordError extends Error {
  constructor(
    readonly id: string | undefined,
    readonly field: string,
    problem: string,
  ) {
    super(`Dataset ${id === undefined ? '(without an id)' : JSON.stringify(id.slice(0, 160))} cannot be indexed: ${field} ${problem}.`);
    this.name = 'UnindexableRecordError';
  }
}

const accessValues: { [K in 'tier' | 'personalData' | 'securityLevel']: readonly AccessAttributes[K][] } = {
  tier: ['public', 'internal', 'restricted', 'confidential'],
  personalData: ['none', 'personal', 'sensitive', 'anonymised'],
  securityLevel: ['general', 'important', 'core'],
};

const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks, before the index changes anything, that `record` has the shape
 * of every field the index, its lineage graph and the resolvers reading it
 * back rely on: harvested records are input, and a throw half-way through
 * an insert would leave a record half indexed. Throws
 * `UnindexableRecordError` naming the first field that is wrong.
 *
 * Only the shape is checked here (types, required fields, the access
 * enumerations); what a region may publish is the dataset schema's concern.
 */
export function assertIndexable(record: unknown): asserts record is DatasetRecord {
  const id = isObject(record) && typeof record.id === 'string' ? record.id : undefined;
  const fail = (field: string, problem: string): never => {
    throw new UnindexableRecordError(id, field, problem);
  };
  const string = (value: unknown, field: string, optional = false) => {
    if (value === undefined && optional) return;
    if (typeof value !== 'string') fail(field, `must be a string; got ${kindOf(value)}`);
  };
  const list = (value: unknown, field: string, each: (item: unknown, field: string) => void, optional = false) => {
    if (value === undefined && optional) return;
    if (!Array.isArray(value)) return fail(field, `must be an array; got ${kindOf(value)}`);
    value.forEach((item, i) => each(item, `${field}[${i}]`));
  };
  const object = (value: unknown, field: string, fields: Record<string, (value: unknown, field: string) => void>, optional = false) => {
    if (value === undefined && optional) return;
    if (!isObject(value)) return fail(field, `must be an object; got ${kindOf(value)}`);
    for (const [key, check] of Object.entries(fields)) check(value[key], `${field}.${key}`);
  };
  const optionalString = (value: unknown, field: string) => string(value, field, true);
  const text = (value: unknown, field: string) => object(value, field, { lang: string, value: string });

  if (!isObject(record)) return fail('the record', `must be an object; got ${kindOf(record)}`);
  for (const field of ['id', 'region', 'identifier', 'revision', 'language'] as const) string(record[field], field);
  if ((record.id as string).length === 0) fail('id', 'must not be empty');
  if ((record.region as string).length === 0) fail('region', 'must not be empty');
  list(record.title, 'title', text);
  if ((record.title as unknown[]).length === 0) fail('title', 'must hold at least one text');
  list(record.description, 'description', text);
  for (const field of ['keywords', 'themes', 'spatial'] as const) list(record[field], field, string);
  object(record.publisher, 'publisher', { name: string, url: optionalString }, true);
  object(record.contactPoint, 'contactPoint', { name: optionalString, email: optionalString, url: optionalString }, true);
  for (const field of ['license', 'rights', 'accrualPeriodicity', 'landingPage', 'issued', 'modified'] as const) string(record[field], field, true);
  object(record.temporal, 'temporal', { start: optionalString, end: optionalString }, true);
  list(record.distributions, 'distributions', (item, field) =>
    object(item, field, {
      accessUrl: string,
      title: optionalString,
      description: optionalString,
      format: optionalString,
      mediaType: optionalString,
      downloadUrl: optionalString,
      byteSize: (value, name) => {
        if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) fail(name, `must be a finite number; got ${kindOf(value)}`);
      },
    }),
  );
  const inputField = (item: unknown, field: string) => object(item, field, { namespace: string, name: string, field: string });
  list(record.lineage, 'lineage', (item, field) =>
    object(item, field, {
      upstream: (value, name) => {
        string(value, name);
        if ((value as string).length === 0) fail(name, 'must not be empty');
      },
      job: optionalString,
      runTime: optionalString,
      columns: (value, name) => list(value, name, (column, at) => object(column, at, { field: string, inputFields: (inputs, inputsAt) => list(inputs, inputsAt, inputField) }), true),
    }),
  );
  const oneOf = (allowed: readonly string[]) => (value: unknown, field: string) => {
    string(value, field);
    if (!allowed.includes(value as string)) fail(field, `must be one of ${allowed.join(', ')}; got ${JSON.stringify((value as string).slice(0, 40))}`);
  };
  const strings = (value: unknown, field: string) => list(value, field, string);
  object(record.access, 'access', {
    tier: oneOf(accessValues.tier),
    personalData: oneOf(accessValues.personalData),
    securityLevel: oneOf(accessValues.securityLevel),
    residency: string,
    allowedPurposes: strings,
    allowedDestinations: strings,
    readerRoles: strings,
    obligations: strings,
  });
  list(record.identifiers, 'identifiers', (item, field) => object(item, field, { namespace: string, name: string }));
}
