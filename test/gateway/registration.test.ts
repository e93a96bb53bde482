import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pinnedContract } from '../../schema/regionContract.ts';
import { readRegionFile } from '../../gateway/readRegionEntries.ts';
import { startContractServer, startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';

const adminToken = 'admin-token-for-tests-0123456789abcdef';
const moQuery = '{ dataset(id: "MO:trade-balance") { id distributions { format } } }';
/** The answer to `moQuery` while MO is not registered: its prefix names a region the gateway does not route. */
const unrouted = (routes: string) => ({
  data: { dataset: null },
  errors: [
    {
      message: `Dataset "MO:trade-balance" names region MO, which this gateway does not route to (it routes ${routes}).`,
      path: ['dataset'],
      extensions: { code: 'UNKNOWN_REGION', region: 'MO', serviceName: 'catalogue' },
    },
  ],
});

describe('region registration', () => {
  let wharf: FixtureWharf | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await wharf?.[Symbol.asyncDispose]();
    wharf = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const admin = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${wharf!.wharf.origin}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${init.token ?? adminToken}`, ...(init.headers as Record<string, string> | undefined) },
    });

  it('routes to and harvests a region registered by an admin call, and forgets it when removed', async () => {
    wharf = await startFixtureWharf({ registered: ['CN-GX', 'VN'], adminToken });
    expect(await wharf.query(moQuery)).toEqual(unrouted('CN-GX, VN'));

    const registered = await admin('/admin/regions', { method: 'POST', body: JSON.stringify({ code: 'MO', name: 'Macao', url: wharf.regions.get('MO')!.server.url }) });
    expect(registered.status).toBe(201);
    expect(await registered.json()).toEqual({ region: { code: 'MO', name: 'Macao', url: wharf.regions.get('MO')!.server.url }, contractVersion: '1.1.0', replaced: false });
    await expect.poll(() => wharf!.query(moQuery), { timeout: 5000 }).toEqual({ data: { dataset: { id: 'MO:trade-balance', distributions: [{ format: 'CSV' }] } } });

    const listed = await (await admin('/admin/regions')).json();
    expect(listed.regions.map((region: { code: string; contractVerified: boolean }) => [region.code, region.contractVerified])).toEqual([
      ['CN-GX', true],
      ['VN', true],
      ['MO', true],
    ]);

    const removed = await admin('/admin/regions/MO', { method: 'DELETE' });
    expect([removed.status, await removed.json()]).toEqual([200, { removed: 'MO' }]);
    expect(await wharf.query(moQuery)).toEqual(unrouted('CN-GX, VN'));
    expect((await wharf.query('{ regions { code } }')).data.regions).toEqual([{ code: 'CN-GX' }, { code: 'VN' }]);
    const again = await admin('/admin/regions/MO', { method: 'DELETE' });
    expect([again.status, await again.json()]).toEqual([404, { code: 'REGION_NOT_REGISTERED', error: 'No region MO is registered.' }]);
  });

  it('answers 401 UNAUTHENTICATED for a wrong or missing credential, and when the admin API is off', async () => {
    wharf = await startFixtureWharf({ registered: ['CN-GX'], adminToken });
    const body = JSON.stringify({ code: 'MO', name: 'Macao', url: wharf.regions.get('MO')!.server.url });
    const wrong = await admin('/admin/regions', { method: 'POST', body, token: 'admin-token-for-tests-0123456789abcdeX' });
    expect([wrong.status, wrong.headers.get('www-authenticate'), await wrong.json()]).toEqual([
      401,
      'Bearer',
      { code: 'UNAUTHENTICATED', error: 'The admin API needs "Authorization: Bearer <admin token>" with the gateway\'s admin token.' },
    ]);
    const missing = await fetch(`${wharf.wharf.origin}/admin/regions`);
    expect(missing.status).toBe(401);
    expect((await wharf.query('{ regions { code } }')).data.regions).toEqual([{ code: 'CN-GX' }]);
    await wharf[Symbol.asyncDispose]();

    wharf = await startFixtureWharf({ registered: ['CN-GX'] });
    const off = await admin('/admin/regions');
    expect([off.status, await off.json()]).toEqual([401, { code: 'UNAUTHENTICATED', error: 'The admin API is off: start the gateway with WHARF_ADMIN_TOKEN or WHARF_ADMIN_TOKEN_FILE.' }]);
  });

  it('refuses a region on an incompatible contract with CONTRACT_INCOMPATIBLE, and changes nothing', async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-registry-'));
    const file = join(dir, 'regions.yaml');
    wharf = await startFixtureWharf({ registered: ['CN-GX'], adminToken });
    // The registry file is what the gateway started from.
    const entries = [{ code: 'CN-GX', name: 'Guangxi', url: wharf.regions.get('CN-GX')!.server.url }];
    await wharf[Symbol.asyncDispose]();
    await writeFile(file, `- { code: CN-GX, name: Guangxi, url: "${entries[0]!.url}" }\n`);
    wharf = await startFixtureWharf({ registered: ['CN-GX'], adminToken, registryFile: { path: file, entries } });
    const before = await readFile(file, 'utf8');

    const { sdl } = pinnedContract();
    await using major = await startContractServer('MO', sdl.replace(/^# wharf-contract: .*$/m, '# wharf-contract: 2.0.0'));
    const refused = await admin('/admin/regions', { method: 'POST', body: JSON.stringify({ code: 'MO', name: 'Macao', url: major.url }) });
    expect([refused.status, await refused.json()]).toEqual([
      422,
      {
        code: 'CONTRACT_INCOMPATIBLE',
        error: 'Region MO does not serve contract 1.1.0: it serves contract 2.0.0; this gateway needs 1.x (1.1.0 or a later minor).',
        problems: ['it serves contract 2.0.0; this gateway needs 1.x (1.1.0 or a later minor)'],
      },
    ]);

    await using missing = await startContractServer('MO', sdl.replace(/^# wharf-contract: .*$/m, '# wharf-contract: 1.3.0').replace(/\n\s*"""\s*How the data can be obtained[\s\S]*?"""\s*distributions: [^\n]*/, '\n'));
    const lacking = await admin('/admin/regions', { method: 'POST', body: JSON.stringify({ code: 'MO', name: 'Macao', url: missing.url }) });
    expect([lacking.status, await lacking.json()]).toMatchObject([422, { code: 'CONTRACT_INCOMPATIBLE', problems: ['Dataset.distributions is missing'] }]);

    const unreachable = await admin('/admin/regions', { method: 'POST', body: JSON.stringify({ code: 'MO', name: 'Macao', url: `${major.url.replace('/graphql', '/nowhere/')}` }) });
    expect([unreachable.status, (await unreachable.json()).code]).toEqual([422, 'CONTRACT_UNAVAILABLE']);

    expect(await readFile(file, 'utf8')).toBe(before);
    expect((await (await admin('/admin/regions')).json()).regions.map((region: { code: string }) => region.code)).toEqual(['CN-GX']);
    expect((await wharf.query('{ regions { code } }')).data.regions).toEqual([{ code: 'CN-GX' }]);
  });

  it('writes registrations to the registry file, which a restarted gateway reads', async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-registry-'));
    const file = join(dir, 'regions.yaml');
    await writeFile(file, '[]\n');
    wharf = await startFixtureWharf({ registered: [], adminToken, registryFile: { path: file, entries: [] } });
    const url = wharf.regions.get('MO')!.server.url;
    const publicKey = (await import('node:crypto')).generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const posted = await admin('/admin/regions', { method: 'POST', body: JSON.stringify({ code: 'MO', name: 'Macao', url, webhookSecretEnv: 'WHARF_REGION_SECRET_MO', webhookPublicKey: publicKey }) });
    expect(posted.status).toBe(201);
    expect(await readRegionFile(file)).toEqual([{ code: 'MO', name: 'Macao', url, webhookSecretEnv: 'WHARF_REGION_SECRET_MO', webhookPublicKey: publicKey }]);

    const bad = await admin('/admin/regions', { method: 'POST', body: JSON.stringify({ code: 'mo', name: '', url: 'ftp://x', extra: 1 }) });
    expect([bad.status, await bad.json()]).toEqual([
      400,
      {
        code: 'BAD_USER_INPUT',
        error:
          'The region is not valid: code: must be an ISO 3166 code such as "MO" or "CN-GX"; name: Too small: expected string to have >=1 characters; url: must be an http:// or https:// URL; (body): Unrecognized key: "extra".',
        problems: [
          'code: must be an ISO 3166 code such as "MO" or "CN-GX"',
          'name: Too small: expected string to have >=1 characters',
          'url: must be an http:// or https:// URL',
          '(body): Unrecognized key: "extra"',
        ],
      },
    ]);

    expect((await admin('/admin/regions/MO', { method: 'DELETE' })).status).toBe(200);
    expect(await readRegionFile(file)).toEqual([]);
  });
});
