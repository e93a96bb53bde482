import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RegionEntry } from '../../schema/regionEntry.ts';
import { signedRequestHeader, signRegionRequest } from '../../schema/signedRequest.ts';
import { freeLoopbackPort } from '../../subgraphs/shared/listen.ts';
import { fixtureGatewayKeys } from './fixtureRegions.ts';
import { wharfBin } from './runWharf.ts';

/** A `wharf catalogue` process, started as an operator starts it. */
export interface CatalogueProcess {
  readonly name: string;
  readonly origin: string;
  readonly child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** `kill -9`: no shutdown of any kind. */
  kill9(): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

export interface CatalogueCluster extends AsyncDisposable {
  /** The harvest key's public half, which the regions must trust. */
  readonly harvesterPublicKey: import('node:crypto').KeyObject;
  /** Starts one more replica named `name`; resolves once it listens. */
  start(name: string, extraEnv?: Record<string, string>): Promise<CatalogueProcess>;
  /** Writes the registry file the replicas seed the stored registry with. */
  writeRegions(regions: readonly RegionEntry[]): Promise<void>;
}

/**
 * Real `wharf catalogue` processes on one database schema, each with its own
 * port, for crash tests: they are killed with SIGKILL by their own pid.
 */
export async function createCatalogueCluster(env: Record<string, string>): Promise<CatalogueCluster> {
  const folder = await mkdtemp(join(tmpdir(), 'wharf-catalogue-'));
  const harvest = generateKeyPairSync('ed25519');
  await writeFile(join(folder, 'catalogue.pem'), harvest.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(join(folder, 'gateway.pub.pem'), fixtureGatewayKeys.publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(join(folder, 'regions.yaml'), '[]\n');
  const processes = new Set<CatalogueProcess>();

  async function start(name: string, extraEnv: Record<string, string> = {}): Promise<CatalogueProcess> {
    const port = await freeLoopbackPort();
    const child = spawn(
      process.execPath,
      [wharfBin, 'catalogue', '--regions', join(folder, 'regions.yaml'), '--harvest-key', join(folder, 'catalogue.pem'), '--gateway-key', join(folder, 'gateway.pub.pem'), '--port', String(port)],
      { env: { ...process.env, ...env, WHARF_CATALOGUE_REPLICA_NAME: name, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (output.includes('Wharf catalogue at')) {
          clearInterval(check);
          resolve();
        }
      }, 50);
      void exited.then(() => {
        clearInterval(check);
        reject(new Error(`wharf catalogue ${name} exited before it listened:\n${output}`));
      });
    });
    const handle: CatalogueProcess = {
      name,
      origin: `http://127.0.0.1:${port}`,
      child,
      output: () => output,
      async kill9() {
        process.kill(child.pid!, 'SIGKILL');
        await exited;
        processes.delete(handle);
      },
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        }
        processes.delete(handle);
      },
    };
    processes.add(handle);
    return handle;
  }

  return {
    harvesterPublicKey: harvest.publicKey,
    start,
    async writeRegions(regions) {
      await writeFile(join(folder, 'regions.yaml'), stringify(regions.map(({ code, name, url }) => ({ code, name, url }))));
    },
    async [Symbol.asyncDispose]() {
      await Promise.all([...processes].map((each) => each.stop()));
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** POSTs an operation to a catalogue replica as its gateway does: signed for the audience `catalogue`, for an anonymous consumer. */
export async function queryCatalogue<T = any>(origin: string, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: T; errors?: unknown[] }> {
  const body = JSON.stringify({ query, variables });
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [signedRequestHeader]: signRegionRequest(fixtureGatewayKeys.privateKey, { region: 'catalogue', method: 'POST', target: '/graphql', body }) },
    body,
  });
  return (await response.json()) as { data?: T; errors?: unknown[] };
}

/** What a replica holds of `ids`: each id's revision, or null when it has no such dataset. */
export async function revisionsAt(origin: string, ids: readonly string[]): Promise<Map<string, string | null>> {
  const held = new Map<string, string | null>();
  for (let start = 0; start < ids.length; start += 100) {
    const batch = ids.slice(start, start + 100);
    const answer = await queryCatalogue<{ datasets: ({ id: string; revision: string } | null)[] }>(origin, 'query ($ids: [ID!]!) { datasets(ids: $ids) { id revision } }', { ids: batch });
    if (!answer.data) throw new Error(`The catalogue at ${origin} answered ${JSON.stringify(answer.errors)}`);
    answer.data.datasets.forEach((dataset, i) => held.set(batch[i]!, dataset?.revision ?? null));
  }
  return held;
}
