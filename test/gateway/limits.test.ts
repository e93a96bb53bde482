import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';

describe('operation limits', () => {
  let wharf: FixtureWharf;
  beforeAll(async () => {
    wharf = await startFixtureWharf({ limits: { maxDepth: 6, maxAliases: 3, maxTokens: 400, maxDirectives: 4, maxCost: 5000 } });
  });
  afterAll(async () => {
    await wharf?.[Symbol.asyncDispose]();
  });

  const refusal = async (query: string) => {
    const response = await fetch(wharf.wharf.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return { status: response.status, body: await response.json() };
  };

  it.each([
    ['maxDepth', 6, '{ dataset(id: "MO:trade-balance") { upstream { ... on Dataset { upstream { ... on Dataset { upstream { ... on Dataset { upstream { id } } } } } } } } }'],
    ['maxAliases', 3, '{ a: regions { code } b: regions { code } c: regions { code } d: regions { code } }'],
    ['maxDirectives', 4, '{ regions @include(if: true) @include(if: true) @include(if: true) @include(if: true) @include(if: true) { code } }'],
    ['maxTokens', 400, `{ ${Array.from({ length: 150 }, () => 'regions { code }').join(' ')} }`],
  ])('refuses an operation over %s with LIMIT_EXCEEDED naming the limit and its value', async (limit, max, query) => {
    const { body } = await refusal(query);
    expect(body.data).toBeUndefined();
    expect(body.errors[0]).toMatchObject({ extensions: { code: 'LIMIT_EXCEEDED', limit, max } });
    expect(body.errors[0].message).toContain(`${limit} of ${max}`);
  });

  it('answers operations within the limits, and gives no field suggestions', async () => {
    expect((await refusal('{ regions { code } }')).body).toEqual({ data: { regions: [{ code: 'CN-GX' }, { code: 'MO' }, { code: 'VN' }] } });
    const typo = await refusal('{ regionz { code } }');
    expect(JSON.stringify(typo.body)).not.toMatch(/Did you mean/);
  });
});
