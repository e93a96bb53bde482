import { revisionOf, type DatasetRecord, type LineageEdgeRecord } from '../../../schema/datasetRecord.ts';

/**
 * The record a store serves: the dataset as written, with the lineage edges
 * ingested from OpenLineage runs after its own declared edges (an upstream
 * the dataset already declares is kept once, as declared), and the revision
 * of that whole content. Without ingested edges the record is returned as is.
 */
export function withIngestedLineage(record: DatasetRecord, ingested: readonly LineageEdgeRecord[] | undefined): DatasetRecord {
  if (!ingested || ingested.length === 0) return record;
  const declared = new Set(record.lineage.map((edge) => edge.upstream));
  const { revision: _revision, ...content } = { ...record, lineage: [...record.lineage, ...ingested.filter((edge) => !declared.has(edge.upstream))] };
  return { ...content, revision: revisionOf(content) };
}
