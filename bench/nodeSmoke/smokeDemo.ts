/**
 * Starts `wharf demo` (what `npm start` runs) with the given Node binary on free loopback ports, waits
 * until it is ready, runs one search through its GraphQL endpoint, checks the search finds datasets,
 * and stops it with SIGTERM, expecting a clean exit. Exit status 0 when all of that held.
 *
 *   node --import tsx bench/nodeSmoke/smokeDemo.ts /path/to/node
 *
 * bench/nodeSmoke.sh runs it for each Node version the project supports.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const wharfBin = fileURLToPath(new URL('../../bin/wharf.mjs', import.meta.url));
const startBudgetMs = 90_000;
const stopBudgetMs = 20_000;
const searchQuery = 'container throughput';

/** Fails the smoke check with what the demo printed, so CI's log shows why. */
class SmokeFailure extends Error {}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function main(nodeBinary: string | undefined): Promise<number> {
  if (!nodeBinary) {
    console.error('usage: smokeDemo.ts <node binary>');
    return 2;
  }
  // The demo's own defaults, except ports: free ones, so a running `npm start` or another check is no obstacle.
  // Redis is left out so the check needs no server but the demo itself.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('WHARF_') && !name.startsWith('REDIS_')),
  );
  const started = performance.now();
  const demo = spawn(nodeBinary, [wharfBin, 'demo'], {
    env: { ...env, WHARF_PORT: '0', WHARF_REGION_PORT_BASE: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => demo.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  let exitStatus: number | string | undefined;
  void exited.then((status) => (exitStatus = status));
  const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

  try {
    const graphqlUrl = await waitFor('the GraphQL endpoint in its output', () => /GraphQL endpoint\s+(\S+)/.exec(output)?.[1]);
    const origin = new URL(graphqlUrl).origin;
    await waitFor('/ready to answer 200', async () => ((await fetch(`${origin}/ready`).catch(() => undefined))?.status === 200 ? true : undefined));
    const readySeconds = seconds(started);
    const searching = performance.now();
    const hits = await waitFor(`a search for "${searchQuery}" to find datasets`, async () => {
      const count = await search(graphqlUrl);
      return count > 0 ? count : undefined;
    });
    const stopping = performance.now();
    demo.kill('SIGTERM');
    let stopTimer: NodeJS.Timeout | undefined;
    const stopLimit = new Promise<string>((resolve) => (stopTimer = setTimeout(() => resolve('still running'), stopBudgetMs)));
    const status = await Promise.race([exited, stopLimit]);
    clearTimeout(stopTimer);
    if (status !== 0) throw new SmokeFailure(`after SIGTERM the demo ended with ${status}, not exit code 0`);
    console.log(
      `node ${await versionOf(nodeBinary)}: npm start ready in ${readySeconds} s; ` +
        `search "${searchQuery}" found ${hits} datasets in ${seconds(searching)} s; stopped cleanly in ${seconds(stopping)} s`,
    );
    return 0;
  } catch (error) {
    console.error(`node ${await versionOf(nodeBinary)}: smoke check failed: ${(error as Error).message}\n--- demo output ---\n${output}`);
    return 1;
  } finally {
    if (exitStatus === undefined) demo.kill('SIGKILL');
  }

  /** Polls until `probe` gives a value; fails when the demo exits first or the start budget is spent. */
  async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (exitStatus !== undefined) throw new SmokeFailure(`the demo exited (${exitStatus}) while waiting for ${what}`);
      if (performance.now() - started > startBudgetMs) throw new SmokeFailure(`no ${what} within ${startBudgetMs / 1000} s`);
      await sleep(200);
    }
  }
}

/** The number of datasets one search through the gateway reports. */
async function search(graphqlUrl: string): Promise<number> {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'query Smoke($q: String!) { search(query: $q, first: 3) { totalCount edges { node { id title } } } }',
      variables: { q: searchQuery },
    }),
  });
  const body = (await response.json()) as { data?: { search?: { totalCount: number; edges: unknown[] } }; errors?: unknown[] };
  if (!response.ok || body.errors) throw new SmokeFailure(`search answered ${response.status}: ${JSON.stringify(body)}`);
  const found = body.data?.search;
  return found && found.edges.length > 0 ? found.totalCount : 0;
}

function versionOf(nodeBinary: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(nodeBinary, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('error', () => resolve(`${nodeBinary} (did not run)`));
    child.once('exit', () => resolve(text.trim() || nodeBinary));
  });
}

process.exitCode = await main(process.argv[2]);
