import { readFileSync } from 'node:fs';
import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPortalApiKey, demoTokensPath } from '../../../gateway/demo/demoIdentity.ts';
import { ConfigError, loadConfig } from '../../../gateway/loadConfig.ts';
import { mcpOperationHashes } from '../../../gateway/mcp/mcpOperations.ts';
import { buildEmbedBundle, searchOperationHashes } from '../../../gateway/portal/embedBundle.ts';
import { createPersistedClient } from '../../../gateway/portal/persistedQuery.ts';
import { supergraphHasQuality } from '../../../gateway/portal/portalPlugin.ts';
import { searchOperations } from '../../../gateway/portal/searchOperations.ts';
import { startFixtureWharf, type FixtureWharf } from '../../support/fixtureRegions.ts';

const tokens = JSON.parse(readFileSync(demoTokensPath, 'utf8')) as Record<string, string>;
const portalOrigin = 'https://portal.example';

/** The schema.org JSON-LD block of a page, parsed. */
function jsonLdOf(page: string): Record<string, unknown> {
  const match = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page);
  return JSON.parse(match![1]!) as Record<string, unknown>;
}

describe('portal', () => {
  let wharf: FixtureWharf;
  let origin: string;

  beforeAll(async () => {
    wharf = await startFixtureWharf({ corsOrigins: [portalOrigin, 'http://localhost:8080'] });
    origin = wharf.wharf.origin;
    // Guangxi's raw border records become confidential: anonymous lineage shows them only as a locked stub.
    const file = join(wharf.regions.get('CN-GX')!.folder, 'border-trade-raw.yaml');
    await writeFile(file, `${await readFile(file, 'utf8')}access: { tier: confidential }\n`);
    await wharf.wharf.catalogue.harvester.harvest('CN-GX');
    // Hanoi's air quality becomes internal: anonymous visitors may see it but not read it.
    const hanoi = join(wharf.regions.get('VN')!.folder, 'hanoi-air-quality.yaml');
    await writeFile(hanoi, `${await readFile(hanoi, 'utf8')}access: { tier: internal }\n`);
    await wharf.wharf.catalogue.harvester.harvest('VN');
  });
  afterAll(async () => {
    await wharf?.[Symbol.asyncDispose]();
  });

  describe('embed script', () => {
    it('serves the bundle gzipped with an ETag and answers 304 to a revalidation', async () => {
      const bundle = await buildEmbedBundle();
      const response = await fetch(`${origin}/embed/wharf-search.js`, { headers: { 'accept-encoding': 'gzip' } });
      expect(response.status).toBe(200);
      expect(Object.fromEntries(['content-type', 'content-encoding', 'cache-control', 'etag', 'vary'].map((name) => [name, response.headers.get(name)]))).toEqual({
        'content-type': 'text/javascript; charset=utf-8',
        'content-encoding': 'gzip',
        'cache-control': 'public, max-age=600, stale-while-revalidate=86400',
        etag: bundle.etag,
        vary: 'accept-encoding',
      });
      // fetch decompresses: the body is the bundle itself.
      expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(bundle.code))).toBe(true);
      const again = await fetch(`${origin}/embed/wharf-search.js`, { headers: { 'if-none-match': bundle.etag } });
      expect([again.status, await again.text()]).toEqual([304, '']);
    });

    it('is under 30 kB gzipped and carries the hash of every operation it sends', async () => {
      const bundle = await buildEmbedBundle();
      const code = Buffer.from(bundle.code).toString('utf8');
      console.log(`embed bundle: ${bundle.code.byteLength} bytes minified, ${bundle.gzip.byteLength} bytes gzipped`);
      expect(bundle.gzip.byteLength).toBeLessThan(30 * 1024);
      expect(gunzipSync(bundle.gzip).equals(Buffer.from(bundle.code))).toBe(true);
      for (const hash of Object.values(searchOperationHashes)) expect(code).toContain(hash);
    });
  });

  describe('persisted queries', () => {
    const searchVariables = { query: 'trade', filter: {}, first: 2, after: null, lang: 'en' };

    it('answers the component\'s hashed GET from the first request, registered when the gateway started', async () => {
      const url = new URL(wharf.wharf.graphqlUrl);
      url.searchParams.set('variables', JSON.stringify(searchVariables));
      url.searchParams.set('extensions', JSON.stringify({ persistedQuery: { version: 1, sha256Hash: searchOperationHashes.WharfSearch } }));
      const response = await fetch(url, { headers: { accept: 'application/graphql-response+json' } });
      const body = await response.json();
      expect(response.status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data.search.totalCount).toBe(3);
    });

    it('falls back to sending the text once when the gateway does not know the hash, then hits by hash', async () => {
      const calls: string[] = [];
      const spy: typeof fetch = async (input, init) => {
        calls.push(`${init?.method ?? 'GET'} ${init?.body ? 'text' : 'hash'}`);
        return fetch(input, init);
      };
      const query = '{ regions { code } }';
      const { createHash } = await import('node:crypto');
      const operation = { name: 'Regions', query: query.replace('{', 'query Regions {'), sha256Hash: '' };
      operation.sha256Hash = createHash('sha256').update(operation.query).digest('hex');
      const client = createPersistedClient({ endpoint: wharf.wharf.graphqlUrl, fetch: spy });
      const first = await client.request(operation, {});
      const second = await client.request(operation, {});
      expect(first).toEqual({ data: { regions: [{ code: 'CN-GX' }, { code: 'MO' }, { code: 'VN' }] } });
      expect(second).toEqual(first);
      expect(calls).toEqual(['GET hash', 'POST text', 'GET hash']);
    });

    it('lets caches keep a clean anonymous or portal-key answer, keyed by the key, and never a signed-in or failed one', async () => {
      const { createHash } = await import('node:crypto');
      const hashedGet = (sha256Hash: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) => {
        const url = new URL(wharf.wharf.graphqlUrl);
        url.searchParams.set('variables', JSON.stringify(variables));
        url.searchParams.set('extensions', JSON.stringify({ persistedQuery: { version: 1, sha256Hash } }));
        return fetch(url, { headers });
      };
      const caching = (response: Response) => [response.status, response.headers.get('cache-control'), response.headers.get('vary')];
      const search = searchOperationHashes.WharfSearch;
      expect(caching(await hashedGet(search, searchVariables))).toEqual([200, 'public, max-age=30', 'x-api-key, authorization, origin, accept']);
      expect(caching(await hashedGet(search, searchVariables, { 'x-api-key': demoPortalApiKey }))).toEqual([200, 'public, max-age=30', 'x-api-key, authorization, origin, accept']);
      expect(caching(await hashedGet(search, searchVariables, { authorization: `Bearer ${tokens['hanoi-researcher']}` }))).toEqual([200, 'private, no-store', null]);
      // Anonymous callers may not read Hanoi's internal data: the answer carries FORBIDDEN and is not stored.
      const forbidden = 'query Urls { dataset(id: "VN:hanoi-air-quality") { distributions { accessUrl } } }';
      const hash = createHash('sha256').update(forbidden).digest('hex');
      await fetch(wharf.wharf.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: forbidden, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }) });
      const failed = await hashedGet(hash, {});
      expect((await failed.clone().json()).errors[0].extensions.code).toBe('FORBIDDEN');
      expect(caching(failed)).toEqual([200, 'private, no-store', null]);
      const post = await fetch(wharf.wharf.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: searchOperations.WharfSearch, variables: searchVariables }) });
      expect(caching(post)).toEqual([200, null, null]);
    });

    it('keeps hashes in the store the operator passes as apqStore, and answers from what another replica put there', async () => {
      const entries = new Map<string, string>();
      const store = { get: async (hash: string) => entries.get(hash), set: async (hash: string, query: string) => void entries.set(hash, query) };
      await using replica = await startFixtureWharf({ apqStore: store });
      // The component's operations and the MCP tools' are registered at start.
      await expect.poll(() => [...entries.keys()].sort()).toEqual([...Object.values(searchOperationHashes), ...Object.values(mcpOperationHashes)].sort());
      // Registered elsewhere (another replica sharing the store): this one answers by hash alone.
      const { createHash } = await import('node:crypto');
      const query = 'query Codes { regions { code } }';
      const hash = createHash('sha256').update(query).digest('hex');
      await store.set(hash, query);
      const url = new URL(replica.wharf.graphqlUrl);
      url.searchParams.set('extensions', JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }));
      expect(await (await fetch(url)).json()).toEqual({ data: { regions: [{ code: 'CN-GX' }, { code: 'MO' }, { code: 'VN' }] } });
    });

    it('refuses a text whose hash does not match, with PERSISTED_QUERY_MISMATCH', async () => {
      const response = await fetch(wharf.wharf.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: searchOperations.WharfSuggest, variables: { prefix: 'tr' }, extensions: { persistedQuery: { version: 1, sha256Hash: searchOperationHashes.WharfSearch } } }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ errors: [{ message: 'PersistedQueryMismatch', extensions: { code: 'PERSISTED_QUERY_MISMATCH' } }] });
    });
  });

  describe('CORS', () => {
    const preflight = (from: string) =>
      fetch(wharf.wharf.graphqlUrl, { method: 'OPTIONS', headers: { origin: from, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-api-key' } });

    it('allows a configured portal origin, with the API key header', async () => {
      const response = await preflight(portalOrigin);
      expect(response.status).toBe(204);
      expect(Object.fromEntries(['access-control-allow-origin', 'access-control-allow-methods', 'access-control-allow-headers', 'access-control-allow-credentials', 'vary'].map((name) => [name, response.headers.get(name)]))).toEqual({
        'access-control-allow-origin': portalOrigin,
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'accept, content-type, authorization, x-api-key',
        'access-control-allow-credentials': null,
        vary: 'Origin',
      });
    });

    it('does not allow an origin that is not configured', async () => {
      const response = await preflight('https://evil.example');
      expect(response.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
      const get = await fetch(`${wharf.wharf.graphqlUrl}?query=${encodeURIComponent('{ regions { code } }')}`, { headers: { origin: 'https://evil.example' } });
      expect(get.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    });

    it('allows no cross-origin call when no origin is configured', async () => {
      await using bare = await startFixtureWharf();
      const response = await fetch(`${bare.wharf.graphqlUrl}?query=${encodeURIComponent('{ regions { code } }')}`, { headers: { origin: portalOrigin } });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('reads WHARF_CORS_ORIGINS as a list of exact origins and reports a bad entry', () => {
      expect(loadConfig({ WHARF_CORS_ORIGINS: 'https://portal.example, http://localhost:8080' }).WHARF_CORS_ORIGINS).toEqual(['https://portal.example', 'http://localhost:8080']);
      expect(loadConfig({}).WHARF_CORS_ORIGINS).toEqual([]);
      expect(() => loadConfig({ WHARF_CORS_ORIGINS: 'https://portal.example/search' })).toThrow(ConfigError);
      try {
        loadConfig({ WHARF_CORS_ORIGINS: 'https://portal.example/search' });
      } catch (error) {
        expect((error as ConfigError).problems).toEqual([
          'WHARF_CORS_ORIGINS="https://portal.example/search": each entry must be an origin: scheme, host and optional port, no path or trailing slash (https://portal.example)',
        ]);
      }
    });
  });

  describe('demo portal API key', () => {
    const decisions = `{ a: dataset(id: "CN-GX:border-trade-raw") { id } b: dataset(id: "MO:trade-balance") { access { decision policies missing { kind } } }
      lineage(id: "VN:lang-son-border-trade") { nodes { __typename id } } search { totalCount } }`;
    const post = (headers: Record<string, string>) =>
      fetch(wharf.wharf.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: decisions }) }).then((response) => response.json());

    it('is limited to the public scope: the same discoverability and decisions as an anonymous caller', async () => {
      const withKey = await post({ 'x-api-key': demoPortalApiKey });
      expect(withKey).toEqual(await post({}));
      expect(withKey.data.a).toBeNull();
      expect(withKey.data.lineage.nodes).toContainEqual({ __typename: 'RestrictedDataset', id: 'CN-GX:border-trade-raw' });
      expect(withKey.data.search.totalCount).toBe(5);
      // A signed-in official sees more than the key does.
      const official = await post({ authorization: `Bearer ${tokens['guangxi-official']}` });
      expect(official.data.a).toEqual({ id: 'CN-GX:border-trade-raw' });
    });
  });

  describe('catalogue pages', () => {
    it('serves the catalogue page with the search component and the harvested regions', async () => {
      const response = await fetch(`${origin}/?lang=pt&q=trade`);
      const page = await response.text();
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page).toContain('<html lang="pt">');
      expect(page).toContain('<script src="/embed/wharf-search.js" defer></script>');
      expect(page).toContain('<wharf-search endpoint="/graphql" lang="pt" dataset-url="/datasets/{id}?lang=pt" url-state></wharf-search>');
      expect(page).toContain('<li data-region="MO"><a href="/?lang=pt&amp;region=MO">Região Administrativa Especial de Macau</a> <span class="count">2 conjuntos de dados</span></li>');
      expect(page).toContain('<a href="/?lang=pt&amp;theme=ECON" data-theme="ECON">Economia e finanças <span class="count">4</span></a>');
    });

    it('renders a dataset page with its metadata, access decision, distributions, lineage and schema.org JSON-LD', async () => {
      const response = await fetch(`${origin}/datasets/MO:reexport-reconciliation`);
      const page = await response.text();
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('private, no-cache');
      expect(page).toContain('<h1>Re-export trade reconciliation</h1>');
      expect(page).toContain('<span class="badge open" data-decision="ALLOW">Open</span> You may read this dataset.');
      expect(page).toContain('<a href="https://www.dsec.gov.mo/reexport.xlsx" rel="noopener">https://www.dsec.gov.mo/reexport.xlsx</a> 47.1 kB');
      expect(page).toMatch(/<g class="edge cross-border" data-upstream="CN-GX:customs-exports" data-downstream="MO:reexport-reconciliation" data-from="CN-GX" data-to="MO">/);
      expect(jsonLdOf(page)).toEqual({
        '@context': 'https://schema.org/',
        '@type': 'Dataset',
        '@id': `${origin}/datasets/MO%3Areexport-reconciliation`,
        url: `${origin}/datasets/MO%3Areexport-reconciliation`,
        identifier: 'MO:reexport-reconciliation',
        name: 'Re-export trade reconciliation',
        description: 'Macau re-exports reconciled against Nanning customs exports.',
        inLanguage: 'zh',
        keywords: ['re-export', 'trade', 'ECON'],
        publisher: { '@type': 'Organization', name: 'Statistics and Census Service (DSEC)', url: 'https://www.dsec.gov.mo' },
        spatialCoverage: ['MO'],
        dateModified: '2025-02-01',
        distribution: [
          { '@type': 'DataDownload', encodingFormat: 'XLSX', contentUrl: 'https://www.dsec.gov.mo/reexport.xlsx' },
          { '@type': 'DataDownload', encodingFormat: 'text/csv', contentUrl: 'https://www.dsec.gov.mo/reexport.csv' },
        ],
        includedInDataCatalog: { '@type': 'DataCatalog', name: 'Wharf', url: `${origin}/` },
      });
    });

    it('shows a locked stub for a lineage neighbour the consumer may not discover, and the full dataset to one who may', async () => {
      const anonymous = await (await fetch(`${origin}/datasets/VN%3Alang-son-border-trade?lang=vi`)).text();
      expect(anonymous).toContain('<g class="node restricted" data-id="CN-GX:border-trade-raw"><title>Bộ dữ liệu hạn chế: CN-GX:border-trade-raw</title>');
      expect(anonymous).toContain('data-from="MO" data-to="VN"');
      const official = await (await fetch(`${origin}/datasets/VN%3Alang-son-border-trade`, { headers: { authorization: `Bearer ${tokens['guangxi-official']}` } })).text();
      expect(official).toContain('<g class="node dataset" data-id="CN-GX:border-trade-raw">');
      expect(official).toContain('<dt>Decided for</dt><dd>gx-official-2 — guangxi-statistics-bureau · CN-GX · roles: official, customs-official, port-authority</dd>');
      const portal = await (await fetch(`${origin}/datasets/VN%3Alang-son-border-trade`, { headers: { 'x-api-key': demoPortalApiKey } })).text();
      expect(portal).toContain('<dt>Decided for</dt><dd>apikey:demo-portal (public scope)</dd>');
      expect(portal).toContain('<g class="node restricted" data-id="CN-GX:border-trade-raw">');
    });

    it('shows what is missing, and no access URL, when the consumer may not read', async () => {
      const response = await fetch(`${origin}/datasets/VN%3Ahanoi-air-quality`);
      const page = await response.text();
      expect(response.status).toBe(200);
      expect(page).toContain('<span class="badge restricted" data-decision="DENY">Restricted</span> You may not read this dataset.');
      expect(page).toContain('<dt>What is missing</dt><dd><ul class="missing"><li><strong>AUTHENTICATION</strong><br><span class="muted" lang="en">Sign in: this dataset is not open to anonymous consumers.</span></li></ul></dd>');
      expect(page).toContain('<td><span class="muted">not available to you</span></td>');
      expect(jsonLdOf(page).distribution).toBeUndefined();
      const signedIn = await (await fetch(`${origin}/datasets/VN%3Ahanoi-air-quality`, { headers: { authorization: `Bearer ${tokens['hanoi-researcher']}` } })).text();
      expect(signedIn).toContain('<a href="https://example.vn/aqi.csv" rel="noopener">https://example.vn/aqi.csv</a>');
    });

    it('answers 404 for an unknown dataset and 401 for a bad token, as pages', async () => {
      const missing = await fetch(`${origin}/datasets/MO%3Anothing-here`);
      expect([missing.status, (await missing.text()).includes('No dataset has this id. (MO:nothing-here)')]).toEqual([404, true]);
      const bad = await fetch(`${origin}/datasets/MO%3Atrade-balance`, { headers: { authorization: 'Bearer not.a.jwt' } });
      expect([bad.status, (await bad.text()).includes('The bearer token is not signed by a key this gateway trusts.')]).toEqual([401, true]);
    });

    it('escapes catalogue metadata in pages and JSON-LD', async () => {
      const file = join(wharf.regions.get('MO')!.folder, 'trade-balance.yaml');
      const original = await readFile(file, 'utf8');
      await writeFile(file, original.replace('Macau trade balance', 'Balance </script><script>alert(1)</script>'));
      await wharf.wharf.catalogue.harvester.harvest('MO');
      try {
        const page = await (await fetch(`${origin}/datasets/MO%3Atrade-balance`)).text();
        expect(page).not.toContain('<script>alert(1)');
        expect(page).toContain('<h1>Balance &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
        expect(jsonLdOf(page).name).toBe('Balance </script><script>alert(1)</script>');
      } finally {
        await writeFile(file, original);
        await wharf.wharf.catalogue.harvester.harvest('MO');
      }
    });
  });

  describe('supergraphHasQuality', () => {
    it('finds Dataset.quality only when the supergraph has it with score, maxScore and band', () => {
      const committed = readFileSync(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');
      const withQuality = `type Dataset { id: ID! quality: DatasetQuality! }\ntype DatasetQuality { score: Int! maxScore: Int! band: String! }`;
      expect([supergraphHasQuality(withQuality), supergraphHasQuality('type Dataset { id: ID! }')]).toEqual([true, false]);
      expect(supergraphHasQuality(committed)).toBe(committed.includes('quality: DatasetQuality'));
    });
  });
});
