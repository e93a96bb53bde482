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

/** One region as a registry file lists it, and as `POST /admin/regions` takes it. Secrets are never in it. */
export const regionFileEntrySchema = z
  .object({
    code: z.string().regex(regionCodePattern, 'must be an ISO 3166 code such as "MO" or "CN-GX"'),
    name: z.string().min(1).max(200),
    url: z
      .string()
      .max(2000)
      .url('must be the region\'s subgraph URL, such as "http://10.1.2.3:4001/graphql"')
      .refine((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol), 'must be an http:// or https:// URL'),
    /** Name of the environment variable holding the region's webhook secret. */
    webhookSecretEnv: z.string().max(200).optional(),
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
 * (and optionally `webhookSecretEnv`: the variable that holds the region's
 * ping secret — secrets stay out of the file — or `webhookPublicKey`).
 */
export async function readRegionEntries(path: string, env: Record<string, string | undefined> = process.env): Promise<RegionEntry[]> {
  return (await readRegionFile(path)).map((entry) => resolveRegionEntry(entry, env));
}
