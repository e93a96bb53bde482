import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { externalDatasetId } from '../../schema/datasetRecord.ts';
import { createLineageIngest } from '../../subgraphs/region/lineage/createLineageIngest.ts';
import { createLineageProducers, producerKeyHash, readLineageProducers, type LineageProducers } from '../../subgraphs/region/lineage/lineageProducers.ts';
import type { LineageLimits } from '../../subgraphs/region/lineage/lineageLimits.ts';
import { serveRegion, type RegionServer } from '../../subgraphs/region/serveRegion.ts';
import { createFileStore, type FileStore } from '../../subgraphs/region/store/createFileStore.ts';
import { compileRegionPolicies } from '../../subgraphs/shared/access/loadRegionPolicies.ts';

const dsec = 'postgres://dsec:5432';
const health = 'postgres://health:5432';
const keys = { dsec: 'dsec-dbt-key-0001', health: 'health-etl-key-0001' };
const producerEntries = [
  { name: 'dsec-dbt', sha256: producerKeyHash(keys.dsec), namespaces: [dsec] },
  { name: 'health-etl', sha256: producerKeyHash(keys.health), namespaces: [health] },
];
const bothProducers = createLineageProducers(producerEntries);

let runs = 0;
const runId = () => `0191b7d0-7c3a-7f00-8000-${String(++runs).padStart(12, '0')}`;
const publicReport = { namespace: dsec, name: 'marts.public_report' };
const confidentialRecords = { namespace: health, name: 'records' };

/** A valid COMPLETE event writing the public report, with a fresh run id; `extra` replaces fields. */
function event(extra: Record<string, unknown> = {}): Record<string, any> {
  return {
    eventType: 'COMPLETE',
    eventTime: '2025-01-15T08:00:00Z',
    producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.0.0/integration/dbt',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: { runId: runId() },
    job: { namespace: 'dsec', name: 'marts.public_report' },
    inputs: [{ namespace: 's3://partner-feeds', name: 'exports.parquet' }],
    outputs: [publicReport],
    ...extra,
  };
}

const columnLineage = (fields: Record<string, unknown>) => ({
  columnLineage: { _producer: 'https://example.org', _schemaURL: 'https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json', fields },
});

describe('OpenLineage ingestion at a region (POST /api/v1/lineage)', () => {
  let folder: string;
  let journalPath: string;
  let store: FileStore;
  let server: RegionServer;

  const start = async (producers?: LineageProducers, lineageLimits?: Partial<LineageLimits>) => {
    store = await createFileStore({ region: 'MO', folder, pollIntervalMs: 0 });
    server = await serveRegion({
      store,
      policies: compileRegionPolicies('MO', {}),
      port: 0,
      lineageJournalPath: journalPath,
      ...(producers ? { lineageProducers: producers } : {}),
      ...(lineageLimits ? { lineageLimits } : {}),
    });
  };
  const stop = async () => {
    await server[Symbol.asyncDispose]();
    await store[Symbol.asyncDispose]();
  };
  const post = async (body: unknown, key: string | null = keys.dsec, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.origin}/api/v1/lineage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json(), wwwAuthenticate: response.headers.get('www-authenticate') };
  };
  const upstreamsOf = async (id: string) => (await store.getMany([id]))[0]!.lineage.map((edge) => edge.upstream).sort();
  const journalLines = async () => (await readFile(journalPath, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  /** Nothing of a refused request was kept: no edge, no journal line. */
  const expectNothingStored = async () => {
    expect(await upstreamsOf('MO:public-report')).toEqual([]);
    expect(await upstreamsOf('MO:confidential-records')).toEqual([]);
    expect(await journalLines()).toEqual([]);
  };

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'wharf-ol-security-'));
    journalPath = join(folder, 'journal', 'events.jsonl');
    await writeFile(
      join(folder, 'public-report.yaml'),
      `language: en\ntitle: Public report\ndescription: Published.\nidentifiers: [{ namespace: "${dsec}", name: marts.public_report }]\naccess: { tier: public }\n`,
    );
    await writeFile(
      join(folder, 'confidential-records.yaml'),
      `language: en\ntitle: Patient records\ndescription: Confidential.\nidentifiers: [{ namespace: "${health}", name: records }]\naccess: { tier: confidential }\n`,
    );
    await start(bothProducers);
  });
  afterEach(async () => {
    await stop();
    await rm(folder, { recursive: true, force: true });
    vi.restoreAllMocks();
  });

  describe('producer authentication', () => {
    it('answers 401 with WWW-Authenticate and stores nothing when the request has no credential', async () => {
      expect(await post(event(), null)).toEqual({
        status: 401,
        body: { code: 'UNAUTHENTICATED', error: 'Lineage events need "Authorization: Bearer <producer key>".' },
        wwwAuthenticate: 'Bearer realm="wharf-lineage"',
      });
      await expectNothingStored();
    });

    it.each([
      ['an unknown key', 'Bearer not-a-known-key', 'The producer key is not one region MO knows.', 'invalid_token'],
      ['a key hash sent as the key', `Bearer ${producerKeyHash(keys.dsec)}`, 'The producer key is not one region MO knows.', 'invalid_token'],
      ['another scheme', `Basic ${Buffer.from(`x:${keys.dsec}`).toString('base64')}`, 'The Authorization header must be "Bearer <producer key>", a key of at most 512 characters.', 'invalid_request'],
      ['a key over 512 characters', `Bearer ${'k'.repeat(513)}`, 'The Authorization header must be "Bearer <producer key>", a key of at most 512 characters.', 'invalid_request'],
    ])('answers 401 naming the problem for %s, and stores nothing', async (_, authorization, error, code) => {
      expect(await post(event(), null, { authorization })).toEqual({
        status: 401,
        body: { code: 'UNAUTHENTICATED', error },
        wwwAuthenticate: `Bearer realm="wharf-lineage", error="${code}"`,
      });
      await expectNothingStored();
    });

    it('refuses every post with 401 when the region is given no producers', async () => {
      await stop();
      await start(undefined);
      expect(await post(event())).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED', error: 'The producer key is not one region MO knows.' } });
      expect((await post(event(), null)).body.error).toBe('Region MO takes lineage events from no producer; configure producers with --lineage-producers <file>.');
      await expectNothingStored();
    });

    it('reads producers from YAML that holds only the key hashes, reporting every problem of a bad file at once', async () => {
      const path = join(folder, 'lineage-producers.yaml');
      await writeFile(path, `producers:\n  - { name: dsec-dbt, sha256: ${producerKeyHash(keys.dsec)}, namespaces: ["${dsec}"] }\n`);
      const producers = await readLineageProducers(path);
      expect(producers.byKey(keys.dsec)).toEqual({ name: 'dsec-dbt', namespaces: new Set([dsec]) });
      expect(producers.byKey(keys.health)).toBeUndefined();
      expect(await readFile(path, 'utf8')).not.toContain(keys.dsec);

      await writeFile(path, `producers:\n  - { name: a, sha256: ${keys.dsec}, namespaces: [] }\n  - { name: a, sha256: ${producerKeyHash('x')}, namespaces: [x] }\n`);
      await expect(readLineageProducers(path)).rejects.toThrow(
        `${path} is not a valid lineage producers file:\n  producers.0.sha256: must be the hex SHA-256 of the key\n  producers.0.namespaces: must grant at least one namespace`,
      );
      await writeFile(path, `producers:\n  - { name: a, sha256: ${producerKeyHash('x')}, namespaces: [x] }\n  - { name: a, sha256: ${producerKeyHash('y')}, namespaces: [y] }\n`);
      await expect(readLineageProducers(path)).rejects.toThrow(`${path} is not a valid lineage producers file:\n  producers.1.name: is the same as another producer's`);
    });
  });

  describe('namespaces a producer may write', () => {
    it('answers 403 when a producer writes an output in a namespace it is not granted', async () => {
      expect(await post(event({ outputs: [confidentialRecords] }))).toEqual({
        status: 403,
        body: {
          code: 'LINEAGE_NAMESPACE_FORBIDDEN',
          error: `Producer "dsec-dbt" may not name "${health}" as an output (event 0); add the namespace to its "namespaces" in the region's lineage producers file. Nothing was stored.`,
          producer: 'dsec-dbt',
          namespace: health,
          event: 0,
        },
        wwwAuthenticate: null,
      });
      await expectNothingStored();
    });

    it('answers 403 when a producer attaches a confidential dataset of a namespace it is not granted upstream of a public one', async () => {
      const { status, body } = await post(event({ inputs: [confidentialRecords] }));
      expect([status, body.code, body.namespace]).toEqual([403, 'LINEAGE_NAMESPACE_FORBIDDEN', health]);
      await expectNothingStored();
    });

    it('answers 403 when the ungranted namespace comes through a symlink of an output', async () => {
      const output = { namespace: dsec, name: 'marts.other', facets: { symlinks: { _producer: 'https://example.org', _schemaURL: 'https://example.org/s', identifiers: [{ ...confidentialRecords, type: 'TABLE' }] } } };
      const { status, body } = await post(event({ outputs: [output] }), keys.dsec);
      expect([status, body.code, body.namespace]).toEqual([403, 'LINEAGE_NAMESPACE_FORBIDDEN', health]);
      await expectNothingStored();
    });

    it('takes an event whose outputs and declared inputs are all granted', async () => {
      const { status, body } = await post(event());
      expect([status, body]).toEqual([201, { accepted: 1, duplicates: 0, edges: 1, unmappedOutputs: [], missingProvenance: 0 }]);
      expect(await upstreamsOf('MO:public-report')).toEqual([externalDatasetId('s3://partner-feeds', 'exports.parquet')]);
    });
  });

  describe('mapping names to datasets', () => {
    it('maps only declared namespace and name pairs: a dataset\'s bare identifier in another namespace stays an external node', async () => {
      // Before, any namespace with a dataset's identifier as name attached that dataset.
      const { status, body } = await post(event({ inputs: [{ namespace: 's3://anywhere', name: 'confidential-records' }], outputs: [publicReport, { namespace: dsec, name: 'public-report' }] }));
      expect([status, body.unmappedOutputs]).toEqual([201, [`${dsec}/public-report`]]);
      expect(await upstreamsOf('MO:public-report')).toEqual([externalDatasetId('s3://anywhere', 'confidential-records')]);
      expect(await upstreamsOf('MO:confidential-records')).toEqual([]);
    });

    it('keeps namespace and name apart: an undeclared namespace that spells a declared pair with its name maps to nothing', async () => {
      // "postgres:" + "/" + "/health:5432/records" reads as the confidential dataset's pair when the two are joined with a slash.
      const { status } = await post(event({ inputs: [{ namespace: 'postgres:', name: '/health:5432/records' }] }));
      expect(status).toBe(201);
      expect(await upstreamsOf('MO:public-report')).toEqual([externalDatasetId('postgres:', '/health:5432/records')]);
    });
  });

  describe('names', () => {
    it.each([
      ['NUL', 'raw\u0000table', 'U+0000'],
      ['ESC (a terminal escape)', 'raw\u001b[31mtable', 'U+001B'],
      ['CR-LF (a forged log line)', 'raw\r\n{"level":"info"}', 'U+000D'],
      ['a right-to-left override', 'raw\u202etable', 'U+202E'],
      ['a lone surrogate', 'raw\ud800table', 'U+D800'],
    ])('answers 400 and stores nothing for an input name holding %s', async (_, name, codePoint) => {
      const { status, body } = await post(event({ inputs: [{ namespace: 's3://partner-feeds', name }] }));
      expect(status).toBe(400);
      expect(body.code).toBe('BAD_USER_INPUT');
      expect(body.events).toEqual([{ index: 0, errors: expect.arrayContaining([expect.stringContaining(`/inputs/0/name holds the control or formatting character ${codePoint}`)]) }]);
      await expectNothingStored();
    });

    it.each([
      ['the job name', { job: { namespace: 'dsec', name: 'job\u0007' } }, '/job/name'],
      ['a column name', { outputs: [{ ...publicReport, facets: columnLineage({ 'total\u001b': { inputFields: [] } }) }] }, '/outputs/0/facets/columnLineage/fields (column 0) name'],
      ['an input field', { outputs: [{ ...publicReport, facets: columnLineage({ total: { inputFields: [{ namespace: 's3://x', name: 'y', field: 'f\u0085' }] } }) }] }, '/outputs/0/facets/columnLineage/fields (column 0)/inputFields/0/field'],
    ])('refuses control characters in %s', async (_, extra, path) => {
      const { status, body } = await post(event(extra));
      expect([status, body.events?.[0]?.errors?.[0]?.startsWith(`${path} holds the control or formatting character`)]).toEqual([400, true]);
    });

    it('refuses an event time longer than a date-time can be (it is remembered per event and per run state)', async () => {
      const eventTime = `2025-01-15T08:00:00.${'1'.repeat(60)}Z`;
      expect((await post(event({ eventTime }))).body.events).toEqual([{ index: 0, errors: ['/eventTime is 81 characters long; a date-time has at most 40'] }]);
      await expectNothingStored();
    });

    it('refuses a NUL anywhere in the event, facets included', async () => {
      const { status, body } = await post(event({ run: { runId: runId(), facets: { note: { _producer: 'https://example.org', _schemaURL: 'https://example.org/n', text: 'a\u0000b' } } } }));
      expect([status, body.events]).toEqual([400, [{ index: 0, errors: ['/run/facets/note/text holds a NUL character (U+0000), which no value may hold'] }]]);
    });

    it('answers 400 LIMIT_EXCEEDED naming maxNameLength for a name over 1,024 characters', async () => {
      expect((await post(event({ inputs: [{ namespace: 's3://x', name: 'n'.repeat(1025) }] }))).body).toEqual({
        code: 'LIMIT_EXCEEDED',
        error: 'Event 0: /inputs/0/name is 1025 characters long; a region takes names of at most 1024 (maxNameLength).',
        limit: 'maxNameLength',
        max: 1024,
        event: 0,
      });
      await expectNothingStored();
    });

    it('stores columns named __proto__, constructor and prototype as plain names, polluting no prototype', async () => {
      const input = { namespace: 's3://partner-feeds', name: 'exports.parquet' };
      const source = (field: string) => ({ inputFields: [{ ...input, field, transformations: [{ type: 'DIRECT', extra: 'x'.repeat(100) }] }] });
      // Written as text: an object literal's "__proto__" would set the prototype, not a key.
      const fields = `{"__proto__":${JSON.stringify(source('a'))},"constructor":${JSON.stringify(source('b'))},"prototype":${JSON.stringify(source('c'))}}`;
      const body = JSON.stringify(event({ outputs: [{ ...publicReport, facets: columnLineage({}) }] })).replace('"fields":{}', `"fields":${fields}`);
      expect((await post(body)).status).toBe(201);
      const [edge] = (await store.getMany(['MO:public-report']))[0]!.lineage;
      // Only the three names of each input field are kept.
      expect(edge!.columns).toEqual([
        { field: '__proto__', inputFields: [{ ...input, field: 'a' }] },
        { field: 'constructor', inputFields: [{ ...input, field: 'b' }] },
        { field: 'prototype', inputFields: [{ ...input, field: 'c' }] },
      ]);
      expect(Object.getPrototypeOf(edge!.columns![0]!)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).inputFields).toBeUndefined();
    });
  });

  describe('caps', () => {
    const many = <T,>(count: number, make: (i: number) => T): T[] => Array.from({ length: count }, (_, i) => make(i));

    it.each([
      ['inputs', 'maxInputsPerEvent', 100, () => event({ inputs: many(101, (i) => ({ namespace: 's3://x', name: `t${i}` })) }), 'Event 0 has 101 inputs; a region takes at most 100 (maxInputsPerEvent).'],
      ['outputs', 'maxOutputsPerEvent', 100, () => event({ outputs: many(101, (i) => ({ namespace: dsec, name: `t${i}` })) }), 'Event 0 has 101 outputs; a region takes at most 100 (maxOutputsPerEvent).'],
      [
        'symlinks',
        'maxSymlinksPerDataset',
        20,
        () => event({ inputs: [{ namespace: 's3://x', name: 'y', facets: { symlinks: { _producer: 'https://e.org', _schemaURL: 'https://e.org/s', identifiers: many(21, (i) => ({ namespace: 's3://x', name: `s${i}`, type: 'T' })) } } }] }),
        'Event 0 has 21 symlinks on /inputs/0; a region takes at most 20 (maxSymlinksPerDataset).',
      ],
      [
        'columns',
        'maxColumnsPerEvent',
        1000,
        () => event({ outputs: [{ ...publicReport, facets: columnLineage(Object.fromEntries(many(1001, (i) => [`c${i}`, { inputFields: [] }] as const))) }] }),
        'Event 0 has 1001 column-lineage columns; a region takes at most 1000 (maxColumnsPerEvent).',
      ],
      [
        'column-lineage input fields',
        'maxColumnInputFieldsPerEvent',
        5000,
        () => event({ outputs: [{ ...publicReport, facets: columnLineage({ total: { inputFields: many(5001, (i) => ({ namespace: 's3://x', name: 'y', field: `f${i}` })) } }) }] }),
        'Event 0 has 5001 column-lineage input fields; a region takes at most 5000 (maxColumnInputFieldsPerEvent).',
      ],
    ])('answers 400 LIMIT_EXCEEDED naming the cap for an event over its %s', async (_, limit, max, make, error) => {
      expect(await post([event(), make()])).toEqual({ status: 400, body: { code: 'LIMIT_EXCEEDED', error: error.replace('Event 0', 'Event 1'), limit, max, event: 1 }, wwwAuthenticate: null });
      await expectNothingStored();
    });

    it('answers 413 LIMIT_EXCEEDED naming maxEventsPerRequest for 500 events at once', async () => {
      expect((await post(many(500, () => event()))).body).toEqual({
        code: 'LIMIT_EXCEEDED',
        error: 'The request has 500 events; a region takes at most 100 at once (maxEventsPerRequest).',
        limit: 'maxEventsPerRequest',
        max: 100,
      });
      await expectNothingStored();
    });

    it('keeps a dataset at 500 ingested edges: the request that would pass it is refused, naming the dataset and the cap', async () => {
      for (let round = 0; round < 5; round++) {
        const { status } = await post(event({ inputs: many(100, (i) => ({ namespace: 's3://x', name: `t${round * 100 + i}` })) }));
        expect(status).toBe(201);
      }
      const lines = await journalLines();
      expect((await post(event({ inputs: many(3, (i) => ({ namespace: 's3://x', name: `more${i}` })) }))).body).toEqual({
        code: 'LIMIT_EXCEEDED',
        error: 'Dataset MO:public-report would have 503 ingested lineage edges; a region keeps at most 500 per dataset (maxEdgesPerDataset).',
        limit: 'maxEdgesPerDataset',
        max: 500,
        dataset: 'MO:public-report',
      });
      expect(await upstreamsOf('MO:public-report')).toHaveLength(500);
      expect(await journalLines()).toEqual(lines);
      // A run that names the same upstreams again still goes through.
      expect((await post(event({ inputs: [{ namespace: 's3://x', name: 't7' }] }))).status).toBe(201);
    });

    it('answers 413 LIMIT_EXCEEDED naming maxBodyBytes for a body over 1 MiB', async () => {
      const body = JSON.stringify(event({ run: { runId: runId(), facets: { pad: { _producer: 'https://e.org', _schemaURL: 'https://e.org/p', text: 'x'.repeat(1_048_576) } } } }));
      expect((await post(body)).body).toEqual({ code: 'LIMIT_EXCEEDED', error: 'The body is larger than 1048576 bytes (maxBodyBytes).', limit: 'maxBodyBytes', max: 1_048_576 });
      await expectNothingStored();
    });

    it('answers 400 LIMIT_EXCEEDED naming maxJsonDepth for facets nested 20,000 deep, and keeps serving', async () => {
      const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
      const body = JSON.stringify(event({ run: { runId: runId(), facets: { deep: 'HOLE' } } })).replace('"HOLE"', deep);
      expect(await post(body)).toEqual({
        status: 400,
        body: { code: 'LIMIT_EXCEEDED', error: 'The body is nested more than 64 levels deep (maxJsonDepth).', limit: 'maxJsonDepth', max: 64 },
        wwwAuthenticate: null,
      });
      expect((await post(event())).status).toBe(201);
    });
  });

  describe('hostile bodies from a producer with a valid key', () => {
    it('answers every one with 201 or a 4xx carrying a registered code, never a 5xx', async () => {
      const name = fc.oneof(
        { arbitrary: fc.string({ maxLength: 12 }), weight: 3 },
        { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }), weight: 1 },
        { arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', dsec, health, 'marts.public_report', 'records'), weight: 3 },
      );
      // Facets are objects (the spec's); what is inside them is anything.
      const facets = fc.dictionary(name, fc.dictionary(name, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }), { maxKeys: 2 });
      const dataset = fc.record({ namespace: fc.oneof(fc.constantFrom(dsec, 's3://x'), name), name, facets: fc.option(facets, { nil: undefined, freq: 2 }) });
      const mostly = <T,>(usual: T, other: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(usual), weight: 4 }, { arbitrary: other, weight: 1 });
      const runEvent = fc.record({
        eventType: mostly('COMPLETE', fc.constantFrom('START', 'FAIL', 'NOPE')),
        eventTime: mostly('2025-01-15T08:00:00Z', fc.constantFrom('yesterday', '2025-01-15T08:00:00.123456789+08:00')),
        producer: fc.constant('https://example.org/p'),
        schemaURL: fc.constant('https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent'),
        run: fc.record({ runId: fc.oneof({ arbitrary: fc.uuid(), weight: 4 }, { arbitrary: name, weight: 1 }) }),
        job: fc.record({ namespace: name, name }),
        inputs: fc.array(dataset, { maxLength: 4 }),
        outputs: fc.array(dataset, { maxLength: 3 }),
      });
      const body = fc.oneof(
        { arbitrary: runEvent.map((value) => JSON.stringify(value)), weight: 4 },
        { arbitrary: fc.array(runEvent, { maxLength: 4 }).map((value) => JSON.stringify(value)), weight: 2 },
        { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)), weight: 1 },
        { arbitrary: fc.integer({ min: 60, max: 3000 }).map((depth) => `{"run":${'['.repeat(depth)}${']'.repeat(depth)}}`), weight: 1 },
        { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
      );
      const failures: string[] = [];
      await fc.assert(
        fc.asyncProperty(body, async (text) => {
          const { status, body: answer } = await post(text);
          if (status >= 500 || (status !== 201 && typeof answer.code !== 'string')) failures.push(`${status} ${text.slice(0, 120)}`);
        }),
        { numRuns: 200, seed: 20250115 },
      );
      expect(failures).toEqual([]);
    });
  });

  describe('dedup state', () => {
    it('remembers at most maxRememberedEvents events: the oldest is forgotten, the newest still a repeat', async () => {
      await stop();
      await start(bothProducers, { maxRememberedEvents: 3 });
      const events = [event(), event(), event(), event()];
      expect((await post(events)).body).toMatchObject({ accepted: 4, duplicates: 0 });
      expect((await post(events[3])).body).toMatchObject({ accepted: 0, duplicates: 1 });
      expect((await post(events[0])).body).toMatchObject({ accepted: 1, duplicates: 0 });
    });

    it('remembers at most maxRememberedRuns runs and maxStatesPerRun states of each', async () => {
      const records = [{ id: 'MO:a', region: 'MO', identifiers: [publicReport] }] as never;
      const ingest = createLineageIngest({ region: 'MO', records: async () => records, setIngestedLineage: () => true }, { limits: { maxRememberedRuns: 2, maxStatesPerRun: 3 } });
      const producer = { name: 'dsec-dbt', namespaces: new Set([dsec]) };
      const ids = [runId(), runId(), runId()];
      for (const id of ids) await ingest.ingest([event({ run: { runId: id } })], producer);
      for (let minute = 0; minute < 5; minute++) await ingest.ingest([event({ run: { runId: ids[2] }, eventType: 'RUNNING', eventTime: `2025-01-15T09:0${minute}:00Z` })], producer);
      expect([...ingest.runs().keys()]).toEqual([ids[1], ids[2]]);
      expect(ingest.runs().get(ids[2]!)!.states.map((state) => state.eventTime)).toEqual(['2025-01-15T09:02:00Z', '2025-01-15T09:03:00Z', '2025-01-15T09:04:00Z']);
    });
  });

  describe('journal replay', () => {
    const restart = async (producers: LineageProducers) => {
      await stop();
      const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      await start(producers);
      return logged.mock.calls.map(([line]) => JSON.parse(String(line)));
    };

    it('replays only what today\'s producers may write: a removed producer\'s events are skipped', async () => {
      expect((await post(event())).status).toBe(201);
      expect((await post(event({ outputs: [confidentialRecords], inputs: [publicReport, { namespace: 's3://lab', name: 'x' }] }), keys.health)).status).toBe(403);
      expect((await post(event({ outputs: [confidentialRecords], inputs: [{ namespace: 's3://lab', name: 'x' }] }), keys.health)).status).toBe(201);
      expect(await upstreamsOf('MO:confidential-records')).toEqual([externalDatasetId('s3://lab', 'x')]);

      const logs = await restart(createLineageProducers(producerEntries.slice(0, 1)));
      expect(await upstreamsOf('MO:public-report')).toEqual([externalDatasetId('s3://partner-feeds', 'exports.parquet')]);
      expect(await upstreamsOf('MO:confidential-records')).toEqual([]);
      expect(logs).toEqual([{ level: 'warn', region: 'MO', msg: 'lineage journal entries refused at replay', replayed: 1, skipped: 1, reasons: ['producer "health-etl" is not configured'] }]);
    });

    it('skips entries that would be refused now (no producer, too deep, over a cap, bad names, an ungranted namespace, not JSON) and starts', async () => {
      const good = { producer: 'dsec-dbt', event: event() };
      const lines = [
        JSON.stringify(event({ inputs: [confidentialRecords] })), // an event journaled without its producer
        `{"producer":"dsec-dbt","event":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
        JSON.stringify({ producer: 'dsec-dbt', event: event({ inputs: Array.from({ length: 5003 }, (_, i) => ({ namespace: 's3://x', name: `t${i}` })) }) }),
        JSON.stringify({ producer: 'dsec-dbt', event: event({ inputs: [{ namespace: 's3://x', name: 'a\u001bb' }] }) }),
        JSON.stringify({ producer: 'dsec-dbt', event: event({ inputs: [confidentialRecords] }) }),
        '{"producer":',
        JSON.stringify(good),
      ];
      await mkdir(join(folder, 'journal'), { recursive: true });
      await writeFile(journalPath, `${lines.join('\n')}\n`);
      const logs = await restart(bothProducers);
      expect(await upstreamsOf('MO:public-report')).toEqual([externalDatasetId('s3://partner-feeds', 'exports.parquet')]);
      expect(logs).toEqual([expect.objectContaining({ msg: 'lineage journal entries refused at replay', replayed: 1, skipped: 6 })]);
      expect(logs[0].reasons).toEqual([
        'an entry without the producer that sent it, or not JSON',
        'an entry without the producer that sent it, or not JSON',
        'Event 0 has 5003 inputs; a region takes at most 100 (maxInputsPerEvent).',
        '1 event(s) are not valid OpenLineage RunEvents; nothing was stored.',
        `Producer "dsec-dbt" may not name "${health}" as an input (event 0); add the namespace to its "namespaces" in the region's lineage producers file. Nothing was stored.`,
      ]);
      // The region serves and takes events as usual.
      expect((await post(event())).status).toBe(201);
    });
  });
});

describe('the demo producer (npm start)', () => {
  const demoFolder = fileURLToPath(new URL('../../subgraphs/demo/MO/', import.meta.url));
  const demoLineageProducersPath = fileURLToPath(new URL('../../subgraphs/demo/lineage-producers.yaml', import.meta.url));
  const runEvent = readFileSync(fileURLToPath(new URL('../../subgraphs/demo/run-event.json', import.meta.url)), 'utf8');

  it('posts the README\'s example run to Macao with the published demo key, and nothing without it', async () => {
    // The demo folder served as is, journaling nowhere: the test leaves it untouched.
    await using store = await createFileStore({ region: 'MO', folder: demoFolder, pollIntervalMs: 0 });
    await using server = await serveRegion({ store, policies: compileRegionPolicies('MO', {}), port: 0, lineageProducers: await readLineageProducers(demoLineageProducersPath) });
    const post = (headers: Record<string, string>) => fetch(`${server.origin}/api/v1/lineage`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: runEvent });
    expect((await post({})).status).toBe(401);
    const response = await post({ authorization: 'Bearer wharf-demo-lineage-key-0001' });
    expect([response.status, await response.json()]).toEqual([201, { accepted: 1, duplicates: 0, edges: 2, unmappedOutputs: [], missingProvenance: 0 }]);
    expect((await store.getMany(['MO:dsec-trade-portuguese-speaking-countries']))[0]!.lineage.map((edge) => edge.upstream)).toEqual([
      'MO:dsec-external-merchandise-trade',
      externalDatasetId('s3://dsec-reference', 'iso3166/lusophone_countries.csv'),
    ]);
  });
});
