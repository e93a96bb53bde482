import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';

/**
 * Hostile input at every door: the gateway's `/graphql` and admin API
 * (in-process, `gateway.fetch`), and a region's `/api/v1/lineage` and
 * `/changes` (over loopback HTTP). Every answer must be a 4xx, or a GraphQL
 * result whose every error has a code; never a 5xx, never a crash, and
 * nothing stored may change.
 */

const adminToken = 'admin-token-for-fuzzing-0123456789abcdef';
const maxBodyBytes = 65_536;
const maxBatch = 5;
const runs = { graphql: 3500, admin: 3500, lineage: 1500, changes: 1500 };
const seed = 20261123;

/** Strings that break parsers, query languages and regexes. */
const nasty = fc.constantFrom(
  '"',
  '\\',
  "' OR 1=1 --",
  '"; DROP TABLE datasets; --',
  'title:* AND NOT',
  'NEAR(a b, 5)',
  '"unterminated',
  '(((((',
  '.*+?^${}()|[]\\',
  '(a+)+$',
  '\u0000',
  '\uD800',
  '\uFFFF',
  '%00',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '__proto__',
  'constructor',
  '海关 Hà Nội',
  'x'.repeat(70_000),
);
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), nasty);
const json = fc.jsonValue({ maxDepth: 4 });
const deep = fc.integer({ min: 50, max: 3000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));
/** Bytes that are not UTF-8. */
const invalidUtf8 = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes): Body => new Uint8Array([0xc3, 0x28, 0xff, ...bytes, 0xe2, 0x82]));
type Body = string | Uint8Array<ArrayBuffer>;
/** `encodeURIComponent`, which throws on a lone surrogate; such a path is sent as it is. */
const pathSegment = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return value;
  }
};

const query = fc.oneof(
  text,
  nasty.map((value) => `{ search(query: ${JSON.stringify(value)}) { totalCount edges { node { id } } } }`),
  text.map((value) => `{ search(query: "${value}") { totalCount } }`),
  fc.integer({ min: 1, max: 60 }).map((depth) => `{ dataset(id: "MO:trade-balance") { ${'upstream { ... on Dataset { '.repeat(depth)}id${' } }'.repeat(depth)} } }`),
  fc.integer({ min: 1, max: 80 }).map((count) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: regions { code }`).join(' ')} }`),
  text.map((value) => `{ dataset(id: ${JSON.stringify(value)}) { id title distributions { accessUrl } } }`),
  text.map((value) => `{ lineage(id: "MO:trade-balance", since: ${JSON.stringify(value)}) { isPartial } }`),
  fc.constantFrom('{ nope }', 'mutation { x }', 'subscription { y }', '{ __schema { types { name } } }', 'query Q($n: Int!) { search(first: $n) { totalCount } }', '{ regions { code'),
);
const variables = fc.oneof(fc.constant(undefined), json, fc.dictionary(fc.constantFrom('n', 'id', 'after', 'first', '__proto__'), json));

const graphqlRequest = fc.oneof(
  // Well-formed JSON envelopes with hostile operations, variables and unknown fields.
  fc.record({ query, variables, operationName: fc.option(text), extra: fc.option(json) }).map((body) => ({ contentType: 'application/json', body: JSON.stringify(body) as Body })),
  // Batches, some over the limit.
  fc.array(fc.record({ query, variables }), { minLength: 0, maxLength: maxBatch * 3 }).map((batch) => ({ contentType: 'application/json', body: JSON.stringify(batch) as Body })),
  // Not JSON, not an object, deep nesting, not UTF-8, huge.
  fc.oneof(text, json.map((value) => JSON.stringify(value)), deep).map((body) => ({ contentType: 'application/json', body: body as Body })),
  invalidUtf8.map((body) => ({ contentType: 'application/json', body: body as Body })),
  fc.constant({ contentType: 'application/json', body: JSON.stringify({ query: `{ search(query: "${'a'.repeat(maxBodyBytes)}") { totalCount } }` }) as Body }),
  // Wrong or odd content types.
  fc.record({
    contentType: fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/graphql', '', 'application/json; charset=utf-16'),
    body: fc.oneof(text, query) as fc.Arbitrary<Body>,
  }),
);

const regionLike = fc.record(
  {
    code: fc.oneof(text, fc.constantFrom('MO', 'mo', 'XX-YYYY', '')),
    name: fc.oneof(text, json),
    url: fc.oneof(text, fc.constantFrom('ftp://127.0.0.1/', 'javascript:alert(1)', 'http://', 'file:///etc/passwd')),
    webhookPublicKey: fc.oneof(text, fc.constant('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')),
    unknownField: json,
  },
  { requiredKeys: ['url'] },
);
const adminRequest = fc.record({
  token: fc.oneof(fc.constant(adminToken), fc.constant(undefined), text, fc.constant(`${adminToken}x`)),
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
  path: fc.oneof(fc.constant('/admin/regions'), text.map((value) => `/admin/regions/${pathSegment(value)}`), fc.constantFrom('/admin/regions/%E0%A4%A', '/admin/regions/MO/x', '/admin/')),
  contentType: fc.constantFrom('application/json', 'text/plain', ''),
  body: fc.oneof(regionLike.map((value) => JSON.stringify(value)), text, deep, json.map((value) => JSON.stringify(value))) as fc.Arbitrary<Body>,
});

const lineageRequest = fc.record({
  method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT'),
  path: fc.constantFrom('/api/v1/lineage', '/api/v1/lineage/batch'),
  contentType: fc.constantFrom('application/json', 'text/plain', ''),
  body: fc.oneof(
    json.map((value) => JSON.stringify(value)),
    fc.array(json, { maxLength: 5 }).map((value) => JSON.stringify(value)),
    fc
      .record({ eventType: fc.oneof(text, fc.constant('COMPLETE')), eventTime: text, run: fc.record({ runId: text }), job: fc.record({ namespace: text, name: text }), inputs: json, outputs: json })
      .map((value) => JSON.stringify(value)),
    text,
    deep,
    invalidUtf8,
  ) as fc.Arbitrary<Body>,
});

const changesQuery = fc.record({ since: fc.option(fc.oneof(text, fc.constantFrom('0', '-1', '999999999999', 'eyJ4IjoxfQ'))), limit: fc.option(fc.oneof(text, fc.integer().map(String), fc.constantFrom('1e3', '0x10', 'NaN'))) });

describe('fuzzing every door', () => {
  let wharf: FixtureWharf;
  let sent = 0;
  const failures: string[] = [];

  beforeAll(async () => {
    wharf = await startFixtureWharf({ adminToken, requestLimits: { maxBodyBytes, maxBatch } });
  });
  afterAll(() => wharf[Symbol.asyncDispose]());

  /** What the fuzz may not change: each region's whole change feed, the registry, the catalogue. */
  const snapshot = async () => {
    const feeds: unknown[] = [];
    for (const { server } of wharf.regions.values()) feeds.push(await (await fetch(`${server.origin}/changes?limit=1000`)).json());
    const registry = await (await wharf.wharf.gateway.fetch(new Request('http://gateway/admin/regions', { headers: { authorization: `Bearer ${adminToken}` } }))).json();
    const catalogue = await wharf.query('{ regions { code datasetCount } search(first: 50) { totalCount edges { node { id } } } }');
    return { feeds, registry, catalogue };
  };

  /** Records anything that is neither a 4xx nor a GraphQL result whose errors all carry a code. */
  const check = async (where: string, response: Response, graphql: boolean) => {
    sent += 1;
    const body = await response.text();
    if (response.status >= 500) failures.push(`${where}: HTTP ${response.status} ${body.slice(0, 200)}`);
    else if (response.status < 400 && graphql) {
      let results: unknown;
      try {
        results = JSON.parse(body);
      } catch {
        failures.push(`${where}: HTTP ${response.status} with a body that is not JSON: ${body.slice(0, 200)}`);
        return;
      }
      for (const result of Array.isArray(results) ? results : [results]) {
        const errors = (result as { errors?: { message: string; extensions?: { code?: unknown } }[] }).errors ?? [];
        for (const error of errors) {
          if (typeof error.extensions?.code !== 'string') failures.push(`${where}: an error without a code: ${error.message.slice(0, 200)}`);
          // Bad input is the client's error, never an unexpected one.
          else if (error.extensions.code === 'INTERNAL_SERVER_ERROR') failures.push(`${where}: INTERNAL_SERVER_ERROR`);
        }
      }
    }
  };

  it(`answers ${Object.values(runs).reduce((a, b) => a + b)} hostile requests with a 4xx or a coded GraphQL error, never a 5xx, and changes nothing`, async () => {
    const before = await snapshot();
    const lap = (() => {
      let started = Date.now();
      return (phase: string) => {
        console.log(`${phase}: ${Date.now() - started} ms`);
        started = Date.now();
      };
    })();
    const gateway = wharf.wharf.gateway;

    await fc.assert(
      fc.asyncProperty(graphqlRequest, async ({ contentType, body }) => {
        const response = await gateway.fetch(new Request('http://gateway/graphql', { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body }));
        await check(`POST /graphql ${contentType} ${String(body).slice(0, 80)}`, response, true);
      }),
      { numRuns: runs.graphql, seed },
    );

    lap('graphql');
    await fc.assert(
      fc.asyncProperty(adminRequest, async ({ token, method, path, contentType, body }) => {
        const headers: Record<string, string> = {};
        if (token !== undefined) headers.authorization = `Bearer ${token.replace(/[\r\n\u0000-\u001f\u007f-\uffff]/g, '')}`;
        if (contentType) headers['content-type'] = contentType;
        const response = await gateway.fetch(new Request(`http://gateway${path}`, { method, headers, ...(method === 'GET' ? {} : { body }) }));
        await check(`${method} ${path.slice(0, 80)}`, response, false);
      }),
      { numRuns: runs.admin, seed },
    );

    lap('admin');
    const region = wharf.regions.get('MO')!.server;
    await fc.assert(
      fc.asyncProperty(lineageRequest, async ({ method, path, contentType, body }) => {
        const response = await fetch(`${region.origin}${path}`, { method, headers: contentType ? { 'content-type': contentType } : {}, ...(method === 'GET' ? {} : { body }) });
        await check(`${method} ${path} ${String(body).slice(0, 80)}`, response, false);
      }),
      { numRuns: runs.lineage, seed },
    );

    lap('lineage');
    await fc.assert(
      fc.asyncProperty(changesQuery, async ({ since, limit }) => {
        const url = new URL('/changes', region.origin);
        if (since !== null) url.searchParams.set('since', since);
        if (limit !== null) url.searchParams.set('limit', limit);
        await check(`GET ${url.search.slice(0, 120)}`, await fetch(url), false);
      }),
      { numRuns: runs.changes, seed },
    );

    lap('changes');
    expect(failures.slice(0, 20)).toEqual([]);
    expect(sent).toBe(Object.values(runs).reduce((a, b) => a + b));
    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect(await snapshot()).toEqual(before);
  }, 240_000);
});
