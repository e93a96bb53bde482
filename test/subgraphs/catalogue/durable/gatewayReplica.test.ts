import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { iterateDatasets } from '../../../../bench/generateDatasets.ts';
import type { DatasetRecord } from '../../../../schema/datasetRecord.ts';
import { claimLeadership, writeSnapshot } from '../../../../subgraphs/catalogue/durable/harvestWrites.ts';
import { openCatalogueDatabase } from '../../../../subgraphs/catalogue/durable/openCatalogueDatabase.ts';
import { SchemaTooNewError } from '../../../../subgraphs/shared/postgres/migrateSchema.ts';
import { startReplicaWharf, startFixtureWharf, type FixtureWharf } from '../../../support/fixtureRegions.ts';
import { describeWithServers, postgresServer, postgresUrl } from '../../../support/realServers.ts';
import { wharfBin } from '../../../support/runWharf.ts';
import { dropSchema, testSchemaName, waitUntil } from '../../../support/syntheticRegions.ts';

const metricsToken = 'metrics-token-of-at-least-24-chars';

/** Runs `wharf <args>` with `env` added; a non-zero exit is a result. */
async function runWharfWith(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [wharfBin, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

await describeWithServers([postgresServer], 'a gateway whose in-process catalogue is a durable replica', () => {
  const schema = testSchemaName();
  const preloaded = 20_000;
  let fixture: FixtureWharf;

  beforeAll(async () => {
    // A catalogue that already holds many datasets (stored by an earlier leader): a replica loads them at start.
    await using database = await openCatalogueDatabase({ url: postgresUrl, schema, maxConnections: 2 });
    const epoch = await claimLeadership(database, 'earlier');
    const byRegion = new Map<string, DatasetRecord[]>();
    for (const record of iterateDatasets(preloaded, 4)) {
      const region = `Z${record.region.replace(/[^A-Z]/g, '').slice(0, 1)}`;
      const moved = { ...record, region, id: `${region}:${record.identifier}`, lineage: [], access: { ...record.access, residency: region } };
      byRegion.set(region, [...(byRegion.get(region) ?? []), moved]);
    }
    for (const [region, records] of byRegion) await writeSnapshot(database, epoch, { code: region, name: region, url: 'http://127.0.0.1:1/graphql' }, [], records, 'cursor', new Date());
  }, 120_000);
  afterAll(async () => {
    await fixture?.[Symbol.asyncDispose]();
    await dropSchema(schema);
  });

  it('listens at once and answers /ready 503 with its progress until it has applied the stored catalogue, then 200', async () => {
    fixture = await startFixtureWharf({
      harvestIntervalMs: 0,
      metricsToken,
      catalogueDatabase: await openCatalogueDatabase({ url: postgresUrl, schema, maxConnections: 3 }),
      replication: { electionIntervalMs: 100, pollIntervalMs: 200, log: () => undefined },
    });
    const first = await fetch(`${fixture.wharf.origin}/ready`);
    expect(first.status).toBe(503);
    expect(await first.json()).toEqual({
      ready: false,
      reason: expect.stringMatching(/^catching up with the stored catalogue: \d+% applied$/),
      catalogue: { role: 'follower', caughtUp: false, phase: expect.stringMatching(/^(loading snapshot|catching up)$/), appliedPercent: expect.any(Number), database: 'reachable', harvest: 'left to the leader' },
    });
    const ready = await waitUntil(() => fetch(`${fixture.wharf.origin}/ready`), (response) => response.status === 200, { timeoutMs: 60_000, what: '/ready' });
    expect((await ready.json()).ready).toBe(true);
    expect(fixture.wharf.catalogue.index.size()).toBeGreaterThanOrEqual(preloaded);
    // Then it leads (the only replica) and harvests the fixture regions into the same catalogue.
    await waitUntil(() => fixture.query('{ regions { code datasetCount } }'), (answer) => answer.data?.regions.find((region: { code: string }) => region.code === 'VN')?.datasetCount > 0, {
      what: 'the fixture regions to be harvested',
    });
    const health = await (await fetch(`${fixture.wharf.origin}/health`, { headers: { authorization: `Bearer ${metricsToken}` } })).json();
    expect(health).toEqual({ status: 'ok', catalogue: expect.objectContaining({ role: 'leader', database: 'reachable', harvest: 'running', behind: 0 }) });
  });

  it('shares one harvest with a second gateway replica, which loads the catalogue from the database', async () => {
    const second = await startReplicaWharf(fixture, {
      catalogueDatabase: await openCatalogueDatabase({ url: postgresUrl, schema, maxConnections: 3 }),
      replication: { electionIntervalMs: 100, pollIntervalMs: 200, log: () => undefined },
    });
    try {
      await waitUntil(() => fetch(`${second.origin}/ready`), (response) => response.status === 200, { timeoutMs: 60_000, what: "the second replica's /ready" });
      expect(second.catalogue.replication!.status().role).toBe('follower');
      expect(second.catalogue.index.contentVersion).toBe(fixture.wharf.catalogue.index.contentVersion);
    } finally {
      await second[Symbol.asyncDispose]();
    }
  });

  it('refuses to start on a catalogue schema a newer release migrated, saying what to do', async () => {
    const newer = testSchemaName();
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      await (await openCatalogueDatabase({ url: postgresUrl, schema: newer, maxConnections: 1 }))[Symbol.asyncDispose]();
      await client.query(`INSERT INTO "${newer}".schema_migrations (version, name) VALUES (9001, 'from_the_future')`);
      await expect(openCatalogueDatabase({ url: postgresUrl, schema: newer, maxConnections: 1 })).rejects.toBeInstanceOf(SchemaTooNewError);
      const keys = await mkdtemp(join(tmpdir(), 'wharf-keys-'));
      const pair = generateKeyPairSync('ed25519');
      await writeFile(join(keys, 'catalogue.pem'), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
      await writeFile(join(keys, 'gateway.pub.pem'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
      const run = await runWharfWith(
        { WHARF_CATALOGUE_DATABASE_URL: postgresUrl, WHARF_CATALOGUE_DATABASE_SCHEMA: newer },
        'catalogue',
        '--harvest-key',
        join(keys, 'catalogue.pem'),
        '--gateway-key',
        join(keys, 'gateway.pub.pem'),
      );
      await rm(keys, { recursive: true, force: true });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(
        `The catalogue in PostgreSQL schema "${newer}" is at migration 9001, newer than this release of Wharf knows (up to 1): a newer release migrated it. Run that release (or a newer one), or restore a backup taken before the upgrade; Wharf does not start on a schema it does not know.`,
      );
    } finally {
      await client.end();
      await dropSchema(newer);
    }
  });

  it('explains what is missing when a catalogue service or a remote catalogue has no database', async () => {
    const service = await runWharfWith({ WHARF_CATALOGUE_DATABASE_URL: '' }, 'catalogue', '--harvest-key', 'a.pem', '--gateway-key', 'b.pem');
    expect([service.code, service.stderr.trim()]).toEqual([2, 'WHARF_CATALOGUE_DATABASE_URL is required: a catalogue service is one replica of the durable catalogue kept there (postgres://…).']);
    const gateway = await runWharfWith({ WHARF_CATALOGUE_DATABASE_URL: '' }, 'gateway', '--regions', 'r.yaml', '--signing-key', 'k.pem', '--catalogue-url', 'http://127.0.0.1:1/graphql');
    expect([gateway.code, gateway.stderr.trim()]).toEqual([2, '--catalogue-url needs WHARF_CATALOGUE_DATABASE_URL: the region registry and harvest pings are shared with the catalogue service through its database.']);
  });
});
