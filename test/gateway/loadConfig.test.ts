import { describe, expect, it } from 'vitest';
import { adminTokenOf, ConfigError, loadConfig, requestLimitsOf } from '../../gateway/loadConfig.ts';

describe('loadConfig', () => {
  it('reads request limits and the admin token, with their defaults', () => {
    expect(requestLimitsOf(loadConfig({}))).toEqual({ maxBodyBytes: 1_048_576, maxBatch: 10, maxQueryBytes: 32_768 });
    expect(requestLimitsOf(loadConfig({ WHARF_MAX_BODY_BYTES: '65536', WHARF_MAX_BATCH: '1', WHARF_MAX_QUERY_BYTES: '8192' }))).toEqual({ maxBodyBytes: 65536, maxBatch: 1, maxQueryBytes: 8192 });
    expect(adminTokenOf(loadConfig({}))).toBeUndefined();
    expect(adminTokenOf(loadConfig({ WHARF_ADMIN_TOKEN: 'a'.repeat(32) }))).toBe('a'.repeat(32));
  });

  it('reads the admin token from the first line of WHARF_ADMIN_TOKEN_FILE', () => {
    const config = loadConfig({ WHARF_ADMIN_TOKEN_FILE: '/run/secrets/wharf-admin' });
    expect(adminTokenOf(config, (path) => (path === '/run/secrets/wharf-admin' ? `${'b'.repeat(40)}\n` : ''))).toBe('b'.repeat(40));
    expect(() => adminTokenOf(config, () => 'short\n')).toThrow(
      new ConfigError(['WHARF_ADMIN_TOKEN_FILE="/run/secrets/wharf-admin": its first line must be a token of at least 24 characters']),
    );
  });

  it('reports every bad setting at once, never showing a secret\'s value', () => {
    const problems = (() => {
      try {
        loadConfig({ WHARF_ADMIN_TOKEN: 'too-short-secret', WHARF_ADMIN_TOKEN_FILE: '/x', WHARF_MAX_BATCH: '0', WHARF_MAX_BODY_BYTES: 'lots' });
      } catch (error) {
        return (error as ConfigError).problems;
      }
    })();
    expect(problems).toEqual([
      'WHARF_MAX_BODY_BYTES="lots": Invalid input: expected number, received NaN',
      'WHARF_MAX_BATCH="0": Too small: expected number to be >=1',
      'WHARF_ADMIN_TOKEN=(hidden): must be at least 24 characters (for example `openssl rand -hex 32`)',
    ]);
  });

  it('reads the public origin and the metrics token, refusing a URL that is not an origin', () => {
    expect(loadConfig({ WHARF_PUBLIC_ORIGIN: 'https://data.example.org', WHARF_METRICS_TOKEN: 'm'.repeat(32) })).toMatchObject({ WHARF_PUBLIC_ORIGIN: 'https://data.example.org', WHARF_METRICS_TOKEN: 'm'.repeat(32) });
    expect(() => loadConfig({ WHARF_PUBLIC_ORIGIN: 'https://data.example.org/catalogue', WHARF_METRICS_TOKEN: 'short' })).toThrow(
      new ConfigError([
        'WHARF_PUBLIC_ORIGIN="https://data.example.org/catalogue": must be an origin: scheme, host and optional port, no path or trailing slash (https://data.example.org)',
        'WHARF_METRICS_TOKEN=(hidden): must be at least 24 characters (for example `openssl rand -hex 32`)',
      ]),
    );
  });
});
