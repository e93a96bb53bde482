import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { externalDatasetId } from '../../../schema/datasetRecord.ts';
import { serveRegion, type RegionServer } from '../../../subgraphs/region/serveRegion.ts';
import { createFileStore, type FileStore } from '../../../subgraphs/region/store/createFileStore.ts';
import { createLineageProducers, producerKeyHash } from '../../../subgraphs/region/lineage/lineageProducers.ts';
import { compileRegionPolicies } from '../../../subgraphs/shared/access/loadRegionPolicies.ts';
import { fixtureGatewayKeys } from '../../support/fixtureRegions.ts';
import { signedRegionFetch } from '../../support/signedRegionFetch.ts';

const dbtDir = fileURLToPath(new URL('../../fixtures/openlineage/dbt/', import.meta.url));
/** The dbt integration's real emitted events (see test/fixtures/openlineage/SOURCE.md). */
const dbtEventFiles = (readdirSync(dbtDir, { recursive: true }) as string[]).filter((file) => file.endsWith('_ol_events.json')).sort();

/** Every namespace the fixtures name, and the test event's: the test producer may write them all. */
const fixtureNamespaces = new Set(['postgres://dsec:5432']);
for (const file of dbtEventFiles) {
  for (const event of JSON.parse(readFileSync(join(dbtDir, file), 'utf8')) as { inputs?: { namespace: string }[]; outputs?: { namespace: string }[] }[]) {
    for (const dataset of [...(event.inputs ?? []), ...(event.outputs ?? [])]) fixtureNamespaces.add(dataset.namespace);
  }
}
const producerKey = 'test-producer-key-0001';
const producers = createLineageProducers([{ name: 'test-dbt', sha256: producerKeyHash(producerKey), namespaces: [...fixtureNamespaces] }]);
const producerHeaders = { 'content-type': 'application/json', authorization: `Bearer ${producerKey}` };

/** The integration's fixtures leave run ids as `{{ any(result) }}`: give each a stable UUID. */
function withRunIds(events: any[], file: string): any[] {
  const uuid = (seed: string) => {
    const hex = createHash('sha256').update(seed).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
  return events.map((event) => {
    const copy = structuredClone(event);
    if (typeof copy.run?.runId === 'string' && copy.run.runId.includes('{{')) copy.run.runId = uuid(`${file}#${copy.job?.name}`);
    const parent = copy.run?.facets?.parent?.run;
    if (parent && typeof parent.runId === 'string' && parent.runId.includes('{{')) parent.runId = uuid(`${file}#parent`);
    return copy;
  });
}

const valid = {
  eventType: 'COMPLETE',
  eventTime: '2025-01-15T08:00:00Z',
  producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.0.0/integration/dbt',
  schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
  run: { runId: '0191b7d0-7c3a-7f00-8000-000000000001' },
  job: { namespace: 'dsec', name: 'trade.reexport_reconciliation' },
  inputs: [
    { namespace: 'postgres://dsec:5432', name: 'dsec.raw.customs_lines' },
    { namespace: 's3://partner-feeds', name: 'nanning/exports.parquet' },
  ],
  outputs: [
    {
      namespace: 'postgres://dsec:5432',
      name: 'dsec.marts.reexports',
      facets: {
        columnLineage: {
          _producer: 'https://example.org',
          _schemaURL: 'https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet',
          fields: { value_mop: { inputFields: [{ namespace: 's3://partner-feeds', name: 'nanning/exports.parquet', field: 'value_cny' }] } },
        },
      },
    },
  ],
};

describe('POST /api/v1/lineage', () => {
  let folder: string;
  let store: FileStore;
  let server: RegionServer;
  const post = async (body: unknown, path = '/api/v1/lineage') => {
    const response = await fetch(`${server.origin}${path}`, { method: 'POST', headers: producerHeaders, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  };
  const lineageOf = async (id: string) => (await store.getMany([id]))[0]?.lineage;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'wharf-ol-'));
    await writeFile(join(folder, 'customs-lines.yaml'), 'language: en\ntitle: Customs lines\ndescription: Raw lines.\nidentifiers: [{ namespace: "postgres://dsec:5432", name: dsec.raw.customs_lines }]\n');
    await writeFile(join(folder, 'reexports.yaml'), 'language: en\ntitle: Re-exports\ndescription: Reconciled.\nidentifiers: [{ namespace: "postgres://dsec:5432", name: dsec.marts.reexports }]\n');
    store = await createFileStore({ region: 'MO', folder, pollIntervalMs: 0 });
    server = await serveRegion({ store, policies: compileRegionPolicies('MO', {}), gatewayPublicKey: fixtureGatewayKeys.publicKey, lineageProducers: producers });
  });
  afterEach(async () => {
    await server[Symbol.asyncDispose]();
    await store[Symbol.asyncDispose]();
    await rm(folder, { recursive: true, force: true });
  });

  it('turns a COMPLETE event into edges, mapped by declared identifiers, external inputs kept by name, with column lineage', async () => {
    const { status, body } = await post(valid);
    expect(status).toBe(201);
    expect(body).toEqual({ accepted: 1, duplicates: 0, edges: 2, unmappedOutputs: [], missingProvenance: 0 });
    expect(await lineageOf('MO:reexports')).toEqual([
      { upstream: 'MO:customs-lines', job: 'trade.reexport_reconciliation', runTime: '2025-01-15T08:00:00Z' },
      {
        upstream: externalDatasetId('s3://partner-feeds', 'nanning/exports.parquet'),
        job: 'trade.reexport_reconciliation',
        runTime: '2025-01-15T08:00:00Z',
        columns: [{ field: 'value_mop', inputFields: [{ namespace: 's3://partner-feeds', name: 'nanning/exports.parquet', field: 'value_cny' }] }],
      },
    ].sort((a, b) => (a.upstream < b.upstream ? -1 : 1)));
  });

  it('is idempotent: the same event twice changes nothing the second time, and the feed shows one new revision', async () => {
    const before = (await (await signedRegionFetch(server, '/changes')).json()).cursor;
    await post(valid);
    const again = await post([valid, valid]);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 2 });
    const feed = await (await signedRegionFetch(server, `/changes?since=${before}`)).json();
    expect(feed.changes.map((change: { id: string }) => change.id)).toEqual(['MO:reexports']);
  });

  it('records START, RUNNING, FAIL and ABORT without making edges', async () => {
    for (const eventType of ['START', 'RUNNING', 'FAIL', 'ABORT']) {
      const { status } = await post({ ...valid, eventType, eventTime: `2025-01-15T0${['START', 'RUNNING', 'FAIL', 'ABORT'].indexOf(eventType)}:00:00Z` });
      expect(status).toBe(201);
    }
    expect(await lineageOf('MO:reexports')).toEqual([]);
  });

  it.each([
    ['a missing eventTime', (() => { const { eventTime: _, ...rest } = valid; return rest; })(), "(event) must have required property 'eventTime'"],
    ['a bad runId', { ...valid, run: { runId: 'not-a-uuid' } }, '/run/runId must match format "uuid"'],
    ['an unknown eventType', { ...valid, eventType: 'FINISHED' }, '/eventType must be equal to one of the allowed values'],
    ['wrong types', { ...valid, inputs: 'everything' }, '/inputs must be array'],
  ])('answers 400 with the reasons for %s, and stores nothing', async (_, event, reason) => {
    const { status, body } = await post([valid, event]);
    expect(status).toBe(400);
    expect(body.error).toBe('1 event(s) are not valid OpenLineage RunEvents; nothing was stored.');
    expect(body.events).toEqual([{ index: 1, errors: expect.arrayContaining([expect.stringContaining(reason)]) }]);
    expect(await lineageOf('MO:reexports')).toEqual([]);
  });

  it('answers 400 for a body that is not JSON', async () => {
    expect(await post('{"eventType":')).toEqual({ status: 400, body: { code: 'BAD_USER_INPUT', error: 'The body is not valid JSON.' } });
  });

  it.each(dbtEventFiles)('ingests the dbt integration\'s %s, with an edge for every input and mapped output of each COMPLETE event', async (file) => {
    const events = withRunIds(JSON.parse(await readFile(join(dbtDir, file), 'utf8')), file);
    // Map every output of the file to a dataset of this region.
    const outputs = new Map<string, { namespace: string; name: string }>();
    for (const event of events) for (const output of event.outputs ?? []) outputs.set(`${output.namespace}/${output.name}`, output);
    let n = 0;
    const idOf = new Map<string, string>();
    for (const [key, output] of outputs) {
      n += 1;
      idOf.set(key, `MO:dbt-${n}`);
      const identifier = { namespace: output.namespace, name: output.name };
      await writeFile(join(folder, `dbt-${n}.json`), JSON.stringify({ language: 'en', title: output.name, description: 'dbt model', identifiers: [identifier] }));
    }
    expect(await store.refresh()).toEqual([]);
    // In requests of at most 100 events (the region's maxEventsPerRequest), in order.
    for (let i = 0; i < events.length; i += 100) {
      const { status, body } = await post(events.slice(i, i + 100), '/api/v1/lineage/batch');
      expect(status, JSON.stringify(body)).toBe(201);
      expect(body.unmappedOutputs).toEqual([]);
    }
    // Expected edges, computed from the events alone.
    const expected = new Map<string, Set<string>>();
    for (const event of events) {
      if (event.eventType !== 'COMPLETE') continue;
      for (const output of event.outputs ?? []) {
        const downstream = idOf.get(`${output.namespace}/${output.name}`)!;
        for (const input of event.inputs ?? []) {
          const upstream = idOf.get(`${input.namespace}/${input.name}`) ?? externalDatasetId(input.namespace, input.name);
          if (upstream !== downstream) expected.set(downstream, (expected.get(downstream) ?? new Set()).add(upstream));
        }
      }
    }
    for (const [key, id] of idOf) {
      const edges = (await lineageOf(id))!.map((edge) => edge.upstream).sort();
      expect(edges, key).toEqual([...(expected.get(id) ?? [])].sort());
    }
  });
});

describe('lineage journal', () => {
  it('keeps ingested lineage across a region restart', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'wharf-journal-'));
    try {
      await writeFile(join(folder, 'reexports.yaml'), 'language: en\ntitle: Re-exports\ndescription: Reconciled.\nidentifiers: [{ namespace: "postgres://dsec:5432", name: dsec.marts.reexports }]\n');
      const journal = join(folder, 'lineage', 'events.jsonl');
      const start = async () => {
        const store = await createFileStore({ region: 'MO', folder, pollIntervalMs: 0 });
        const server = await serveRegion({ store, policies: compileRegionPolicies('MO', {}), lineageJournalPath: journal, lineageProducers: producers });
        return { store, server };
      };
      const first = await start();
      const posted = await fetch(`${first.server.origin}/api/v1/lineage`, { method: 'POST', headers: producerHeaders, body: JSON.stringify(valid) });
      expect(posted.status).toBe(201);
      await first.server[Symbol.asyncDispose]();
      await first.store[Symbol.asyncDispose]();

      const second = await start();
      try {
        const [record] = await second.store.getMany(['MO:reexports']);
        expect(record!.lineage.map((edge) => edge.upstream).sort()).toEqual([externalDatasetId('postgres://dsec:5432', 'dsec.raw.customs_lines'), externalDatasetId('s3://partner-feeds', 'nanning/exports.parquet')].sort());
      } finally {
        await second.server[Symbol.asyncDispose]();
        await second.store[Symbol.asyncDispose]();
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
