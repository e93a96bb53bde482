import {
  asArray,
  contactUrl,
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
  type SkippedDataset,
} from './importMapping.ts';

type Package = Record<string, unknown>;

/**
 * The packages in a CKAN API document: a `package_show` or `package_search`
 * response (`{ success, result }`), its `result`, a bare package, or a list
 * of packages (`current_package_list_with_resources`).
 */
function packagesOf(document: unknown): Package[] | undefined {
  const body = isRecord(document) && 'success' in document && 'result' in document ? document.result : document;
  // A list is CKAN's only when its items carry CKAN's own keys (a DCAT JSON list has neither).
  if (Array.isArray(body)) return body.some((item) => isRecord(item) && (typeof item.name === 'string' || typeof item.id === 'string')) ? body.filter(isRecord) : undefined;
  if (isRecord(body) && Array.isArray(body.results)) return body.results.filter(isRecord);
  if (isRecord(body) && (typeof body.name === 'string' || typeof body.id === 'string')) return [body];
  return undefined;
}

/** `extras` as a map: legacy CKAN and ckanext-dcat keep DCAT fields there (`contact_email`, `spatial_uri`, …). */
function extrasOf(pkg: Package): Map<string, string> {
  const extras = new Map<string, string>();
  for (const extra of asArray(pkg.extras)) {
    if (isRecord(extra) && typeof extra.key === 'string' && typeof extra.value === 'string') extras.set(extra.key, extra.value);
  }
  return extras;
}

/** A map of language to text (`title_translated`), when the package has one. */
const translations = (value: unknown): Record<string, string> | undefined =>
  isRecord(value) ? Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string')) : undefined;

/** HDX's `dataset_date`: `[1970-01-01T00:00:00 TO 2019-12-31T23:59:59]`. */
function hdxPeriod(value: unknown): { start?: string; end?: string } | undefined {
  const match = /^\[(\S+) TO (\S+)\]$/.exec(text(value) ?? '');
  if (!match) return undefined;
  const start = match[1] === '*' ? undefined : isoDate(match[1]);
  const end = match[2] === '*' ? undefined : isoDate(match[2]);
  return start || end ? compactFile({ start, end }) : undefined;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function mapPackage(pkg: Package, source: string, defaultLanguage: string): MappedDataset {
  const notes: string[] = [];
  const extras = extrasOf(pkg);
  const titles = translations(pkg.title_translated) ?? {};
  const descriptions = translations(pkg.notes_translated) ?? {};
  // Metadata language: the default when the package has text in it, else the first language it has text in.
  const language = [defaultLanguage, ...Object.keys(titles)].find((lang) => text(titles[lang])) ?? defaultLanguage;
  if (!text(titles[language]) && text(pkg.title)) titles[language] = pkg.title as string;
  if (!text(descriptions[language]) && text(pkg.notes)) descriptions[language] = pkg.notes as string;

  const themeValues = distinct([...asArray(pkg.theme).map(text), ...(extras.get('theme') ? [extras.get('theme')] : [])]);
  const { themes, keywords: themeKeywords } = splitThemes(themeValues);
  const keywords = distinct([...asArray(pkg.tags).map((tag) => (isRecord(tag) ? text(tag.display_name) ?? text(tag.name) : text(tag))), ...themeKeywords]);

  const publisherEntry = asArray(pkg.publisher).find(isRecord);
  const organization = isRecord(pkg.organization) ? pkg.organization : undefined;
  const publisherName = text(publisherEntry?.name) ?? text(extras.get('publisher_name')) ?? text(organization?.title) ?? text(organization?.name);
  const publisherUrl = webUrl(text(publisherEntry?.url) ?? extras.get('publisher_url'), 'publisher URL', notes);

  const contactEntry = asArray(pkg.contact).find(isRecord);
  const contactName =
    text(contactEntry?.name) ?? text(extras.get('contact_name')) ?? [text(pkg.maintainer), text(pkg.author)].find((name) => name && !uuidPattern.test(name));
  const givenEmail = text(contactEntry?.email) ?? text(extras.get('contact_email')) ?? text(extras.get('contact-email')) ?? text(pkg.maintainer_email) ?? text(pkg.author_email);
  const contactEmail = emailAddress(givenEmail);
  if (givenEmail && !contactEmail) notes.push(`contact e-mail "${givenEmail}" left out: not an e-mail address`);
  const contactPoint = compactFile({ name: contactName, email: contactEmail, url: contactUrl(contactEntry?.url, 'contact URL', notes) });

  const coverage = asArray(pkg.temporal_coverage).find(isRecord);
  const temporal =
    hdxPeriod(pkg.dataset_date) ??
    compactFile({
      start: isoDate(coverage?.start ?? pkg.temporal_start ?? extras.get('temporal_start')),
      end: isoDate(coverage?.end ?? pkg.temporal_end ?? extras.get('temporal_end')),
    });

  const spatial = distinct([
    ...asArray(pkg.spatial_coverage).flatMap((entry) => (isRecord(entry) ? [text(entry.uri) ?? text(entry.text)] : [])),
    text(pkg.spatial_uri) ?? text(extras.get('spatial_uri')),
    text(pkg.spatial_text) ?? text(extras.get('spatial_text')),
  ]);

  const licenseUrl = webUrl(pkg.license_url, 'licence URL', notes);
  const distributions = asArray(pkg.resources).flatMap((resource, index) => {
    if (!isRecord(resource)) return [];
    const label = `${index + 1}${text(resource.name) ? ` ("${text(resource.name)}")` : ''}`;
    const mapped = mapDistribution(
      {
        title: resource.name,
        description: resource.description,
        format: resource.format,
        // CKAN instances fed from Python sometimes hold the text "None" for an absent value.
        mediaType: [resource.mimetype, resource.media_type].find((value) => text(value) && value !== 'None'),
        // ckanext-dcat: `access_url` / `download_url` when given; a resource's own `url` is its access URL.
        accessUrl: resource.access_url ?? resource.url,
        downloadUrl: resource.download_url,
        byteSize: resource.size,
      },
      label,
      notes,
    );
    return mapped ? [mapped] : [];
  });

  const file = compactFile({
    language,
    title: localized(titles, language),
    description: localized(descriptions, language),
    keywords,
    themes,
    publisher: publisherName ? compactFile({ name: publisherName, url: publisherUrl }) : undefined,
    contactPoint: Object.keys(contactPoint).length > 0 ? contactPoint : undefined,
    license: licenseUrl ?? textOrWebUrl(text(pkg.license_id) ?? pkg.license_title, 'licence', notes),
    spatial,
    temporal: Object.keys(temporal).length > 0 ? temporal : undefined,
    accrualPeriodicity: text(pkg.frequency) ?? text(extras.get('frequency')),
    landingPage: webUrl(pkg.url, 'landing page', notes),
    issued: isoDate(pkg.issued ?? extras.get('dcat_issued') ?? pkg.metadata_created),
    modified: isoDate(pkg.modified ?? extras.get('dcat_modified') ?? pkg.metadata_modified),
    distributions,
  });
  return { source, identifier: identifierOf(pkg.name) ?? identifierOf(pkg.id), file, notes };
}

/**
 * CKAN's API JSON (`package_show`, `package_search`), including the fields
 * ckanext-dcat adds (`title_translated`, `contact`, `publisher`,
 * `temporal_coverage`, `spatial_coverage`, resources' `access_url` /
 * `download_url`) and HDX's `dataset_date`. Private and deleted packages are
 * skipped: a catalogue is public metadata.
 */
export const importCkan: Importer = async (document, { file, language }) => {
  const packages = packagesOf(document);
  if (!packages) throw new Error(`${file} is not a CKAN package_show or package_search response, a package, or a list of packages.`);
  const datasets: MappedDataset[] = [];
  const skipped: SkippedDataset[] = [];
  for (const [index, pkg] of packages.entries()) {
    const source = `${file}#${index}${text(pkg.name) ? ` (${text(pkg.name)})` : ''}`;
    if (pkg.private === true) skipped.push({ source, reason: 'private in CKAN: only public packages are imported' });
    else if (text(pkg.state) && pkg.state !== 'active') skipped.push({ source, reason: `its CKAN state is "${String(pkg.state)}", not "active"` });
    else if (text(pkg.type) && pkg.type !== 'dataset') skipped.push({ source, reason: `a CKAN "${String(pkg.type)}", not a dataset` });
    else datasets.push(mapPackage(pkg, source, language));
  }
  return { datasets, skipped };
};
