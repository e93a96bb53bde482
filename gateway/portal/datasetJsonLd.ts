import type { WharfDatasetPageQuery } from '../generated/operations.ts';

type PageDataset = NonNullable<WharfDatasetPageQuery['dataset']>;

/** A distribution as the dataset page queries it; URLs are null when the consumer may not read. */
export type DistributionForJsonLd = Pick<NonNullable<PageDataset['distributions']>[number], 'title' | 'format' | 'mediaType' | 'accessUrl' | 'downloadUrl'>;

/** The fields of a dataset the JSON-LD is made from (as the dataset page queries them). */
export interface DatasetForJsonLd
  extends Pick<PageDataset, 'id' | 'title' | 'description' | 'language' | 'keywords' | 'themes' | 'publisher' | 'license' | 'spatial' | 'temporal' | 'landingPage' | 'issued' | 'modified'> {
  distributions: DistributionForJsonLd[] | null;
}

/**
 * schema.org `Dataset` for a dataset's page, so search engines (Google
 * Dataset Search among them) index it. Distributions are listed only with
 * the URLs the page's consumer may see; none are invented.
 */
export function datasetJsonLd(dataset: DatasetForJsonLd, pageUrl: string, catalogueUrl: string): Record<string, unknown> {
  const temporal = dataset.temporal && (dataset.temporal.start || dataset.temporal.end) ? `${dataset.temporal.start ?? '..'}/${dataset.temporal.end ?? '..'}` : undefined;
  const downloads = (dataset.distributions ?? [])
    .map((item) => ({ item, url: item.downloadUrl ?? item.accessUrl }))
    .filter((entry): entry is { item: (typeof entry)['item']; url: string } => entry.url !== null)
    .map(({ item, url }) => ({
      '@type': 'DataDownload',
      ...(item.title ? { name: item.title } : {}),
      encodingFormat: item.mediaType ?? item.format ?? undefined,
      contentUrl: url,
    }));
  const ld: Record<string, unknown> = {
    '@context': 'https://schema.org/',
    '@type': 'Dataset',
    '@id': pageUrl,
    url: pageUrl,
    identifier: dataset.id,
    name: dataset.title,
    description: dataset.description,
    inLanguage: dataset.language,
    keywords: [...dataset.keywords, ...dataset.themes],
    license: dataset.license ?? undefined,
    publisher: dataset.publisher ? { '@type': 'Organization', name: dataset.publisher.name, ...(dataset.publisher.url ? { url: dataset.publisher.url } : {}) } : undefined,
    spatialCoverage: dataset.spatial.length ? dataset.spatial : undefined,
    temporalCoverage: temporal,
    sameAs: dataset.landingPage ?? undefined,
    datePublished: dataset.issued ?? undefined,
    dateModified: dataset.modified ?? undefined,
    distribution: downloads.length ? downloads : undefined,
    includedInDataCatalog: { '@type': 'DataCatalog', name: 'Wharf', url: catalogueUrl },
  };
  return JSON.parse(JSON.stringify(ld)) as Record<string, unknown>;
}
