import { z } from 'zod';
import { regionCodePattern } from '../schema/datasetId.ts';
import type { RegionEntry } from '../schema/regionEntry.ts';
import { readYamlFile } from '../subgraphs/shared/readYamlFile.ts';

const entriesSchema = z
  .array(
    z
      .object({
        code: z.string().regex(regionCodePattern, 'must be an ISO 3166 code such as "MO" or "CN-GX"'),
        name: z.string().min(1),
        url: z.string().url('must be the region\'s subgraph URL, such as "http://10.1.2.3:4001/graphql"'),
        /** Name of the environment variable holding the region's webhook secret. */
        webhookSecretEnv: z.string().optional(),
      })
      .strict(),
  )
  .min(1, 'must list at least one region')
  .refine((list) => new Set(list.map((region) => region.code)).size === list.length, 'lists a region code twice');

/**
 * The regions a gateway routes to, from a YAML list of `code`, `name`, `url`
 * (and optionally `webhookSecretEnv`: the variable that holds the region's
 * ping secret — secrets stay out of the file).
 */
export async function readRegionEntries(path: string, env: Record<string, string | undefined> = process.env): Promise<RegionEntry[]> {
  const data = await readYamlFile(path, entriesSchema, 'region list');
  return data.map(({ webhookSecretEnv, ...region }) => {
    const secret = webhookSecretEnv ? env[webhookSecretEnv] : undefined;
    return secret ? { ...region, webhookSecret: secret } : region;
  });
}
