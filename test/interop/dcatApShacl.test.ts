import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Quad } from 'n3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoTokensPath } from '../../gateway/demo/demoIdentity.ts';
import { serveRegion, type RegionServer } from '../../subgraphs/region/serveRegion.ts';
import { createFileStore, type FileStore } from '../../subgraphs/region/store/createFileStore.ts';
import { loadRegionPolicies } from '../../subgraphs/shared/access/loadRegionPolicies.ts';
import { createAccessEvaluator } from '../../subgraphs/shared/access/createAccessEvaluator.ts';
import { anonymousConsumer } from '../../schema/consumer.ts';
import type { RdfFormat } from '../../subgraphs/shared/rdf/negotiateRdfFormat.ts';
import { fixtureGatewayKeys, fixtureRegionsDir, hangRegion, startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';
import { runWharf } from '../support/runWharf.ts';
import { parseRdf, validateDcatApQuads } from '../support/validateDcat.ts';

const demoDir = fileURLToPath(new URL('../../subgraphs/demo/', import.meta.url));
const importFixture = (path: string) => fileURLToPath(new URL(`../fixtures/import/${path}`, import.meta.url));
const tokens = JSON.parse(readFileSync(demoTokensPath, 'utf8')) as Record<string, string>;
const rdfType = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const dcat = 'http://www.w3.org/ns/dcat#';
const hydra = 'http://www.w3.org/ns/hydra/core#';

/** A region folder served as `wharf subgraph` serves it. */
async function serveFolder(code: string, folder: string, name: string): Promise<{ server: RegionServer; store: FileStore } & AsyncDisposable> {
  const store = await createFileStore({ region: code, folder, pollIntervalMs: 0 });
  const server = await serveRegion({ store, policies: await loadRegionPolicies(code, folder), name, gatewayPublicKey: fixtureGatewayKeys.publicKey });
  return {
    server,
    store,
    async [Symbol.asyncDispose]() {
      await server[Symbol.asyncDispose]();
      await store[Symbol.asyncDispose]();
    },
  };
}

/** Every triple of a paged catalogue, from `first` along `hydra:next`, and how many pages it took. */
async function walkPages(first: string, format: RdfFormat, headers: Record<string, string> = {}): Promise<{ quads: Quad[]; pages: number }> {
  const quads: Quad[] = [];
  let pages = 0;
  for (let url: string | undefined = first; url; pages += 1) {
    const response = await fetch(url, { headers });
    expect(response.status).toBe(200);
    const page = await parseRdf(await response.text(), format);
    quads.push(...page);
    url = page.find((quad) => quad.predicate.value === `${hydra}next`)?.object.value;
  }
  return { quads, pages };
}

const subjectsOf = (quads: readonly Quad[], type: string) => new Set(quads.filter((quad) => quad.predicate.value === rdfType && quad.object.value === type).map((quad) => quad.subject.value));

// Validation holds the event loop for seconds, past the servers' keep-alive timeout: let them close the
// sockets they timed out before the next request would reuse one (a reset connection otherwise).
afterEach(() => new Promise((resolve) => setTimeout(resolve, 50)));

describe('DCAT-AP 3.0.1 SHACL shapes, run by rdf-validate-shacl', () => {
  describe.each([
    ['CN-GX', 'the whole catalogue as JSON-LD', '/dcat', {}, 'jsonld'],
    ['MO', 'the whole catalogue as Turtle', '/dcat.ttl', {}, 'turtle'],
    ['VN', 'the whole catalogue as RDF/XML, by Accept', '/dcat', { accept: 'application/rdf+xml' }, 'rdfxml'],
    ['MY', 'every page, as Turtle', '/dcat.ttl?page=1', {}, 'turtle'],
    ['SG', 'the whole catalogue as JSON-LD', '/dcat', {}, 'jsonld'],
  ] as const)('the %s demo region', (code, what, path, headers, format) => {
    it(`has no violation and no warning in ${what}`, async () => {
      await using region = await serveFolder(code, join(demoDir, code), code);
      const { quads } = path.includes('page=')
        ? await walkPages(`${region.server.origin}${path}`, format)
        : { quads: await parseRdf(await (await fetch(`${region.server.origin}${path}`, { headers })).text(), format) };
      // Every dataset an anonymous consumer may discover, once.
      const evaluator = createAccessEvaluator(await loadRegionPolicies(code, join(demoDir, code)));
      const discoverable = (await region.store.records()).filter((record) => evaluator.decide(anonymousConsumer, { ...record.access, region: code }, 'discover').decision !== 'DENY');
      expect(subjectsOf(quads, `${dcat}Dataset`).size).toBe(discoverable.length);
      const result = await validateDcatApQuads(quads);
      expect(result.violations, result.summary).toEqual([]);
      expect(result.warnings, result.summary).toEqual([]);
    }, 300_000);
  });

  it.each([
    ['dcat-ap', 'dcat-ap', 'the DCAT-AP specification\'s examples'],
    ['ckan', 'hdx', 'HDX\'s CKAN packages'],
  ])('has no violation in a region imported with --from %s (%s), as its /dcat serves it', async (from, source) => {
    const folder = await mkdtemp(join(tmpdir(), 'wharf-imported-'));
    try {
      const imported = await runWharf('import', '--from', from, importFixture(source), '--region', 'MO', '--out', join(folder, 'MO'));
      expect(imported.code, imported.stderr).toBe(0);
      await cp(join(fixtureRegionsDir, 'MO', 'policies'), join(folder, 'MO', 'policies'), { recursive: true });
      await using region = await serveFolder('MO', join(folder, 'MO'), 'Imported');
      const quads = await parseRdf(await (await fetch(`${region.server.origin}/dcat.ttl`)).text(), 'turtle');
      expect(subjectsOf(quads, `${dcat}Dataset`).size).toBe(await region.store.count());
      const result = await validateDcatApQuads(quads);
      expect(result.violations, result.summary).toEqual([]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the gateway\'s federated /dcat', () => {
  let wharf: FixtureWharf;
  let malaysia: Awaited<ReturnType<typeof serveFolder>>;
  const graphqlCount = async (token?: string) =>
    (await wharf.query('{ search(first: 1) { totalCount } }', {}, token)).data.search.totalCount as number;

  beforeAll(async () => {
    malaysia = await serveFolder('MY', join(demoDir, 'MY'), 'Malaysia');
    wharf = await startFixtureWharf({ extraRegions: [{ code: 'MY', name: 'Malaysia', url: malaysia.server.url }] });
    // Guangxi's raw border records become confidential: only Guangxi officials may discover them.
    const raw = join(wharf.regions.get('CN-GX')!.folder, 'border-trade-raw.yaml');
    await writeFile(raw, `${await readFile(raw, 'utf8')}access: { tier: confidential }\n`);
    await wharf.wharf.catalogue.harvester.harvest('CN-GX');
  });
  afterAll(async () => {
    await wharf?.[Symbol.asyncDispose]();
    await malaysia?.[Symbol.asyncDispose]();
  });

  it('is one dcat:Catalog of the regions\' catalogues, every page together without a violation', async () => {
    const origin = wharf.wharf.origin;
    const { quads, pages } = await walkPages(`${origin}/dcat.ttl`, 'turtle');
    expect(pages).toBe(3);
    const catalogues = subjectsOf(quads, `${dcat}Catalog`);
    expect([...catalogues].sort()).toEqual([`${origin}/dcat`, ...['CN-GX', 'MO', 'MY', 'VN'].map((code) => `${origin}/dcat/regions/${code}`)].sort());
    const parts = quads.filter((quad) => quad.subject.value === `${origin}/dcat` && quad.predicate.value === `${dcat}catalog`).map((quad) => quad.object.value);
    expect(new Set(parts)).toEqual(new Set([...catalogues].filter((iri) => iri !== `${origin}/dcat`)));
    // Every dataset is listed by its own region's catalogue.
    const listed = quads.filter((quad) => quad.predicate.value === `${dcat}dataset`);
    const datasets = subjectsOf(quads, `${dcat}Dataset`);
    expect(datasets.size).toBe(await graphqlCount());
    expect(new Set(listed.map((quad) => quad.object.value))).toEqual(datasets);
    for (const quad of listed) expect(quad.object.value.includes(`/dcat/${quad.subject.value.split('/').at(-1)}:`)).toBe(true);
    const result = await validateDcatApQuads(quads);
    expect(result.violations, result.summary).toEqual([]);
  }, 120_000);

  it('gives each caller the datasets its policies let it discover, and counts them as GraphQL does', async () => {
    const origin = wharf.wharf.origin;
    const total = (quads: readonly Quad[]) => Number(quads.find((quad) => quad.predicate.value === `${hydra}totalItems`)!.object.value);
    const anonymous = await parseRdf(await (await fetch(`${origin}/dcat.ttl?page=1`)).text(), 'turtle');
    const official = await parseRdf(await (await fetch(`${origin}/dcat.ttl?page=1`, { headers: { authorization: `Bearer ${tokens['guangxi-official']}` } })).text(), 'turtle');
    expect(total(anonymous)).toBe(await graphqlCount());
    expect(total(official)).toBe(await graphqlCount(tokens['guangxi-official']));
    expect(total(official)).toBe(total(anonymous) + 1);
    const hidden = `${wharf.regions.get('CN-GX')!.server.origin}/dcat/CN-GX:border-trade-raw`;
    const guangxi = async (headers: Record<string, string>) => subjectsOf(await parseRdf(await (await fetch(`${origin}/dcat/regions/CN-GX.ttl`, { headers })).text(), 'turtle'), `${dcat}Dataset`);
    expect((await guangxi({})).has(hidden)).toBe(false);
    expect((await guangxi({ authorization: `Bearer ${tokens['guangxi-official']}` })).has(hidden)).toBe(true);
    const refused = await fetch(`${origin}/dcat`, { headers: { authorization: 'Bearer not.a.token' } });
    expect(refused.status).toBe(401);
  });

  it('serves each region\'s part at the IRI the catalogue gives it, and pages in JSON-LD and RDF/XML too', async () => {
    const origin = wharf.wharf.origin;
    const part = await (await fetch(`${origin}/dcat/regions/MO`)).json() as { '@graph': Record<string, any>[] };
    expect(part['@graph'][0]).toMatchObject({ '@id': `${origin}/dcat/regions/MO`, '@type': 'dcat:Catalog' });
    expect(part['@graph'][0]!['dcat:dataset']).toHaveLength(2);
    expect(part['@graph'].at(-1)).toMatchObject({ '@type': 'hydra:PagedCollection', 'hydra:totalItems': 2, 'hydra:itemsPerPage': 100 });
    const second = await fetch(`${origin}/dcat.rdf?page=2`, { headers: { accept: 'text/turtle' } });
    expect(second.headers.get('content-type')).toBe('application/rdf+xml; charset=utf-8');
    expect(subjectsOf(await parseRdf(await second.text(), 'rdfxml'), `${dcat}Dataset`).size).toBe(100);
    for (const [path, status] of [['/dcat/regions/XX', 404], ['/dcat/nothing-here', 404], ['/dcat?page=0', 400], ['/dcat?page=1&cursor=broken', 400]] as const) {
      expect([path, (await fetch(`${origin}${path}`)).status]).toEqual([path, status]);
    }
    expect((await fetch(`${origin}/dcat`, { headers: { accept: 'text/html' } })).status).toBe(406);
  });

  it('answers 503 rather than a page without the datasets of a region that does not answer', async () => {
    const restore = hangRegion(wharf.regions.get('VN')!.server);
    try {
      // A caller none has asked for before: nothing of its answer is in the gateway's entity cache.
      const response = await fetch(`${wharf.wharf.origin}/dcat/regions/VN`, { headers: { authorization: `Bearer ${tokens['hanoi-researcher']}` } });
      expect([response.status, response.headers.get('retry-after')]).toEqual([503, '30']);
      expect(((await response.json()) as { error: string }).error).toMatch(/This page would leave out that region's datasets, so it is not served; retry later\.$/);
    } finally {
      restore();
    }
  }, 30_000);
});
