import { readFileSync } from 'node:fs';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { webhookPath, webhookRequest } from '../../schema/harvestWebhook.ts';
import { demoPortalApiKey, demoTokensPath } from '../../gateway/demo/demoIdentity.ts';
import { fixtureGatewayKeys, startFixtureWharf, unusedLoopbackUrl, type FixtureWharf } from '../support/fixtureRegions.ts';

const adminToken = 'admin-secret-7f3c9a1e5b2d4f6a8c0e1b3d5f7a9c2e';
const webhookSecret = 'webhook-secret-4b6d8f0a2c4e6a8b0d2f4a6c';
const tokens = JSON.parse(readFileSync(demoTokensPath, 'utf8')) as Record<string, string>;
const issuerKeyPem = readFileSync(new URL('../../gateway/demo/identity/jwt-es256-private.pem', import.meta.url), 'utf8');
/** The body of a PEM, the part that is the secret. */
const pemBody = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

/**
 * Every line written while the gateway ran: the runtime's logger (at debug),
 * Wharf's own structured lines, and anything else on stdout or stderr.
 */
function captureLogs(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const record = (...args: unknown[]) => lines.push(args.map((arg) => (typeof arg === 'string' ? arg : arg instanceof Error ? `${arg.message}\n${arg.stack}` : JSON.stringify(arg))).join(' '));
  const spies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((method) => vi.spyOn(console, method).mockImplementation(record));
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (record(String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (record(String(chunk)), true));
  return {
    lines,
    restore: () => {
      for (const spy of [...spies, stdout, stderr]) spy.mockRestore();
    },
  };
}

describe('secrets in logs', () => {
  let wharf: FixtureWharf;
  let logs: ReturnType<typeof captureLogs>;
  let requests = 0;

  beforeAll(async () => {
    logs = captureLogs();
    wharf = await startFixtureWharf({ logging: 'debug', adminToken, webhookSecret, extraRegions: [{ code: 'SG', name: 'Down', url: await unusedLoopbackUrl(), webhookSecret }] });
  });
  afterAll(async () => {
    await wharf[Symbol.asyncDispose]();
    logs.restore();
  });

  const send = async (path: string, init: RequestInit = {}) => {
    requests += 1;
    const response = await fetch(`${wharf.wharf.origin}${path}`, init);
    await response.text();
    return response.status;
  };
  const graphql = (query: string, headers: Record<string, string> = {}) =>
    send('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });

  it('writes no admin token, webhook secret, API key, bearer token or private key to any log line, whatever the requests', async () => {
    const distributions = '{ dataset(id: "MO:trade-balance") { id distributions { accessUrl } access { decision } } }';
    const expired = await new SignJWT({ jurisdiction: 'MO' })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer('https://issuer.demo.wharf.invalid')
      .setAudience('wharf')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(createPrivateKey(issuerKeyPem));
    const foreign = await new SignJWT({}).setProtectedHeader({ alg: 'EdDSA' }).setIssuer('https://elsewhere.invalid').sign(generateKeyPairSync('ed25519').privateKey);
    const statuses = [
      await graphql(distributions),
      await graphql(distributions, { authorization: `Bearer ${tokens['macao-health-researcher']}` }),
      await graphql(distributions, { 'x-api-key': demoPortalApiKey }),
      await graphql('{ regions { code } }', { authorization: `Bearer ${expired}` }),
      await graphql('{ regions { code } }', { authorization: `Bearer ${foreign}` }),
      await graphql('{ regions { code } }', { authorization: `Bearer ${adminToken}` }),
      await graphql('{ regions { code } }', { 'x-api-key': `${demoPortalApiKey}-wrong` }),
      await graphql('{ dataset(id: "SG:anything") { id distributions { format } } }', { authorization: `Bearer ${tokens['gba-logistics-analyst']}` }),
      await graphql('{ nope }', { authorization: `Bearer ${tokens['macao-health-researcher']}` }),
      await send('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens['macao-health-researcher']}` }, body: '{"query": ' }),
      await send('/admin/regions', { headers: { authorization: `Bearer ${adminToken}` } }),
      await send('/admin/regions', { headers: { authorization: `Bearer ${adminToken.slice(0, -1)}x` } }),
      await send('/admin/regions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ code: 'MY', name: 'Down', url: await unusedLoopbackUrl() }),
      }),
      await send(webhookPath, { method: 'POST', ...webhookRequest('MO', webhookSecret) }),
      await send(webhookPath, { method: 'POST', ...webhookRequest('MO', `${webhookSecret}-forged`) }),
    ];
    await wharf.wharf.catalogue.harvester.harvestAll();
    expect(statuses).toEqual([200, 200, 200, 401, 401, 401, 401, 200, 400, 400, 200, 401, 422, 202, 401]);
    expect(requests).toBe(15);
    // Something was logged: the check below would pass vacuously on a silent gateway.
    expect(logs.lines.length).toBeGreaterThan(10);

    const secrets = {
      adminToken,
      webhookSecret,
      apiKey: demoPortalApiKey,
      researcherToken: tokens['macao-health-researcher']!,
      analystToken: tokens['gba-logistics-analyst']!,
      expiredToken: expired,
      gatewaySigningKey: pemBody(fixtureGatewayKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
      issuerPrivateKey: pemBody(issuerKeyPem),
    };
    const leaks = Object.entries(secrets).flatMap(([name, secret]) => logs.lines.filter((line) => line.includes(secret)).map((line) => `${name}: ${line.slice(0, 200)}`));
    expect(leaks).toEqual([]);
  });
});
