import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { closeHttpServer } from '../../subgraphs/shared/closeHttpServer.ts';
import { listen } from '../../subgraphs/shared/listen.ts';
import { serveApollo, writeJson } from '../../subgraphs/shared/serveApollo.ts';

/*
 * The four federation subgraphs of graphql-hive/graphql-gateways-benchmark
 * (subgraphs/*.rs, async-graphql), ported to @apollo/subgraph with the same
 * data and the same resolver behaviour, quirks included (see SOURCE.md).
 */

const federation = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires", "@provides"])`;

export const benchmarkSubgraphNames = ['accounts', 'inventory', 'products', 'reviews'] as const;
export type BenchmarkSubgraphName = (typeof benchmarkSubgraphNames)[number];

interface User {
  id: string;
  name: string;
  username: string;
  birthday: number;
}
interface Product {
  upc: string;
  name: string;
  price: number;
  weight: number;
}
interface Review {
  id: string;
  body: string;
  product: { upc: string };
}

export const users: readonly User[] = [
  { id: '1', name: 'Uri Goldshtein', username: 'urigo', birthday: 1234567890 },
  { id: '2', name: 'Dotan Simha', username: 'dotansimha', birthday: 1234567890 },
  { id: '3', name: 'Kamil Kisiela', username: 'kamilkisiela', birthday: 1234567890 },
  { id: '4', name: 'Arda Tanrikulu', username: 'ardatan', birthday: 1234567890 },
  { id: '5', name: 'Gil Gardosh', username: 'gilgardosh', birthday: 1234567890 },
  { id: '6', name: 'Laurin Quast', username: 'laurin', birthday: 1234567890 },
];

/** `inventory.rs`: only `inStock` is known here; price and weight are None in the table. */
export const inventory: readonly { upc: string; inStock: boolean }[] = [
  { upc: '1', inStock: true },
  { upc: '2', inStock: false },
  { upc: '3', inStock: false },
  { upc: '4', inStock: false },
  { upc: '5', inStock: true },
  { upc: '6', inStock: true },
  { upc: '7', inStock: true },
  { upc: '8', inStock: false },
  { upc: '9', inStock: true },
];

export const products: readonly Product[] = [
  { upc: '1', name: 'Table', price: 899, weight: 100 },
  { upc: '2', name: 'Couch', price: 1299, weight: 1000 },
  { upc: '3', name: 'Glass', price: 15, weight: 20 },
  { upc: '4', name: 'Chair', price: 499, weight: 100 },
  { upc: '5', name: 'TV', price: 1299, weight: 1000 },
  { upc: '6', name: 'Lamp', price: 6999, weight: 300 },
  { upc: '7', name: 'Grill', price: 3999, weight: 2000 },
  { upc: '8', name: 'Fridge', price: 100000, weight: 6000 },
  { upc: '9', name: 'Sofa', price: 9999, weight: 800 },
];

const lorem =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.';
const sedUt =
  'Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore veritatis et quasi architecto beatae vitae dicta sunt explicabo. Nemo enim ipsam voluptatem quia voluptas sit aspernatur aut odit aut fugi';
const sedQuia =
  'sed quia consequuntur magni dolores eos qui ratione voluptatem sequi nesciunt. Neque porro quisquam est, qui dolorem ipsum quia dolor sit amet, consectetur, adipisci velit, sed quia non numquam eius modi tempora incidunt ut labore et dolore magnam aliquam quaerat voluptatem.';
const utEnim = 'Ut enim ad minima veniam, quis nostrum exercitationem ullam corporis suscipit laboriosam, nisi ut aliquid ex ea commodi consequatur? Quis autem';
const atVero =
  'At vero eos et accusamus et iusto odio dignissimos ducimus qui blanditiis praesentium voluptatum deleniti atque corrupti quos dolores et quas molestias excepturi sint occaecati cupiditate non provident, similique sunt in culpa qui officia deserunt mollitia animi, id est laborum et dolorum fuga. Et harum quidem rerum facilis est et expedita distinctio. Nam libero tempore, cum soluta nobis est eligendi optio cumque nihil impedit quo minus id quod maxime placeat facere possimus, omnis voluptas assumenda est, omnis dolor repellendus. Temporibus autem quibusdam et aut officiis debitis aut rerum necessitatibus saepe eveniet ut et voluptates repudiandae sint et molestiae non recusandae. Itaque earum rerum hic tenetur a sapiente delectus, ut aut reiciendis voluptatibus maiores alias consequatur aut perferendis doloribus asperiores repellat.';

export const reviews: readonly Review[] = [
  { id: '1', body: lorem, product: { upc: '1' } },
  { id: '2', body: sedUt, product: { upc: '1' } },
  { id: '3', body: sedQuia, product: { upc: '1' } },
  { id: '4', body: utEnim, product: { upc: '1' } },
  { id: '5', body: lorem, product: { upc: '2' } },
  { id: '6', body: sedUt, product: { upc: '2' } },
  { id: '7', body: sedQuia, product: { upc: '2' } },
  { id: '8', body: utEnim, product: { upc: '2' } },
  { id: '9', body: utEnim, product: { upc: '3' } },
  { id: '10', body: utEnim, product: { upc: '4' } },
  { id: '11', body: atVero, product: { upc: '4' } },
];

/** `reviews.rs` gives every user, and every review's author, the first two reviews. */
const firstTwoReviews = reviews.slice(0, 2);

/**
 * `inventory.rs`: shipping is free over 1000, else half the weight. Its
 * entity resolver reads only `upc` and takes price and weight from its own
 * table, where both are None, so the estimate is always null — the public
 * benchmark's expected answer has `shippingEstimate: null` everywhere.
 */
function shippingEstimate(product: { price: number | null; weight: number | null }): number | null {
  if (product.price === null) return null;
  if (product.price > 1000) return 0;
  return product.weight === null ? null : Math.trunc(product.weight / 2);
}

const subgraphs: Record<BenchmarkSubgraphName, { typeDefs: string; resolvers: Record<string, Record<string, unknown>> }> = {
  accounts: {
    typeDefs: `${federation}
      type Query {
        me: User
        user(id: ID!): User
        users: [User]
      }
      type User @key(fields: "id") {
        id: ID!
        name: String
        username: String
        birthday: Int
      }`,
    resolvers: {
      Query: {
        me: () => users[0],
        user: (_: unknown, { id }: { id: string }) => users.find((user) => user.id === id) ?? null,
        users: () => users,
      },
      User: { __resolveReference: ({ id }: { id: string }) => users.find((user) => user.id === id) ?? null },
    },
  },
  inventory: {
    typeDefs: `${federation}
      type Product @key(fields: "upc") {
        upc: String!
        weight: Int @external
        price: Int @external
        inStock: Boolean
        shippingEstimate: Int @requires(fields: "price weight")
      }`,
    resolvers: {
      Product: {
        __resolveReference: ({ upc }: { upc: string }) => {
          const item = inventory.find((entry) => entry.upc === upc);
          return item ? { ...item, price: null, weight: null } : null;
        },
        shippingEstimate,
      },
    },
  },
  products: {
    typeDefs: `${federation}
      type Query {
        topProducts(first: Int = 5): [Product]
      }
      type Product @key(fields: "upc") {
        upc: String!
        name: String
        price: Int
        weight: Int
      }`,
    resolvers: {
      Query: { topProducts: (_: unknown, { first }: { first?: number | null }) => products.slice(0, first ?? 5) },
      Product: { __resolveReference: ({ upc }: { upc: string }) => products.find((product) => product.upc === upc) ?? null },
    },
  },
  reviews: {
    typeDefs: `${federation}
      type Review @key(fields: "id") {
        id: ID!
        body: String
        product: Product
        author: User @provides(fields: "username")
      }
      type User @key(fields: "id") {
        id: ID!
        username: String @external
        reviews: [Review]
      }
      type Product @key(fields: "upc") {
        upc: String!
        reviews: [Review]
      }`,
    resolvers: {
      Review: {
        __resolveReference: ({ id }: { id: string }) => reviews.find((review) => review.id === id) ?? null,
        author: () => ({ id: '1', username: 'urigo', reviews: firstTwoReviews }),
      },
      User: { __resolveReference: ({ id }: { id: string }) => ({ id, username: 'user', reviews: firstTwoReviews }) },
      Product: {
        __resolveReference: ({ upc }: { upc: string }) => ({ upc }),
        reviews: ({ upc }: { upc: string }) => reviews.filter((review) => review.product.upc === upc),
      },
    },
  },
};

/** The SDL each subgraph serves, for composition. */
export function benchmarkSubgraphSdl(name: BenchmarkSubgraphName): string {
  return subgraphs[name].typeDefs;
}

/**
 * Composes the four subgraphs, served under `origin` (`${origin}/accounts`,
 * …) as the original serves them on one port, into supergraph SDL.
 */
export function composeBenchmarkSupergraph(origin: string): string {
  const result = composeServices(
    benchmarkSubgraphNames.map((name) => ({ name, url: `${origin}/${name}`, typeDefs: parse(subgraphs[name].typeDefs) })),
  );
  if (compositionHasErrors(result)) {
    throw new Error(`The benchmark subgraphs do not compose:\n${result.errors.map((error) => `  - ${error.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}

export interface BenchmarkSubgraphsOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** Wait before answering each request, as the original's `SUBGRAPH_DELAY_MS`. @default 0 */
  delayMs?: number;
}

export interface BenchmarkSubgraphs extends AsyncDisposable {
  /** `http://host:port`; each subgraph is at `${origin}/<name>`. */
  readonly origin: string;
  readonly httpServer: Server;
}

/** Serves the four subgraphs on one port, each under its own path, as the original does. */
export async function serveBenchmarkSubgraphs(options: BenchmarkSubgraphsOptions = {}): Promise<BenchmarkSubgraphs> {
  const { host = '127.0.0.1', port = 0, delayMs = 0 } = options;
  const servers = new Map<string, ApolloServer>();
  for (const name of benchmarkSubgraphNames) {
    const { typeDefs, resolvers } = subgraphs[name];
    const server = new ApolloServer({
      schema: buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers: resolvers as never }),
      // The original subgraphs trace nothing; neither do these, whatever a gateway asks.
      plugins: [ApolloServerPluginInlineTraceDisabled()],
      // Behind a gateway: no CSRF preflight rule.
      csrfPrevention: false,
    });
    await server.start();
    servers.set(`/${name}`, server);
  }
  const context = async () => ({});
  const httpServer = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    if (path === '/health') return writeJson(response, 200, { status: 'ok' });
    const server = servers.get(path);
    if (!server) return writeJson(response, 404, { errors: [{ message: `No subgraph at ${path}.` }] });
    const handle = () => serveApollo(server, request, response, context);
    (delayMs > 0 ? sleep(delayMs).then(handle) : handle()).catch((error: unknown) => {
      if (!response.headersSent) writeJson(response, 500, { errors: [{ message: (error as Error).message }] });
      else response.destroy();
    });
  });
  // The original (axum) never closes an idle keep-alive connection. Node's 5 s
  // default races clients that reuse a connection idle while another gateway
  // is measured ("socket hang up"), an error of the set-up, not of a gateway.
  httpServer.keepAliveTimeout = 0;
  const origin = await listen(httpServer, port, host);
  return {
    origin,
    httpServer,
    async [Symbol.asyncDispose]() {
      await closeHttpServer(httpServer);
      for (const server of servers.values()) await server.stop();
    },
  };
}
