import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { regionCodePattern } from '../../schema/datasetId.ts';
import { readYamlFile } from '../shared/readYamlFile.ts';

/** A region to run from a folder of dataset files. */
export interface RegionSource {
  code: string;
  name: string;
  /** Absolute path of the region's dataset folder. */
  folder: string;
}

const regionListSchema = z
  .array(
    z
      .object({
        code: z.string().regex(regionCodePattern, 'must be an ISO 3166 code such as "MO" or "CN-GX"'),
        name: z.string().min(1),
        folder: z.string().min(1),
      })
      .strict(),
  )
  .min(1, 'must list at least one region')
  .refine((list) => new Set(list.map((region) => region.code)).size === list.length, 'lists a region code twice');

/** Reads a YAML list of regions; folders are relative to the list's own folder. */
export async function readRegionList(path: string): Promise<RegionSource[]> {
  const data = await readYamlFile(path, regionListSchema, 'region list');
  return data.map((region) => ({ ...region, folder: resolve(dirname(path), region.folder) }));
}
