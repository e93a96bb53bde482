import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { mergePartition, planPartition, type RegionOutcome } from '../../../gateway/partition/partitionEntities.ts';

const batched = parse(`query ($__batch_reps_0: [_Any!]!, $__batch_reps_1: [_Any!]!) {
  _e0: _entities(representations: $__batch_reps_0) { ... on Dataset { distributions { format } } }
  _e1: _entities(representations: $__batch_reps_1) { ... on Dataset { title } }
  __typename
}`);
const rep = (id: unknown) => ({ __typename: 'Dataset', id });
const routes = (region: string) => ['MO', 'CN-GX', 'VN'].includes(region);

function plan(variables: Record<string, unknown>) {
  const outcome = planPartition(batched, variables, undefined, routes);
  if (outcome.kind !== 'plan') throw outcome.error;
  return outcome.plan;
}

describe('planPartition', () => {
  it('slices every representations variable by region prefix, keeping original positions', () => {
    const p = plan({
      __batch_reps_0: [rep('MO:a'), rep('CN-GX:b'), rep('MO:c')],
      __batch_reps_1: [rep('VN:d'), rep('MO:e')],
    });
    expect(p.fields).toEqual([
      { responseKey: '_e0', variableName: '__batch_reps_0' },
      { responseKey: '_e1', variableName: '__batch_reps_1' },
    ]);
    const byRegion = Object.fromEntries(p.slices.map((slice) => [slice.region, slice]));
    expect(Object.keys(byRegion).sort()).toEqual(['CN-GX', 'MO', 'VN']);
    expect(byRegion.MO!.variables).toEqual({ __batch_reps_0: [rep('MO:a'), rep('MO:c')], __batch_reps_1: [rep('MO:e')] });
    expect(byRegion.MO!.positions).toEqual(new Map([['__batch_reps_0', [0, 2]], ['__batch_reps_1', [1]]]));
    // A region with nothing in a list still gets the variable, as an empty list.
    expect(byRegion['CN-GX']!.variables).toEqual({ __batch_reps_0: [rep('CN-GX:b')], __batch_reps_1: [] });
    expect(p.unrouted).toEqual([]);
  });

  it('marks ids without a prefix or of an unrouted region as UNKNOWN_REGION', () => {
    const p = plan({ __batch_reps_0: [rep('XX:a'), rep('no-prefix'), rep(42)], __batch_reps_1: [] });
    expect(p.slices).toEqual([]);
    expect(p.unrouted.map(({ index, code }) => ({ index, code }))).toEqual([
      { index: 0, code: 'UNKNOWN_REGION' },
      { index: 1, code: 'UNKNOWN_REGION' },
      { index: 2, code: 'UNKNOWN_REGION' },
    ]);
  });

  it.each([
    ['a root field other than _entities', 'query { _service { sdl } }'],
    ['a mutation', 'mutation { _entities(representations: $r) { __typename } }'],
    ['representations given inline', 'query { _entities(representations: [{__typename: "Dataset", id: "MO:a"}]) { __typename } }'],
    ['a root fragment', 'query { ...F } fragment F on Query { __typename }'],
  ])('refuses %s with NOT_PARTITIONABLE', (_, source) => {
    const outcome = planPartition(parse(source), { r: [] }, undefined, routes);
    expect(outcome.kind).toBe('refused');
    if (outcome.kind === 'refused') expect(outcome.error.extensions.code).toBe('NOT_PARTITIONABLE');
  });
});

describe('mergePartition', () => {
  it('reassembles each list in the original order and answers __typename itself', () => {
    const p = plan({ __batch_reps_0: [rep('MO:a'), rep('CN-GX:b'), rep('MO:c')], __batch_reps_1: [rep('MO:e')] });
    const outcomes = new Map<string, RegionOutcome>([
      ['MO', { kind: 'answered', result: { data: { _e0: [{ distributions: ['a'] }, { distributions: ['c'] }], _e1: [{ title: 'e' }] } } }],
      ['CN-GX', { kind: 'answered', result: { data: { _e0: [{ distributions: ['b'] }], _e1: [] } } }],
    ]);
    expect(mergePartition(p, outcomes)).toEqual({
      data: {
        __typename: 'Query',
        _e0: [{ distributions: ['a'] }, { distributions: ['b'] }, { distributions: ['c'] }],
        _e1: [{ title: 'e' }],
      },
    });
  });

  it('re-paths region errors to the original index and tags them with the region', () => {
    const p = plan({ __batch_reps_0: [rep('CN-GX:b'), rep('MO:a'), rep('MO:c')], __batch_reps_1: [] });
    const outcomes = new Map<string, RegionOutcome>([
      ['MO', { kind: 'answered', result: { data: { _e0: [{ x: 1 }, null], _e1: [] }, errors: [{ message: 'nope', path: ['_e0', 1, 'distributions'], extensions: { code: 'WRONG_REGION' } }] as never } }],
      ['CN-GX', { kind: 'answered', result: { data: { _e0: [{ x: 0 }], _e1: [] } } }],
    ]);
    const merged = mergePartition(p, outcomes);
    expect(merged.data).toEqual({ __typename: 'Query', _e0: [{ x: 0 }, { x: 1 }, null], _e1: [] });
    expect(merged.errors?.map((error) => ({ message: error.message, path: error.path, extensions: error.extensions }))).toEqual([
      { message: 'nope', path: ['_e0', 2, 'distributions'], extensions: { code: 'WRONG_REGION', region: 'MO' } },
    ]);
  });

  it('nulls a failed region\'s entities with one coded error each and keeps the other regions\' data', () => {
    const p = plan({ __batch_reps_0: [rep('MO:a'), rep('VN:b'), rep('XX:z')], __batch_reps_1: [rep('VN:c')] });
    const outcomes = new Map<string, RegionOutcome>([
      ['MO', { kind: 'answered', result: { data: { _e0: [{ ok: 'a' }], _e1: [] } } }],
      ['VN', { kind: 'failed', code: 'REGION_UNAVAILABLE', message: 'Region VN could not be reached.' }],
    ]);
    const merged = mergePartition(p, outcomes);
    expect(merged.data).toEqual({ __typename: 'Query', _e0: [{ ok: 'a' }, null, null], _e1: [null] });
    expect(merged.errors?.map((error) => [error.path, error.extensions.code, error.extensions.region])).toEqual([
      [['_e0', 2], 'UNKNOWN_REGION', undefined],
      [['_e0', 1], 'REGION_UNAVAILABLE', 'VN'],
      [['_e1', 0], 'REGION_UNAVAILABLE', 'VN'],
    ]);
  });

  it('turns a region answer without data into REGION_ERROR for each of its entities', () => {
    const p = plan({ __batch_reps_0: [rep('MO:a')], __batch_reps_1: [] });
    const merged = mergePartition(p, new Map([['MO', { kind: 'answered', result: { errors: [{ message: 'Cannot query field "x"' }] as never } }]]));
    expect(merged.data).toEqual({ __typename: 'Query', _e0: [null], _e1: [] });
    expect(merged.errors?.[0]?.message).toBe('Region MO failed the fetch: Cannot query field "x"');
    expect(merged.errors?.[0]?.extensions).toEqual({ code: 'REGION_ERROR', region: 'MO' });
  });
});
