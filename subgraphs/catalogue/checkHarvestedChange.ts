import { datasetIdPattern } from '../../schema/datasetFile.ts';
import { formatDatasetId, regionOfDatasetId } from '../../schema/datasetId.ts';
import type { DatasetRecord } from '../../schema/datasetRecord.ts';
import { datasetRecordProblems, datasetRecordSchema } from '../../schema/datasetRecordSchema.ts';
import type { SkippedRecord } from './regionHarvestState.ts';
import type { ValidChange } from './harvestSink.ts';

/**
 * A change from a region's feed as the index may take it, or why not (a `SkippedRecord`). Every check
 * is on the change as sent: the region is not trusted. The record is validated in full
 * (`datasetRecordSchema`), must belong to `region`, and may be at most `maxRecordBytes` of JSON.
 */
export function checkHarvestedChange(change: unknown, region: string, maxRecordBytes: number): ValidChange | SkippedRecord {
  const value = change as { op?: unknown; id?: unknown; dataset?: unknown } | null;
  const id = typeof value?.id === 'string' && datasetIdPattern.test(value.id) ? value.id : null;
  if (typeof value !== 'object' || value === null) return { id: null, reason: 'not a change' };
  if (id === null) return { id: null, reason: 'id: not a dataset id' };
  if (regionOfDatasetId(id) !== region) return { id, reason: `id: a dataset of region ${regionOfDatasetId(id)}, not of ${region}` };
  if (value.op === 'delete') return { op: 'delete', id };
  if (value.op !== 'upsert') return { id, reason: 'op: neither "upsert" nor "delete"' };
  const parsed = datasetRecordSchema.safeParse(value.dataset);
  if (!parsed.success) return { id, reason: datasetRecordProblems(parsed.error).join('; ') };
  const record = parsed.data as DatasetRecord;
  if (record.id !== id) return { id, reason: `dataset.id: "${record.id}", not the change's id` };
  if (record.region !== region || formatDatasetId(record.region, record.identifier) !== id) return { id, reason: 'dataset.region or dataset.identifier: does not match the id' };
  const bytes = Buffer.byteLength(JSON.stringify(record));
  if (bytes > maxRecordBytes) return { id, reason: `${bytes} bytes, more than the ${maxRecordBytes} a record may have (maxRecordBytes)` };
  return { op: 'upsert', id, record };
}
