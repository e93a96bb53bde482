/**
 * Child process: stock `@apollo/gateway` inside `@apollo/server`'s
 * standalone server, as graphql-gateways-benchmark's
 * gateways/apollo-gateway/index.ts runs it (one process; no cluster on two
 * cores). `node --import tsx bench/gateway/main/apolloGateway.ts --supergraph <file> [--port N]`
 * prints `apollo gateway at <url>` when ready. Set APOLLO_TELEMETRY_DISABLED=1.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const { values } = parseArgs({ options: { supergraph: { type: 'string' }, port: { type: 'string', default: '0' } } });
if (!values.supergraph) {
  console.error('Usage: apolloGateway.ts --supergraph <file> [--port N]');
  process.exit(2);
}
const gateway = new ApolloGateway({ supergraphSdl: readFileSync(values.supergraph, 'utf8') });
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { port: Number(values.port), host: '127.0.0.1' } });
console.log(`apollo gateway at ${url}`);
const stop = () => void server.stop().finally(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
