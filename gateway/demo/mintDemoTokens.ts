/**
 * Mints the demo consumer tokens (gateway/demo/identity/tokens.json) with the
 * demo issuer's key. Each shows one kind of access answer in the demo.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importPKCS8, SignJWT } from 'jose';
import { demoIssuer, demoTokensExpireAt, demoTokensIssuedAt } from './demoIdentity.ts';

const dir = fileURLToPath(new URL('./identity/', import.meta.url));
const key = await importPKCS8(readFileSync(`${dir}jwt-es256-private.pem`, 'utf8'), 'ES256');

export const demoConsumers = {
  'macao-statistician': { sub: 'mo-analyst-01', org: 'macao-dsec', jurisdiction: 'MO', roles: ['analyst'], purpose: 'statistics' },
  'macao-health-researcher': { sub: 'mo-health-07', org: 'macao-health-bureau', jurisdiction: 'MO', roles: ['health-researcher'], purpose: 'public-health' },
  'gba-logistics-analyst': { sub: 'gd-logistics-3', org: 'guangdong-gba-logistics', jurisdiction: 'MO', roles: ['analyst'], purpose: 'statistics' },
  'guangxi-official': { sub: 'gx-official-2', org: 'guangxi-statistics-bureau', jurisdiction: 'CN-GX', roles: ['official', 'customs-official', 'port-authority'], purpose: 'statistics' },
  'singapore-researcher': { sub: 'sg-res-12', org: 'sg-health-research-institute', jurisdiction: 'SG', roles: ['health-researcher'], purpose: 'research' },
  'hanoi-researcher': { sub: 'vn-res-5', org: 'hanoi-medical-university', jurisdiction: 'VN', roles: ['health-researcher'], purpose: 'public-health' },
} as const;

const tokens: Record<string, string> = {};
for (const [name, claims] of Object.entries(demoConsumers)) {
  tokens[name] = await new SignJWT({ ...claims, roles: [...claims.roles] })
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer(demoIssuer.issuer)
    .setAudience(demoIssuer.audience)
    .setIssuedAt(demoTokensIssuedAt)
    .setExpirationTime(demoTokensExpireAt)
    .sign(key);
}
writeFileSync(`${dir}tokens.json`, `${JSON.stringify(tokens, null, 2)}\n`);
console.log(`Wrote ${Object.keys(tokens).length} demo tokens to ${dir}tokens.json`);
