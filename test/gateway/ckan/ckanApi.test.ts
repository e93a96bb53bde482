import { readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPortalApiKey, demoTokensPath } from '../../../gateway/demo/demoIdentity.ts';
import { startFixtureWharf, type FixtureWharf } from '../../support/fixtureRegions.ts';

const fixture = (path: string) => fileURLToPath(new URL(`../../fixtures/${path}`, import.meta.url));
const tokens = JSON.parse(readFileSync(demoTokensPath, 'utf8')) as Record<string, string>;

/** Real CKAN answers: HDX's `package_show`, `package_search` and `organization_show` results. */
const hdxPackage = JSON.parse(readFileSync(fixture('import/hdx/unesco_dataset.json'), 'utf8')) as Record<string, any>;
const hdxSearch = parseYaml(readFileSync(fixture('import/hdx/dataset_search_results.yaml'), 'utf8')) as Record<string, any>;
/** ckanext-dcat's examples of the DCAT-AP fields it adds to a CKAN package. */
const dcatExamples = ['health_dcat_ap.json', 'ckan_dataset_multilingual.json'].map((file) => {
  const document = JSON.parse(readFileSync(fixture(`import/ckanext-dcat/ckan/${file}`), 'utf8')) as Record<string, any> | Record<string, any>[];
  return Array.isArray(document) ? document[0]! : document;
});
const hdxOrganization = parseYaml(readFileSync(fixture('ckan-api/hdx_organization_show_results.yaml'), 'utf8')) as Record<string, any>;

/** The keys CKAN 2.11 puts in every package (`model_dictize.package_dictize`, the package table, `default_show_package_schema`). */
const ckanPackageKeys = [
  'author', 'author_email', 'creator_user_id', 'extras', 'groups', 'id', 'isopen', 'license_id', 'license_title', 'maintainer', 'maintainer_email',
  'metadata_created', 'metadata_modified', 'name', 'notes', 'num_resources', 'num_tags', 'organization', 'owner_org', 'private',
  'relationships_as_object', 'relationships_as_subject', 'resources', 'state', 'tags', 'title', 'type', 'url', 'version',
];
/** Package keys CKAN's show schema leaves null when a package has no value. */
const nullablePackageKeys = new Set(['author', 'author_email', 'creator_user_id', 'maintainer', 'maintainer_email', 'license_id', 'license_title', 'notes', 'url', 'version', 'metadata_created', 'extras']);
/** The resource table's columns, as `resource_dictize` answers them. */
const ckanResourceKeys = [
  'cache_last_updated', 'cache_url', 'created', 'description', 'format', 'hash', 'id', 'last_modified', 'metadata_modified', 'mimetype', 'mimetype_inner',
  'name', 'package_id', 'position', 'resource_type', 'size', 'state', 'url', 'url_type',
];
const nullableResourceKeys = new Set(['cache_last_updated', 'cache_url', 'created', 'last_modified', 'metadata_modified', 'mimetype', 'mimetype_inner', 'resource_type', 'size', 'url_type', 'download_url']);
/** `DefaultLicense._keys` (ckan/model/license.py). */
const ckanLicenceKeys = ['domain_content', 'id', 'domain_data', 'domain_software', 'family', 'is_generic', 'od_conformance', 'osd_conformance', 'maintainer', 'status', 'url', 'title'];

const jsonType = (value: unknown) => (value === null || value === undefined ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** Every key of `real` that Wharf's `ours` has too, with a different JSON type (a null allowed where CKAN allows one). */
function typeMismatches(ours: Record<string, unknown>, real: Record<string, unknown>, keys: readonly string[], nullable: ReadonlySet<string>) {
  return keys
    .filter((key) => key in real && key in ours)
    .filter((key) => jsonType(ours[key]) !== jsonType(real[key]) && !(nullable.has(key) && (jsonType(ours[key]) === 'null' || jsonType(real[key]) === 'null')))
    .map((key) => `${key}: ours ${jsonType(ours[key])}, CKAN's ${jsonType(real[key])}`);
}

describe('CKAN Action API (/api/3/action)', () => {
  let wharf: FixtureWharf;
  let origin: string;

  /** Calls an action as a CKAN client would, GET with `params` or POST with `init.body`. */
  async function ckan(action: string, params: Record<string, string> = {}, init: RequestInit = {}) {
    const url = new URL(`/api/3/action/${action}`, origin);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    const response = await fetch(url, init);
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  }

  beforeAll(async () => {
    wharf = await startFixtureWharf();
    origin = wharf.wharf.origin;
    // Guangxi's raw border records become confidential: only Guangxi officials may discover them.
    const raw = join(wharf.regions.get('CN-GX')!.folder, 'border-trade-raw.yaml');
    await writeFile(raw, `${await readFile(raw, 'utf8')}access: { tier: confidential }\n`);
    await wharf.wharf.catalogue.harvester.harvest('CN-GX');
    // Hanoi's air quality becomes internal: anonymous callers may discover it but not read it.
    const hanoi = join(wharf.regions.get('VN')!.folder, 'hanoi-air-quality.yaml');
    await writeFile(hanoi, `${await readFile(hanoi, 'utf8')}access: { tier: internal }\n`);
    await wharf.wharf.catalogue.harvester.harvest('VN');
  });
  afterAll(async () => {
    await wharf?.[Symbol.asyncDispose]();
  });

  describe('answers in the shape of CKAN 2.10/2.11', () => {
    it('answers package_show with every key CKAN puts in a package, typed as a real CKAN answer types it', async () => {
      const { status, headers, body } = await ckan('package_show', { id: 'MO:reexport-reconciliation' });
      expect(status).toBe(200);
      expect(headers.get('content-type')).toBe('application/json;charset=utf-8');
      expect(Object.keys(body)).toEqual(['help', 'success', 'result']);
      expect(body).toMatchObject({ help: `${origin}/api/3/action/help_show?name=package_show`, success: true });
      const pkg = body.result;
      expect(ckanPackageKeys.filter((key) => !(key in pkg))).toEqual([]);
      expect(typeMismatches(pkg, hdxPackage, ckanPackageKeys, nullablePackageKeys)).toEqual([]);
      // The nested objects have exactly the keys HDX's (CKAN's) have.
      expect(Object.keys(pkg.organization).sort()).toEqual(Object.keys(hdxPackage.organization).sort());
      expect(typeMismatches(pkg.organization, hdxPackage.organization, Object.keys(hdxPackage.organization), new Set(['created']))).toEqual([]);
      expect(Object.keys(pkg.tags[0]).sort()).toEqual(Object.keys(hdxPackage.tags[0]).sort());
      expect(Object.keys(pkg.groups[0]).sort()).toEqual(Object.keys(hdxPackage.groups[0]).sort());
      const [resource] = pkg.resources;
      expect(ckanResourceKeys.filter((key) => !(key in resource))).toEqual([]);
      expect(typeMismatches(resource, hdxPackage.resources[0], [...ckanResourceKeys, 'download_url', 'datastore_active'], nullableResourceKeys)).toEqual([]);
      expect(pkg).toMatchObject({
        id: 'MO:reexport-reconciliation',
        name: 'reexport-reconciliation',
        type: 'dataset',
        state: 'active',
        private: false,
        owner_org: 'mo',
        organization: { id: 'mo', name: 'mo', title: 'Macao', type: 'organization', is_organization: true },
        num_resources: pkg.resources.length,
        num_tags: pkg.tags.length,
      });
      expect(resource).toMatchObject({ package_id: 'MO:reexport-reconciliation', position: 0, url: 'https://www.dsec.gov.mo/reexport.xlsx', access_url: 'https://www.dsec.gov.mo/reexport.xlsx', format: 'XLSX', size: 48211 });
    });

    it('carries ckanext-dcat\'s DCAT-AP fields, typed and shaped as ckanext-dcat\'s examples have them', async () => {
      const pkg = (await ckan('package_show', { id: 'MO:reexport-reconciliation' })).body.result;
      const fields = ['title_translated', 'notes_translated', 'issued', 'modified', 'language', 'theme', 'identifier', 'access_rights', 'frequency', 'contact', 'publisher', 'temporal_coverage'];
      for (const example of dcatExamples) expect(typeMismatches(pkg, example, fields, new Set(['issued', 'modified', 'frequency']))).toEqual([]);
      const keysOf = (field: string) => new Set([...dcatExamples.flatMap((example) => (example[field] ?? []).flatMap((entry: object) => Object.keys(entry))), ...(field === 'contact' ? ['url'] : [])]);
      for (const field of ['contact', 'publisher', 'temporal_coverage']) {
        for (const entry of pkg[field]) expect({ field, extra: Object.keys(entry).filter((key) => !keysOf(field).has(key)) }).toEqual({ field, extra: [] });
      }
      expect(Object.keys(pkg.title_translated)).toEqual(['zh', 'pt', 'en']);
      expect(pkg.resources[0]).toMatchObject({ access_url: expect.any(String) });
      expect('download_url' in pkg.resources[0] && 'access_url' in dcatExamples[0]!.resources[0]).toBe(true);
    });

    it('answers package_search with CKAN\'s result keys and its facets in both of CKAN\'s forms', async () => {
      const { status, body } = await ckan('package_search', { rows: '2', 'facet.field': '["organization","res_format"]' });
      expect(status).toBe(200);
      const result = body.result;
      expect(Object.keys(result)).toEqual(['count', 'facets', 'results', 'sort', 'search_facets']);
      expect(Object.keys(hdxSearch).every((key) => jsonType(result[key]) === jsonType(hdxSearch[key]))).toBe(true);
      expect(typeMismatches(result.results[0], hdxSearch.results[0], ckanPackageKeys, nullablePackageKeys)).toEqual([]);
      expect(result.sort).toBe('score desc, metadata_modified desc');
      expect(result.facets.organization).toEqual(Object.fromEntries(result.search_facets.organization.items.map((item: { name: string; count: number }) => [item.name, item.count])));
      // CKAN sorts `search_facets` items by display name, descending.
      const names = result.search_facets.organization.items.map((item: { display_name: string }) => item.display_name);
      expect(names).toEqual([...names].sort().reverse());
      expect(result.search_facets.organization).toEqual({ title: 'organization', items: expect.arrayContaining([{ name: 'mo', display_name: 'Macao', count: 2 }]) });
    });

    it('answers organization_show and organization_list with the keys of a real organization_show', async () => {
      const { body } = await ckan('organization_show', { id: 'mo', include_datasets: 'true' });
      const organization = body.result;
      expect(Object.keys(organization).filter((key) => !(key in hdxOrganization))).toEqual([]);
      expect(typeMismatches(organization, hdxOrganization, Object.keys(hdxOrganization), new Set(['created', 'groups', 'tags']))).toEqual([]);
      expect(organization).toMatchObject({ name: 'mo', title: 'Macao', package_count: 2, is_organization: true });
      expect(organization.packages.map((pkg: { id: string }) => pkg.id).sort()).toEqual(['MO:reexport-reconciliation', 'MO:trade-balance']);
      const list = await ckan('organization_list', { all_fields: 'true', sort: 'name asc' });
      expect(list.body.result.map((item: { name: string; package_count: number }) => [item.name, item.package_count])).toEqual([['cn-gx', 1], ['mo', 2], ['vn', 2]]);
      expect((await ckan('organization_list')).body.result).toEqual(['cn-gx', 'mo', 'vn']);
    });

    it('answers license_list with the keys of CKAN\'s licence register, every value a string', async () => {
      const { body } = await ckan('license_list');
      expect(body.result.length).toBeGreaterThan(0);
      for (const licence of body.result) {
        expect(Object.keys(licence).sort()).toEqual([...ckanLicenceKeys].sort());
        expect(Object.values(licence).every((value) => typeof value === 'string')).toBe(true);
      }
    });

    it('answers group_list, tag_list, status_show and help_show', async () => {
      expect((await ckan('group_list')).body.result).toContain('econ');
      const groups = (await ckan('group_list', { all_fields: 'true', sort: 'package_count desc', limit: '2' })).body.result;
      expect(groups.map((group: { name: string; package_count: number }) => group.name)).toHaveLength(2);
      expect(groups[0].package_count).toBeGreaterThanOrEqual(groups[1].package_count);
      expect((await ckan('tag_list')).body.result).toEqual([...(await ckan('tag_list')).body.result].sort());
      expect((await ckan('status_show')).body.result).toMatchObject({ site_url: origin, ckan_version: '2.10.0', locale_default: 'en' });
      expect((await ckan('help_show', { name: 'package_search' })).body.result).toMatch(/^Searches the datasets the caller may discover/);
    });
  });

  describe('sees exactly what GraphQL shows the same caller', () => {
    const graphqlSearch = `{ search(first: 100, facetLimit: 100) { totalCount edges { node { id } } facets { field values { value count } } } }`;
    /** Each credential as a CKAN client sends it, and as `/graphql` takes it. */
    const callers: [string, Record<string, string>, Record<string, string>][] = [
      ['anonymous', {}, {}],
      ['an API key in X-CKAN-API-Key', { 'x-ckan-api-key': demoPortalApiKey }, { 'x-api-key': demoPortalApiKey }],
      ['an API key bare in Authorization', { authorization: demoPortalApiKey }, { 'x-api-key': demoPortalApiKey }],
      ['a bearer token', { authorization: `Bearer ${tokens['guangxi-official']}` }, { authorization: `Bearer ${tokens['guangxi-official']}` }],
      ['a token bare in Authorization', { authorization: tokens['guangxi-official']! }, { authorization: `Bearer ${tokens['guangxi-official']}` }],
      ['a token in X-CKAN-API-Key', { 'x-ckan-api-key': tokens['hanoi-researcher']! }, { authorization: `Bearer ${tokens['hanoi-researcher']}` }],
    ];

    it.each(callers)('lists the same datasets, count and facet counts for %s', async (_who, ckanHeaders, graphqlHeaders) => {
      const viaCkan = await ckan('package_search', { rows: '1000', 'facet.field': '["organization","groups","tags","res_format","license_id"]', 'facet.limit': '-1' }, { headers: ckanHeaders });
      const viaGraphql = (await (
        await fetch(wharf.wharf.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...graphqlHeaders }, body: JSON.stringify({ query: graphqlSearch }) })
      ).json()) as any;
      expect(viaCkan.status).toBe(200);
      const { search } = viaGraphql.data;
      expect(viaCkan.body.result.count).toBe(search.totalCount);
      expect(viaCkan.body.result.results.map((pkg: { id: string }) => pkg.id).sort()).toEqual(search.edges.map((edge: { node: { id: string } }) => edge.node.id).sort());
      const counts = (field: string) => Object.fromEntries(search.facets.find((facet: { field: string }) => facet.field === field).values.map((value: { value: string; count: number }) => [value.value, value.count]));
      const lower = (map: Record<string, number>) => Object.fromEntries(Object.entries(map).map(([key, count]) => [key.toLowerCase(), count]));
      expect(viaCkan.body.result.facets).toEqual({
        organization: lower(counts('REGION')),
        groups: lower(counts('THEME')),
        tags: counts('KEYWORD'),
        res_format: counts('FORMAT'),
        license_id: counts('LICENSE'),
      });
    });

    it('hides a confidential dataset from every caller but an official of its region, and answers it as not found', async () => {
      const ids = async (headers: Record<string, string>) => (await ckan('package_search', { rows: '100' }, { headers })).body.result.results.map((pkg: { id: string }) => pkg.id);
      expect(await ids({})).not.toContain('CN-GX:border-trade-raw');
      expect(await ids({ authorization: tokens['guangxi-official']! })).toContain('CN-GX:border-trade-raw');
      const hidden = await ckan('package_show', { id: 'CN-GX:border-trade-raw' });
      const missing = await ckan('package_show', { id: 'CN-GX:no-such-dataset' });
      expect([hidden.status, missing.status]).toEqual([404, 404]);
      expect(hidden.body.error.__type).toBe('Not Found Error');
      expect((await ckan('package_show', { id: 'border-trade-raw' })).status).toBe(404);
      expect((await ckan('package_show', { id: 'border-trade-raw' }, { headers: { authorization: tokens['guangxi-official']! } })).body.result.id).toBe('CN-GX:border-trade-raw');
    });

    it('lists a dataset the caller may discover but not read without its resources\' URLs', async () => {
      const anonymous = (await ckan('package_show', { id: 'VN:hanoi-air-quality' })).body.result;
      expect(anonymous.resources.map((resource: any) => [resource.format, resource.url, resource.access_url])).toEqual([['CSV', '', null]]);
      const researcher = (await ckan('package_show', { id: 'VN:hanoi-air-quality' }, { headers: { authorization: tokens['hanoi-researcher']! } })).body.result;
      expect(researcher.resources.map((resource: any) => resource.url)).toEqual(['https://example.vn/aqi.csv']);
    });
  });

  describe('reads parameters as CKAN does', () => {
    const ids = (body: any) => body.result.results.map((pkg: { id: string }) => pkg.id);

    it('takes the same search by GET, by POST as JSON and by POST as a form', async () => {
      const get = await ckan('package_search', { fq: 'organization:mo', sort: 'title_string asc' });
      const json = await ckan('package_search', {}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fq: 'organization:mo', sort: 'title_string asc' }) });
      const form = await ckan('package_search', {}, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'fq=organization%3Amo&sort=title_string+asc' });
      expect(get.body.result.count).toBe(2);
      expect(json.body).toEqual(get.body);
      expect(form.body).toEqual(get.body);
    });

    it('filters with fq and fielded q terms on organization, groups, tags, res_format, license_id and metadata_modified', async () => {
      const count = async (params: Record<string, string>) => (await ckan('package_search', params)).body.result.count;
      expect(await count({ fq: '+organization:mo +res_format:XLSX' })).toBe(1);
      expect(await count({ fq: 'organization:(mo OR vn)' })).toBe(4);
      expect(await count({ fq: 'organization:mo AND organization:vn' })).toBe(0);
      expect(await count({ q: 'organization:mo' })).toBe(2);
      expect(await count({ fq: 'metadata_modified:[2999-01-01T00:00:00Z TO *]' })).toBe(0);
      expect(await count({ fq: '+dataset_type:dataset +capacity:public +state:active' })).toBe(5);
      expect(await count({ fq: 'dataset_type:harvest' })).toBe(0);
      const search = await ckan('package_search', { rows: '1000' });
      const withTag = search.body.result.results.find((pkg: any) => pkg.tags.length > 0);
      const tag = withTag.tags[0].name as string;
      expect(ids((await ckan('package_search', { fq: `tags:"${tag}"` })).body)).toContain(withTag.id);
    });

    it('pages with start and rows over the same order, and projects with fl', async () => {
      const all = ids((await ckan('package_search', { rows: '5', sort: 'title_string asc' })).body);
      const pages = [];
      for (let start = 0; start < 5; start += 2) pages.push(...ids((await ckan('package_search', { rows: '2', start: String(start), sort: 'title_string asc' })).body));
      expect(pages).toEqual(all);
      expect(ids((await ckan('package_search', { rows: '2', start: '3', sort: 'title_string asc' })).body)).toEqual(all.slice(3, 5));
      expect((await ckan('package_search', { start: '50' })).body.result).toMatchObject({ count: 5, results: [] });
      const [firstOfMacao] = (await ckan('package_search', { rows: '1', fq: 'organization:mo', sort: 'title_string asc' })).body.result.results;
      expect((await ckan('package_search', { rows: '1', fl: 'id,name', fq: 'organization:mo', sort: 'title_string asc' })).body.result.results).toEqual([{ id: firstOfMacao.id, name: firstOfMacao.name }]);
      expect((await ckan('package_list')).body.result).toEqual(['border-trade-raw', 'customs-exports', 'hanoi-air-quality', 'lang-son-border-trade', 'reexport-reconciliation', 'trade-balance'].filter((name) => name !== 'border-trade-raw'));
      expect((await ckan('package_list', { limit: '2', offset: '1' })).body.result).toEqual(['hanoi-air-quality', 'lang-son-border-trade']);
    });
  });

  describe('refuses bad input with CKAN\'s errors, never a 500', () => {
    it.each([
      ['an unknown action', 'no_such_action', {}, 400, 'Bad request - Action name not known: no_such_action'],
      ['rows over the limit', 'package_search', { rows: '1001' }, 409, { __type: 'Validation Error', rows: ['Must be at most 1000; page with start for more'] }],
      ['rows that is not a number', 'package_search', { rows: 'ten' }, 409, { __type: 'Validation Error', rows: ['Invalid integer'] }],
      ['a negative start', 'package_search', { start: '-1' }, 409, { __type: 'Validation Error', start: ['Must be a natural number'] }],
      ['an fq on a field Wharf cannot filter on', 'package_search', { fq: 'author:someone' }, 400, { __type: 'Search Query Error', message: expect.stringMatching(/^Search Query is invalid: fq filters on "author", which Wharf cannot filter on/) }],
      ['an fq with an unclosed parenthesis', 'package_search', { fq: 'tags:(a OR' }, 400, { __type: 'Search Query Error', message: 'Search Query is invalid: fq has a parenthesis that is never closed: "tags:(a OR"' }],
      ['a negated fq', 'package_search', { fq: '-organization:mo' }, 400, { __type: 'Search Query Error', message: 'Search Query is invalid: fq negates a clause, which is not supported: "-organization:mo"' }],
      ['an unknown parameter', 'package_search', { colour: 'blue' }, 400, { __type: 'Search Query Error', message: 'Search Query is invalid: Invalid search parameters: "colour"' }],
      ['a sort Wharf does not have', 'package_search', { sort: 'name asc' }, 400, { __type: 'Search Query Error', message: expect.stringMatching(/^Search Query is invalid: Invalid "sort" parameter "name asc"/) }],
      ['a facet field Wharf does not count', 'package_search', { 'facet.field': '["author"]' }, 409, { __type: 'Validation Error', 'facet.field': [expect.stringMatching(/^"author" is not a field Wharf counts/)] }],
      ['package_show without an id', 'package_show', {}, 409, { __type: 'Validation Error', name_or_id: ['Missing value'] }],
      ['an unknown organization', 'organization_show', { id: 'atlantis' }, 404, { __type: 'Not Found Error', message: 'Not found: no organization is named "atlantis"' }],
      ['a sort organizations do not have', 'organization_list', { sort: 'colour' }, 409, { __type: 'Validation Error', message: ['Cannot sort by field `colour`'] }],
    ] as const)('answers %s', async (_what, action, params, status, error) => {
      const { status: got, body } = await ckan(action, params as Record<string, string>);
      expect(got).toBe(status);
      if (typeof error === 'string') expect(body).toBe(error);
      else expect(body).toEqual({ help: `${origin}/api/3/action/help_show?name=${action}`, success: false, error });
    });

    it('answers a body that is not a JSON object as CKAN\'s bad request', async () => {
      const { status, body } = await ckan('package_search', {}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1, 2]' });
      expect([status, body]).toEqual([400, 'Bad request - JSON Error: Request data JSON decoded to a list but it needs to be a dictionary.']);
      expect((await ckan('package_search', {}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"rows": ' })).status).toBe(400);
    });

    it('refuses a credential the gateway does not accept as CKAN\'s Authorization Error with 401, never as anonymous', async () => {
      const { status, headers, body } = await ckan('package_search', {}, { headers: { 'x-ckan-api-key': 'not-a-key' } });
      expect([status, headers.get('www-authenticate')]).toEqual([401, 'Bearer']);
      expect(body.error).toEqual({ __type: 'Authorization Error', message: 'Access denied: The API key is not known to this gateway.' });
      expect((await ckan('package_search', {}, { headers: { authorization: 'Bearer not.a.token' } })).body.error.__type).toBe('Authorization Error');
      // Even an action that reads nothing of the catalogue.
      expect((await ckan('status_show', {}, { headers: { authorization: 'not-a-key' } })).status).toBe(401);
      expect((await ckan('status_show', {}, { headers: { authorization: demoPortalApiKey } })).status).toBe(200);
    });

    it('answers 405 to other methods, and never a 500 to odd filters and queries', async () => {
      expect((await ckan('package_search', {}, { method: 'PUT', body: '{}' })).status).toBe(405);
      for (const value of ['"', '(', ')', ':', '[a TO', 'a:b:c', '\\', '+', 'AND', 'metadata_modified:[x TO y]', 'tags:()', '*:*', 'organization:', '\u0000', 'x'.repeat(3000)]) {
        for (const name of ['q', 'fq']) {
          const { status } = await ckan('package_search', { [name]: value });
          expect({ name, value: value.slice(0, 20), server: status >= 500 }).toEqual({ name, value: value.slice(0, 20), server: false });
        }
      }
    });
  });
});

describe('CKAN Action API under a rate limit', () => {
  let wharf: FixtureWharf;
  beforeAll(async () => {
    wharf = await startFixtureWharf({ clientRequestsPerMinute: 2 });
  });
  afterAll(async () => {
    await wharf?.[Symbol.asyncDispose]();
  });

  it('counts each operation against the caller\'s own limit and answers 429 with Retry-After once it is spent', async () => {
    const call = () => fetch(new URL('/api/3/action/package_search?rows=1', wharf.wharf.origin));
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as any).error).toEqual({ __type: 'Rate Limit Error', message: expect.stringMatching(/^An anonymous client may make 2 requests a minute/) });
    // Static answers read nothing of the catalogue, and need no share of it.
    expect((await fetch(new URL('/api/3/action/status_show', wharf.wharf.origin))).status).toBe(200);
  });
});
