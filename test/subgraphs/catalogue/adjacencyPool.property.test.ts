import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdjacencyPool } from '../../../subgraphs/catalogue/adjacencyPool.ts';

type Operation = { kind: 'append'; node: number; other: number } | { kind: 'remove'; node: number; pick: number } | { kind: 'renumber' };

const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('append' as const), node: fc.nat(7), other: fc.nat(7) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('remove' as const), node: fc.nat(7), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('renumber' as const) }) },
);

/** The pool's lists read back as arrays of [other, edge]. */
function listsOf(pool: AdjacencyPool, nodeCount: number): [number, number][][] {
  return Array.from({ length: nodeCount }, (_, node) => {
    const pairs: [number, number][] = [];
    for (let at = pool.start[node]! * 2; at < (pool.start[node]! + pool.length[node]!) * 2; at += 2) pairs.push([pool.items[at]!, pool.items[at + 1]!]);
    return pairs;
  });
}

describe('AdjacencyPool (property)', () => {
  it('holds the same lists, in the same order, as an array per node, through growth, moves, compaction and renumbering', () => {
    fc.assert(
      fc.property(fc.array(operationArbitrary, { maxLength: 300 }), (operations) => {
        const nodeCount = 8;
        const pool = new AdjacencyPool(1);
        pool.ensureNodes(nodeCount);
        const reference: [number, number][][] = Array.from({ length: nodeCount }, () => []);
        let nextEdge = 0;
        for (const operation of operations) {
          if (operation.kind === 'append') {
            pool.append(operation.node, operation.other, nextEdge);
            reference[operation.node]!.push([operation.other, nextEdge]);
            nextEdge += 1;
          } else if (operation.kind === 'remove') {
            const list = reference[operation.node]!;
            if (list.length === 0) continue;
            const [, edge] = list.splice(operation.pick % list.length, 1)[0]!;
            pool.remove(operation.node, edge);
          } else {
            // Edges renumbered as a compaction of the edge table does: the edges in use to 0, 1, 2 … (here in reverse order of use).
            const inUse = reference.flat().map(([, edge]) => edge).sort((a, b) => b - a);
            const renumbered = new Int32Array(nextEdge);
            inUse.forEach((edge, at) => (renumbered[edge] = at));
            pool.renumberEdges(renumbered, nodeCount);
            for (const list of reference) for (const pair of list) pair[1] = renumbered[pair[1]]!;
            nextEdge = inUse.length;
          }
        }
        expect(listsOf(pool, nodeCount)).toEqual(reference);
      }),
      { numRuns: 300 },
    );
  });
});
