import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedContract, contractProblems } from '../../schema/regionContract.ts';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';

describe('errors as the README documents them', () => {
  let wharf: FixtureWharf;
  beforeAll(async () => {
    wharf = await startFixtureWharf({ regionTimeoutMs: 2000, limits: { maxDepth: 12, maxAliases: 3, maxTokens: 3000, maxDirectives: 50, maxCost: 5000 } });
  });
  afterAll(() => wharf[Symbol.asyncDispose]());

  const post = (body: unknown, accept = 'application/json') =>
    fetch(wharf.wharf.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify(body) });

  it('answers LIMIT_EXCEEDED and GRAPHQL_VALIDATION_FAILED with HTTP 400, whatever the client accepts', async () => {
    for (const accept of ['application/json', 'application/graphql-response+json', '*/*']) {
      const limited = await post({ query: '{ a: regions { code } b: regions { code } c: regions { code } d: regions { code } }' }, accept);
      expect([accept, limited.status, (await limited.json()).errors[0].extensions.code]).toEqual([accept, 400, 'LIMIT_EXCEEDED']);
      const invalid = await post({ query: '{ nope }' }, accept);
      expect([accept, invalid.status, (await invalid.json()).errors[0].extensions.code]).toEqual([accept, 400, 'GRAPHQL_VALIDATION_FAILED']);
    }
  });

  it('raises UNKNOWN_REGION for a dataset id whose region the gateway does not route, naming the prefix', async () => {
    expect(await wharf.query('{ dataset(id: "XX:anything") { id title } }')).toEqual({
      data: { dataset: null },
      errors: [
        {
          message: 'Dataset "XX:anything" names region XX, which this gateway does not route to (it routes CN-GX, MO, VN).',
          path: ['dataset'],
          extensions: { code: 'UNKNOWN_REGION', region: 'XX', serviceName: 'catalogue' },
        },
      ],
    });
    // A dataset of a routed region that does not exist is simply not there.
    expect(await wharf.query('{ dataset(id: "MO:no-such-dataset") { id } }')).toEqual({ data: { dataset: null } });
  });

  it('quotes at most a short excerpt of any value the client sent in an error message', async () => {
    const huge = 'z'.repeat(500_000);
    const responses = await Promise.all([
      post({ query: 'query($id: ID!) { dataset(id: $id) { id } }', variables: { id: { huge } } }),
      post({ query: '{ dataset(id: $id) { id } }', variables: {}, operationName: huge.slice(0, 30_000) }),
      post({ query: `{ dataset(id: "${huge.slice(0, 30_000)}") { id } }` }),
      post({ query: '{ lineage(id: "MO:trade-balance", since: $since) { isPartial } }'.replace('$since', JSON.stringify(huge.slice(0, 30_000))) }),
      post({ query: `{ regions(${'a'.repeat(30_000)}: 1) { code } }` }),
    ]);
    for (const response of responses) {
      const text = await response.text();
      expect(text.length).toBeLessThan(4_000);
      for (const error of JSON.parse(text).errors ?? []) expect(error.message.length).toBeLessThanOrEqual(600);
    }
  });

  describe('when a region is down', () => {
    beforeAll(async () => {
      await wharf.regions.get('MO')!.server[Symbol.asyncDispose]();
    });

    it("nulls only the region's own fields: the catalogue's title and metadata are still answered", async () => {
      const result = await wharf.query('{ dataset(id: "MO:trade-balance") { id title region distributions { format } access { decision } } }');
      expect(result).toEqual({
        data: { dataset: { id: 'MO:trade-balance', title: result.data.dataset?.title, region: 'MO', distributions: null, access: null } },
        // One error for the region's part of the entity, at the dataset it belongs to.
        errors: [{ message: 'Region MO could not be reached.', path: ['dataset'], extensions: { code: 'REGION_UNAVAILABLE', region: 'MO', serviceName: 'regions' } }],
      });
      expect(typeof result.data.dataset.title).toBe('string');
    });
  });
});

describe('the region contract', () => {
  it('accepts a region still on 1.0.0, whose region-owned fields are non-null', () => {
    const { sdl } = pinnedContract();
    const older = sdl
      .replace(/^# wharf-contract: .*$/m, '# wharf-contract: 1.0.0')
      .replace('distributions: [Distribution!] @', 'distributions: [Distribution!]! @')
      .replace('access(purpose: String): AccessDecision @', 'access(purpose: String): AccessDecision! @')
      .replace('dcat: String @', 'dcat: String! @');
    expect(older).not.toBe(sdl);
    expect(contractProblems(sdl, older)).toEqual([]);
    // The other way round a field the gateway needs non-null may not be null.
    expect(contractProblems(older, sdl)).toEqual(['Dataset.distributions is [Distribution!], not [Distribution!]!', 'Dataset.access is AccessDecision, not AccessDecision!', 'Dataset.dcat is String, not String!']);
  });
});
