import { rename, writeFile } from 'node:fs/promises';
import { createPublicKey } from 'node:crypto';
import { stringify } from 'yaml';
import { z } from 'zod';
import { regionCodePattern } from '../schema/datasetId.ts';
import type { RegionEntry } from '../schema/regionEntry.ts';
import { readYamlFile } from '../subgraphs/shared/readYamlFile.ts';

/** A PEM Ed25519 public key, as a region signs its harvest pings with. */
export const ed25519PublicKeyPem = z
  .string()
  .max(2000)
  .refine((pem) => {
    try {
      return createPublicKey(pem).asymmetricKeyType === 'ed25519';
    } catch {
      return false;
    }
  }, 'must be a PEM Ed25519 public key ("-----BEGIN PUBLIC KEY-----…", as `wharf keys` writes)');

/**
 * The prefix every variable a registration may name for its ping secret
 * starts with. A registration names a variable, never a value, so that
 * secrets stay out of the registry file; the prefix keeps it from naming
 * any other variable of the gateway's environment (`WHARF_ADMIN_TOKEN`,
 * `WHARF_WEBHOOK_SECRET`, a database password), whose value would then be
 * the key anyone knowing it could sign pings with.
 */
export const regionSecretEnvPrefix = 'WHARF_REGION_SECRET_';

/** One region as a registry file lists it, and as `POST /admin/regions` takes it. Secrets are never in it. */
export const regionFileEntrySchema = z
  .object({
    code: z.string().regex(regionCodePattern, 'must be an ISO 3166 code such as "MO" or "CN-GX"'),
    name: z.string().min(1).max(200),
    url: z
      .string()
      .max(2000)
      .url('must be the region\'s subgraph URL, such as "http://10.1.2.3:4001/graphql"')
      .refine((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol), 'must be an http:// or https:// URL')
      .refine((url) => !URL.canParse(url) || (new URL(url).username === '' && new URL(url).password === ''), 'must not carry a user name or password (user:password@)'),
    /** Name of the environment variable holding the region's webhook secret: `WHARF_REGION_SECRET_<NAME>`. */
    webhookSecretEnv: z
      .string()
      .regex(
        new RegExp(`^${regionSecretEnvPrefix}[A-Z0-9_]{1,64}$`),
        `must name a variable starting with ${regionSecretEnvPrefix} (upper-case letters, digits and "_"), such as ${regionSecretEnvPrefix}MO; no other variable of the gateway can be named`,
      )
      .optional(),
    /** The region's Ed25519 public key for signed harvest pings (instead of a shared secret). */
    webhookPublicKey: ed25519PublicKeyPem.optional(),
  })
  .strict();

export type RegionFileEntry = z.infer<typeof regionFileEntrySchema>;

const entriesSchema = z
  .array(regionFileEntrySchema)
  .refine((list) => new Set(list.map((region) => region.code)).size === list.length, 'lists a region code twice');

/** The entry the gateway routes by: the secret looked up in `env`, never stored. */
export function resolveRegionEntry({ webhookSecretEnv, ...region }: RegionFileEntry, env: Record<string, string | undefined>): RegionEntry {
  const secret = webhookSecretEnv ? env[webhookSecretEnv] : undefined;
  return secret ? { ...region, webhookSecret: secret } : region;
}

/** A registry file's entries as written (empty file: no regions yet). */
export function readRegionFile(path: string): Promise<RegionFileEntry[]> {
  return readYamlFile(path, entriesSchema, 'region list', []);
}

/** Replaces a registry file at once (write beside it, then rename), so a reader never sees half of it. */
export async function writeRegionFile(path: string, entries: readonly RegionFileEntry[]): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  const header = '# Regions this gateway routes to. Kept by `wharf gateway --regions` and POST/DELETE /admin/regions.\n';
  await writeFile(temporary, header + (entries.length > 0 ? stringify(entries) : '[]\n'));
  await rename(temporary, path);
}

/**
 * The regions a gateway routes to, from a YAML list of `code`, `name`, `url`
 * (and optionally `webhookSecretEnv`: the `WHARF_REGION_SECRET_…` variable
 * that holds the region's ping secret — secrets stay out of the file — or
 * `webhookPublicKey`).
 */
export async function readRegionEntries(path: string, env: Record<string, string | undefined> = process.env): Promise<RegionEntry[]> {
  return (await readRegionFile(path)).map((entry) => resolveRegionEntry(entry, env));
}

/**
 * A host of `WHARF_REGION_HOSTS` as URLs spell it (lower case, IPv4 in
 * dotted decimal, IPv6 in brackets), or `*.` and such a name for every host
 * under a domain; undefined when `entry` is not a bare host (a port, a
 * path, a scheme or credentials make it something else).
 */
export function normaliseRegionHost(entry: string): string | undefined {
  const wildcard = entry.startsWith('*.');
  const host = wildcard ? entry.slice(2) : entry;
  if (host === '' || /[/?#@:\s]/.test(host.replace(/^\[[^\]]*\]$/, ''))) return undefined;
  try {
    const url = new URL(`http://${host}`);
    if (url.port !== '' || url.pathname !== '/') return undefined;
    return wildcard ? `*.${url.hostname}` : url.hostname;
  } catch {
    return undefined;
  }
}

/** Whether `url`'s host is one of `allowedHosts` (normalised entries; `*.example.org` takes every host under example.org, not example.org itself). */
export function isAllowedRegionHost(url: string, allowedHosts: readonly string[]): boolean {
  const { hostname } = new URL(url);
  return allowedHosts.some((allowed) => (allowed.startsWith('*.') ? hostname.endsWith(allowed.slice(1)) : hostname === allowed));
}
