import { readFileSync } from 'node:fs';
import type { WharfConfig } from '../loadConfig.ts';
import { createAuthenticator, type Authenticator } from './authenticate.ts';
import { readTrustedRegistry, type TrustedRegistry } from './trustedRegistry.ts';

/** The authenticator a configured gateway uses: its issuer (if any) and its trusted registry (if any). */
export async function createAuthenticatorFromConfig(config: WharfConfig): Promise<Authenticator> {
  const registry: TrustedRegistry = config.WHARF_TRUSTED_REGISTRY_FILE ? await readTrustedRegistry(config.WHARF_TRUSTED_REGISTRY_FILE) : { orgs: {}, apiKeys: [] };
  const jwt =
    config.WHARF_JWT_ISSUER && config.WHARF_JWT_AUDIENCE && (config.WHARF_JWT_JWKS_URL || config.WHARF_JWT_PUBLIC_KEY_FILE)
      ? {
          issuer: config.WHARF_JWT_ISSUER,
          audience: config.WHARF_JWT_AUDIENCE,
          ...(config.WHARF_JWT_JWKS_URL ? { jwksUrl: config.WHARF_JWT_JWKS_URL } : {}),
          ...(config.WHARF_JWT_PUBLIC_KEY_FILE ? { publicKeyPem: readFileSync(config.WHARF_JWT_PUBLIC_KEY_FILE, 'utf8') } : {}),
          ...(config.WHARF_JWT_ALGORITHM ? { algorithm: config.WHARF_JWT_ALGORITHM } : {}),
          maxTokenAgeSeconds: config.WHARF_JWT_MAX_TOKEN_AGE_SECONDS,
        }
      : undefined;
  return createAuthenticator(jwt, registry);
}
