import { readFileSync } from 'node:fs';
import { buildASTSchema, parse } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { describe, expect, it } from 'vitest';
import { composeSupergraph, readRegionContract, supergraphPath } from '../../schema/composeSupergraph.ts';

describe('region contract', () => {
  it('has no Query or Mutation fields of its own', () => {
    const schema = buildSubgraphSchema({ typeDefs: parse(readRegionContract()) });
    // A subgraph schema always has the federation root fields; nothing else may be there.
    expect(Object.keys(schema.getQueryType()?.getFields() ?? {}).sort()).toEqual(['_entities', '_service']);
    expect(schema.getMutationType()).toBeUndefined();
    expect(schema.getSubscriptionType()).toBeUndefined();
  });

  it('declares no root type in its SDL', () => {
    const document = parse(readRegionContract());
    const roots = document.definitions.filter(
      (definition) =>
        'name' in definition && ['Query', 'Mutation', 'Subscription'].includes(definition.name?.value ?? ''),
    );
    expect(roots).toEqual([]);
  });
});

describe('supergraph', () => {
  it('is the committed composition of the contracts (run `npm run compose` when this fails)', () => {
    expect(readFileSync(supergraphPath, 'utf8')).toBe(composeSupergraph());
  });

  it('routes Dataset.distributions to the regions and lineage to the catalogue', () => {
    const supergraph = readFileSync(supergraphPath, 'utf8');
    expect(() => buildASTSchema(parse(supergraph))).not.toThrow();
    expect(supergraph).toMatch(/distributions: \[Distribution!\] @join__field\(graph: REGIONS\)/);
    expect(supergraph).toMatch(/upstream: \[LineageNode\]! @join__field\(graph: CATALOGUE\)/);
  });
});
