import {
  asArray,
  compactFile,
  distinct,
  emailAddress,
  identifierOf,
  isoDate,
  isRecord,
  localized,
  mapDistribution,
  splitThemes,
  text,
  textOrWebUrl,
  webUrl,
  type Importer,
  type MappedDataset,
} from './importMapping.ts';

/** POD `accessLevel` → Wharf's access tier: what the publisher says about who may have the data. */
const tierByAccessLevel: Record<string, string> = { public: 'public', 'restricted public': 'restricted', 'non-public': 'confidential' };

/** POD `temporal`: `start/end` in ISO 8601 (either side may be a duration, which is left out). */
function period(value: unknown, notes: string[]): { start?: string; end?: string } | undefined {
  const given = text(value);
  if (!given) return undefined;
  const [from, to] = given.split('/');
  const start = from && !from.startsWith('P') && !from.startsWith('R') ? isoDate(from) : undefined;
  const end = to && !to.startsWith('P') ? isoDate(to) : undefined;
  if (!start && !end) {
    notes.push(`temporal "${given}" left out: not a start/end interval`);
    return undefined;
  }
  return compactFile({ start, end });
}

function mapDataset(dataset: Record<string, unknown>, source: string, language: string): MappedDataset {
  const notes: string[] = [];
  const { themes, keywords: themeKeywords } = splitThemes(distinct(asArray(dataset.theme).map(text)));
  const contact = isRecord(dataset.contactPoint) ? dataset.contactPoint : undefined;
  const givenEmail = text(contact?.hasEmail);
  const email = emailAddress(givenEmail);
  if (givenEmail && !email) notes.push(`contact e-mail "${givenEmail}" left out: not an e-mail address`);
  const publisher = isRecord(dataset.publisher) ? dataset.publisher : undefined;
  const accessLevel = text(dataset.accessLevel);
  const tier = accessLevel ? tierByAccessLevel[accessLevel] : undefined;
  const modified = text(dataset.modified);
  if (modified && !isoDate(modified)) notes.push(`modified "${modified}" left out: not a date`);
  const temporal = period(dataset.temporal, notes);
  const distributions = asArray(dataset.distribution).flatMap((distribution, index) => {
    if (!isRecord(distribution)) return [];
    const mapped = mapDistribution(
      {
        title: distribution.title,
        description: distribution.description,
        format: distribution.format,
        mediaType: distribution.mediaType,
        accessUrl: distribution.accessURL,
        downloadUrl: distribution.downloadURL,
      },
      `${index + 1}${text(distribution.title) ? ` ("${text(distribution.title)}")` : ''}`,
      notes,
    );
    return mapped ? [mapped] : [];
  });
  const file = compactFile({
    language,
    title: localized({ [language]: text(dataset.title) }, language),
    description: localized({ [language]: text(dataset.description) }, language),
    keywords: distinct([...asArray(dataset.keyword).map(text), ...themeKeywords]),
    themes,
    publisher: text(publisher?.name) ? { name: text(publisher?.name) } : undefined,
    contactPoint: contact ? compactFile({ name: text(contact.fn), email }) : undefined,
    license: textOrWebUrl(dataset.license, 'licence', notes),
    spatial: distinct([text(dataset.spatial)]),
    temporal,
    accrualPeriodicity: text(dataset.accrualPeriodicity),
    landingPage: webUrl(dataset.landingPage, 'landing page', notes),
    issued: isoDate(dataset.issued),
    modified: isoDate(modified),
    distributions,
    access: tier && tier !== 'public' ? { tier } : undefined,
  });
  return { source, identifier: identifierOf(dataset.identifier), file, notes };
}

/**
 * DCAT-US / Project Open Data `data.json` (schema 1.1, and 1.0 catalogues
 * that are a bare list of datasets). `accessLevel` sets the access tier
 * (`restricted public` → restricted, `non-public` → confidential) for the
 * region's policies to decide on; the identifier's last segment (a DOI's
 * suffix, a URL's last path part) becomes the dataset's identifier.
 */
export const importDcatUs: Importer = async (document, { file, language }) => {
  const list = Array.isArray(document) ? document : isRecord(document) && Array.isArray(document.dataset) ? document.dataset : undefined;
  if (!list) throw new Error(`${file} is not a Project Open Data catalogue: it has no "dataset" list.`);
  const datasets = list.filter(isRecord).map((dataset, index) => mapDataset(dataset, `${file}#${index}${text(dataset.title) ? ` (${text(dataset.title)})` : ''}`, language));
  return { datasets, skipped: [] };
};
