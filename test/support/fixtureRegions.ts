import { freeLoopbackPort } from '../../subgraphs/shared/listen.ts';
import { generateKeyPairSync } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RegionEntry } from '../../schema/regionEntry.ts';
import { startWharf, type Wharf, type WharfOptions } from '../../gateway/startWharf.ts';
import { serveRegion, type RegionServer } from '../../subgraphs/region/serveRegion.ts';
import { createFileStore, type FileStore } from '../../subgraphs/region/store/createFileStore.ts';
import { loadRegionPolicies } from '../../subgraphs/shared/access/loadRegionPolicies.ts';
import { createAuthenticator } from '../../gateway/identity/authenticate.ts';
import { readTrustedRegistry } from '../../gateway/identity/trustedRegistry.ts';
import { demoIssuer, demoRegistryPath } from '../../gateway/demo/demoIdentity.ts';
import { createLineageProducers, producerKeyHash } from '../../subgraphs/region/lineage/lineageProducers.ts';

/** The key pair fixture gateways sign consumers with; fixture regions trust its public half. */
export const fixtureGatewayKeys = generateKeyPairSync('ed25519');

/** The OpenLineage producer every fixture region takes events from (`Authorization: Bearer <key>`), and the namespaces it may write. */
export const fixtureLineageProducer = { key: 'fixture-lineage-producer-key-0001', namespaces: ['dsec', 'postgres://gx-internal:5432'] } as const;
const fixtureLineageProducers = createLineageProducers([
  { name: 'fixture-etl', sha256: producerKeyHash(fixtureLineageProducer.key), namespaces: [...fixtureLineageProducer.namespaces] },
]);

export const fixtureRegionsDir = fileURLToPath(new URL('../fixtures/regions/', import.meta.url));
export const fixtureRegionCodes = ['CN-GX', 'MO', 'VN'] as const;

const names: Record<string, string> = { 'CN-GX': 'Guangxi', MO: 'Macao', VN: 'Viet Nam' };

export interface FixtureRegion {
  store: FileStore;
  server: RegionServer;
  folder: string;
}

export interface FixtureWharf extends AsyncDisposable {
  wharf: Wharf;
  regions: Map<string, FixtureRegion>;
  /** Temporary copy of the fixture folders, safe to edit. */
  dataDir: string;
  /** POSTs a GraphQL operation to the gateway and returns the parsed body. */
  /** POSTs a GraphQL operation (as `token`'s consumer, when given) and returns the parsed body. */
  query(query: string, variables?: Record<string, unknown>, token?: string): Promise<{ data?: any; errors?: any[] }>;
}

/**
 * The fixture regions (copied to a temporary folder so a test may edit
 * them), each served on a free loopback port, behind a gateway on another.
 * `extraRegions` adds registry entries with no fixture server (a region that
 * is down, or a hung one); `registered` names the fixture regions the
 * gateway knows at start (default: all; the others may register later).
 */
export async function startFixtureWharf(
  options: Partial<WharfOptions> & { extraRegions?: RegionEntry[]; webhookSecret?: string; registered?: readonly string[] } = {},
): Promise<FixtureWharf> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wharf-fixture-'));
  await cp(fixtureRegionsDir, dataDir, { recursive: true });
  const regions = new Map<string, FixtureRegion>();
  for (const code of fixtureRegionCodes) {
    const folder = join(dataDir, code);
    const store = await createFileStore({ region: code, folder, pollIntervalMs: 0 });
    const policies = await loadRegionPolicies(code, folder);
    regions.set(code, { store, server: await serveRegion({ store, policies, gatewayPublicKey: fixtureGatewayKeys.publicKey, lineageProducers: fixtureLineageProducers }), folder });
  }
  const registered = new Set(options.registered ?? fixtureRegionCodes);
  const entries: RegionEntry[] = [
    ...[...regions.values()].filter(({ server }) => registered.has(server.region)).map(({ server }) => ({
      code: server.region,
      name: names[server.region]!,
      url: server.url,
      ...(options.webhookSecret ? { webhookSecret: options.webhookSecret } : {}),
    })),
    ...(options.extraRegions ?? []),
  ];
  const authenticator = await createAuthenticator(demoIssuer, await readTrustedRegistry(demoRegistryPath));
  const wharf = await startWharf({
    harvestIntervalMs: 0,
    logging: false,
    authenticator,
    signingKey: fixtureGatewayKeys.privateKey,
    ...options,
    regions: options.regions ?? entries,
  });
  return {
    wharf,
    regions,
    dataDir,
    async query(query, variables, token) {
      const response = await fetch(wharf.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data?: any; errors?: any[] };
    },
    async [Symbol.asyncDispose]() {
      await wharf[Symbol.asyncDispose]();
      for (const { server, store } of regions.values()) {
        await server[Symbol.asyncDispose]();
        await store[Symbol.asyncDispose]();
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A second gateway replica in front of a fixture's regions, trusting the
 * demo issuer unless `options` says otherwise; the caller disposes it.
 */
export async function startReplicaWharf(fixture: FixtureWharf, options: Partial<WharfOptions> = {}): Promise<Wharf> {
  return startWharf({
    regions: fixture.wharf.catalogue.harvester.states().map((state) => state.region),
    harvestIntervalMs: 0,
    logging: false,
    authenticator: await createAuthenticator(demoIssuer, await readTrustedRegistry(demoRegistryPath)),
    signingKey: fixtureGatewayKeys.privateKey,
    ...options,
  });
}

/** A TCP server that accepts connections and never answers: a hung region. */
export async function startHungServer(): Promise<{ url: string } & AsyncDisposable> {
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback URL where nothing listens: a region that is down. */
export async function unusedLoopbackUrl(): Promise<string> {
  return `http://127.0.0.1:${await freeLoopbackPort()}/graphql`;
}

/**
 * Makes a running region accept requests and never answer them, as a hung
 * process would; returns a function that restores it.
 */
export function hangRegion(server: RegionServer): () => void {
  const listeners = server.httpServer.listeners('request');
  server.httpServer.removeAllListeners('request');
  server.httpServer.on('request', () => undefined);
  return () => {
    server.httpServer.removeAllListeners('request');
    for (const listener of listeners) server.httpServer.on('request', listener as never);
  };
}

/** The fixture name of a region code. */
export const fixtureRegionName = (code: string) => names[code] ?? code;

/**
 * A server that answers `GET /contract` with `sdl` as region `code` (and 404
 * otherwise): a region on another contract version.
 */
export async function startContractServer(code: string, sdl: string): Promise<{ url: string } & AsyncDisposable> {
  const { createServer: createHttpServer } = await import('node:http');
  const server = createHttpServer((request, response) => {
    const body = request.url === '/contract' ? JSON.stringify({ region: code, version: /wharf-contract:\s*(\S+)/.exec(sdl)?.[1] ?? '', sdl }) : '{"error":"not here"}';
    response.writeHead(request.url === '/contract' ? 200 : 404, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
