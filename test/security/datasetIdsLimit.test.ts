import { describe, expect, it } from 'vitest';
import { startFixtureWharf } from '../support/fixtureRegions.ts';

const ids = (count: number) => Array.from({ length: count }, (_, i) => (i === 0 ? 'MO:trade-balance' : `MO:none-${i}`));

describe('Query.datasets(ids:)', () => {
  it('takes at most 100 ids, refusing more with BAD_USER_INPUT naming the cap, and counts each id in the cost estimate', async () => {
    await using fixture = await startFixtureWharf();
    const lookup = 'query ($ids: [ID!]!) { datasets(ids: $ids) { id } }';

    const hundred = await fixture.query(lookup, { ids: ids(100) });
    expect(hundred.errors).toBeUndefined();
    expect(hundred.data.datasets).toEqual([{ id: 'MO:trade-balance' }, ...Array.from({ length: 99 }, () => null)]);

    for (const count of [101, 1000]) {
      expect(await fixture.query(lookup, { ids: ids(count) })).toEqual({
        errors: [{ message: `"ids" lists ${count} ids; at most 100.`, path: ['datasets'], extensions: { code: 'BAD_USER_INPUT', argumentName: 'ids', max: 100, serviceName: 'catalogue' } }],
      });
    }
    const literal = await fixture.query(`{ datasets(ids: ${JSON.stringify(ids(101))}) { id } }`);
    expect(literal.errors?.[0]).toMatchObject({ message: '"ids" lists 101 ids; at most 100.', extensions: { code: 'BAD_USER_INPUT' } });

    // Twenty lookups of up to 100 ids each cost 20 × 100 × 5 = 10,000: over the gateway's 5,000.
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: datasets(ids: $ids) { id title }`).join(' ');
    const costly = await fixture.query(`query ($ids: [ID!]!) { ${aliases} }`, { ids: ['MO:trade-balance'] });
    expect(costly.data).toBeUndefined();
    expect(costly.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'LIMIT_EXCEEDED', limit: 'maxCost', max: 5000 }) })]);
    // Written out, the list counts as long as it is: three ids in twenty lookups are cheap.
    const listed = Array.from({ length: 20 }, (_, i) => `a${i}: datasets(ids: ["MO:trade-balance", "VN:x", "MO:y"]) { id title }`).join(' ');
    const cheap = await fixture.query(`{ ${listed} }`);
    expect(cheap.errors).toBeUndefined();
    expect(cheap.data.a19).toEqual([{ id: 'MO:trade-balance', title: '澳門貿易差額' }, null, null]);
    // Through a fragment too.
    const viaFragment = await fixture.query(`query ($ids: [ID!]!) { ...F } fragment F on Query { ${aliases} }`, { ids: ['MO:trade-balance'] });
    expect(viaFragment.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxCost' });
  });
});
