import { readFileSync } from 'node:fs';
import { defaultOperationLimits } from './limitsPlugin.ts';
import { parseTrustedProxy } from './identity/clientAddress.ts';
import { normaliseRegionHost } from './readRegionEntries.ts';
import { defaultRequestLimits } from './requestLimitsPlugin.ts';
import { z } from 'zod';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const ms = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** A comma-separated list of browser origins (`https://portal.example`), each exactly an origin. */
const origins = z
  .string()
  .transform((text) => text.split(',').map((origin) => origin.trim()).filter(Boolean))
  .pipe(
    z.array(
      z.string().refine((origin) => {
        try {
          return new URL(origin).origin === origin;
        } catch {
          return false;
        }
      }, 'each entry must be an origin: scheme, host and optional port, no path or trailing slash (https://portal.example)'),
    ),
  )
  .default([]);

/** A comma-separated list of proxy addresses and CIDR ranges (`10.0.0.0/8`, `fd00::/8`). */
const proxies = z
  .string()
  .transform((text) => text.split(',').map((entry) => entry.trim()).filter(Boolean))
  .pipe(z.array(z.string().refine((entry) => parseTrustedProxy(entry) !== undefined, 'each entry must be an IP address or a CIDR range (10.0.0.0/8, fd00::/8)')))
  .default([]);

/** A comma-separated list of hosts (`regions.example`, `10.1.2.3`, `*.gov.mo`), normalised as URLs spell them; unset, undefined (any host). */
const regionHosts = z
  .string()
  .transform((text, context) => {
    const hosts = text.split(',').map((entry) => entry.trim()).filter(Boolean);
    const bad = hosts.filter((entry) => normaliseRegionHost(entry) === undefined);
    if (bad.length > 0) context.addIssue({ code: 'custom', message: `${bad.map((entry) => JSON.stringify(entry)).join(', ')}: each entry must be a host name, an IP address or *.domain, without scheme, port or path` });
    return hosts.map((entry) => normaliseRegionHost(entry)!);
  })
  .optional();

/**
 * Every environment variable Wharf reads, with its default. docs/configuration.md
 * lists the same (a test keeps them equal); only `main` code passes `process.env`.
 */
export const configSchema = z.object({
  /** Interface every server listens on. */
  WHARF_HOST: z.string().min(1).default('127.0.0.1'),
  /** Gateway port; 0 picks a free one. */
  WHARF_PORT: port(4000),
  /** First port of the demo regions; each next region takes the next port (0: free ports). */
  WHARF_REGION_PORT_BASE: port(4001),
  /** Pause between harvests of every region. */
  WHARF_HARVEST_INTERVAL_MS: ms(30_000),
  /** One client request's budget for all its region fetches. */
  WHARF_REGION_TIMEOUT_MS: ms(5_000).pipe(z.number().min(1, 'must be at least 1 ms')),
  /** Redis for shared caches; unset runs on in-process defaults. */
  REDIS_URL: z.string().url('must be a redis:// URL such as redis://127.0.0.1:6379').optional(),
  /** Redis Cluster seed nodes, comma-separated `host:port`; takes precedence over REDIS_URL. */
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, 'must be comma-separated host:port pairs such as 127.0.0.1:7000,127.0.0.1:7001')
    .transform((value) => value.split(','))
    .optional(),
  /** Prefix of every key Wharf writes to Redis, so deployments can share a server. */
  WHARF_REDIS_KEY_PREFIX: z.string().min(1).default('wharf:'),
  /** Longest wait for one Redis command before the request goes on without the cache. */
  WHARF_REDIS_TIMEOUT_MS: ms(100).pipe(z.number().min(1, 'must be at least 1 ms')),
  /** Requests a minute per signed-in subject and per anonymous client address (API keys have their own, in the registry). */
  WHARF_CLIENT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Failed authentications a minute per client address; past it, credentials from it are refused unchecked until the minute ends. */
  WHARF_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  /** Proxies in front of the gateway whose `X-Forwarded-For` names the client; none: the header is ignored. */
  WHARF_TRUSTED_PROXIES: proxies,
  /** `off` turns the entity and search caches off (answers are the same, only slower). */
  WHARF_CACHE: z.enum(['on', 'off']).default('on'),
  /** Secret every region signs harvest pings with (`POST /hooks/harvest`); unset turns pings off. */
  WHARF_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** How often each region is fully reconciled (a snapshot instead of changes). */
  WHARF_RECONCILE_INTERVAL_MS: ms(3_600_000),
  /** Bearer tokens: issuer and audience to accept, and where the issuer's keys are (JWKS URL or a PEM file). */
  WHARF_JWT_ISSUER: z.string().min(1).optional(),
  WHARF_JWT_AUDIENCE: z.string().min(1).optional(),
  WHARF_JWT_JWKS_URL: z.string().url('must be the issuer\'s JWKS URL').optional(),
  WHARF_JWT_PUBLIC_KEY_FILE: z.string().min(1).optional(),
  WHARF_JWT_ALGORITHM: z.string().min(1).optional(),
  /** Longest a bearer token is accepted after its `iat`, in seconds (tokens must carry `iat` and `exp`). */
  WHARF_JWT_MAX_TOKEN_AGE_SECONDS: z.coerce.number().int().min(1).default(86_400),
  /** The trusted registry: organisations' transfer mechanisms and portal API keys (YAML). */
  WHARF_TRUSTED_REGISTRY_FILE: z.string().min(1).optional(),
  /** Operation limits (see gateway/limitsPlugin.ts). */
  WHARF_MAX_DEPTH: z.coerce.number().int().min(1).default(12),
  WHARF_MAX_ALIASES: z.coerce.number().int().min(0).default(30),
  WHARF_MAX_TOKENS: z.coerce.number().int().min(10).default(3000),
  WHARF_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(50),
  WHARF_MAX_COST: z.coerce.number().int().min(1).default(5000),
  /** Origins of portals allowed to call the gateway from the browser (CORS); none by default. */
  WHARF_CORS_ORIGINS: origins,
  /** The origin the catalogue's pages name themselves by (canonical links, JSON-LD); unset, the origin the gateway listens on. */
  WHARF_PUBLIC_ORIGIN: z
    .string()
    .refine((origin) => URL.canParse(origin) && new URL(origin).origin === origin, 'must be an origin: scheme, host and optional port, no path or trailing slash (https://data.example.org)')
    .optional(),
  /** Request limits (see gateway/requestLimitsPlugin.ts): body size in bytes, operations per batch. */
  WHARF_MAX_BODY_BYTES: z.coerce.number().int().min(1024, 'must be at least 1024 bytes').default(1_048_576),
  WHARF_MAX_BATCH: z.coerce.number().int().min(1).max(1000).default(10),
  /** Longest operation text in bytes (also bounds every string literal in it). */
  WHARF_MAX_QUERY_BYTES: z.coerce.number().int().min(1024, 'must be at least 1024 bytes').default(32_768),
  /** The admin API's bearer credential, or a file holding it (one of the two); unset turns /admin/* off. */
  WHARF_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters (for example `openssl rand -hex 32`)').optional(),
  WHARF_ADMIN_TOKEN_FILE: z.string().min(1).optional(),
  /** Hosts the admin API may register regions at (host names, IP addresses, `*.domain`); unset allows any. */
  WHARF_REGION_HOSTS: regionHosts,
  /** The bearer credential a Prometheus scraper sends to /metrics; unset, /metrics answers 401. */
  WHARF_METRICS_TOKEN: z.string().min(24, 'must be at least 24 characters (for example `openssl rand -hex 32`)').optional(),
  /** Longest wait for in-flight requests at shutdown. */
  WHARF_SHUTDOWN_TIMEOUT_MS: ms(10_000),
  /**
   * The durable catalogue's PostgreSQL (harvested records, cursors, the
   * region registry); unset, the catalogue lives in the gateway's memory only.
   */
  WHARF_CATALOGUE_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//i, 'must be a postgres:// URL such as postgres://wharf:secret@db.internal:5432/wharf').optional(),
  /** Schema of the catalogue's tables in that database. */
  WHARF_CATALOGUE_DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be lower-case letters, digits and "_", starting with a letter or "_"').default('wharf_catalogue'),
  /** How this catalogue replica names itself as leader (logs, `catalogue_state.leader_name`); unset, `<host>:<pid>`. */
  WHARF_CATALOGUE_REPLICA_NAME: z.string().min(1).max(200).optional(),
  /**
   * A folder for this catalogue replica's index snapshots: it starts from the
   * newest and replays only the changes after it. Unset, every start rebuilds
   * the index from the database. One folder per replica (local disk).
   */
  WHARF_CATALOGUE_SNAPSHOT_DIR: z.string().min(1).optional(),
  /** How often a replica writes a snapshot when its index has changed since the last. */
  WHARF_CATALOGUE_SNAPSHOT_INTERVAL_MS: ms(600_000).pipe(z.number().min(1000, 'must be at least 1000 ms')),
  /** Snapshots kept in the folder; older ones are deleted. */
  WHARF_CATALOGUE_SNAPSHOT_KEEP: z.coerce.number().int().min(1).max(100).default(2),
  /** Longest a replica's stop may spend writing a snapshot of changes applied since its newest one; 0: none at stop. */
  WHARF_CATALOGUE_SNAPSHOT_SHUTDOWN_MS: ms(30_000),
  /** A gateway's longest wait for the catalogue service (`--catalogue-url`). */
  WHARF_CATALOGUE_TIMEOUT_MS: ms(5_000).pipe(z.number().min(1, 'must be at least 1 ms')),
  /** Gateway runtime log level. */
  WHARF_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('warn'),
});

export type WharfConfig = z.infer<typeof configSchema>;

const refinedSchema = configSchema.superRefine((config, context) => {
  if (config.WHARF_ADMIN_TOKEN && config.WHARF_ADMIN_TOKEN_FILE) {
    context.addIssue({ code: 'custom', path: ['WHARF_ADMIN_TOKEN_FILE'], message: 'set WHARF_ADMIN_TOKEN or WHARF_ADMIN_TOKEN_FILE, not both' });
  }
});

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Wharf cannot start; fix these settings:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the configuration from `env`, reporting every bad variable at once. */
export function loadConfig(env: Record<string, string | undefined>): WharfConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = refinedSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      // A secret's value never goes into a message.
      const shown = /TOKEN|SECRET|DATABASE_URL/.test(name) ? '(hidden)' : JSON.stringify(env[name] ?? '');
      return `${name}=${shown}: ${issue.message}`;
    }),
  );
}

/** The cache settings the configuration sets. */
export function cachesOptionsOf(config: Partial<Pick<WharfConfig, 'WHARF_CACHE' | 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'WHARF_REDIS_KEY_PREFIX' | 'WHARF_REDIS_TIMEOUT_MS'>>) {
  return {
    enabled: config.WHARF_CACHE !== 'off',
    ...(config.REDIS_URL ? { redisUrl: config.REDIS_URL } : {}),
    ...(config.REDIS_CLUSTER_NODES ? { redisClusterNodes: config.REDIS_CLUSTER_NODES } : {}),
    ...(config.WHARF_REDIS_KEY_PREFIX ? { keyPrefix: config.WHARF_REDIS_KEY_PREFIX } : {}),
    ...(config.WHARF_REDIS_TIMEOUT_MS !== undefined ? { redisTimeoutMs: config.WHARF_REDIS_TIMEOUT_MS } : {}),
  };
}

/** The operation limits the configuration sets. */
export function operationLimitsOf(config: Partial<Pick<WharfConfig, 'WHARF_MAX_DEPTH' | 'WHARF_MAX_ALIASES' | 'WHARF_MAX_TOKENS' | 'WHARF_MAX_DIRECTIVES' | 'WHARF_MAX_COST'>>) {
  return {
    maxDepth: config.WHARF_MAX_DEPTH ?? defaultOperationLimits.maxDepth,
    maxAliases: config.WHARF_MAX_ALIASES ?? defaultOperationLimits.maxAliases,
    maxTokens: config.WHARF_MAX_TOKENS ?? defaultOperationLimits.maxTokens,
    maxDirectives: config.WHARF_MAX_DIRECTIVES ?? defaultOperationLimits.maxDirectives,
    maxCost: config.WHARF_MAX_COST ?? defaultOperationLimits.maxCost,
  };
}

/** The request limits the configuration sets. */
export function requestLimitsOf(config: Partial<Pick<WharfConfig, 'WHARF_MAX_BODY_BYTES' | 'WHARF_MAX_BATCH' | 'WHARF_MAX_QUERY_BYTES'>>) {
  return {
    maxBodyBytes: config.WHARF_MAX_BODY_BYTES ?? defaultRequestLimits.maxBodyBytes,
    maxBatch: config.WHARF_MAX_BATCH ?? defaultRequestLimits.maxBatch,
    maxQueryBytes: config.WHARF_MAX_QUERY_BYTES ?? defaultRequestLimits.maxQueryBytes,
  };
}

/** The identity settings the configuration sets (see `IdentityPluginOptions`). */
export function identityOptionsOf(config: Partial<Pick<WharfConfig, 'WHARF_AUTH_FAILURES_PER_MINUTE' | 'WHARF_TRUSTED_PROXIES'>>) {
  return {
    ...(config.WHARF_AUTH_FAILURES_PER_MINUTE !== undefined ? { authFailuresPerMinute: config.WHARF_AUTH_FAILURES_PER_MINUTE } : {}),
    ...(config.WHARF_TRUSTED_PROXIES ? { trustedProxies: config.WHARF_TRUSTED_PROXIES } : {}),
  };
}

/**
 * The admin credential: `WHARF_ADMIN_TOKEN`, or the first line of
 * `WHARF_ADMIN_TOKEN_FILE`; undefined when neither is set.
 */
export function adminTokenOf(config: WharfConfig, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): string | undefined {
  if (config.WHARF_ADMIN_TOKEN) return config.WHARF_ADMIN_TOKEN;
  if (!config.WHARF_ADMIN_TOKEN_FILE) return undefined;
  let text: string;
  try {
    text = readFile(config.WHARF_ADMIN_TOKEN_FILE);
  } catch (error) {
    throw new ConfigError([`WHARF_ADMIN_TOKEN_FILE=${JSON.stringify(config.WHARF_ADMIN_TOKEN_FILE)}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  const token = text.split(/\r?\n/)[0]!.trim();
  if (token.length < 24) throw new ConfigError([`WHARF_ADMIN_TOKEN_FILE=${JSON.stringify(config.WHARF_ADMIN_TOKEN_FILE)}: its first line must be a token of at least 24 characters`]);
  return token;
}
