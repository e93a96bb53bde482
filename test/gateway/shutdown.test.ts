import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RegionServer } from '../../subgraphs/region/serveRegion.ts';
import { hangRegion, startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';

/** Makes a region answer every request `delayMs` late; counts the requests it has taken. */
function slowRegion(server: RegionServer, delayMs: number): { received: () => number } {
  const listeners = server.httpServer.listeners('request');
  server.httpServer.removeAllListeners('request');
  let received = 0;
  server.httpServer.on('request', (...args) => {
    received += 1;
    setTimeout(() => {
      for (const listener of listeners) (listener as (...a: unknown[]) => void)(...args);
    }, delayMs);
  });
  return { received: () => received };
}

/** Resolves with the error code of a new TCP connection to `origin`, or 'connected'. */
function tryConnect(origin: string): Promise<string> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

const query = (url: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ dataset(id: "MO:trade-balance") { id distributions { format } } }' }),
  });

describe('startWharf shutdown', () => {
  let wharf: FixtureWharf | undefined;
  afterEach(async () => {
    await wharf?.[Symbol.asyncDispose]();
    wharf = undefined;
  });

  it('finishes a request under way while refusing new connections, then stops harvesting and closes resources last', async () => {
    const events: string[] = [];
    let harvests = 0;
    wharf = await startFixtureWharf({
      harvestIntervalMs: 50,
      fetch: (input, init) => {
        if (String(input).includes('/changes')) harvests += 1;
        return fetch(input, init);
      },
      resources: [{ [Symbol.asyncDispose]: async () => void events.push('redis closed') }, { [Symbol.asyncDispose]: async () => void events.push('postgres closed') }],
    });
    wharf.wharf.catalogue.harvester.start();
    expect(wharf.wharf.phase).toBe('started');
    const mo = slowRegion(wharf.regions.get('MO')!.server, 800);

    wharf.wharf.httpServer.on('request', (_request, response) => response.on('finish', () => events.push('in-flight answered')));
    const inFlight = query(wharf.wharf.graphqlUrl).then(async (response) => [response.status, await response.json()]);
    await expect.poll(mo.received, { interval: 10 }).toBe(1);
    const stopped = wharf.wharf[Symbol.asyncDispose]().then(() => events.push('stopped'));
    expect(wharf.wharf.phase).toBe('draining');
    expect(await tryConnect(wharf.wharf.origin)).toBe('ECONNREFUSED');

    expect(await inFlight).toEqual([200, { data: { dataset: { id: 'MO:trade-balance', distributions: [{ format: 'CSV' }] } } }]);
    await stopped;
    expect(wharf.wharf.phase).toBe('stopped');
    expect(events).toEqual(['in-flight answered', 'redis closed', 'postgres closed', 'stopped']);
    const afterStop = harvests;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(harvests).toBe(afterStop);
  });

  it('cuts requests still under way after shutdownTimeoutMs', async () => {
    wharf = await startFixtureWharf({ regionTimeoutMs: 2500, shutdownTimeoutMs: 300 });
    hangRegion(wharf.regions.get('MO')!.server);
    const inFlight = query(wharf.wharf.graphqlUrl).then(
      (response) => response.status,
      (error: Error) => error.name,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await wharf.wharf[Symbol.asyncDispose]();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await inFlight).toBe('TypeError');
  });
});
