import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { describe, expect, it } from 'vitest';
import { composeBenchmarkSupergraph, serveBenchmarkSubgraphs } from '../../../bench/gateway/benchmarkSubgraphs.ts';
import { heavyQuery, heavyQueryAnswer } from '../../../bench/gateway/heavyQuery.ts';
import { startSupergraphGateway } from '../../../gateway/startSupergraphGateway.ts';

const ask = async (url: string, query: string) =>
  (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).json();

describe('serveBenchmarkSubgraphs', () => {
  it("answers the public benchmark's heavy query through Wharf's gateway exactly as worked out from the data", async () => {
    await using subgraphs = await serveBenchmarkSubgraphs();
    await using gateway = await startSupergraphGateway({ supergraphSdl: composeBenchmarkSupergraph(subgraphs.origin), port: 0, logging: false });
    expect(await ask(`${gateway.origin}/graphql`, heavyQuery)).toEqual(heavyQueryAnswer());
  });

  it('answers the heavy query through stock @apollo/gateway the same way', async () => {
    process.env.APOLLO_TELEMETRY_DISABLED = '1';
    await using subgraphs = await serveBenchmarkSubgraphs();
    const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: composeBenchmarkSupergraph(subgraphs.origin) }) });
    const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
    try {
      expect(await ask(url, heavyQuery)).toEqual(heavyQueryAnswer());
    } finally {
      await server.stop();
    }
  });

  it('keeps the original data quirks: every author is urigo with the first two reviews, and shippingEstimate is null', async () => {
    await using subgraphs = await serveBenchmarkSubgraphs();
    await using gateway = await startSupergraphGateway({ supergraphSdl: composeBenchmarkSupergraph(subgraphs.origin), port: 0, logging: false });
    expect(await ask(`${gateway.origin}/graphql`, '{ topProducts(first: 2) { upc shippingEstimate reviews { id author { id username name reviews { id } } } } }')).toEqual({
      data: {
        topProducts: [
          {
            upc: '1',
            shippingEstimate: null,
            reviews: ['1', '2', '3', '4'].map((id) => ({ id, author: { id: '1', username: 'urigo', name: 'Uri Goldshtein', reviews: [{ id: '1' }, { id: '2' }] } })),
          },
          {
            upc: '2',
            shippingEstimate: null,
            reviews: ['5', '6', '7', '8'].map((id) => ({ id, author: { id: '1', username: 'urigo', name: 'Uri Goldshtein', reviews: [{ id: '1' }, { id: '2' }] } })),
          },
        ],
      },
    });
  });

  it('waits delayMs before each answer when given a delay, as SUBGRAPH_DELAY_MS does', async () => {
    await using subgraphs = await serveBenchmarkSubgraphs({ delayMs: 150 });
    const started = performance.now();
    const answer = await ask(`${subgraphs.origin}/accounts`, '{ me { id username } }');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(answer).toEqual({ data: { me: { id: '1', username: 'urigo' } } });
    expect((subgraphs.httpServer.address() as AddressInfo).address).toBe('127.0.0.1');
  });
});
