import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { startSupergraphGateway } from '../../gateway/startSupergraphGateway.ts';
import { serveApollo } from '../../subgraphs/shared/serveApollo.ts';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type Query { port(code: String!): Port }
  type Port @key(fields: "code") { code: String! name: String! }
`);

describe('wharf gateway --supergraph', () => {
  it('serves any Federation 2 supergraph over HTTP subgraphs, with Wharf\'s error masking', async () => {
    const ports: Record<string, string> = { SGSIN: 'Singapore', CNQZH: 'Qinzhou' };
    const server = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs,
        resolvers: {
          Query: {
            port: (_: unknown, { code }: { code: string }) => {
              if (code === 'FAIL') throw new Error('database at postgres://10.0.0.5/ports refused the connection');
              return ports[code] ? { code, name: ports[code] } : null;
            },
          },
        } as never,
      }),
    });
    await server.start();
    const http = createServer((request, response) => void serveApollo(server, request, response, async () => ({})));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
    const composed = composeServices([{ name: 'ports', url, typeDefs }]);
    try {
      await using gateway = await startSupergraphGateway({ supergraphSdl: composed.supergraphSdl!, port: 0, logging: false });
      const ask = async (code: string) =>
        (await fetch(`${gateway.origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ port(code: "${code}") { code name } }` }) })).json();
      expect(await ask('CNQZH')).toEqual({ data: { port: { code: 'CNQZH', name: 'Qinzhou' } } });
      const failed = await ask('FAIL');
      expect(failed.data).toEqual({ port: null });
      expect(failed.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(failed)).not.toContain('postgres://');
      expect((await fetch(`${gateway.origin}/health`)).status).toBe(200);
    } finally {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await server.stop();
    }
  });
});
