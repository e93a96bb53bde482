import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serveRegion, type RegionServer } from '../../../subgraphs/region/serveRegion.ts';
import { createFileStore, type FileStore } from '../../../subgraphs/region/store/createFileStore.ts';
import { compileRegionPolicies } from '../../../subgraphs/shared/access/loadRegionPolicies.ts';
import { fixtureGatewayKeys } from '../../support/fixtureRegions.ts';
import { signedRegionFetch } from '../../support/signedRegionFetch.ts';

const dataset = (title: string) => `language: en\ntitle: ${title}\ndescription: About ${title}.\n`;

describe('change feed (GET /changes)', () => {
  let folder: string;
  let store: FileStore;
  let server: RegionServer;
  const changes = async (query = '') => {
    const response = await signedRegionFetch(server, `/changes${query}`);
    return { status: response.status, body: await response.json() };
  };

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'wharf-feed-'));
    await writeFile(join(folder, 'a.yaml'), dataset('A'));
    await writeFile(join(folder, 'b.yaml'), dataset('B'));
    await writeFile(join(folder, 'c.yaml'), dataset('C'));
    store = await createFileStore({ region: 'VN', folder, pollIntervalMs: 0 });
    server = await serveRegion({ store, policies: compileRegionPolicies('VN', {}), gatewayPublicKey: fixtureGatewayKeys.publicKey });
  });
  afterEach(async () => {
    await server[Symbol.asyncDispose]();
    await store[Symbol.asyncDispose]();
    await rm(folder, { recursive: true, force: true });
  });

  it('answers a full snapshot with reset when no cursor is given', async () => {
    const { status, body } = await changes();
    expect(status).toBe(200);
    expect(body).toMatchObject({ region: 'VN', reset: true, hasMore: false });
    expect(body.changes.map((change: { op: string; id: string }) => [change.op, change.id])).toEqual([
      ['upsert', 'VN:a'],
      ['upsert', 'VN:b'],
      ['upsert', 'VN:c'],
    ]);
    expect(body.changes[0].dataset).toMatchObject({ id: 'VN:a', revision: body.changes[0].revision, title: [{ lang: 'en', value: 'A' }] });
  });

  it('shows a deleted file as a tombstone and an edited one as a new revision, after the cursor', async () => {
    const first = (await changes()).body;
    await unlink(join(folder, 'b.yaml'));
    await writeFile(join(folder, 'c.yaml'), dataset('C, revised'));
    const { body } = await changes(`?since=${first.cursor}`);
    expect(body.reset).toBe(false);
    expect(body.changes.map((change: { op: string; id: string }) => [change.op, change.id])).toEqual([
      ['upsert', 'VN:c'],
      ['delete', 'VN:b'],
    ]);
    const revised = body.changes.find((change: { id: string }) => change.id === 'VN:c');
    expect(revised.revision).not.toBe(first.changes[2].revision);
    // Nothing new after the new cursor.
    expect((await changes(`?since=${body.cursor}`)).body).toMatchObject({ reset: false, hasMore: false, changes: [] });
  });

  it('pages with limit and a monotonic cursor', async () => {
    const page1 = (await changes('?limit=2')).body;
    expect(page1).toMatchObject({ reset: true, hasMore: true });
    expect(page1.changes).toHaveLength(2);
    const page2 = (await changes(`?limit=2&since=${page1.cursor}`)).body;
    expect(page2).toMatchObject({ hasMore: false });
    expect(page2.changes.map((change: { id: string }) => change.id)).toEqual(['VN:c']);
    expect(Number(page2.cursor.split('.')[1])).toBeGreaterThan(Number(page1.cursor.split('.')[1]));
  });

  it('answers a snapshot again for a cursor of another epoch (a rebuilt store)', async () => {
    const { body } = await changes('?since=0123abcd.2');
    expect(body.reset).toBe(true);
    expect(body.changes).toHaveLength(3);
  });

  it.each([['?limit=0'], ['?limit=abc'], ['?limit=100000']])('refuses %s with 400 and a reason', async (query) => {
    const { status, body } = await changes(query);
    expect(status).toBe(400);
    expect(body.error).toMatch(/"limit" must be a whole number from 1 to 5000/);
  });
});
