import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JwtOptions } from '../identity/authenticate.ts';

const dir = fileURLToPath(new URL('./identity/', import.meta.url));

/** When the committed demo tokens were issued (`iat`) and when they expire (`exp`), in seconds since the epoch. */
export const demoTokensIssuedAt = Date.UTC(2026, 0, 1) / 1000;
export const demoTokensExpireAt = Date.UTC(2036, 0, 1) / 1000;

/**
 * The demo issuer: `npm start` trusts it when no issuer is configured. Never
 * for production. Its tokens are accepted for their whole ten-year life (a
 * deployment's default is a day after `iat`) so the committed ones keep
 * working in the README and the tests; a shorter bound would protect
 * nothing here, since the demo's private key is public.
 */
export const demoIssuer: JwtOptions & { issuer: string; audience: string } = {
  issuer: 'https://issuer.demo.wharf.invalid',
  audience: 'wharf',
  algorithm: 'ES256',
  publicKeyPem: readFileSync(`${dir}jwt-es256-public.pem`, 'utf8'),
  maxTokenAgeSeconds: demoTokensExpireAt - demoTokensIssuedAt,
};
export const demoRegistryPath = `${dir}trusted-registry.yaml`;
/** The environment that makes `wharf gateway` trust the demo issuer and registry (for benchmarks and soaks). */
export const demoIdentityEnv = {
  WHARF_JWT_ISSUER: demoIssuer.issuer,
  WHARF_JWT_AUDIENCE: demoIssuer.audience,
  WHARF_JWT_PUBLIC_KEY_FILE: `${dir}jwt-es256-public.pem`,
  WHARF_JWT_ALGORITHM: 'ES256',
  WHARF_JWT_MAX_TOKEN_AGE_SECONDS: String(demoIssuer.maxTokenAgeSeconds),
  WHARF_TRUSTED_REGISTRY_FILE: demoRegistryPath,
};
export const demoTokensPath = `${dir}tokens.json`;
/** The demo portal's API key (its SHA-256 is in the registry). */
export const demoPortalApiKey = 'wharf-demo-portal-key-0001';
