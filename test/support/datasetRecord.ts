import type { DatasetRecord } from '../../schema/datasetRecord.ts';

let serial = 0;

/** A public dataset record for search tests: the fields given, everything else empty or plain; ids and revisions numbered. */
export function record(fields: Partial<DatasetRecord> & { title: DatasetRecord['title'] }): DatasetRecord {
  serial += 1;
  const identifier = fields.identifier ?? `d${serial}`;
  return {
    id: `${fields.region ?? 'SG'}:${identifier}`,
    region: 'SG',
    identifier,
    revision: `r${serial}`,
    language: fields.title[0]!.lang,
    description: [{ lang: 'en', value: 'A dataset.' }],
    keywords: [],
    themes: [],
    spatial: [],
    distributions: [],
    lineage: [],
    identifiers: [],
    access: { tier: 'public', personalData: 'none', securityLevel: 'general', residency: 'SG', allowedPurposes: [], allowedDestinations: [], readerRoles: [], obligations: [] },
    ...fields,
  };
}
