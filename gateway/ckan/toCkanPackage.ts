import { accessRightsIri, dataThemeIri, dataThemes } from '../../subgraphs/shared/dcatVocabularies.ts';
import type { CkanPackageFragment } from '../generated/operations.ts';
import { licenceOf } from './ckanLicenses.ts';

/**
 * The fields of a dataset a CKAN package is made of, as the gateway's
 * GraphQL answers them. `distributions` comes from the owning region (URLs
 * null unless the consumer may read); it is left out when the answer does
 * not need it (`fl` without resources).
 */
export const ckanPackageFragment = /* GraphQL */ `
  fragment CkanPackage on Dataset {
    id
    region
    identifier
    revision
    title
    titleTranslations { lang value }
    description
    descriptionTranslations { lang value }
    language
    keywords
    themes
    publisher { name url }
    contactPoint { name email url }
    license
    spatial
    temporal { start end }
    accrualPeriodicity
    landingPage
    issued
    modified
    classification { tier }
    distributions @include(if: $withResources) { title description format mediaType accessUrl downloadUrl byteSize }
  }
`;

/** One dataset as `ckanPackageFragment` selects it; `distributions` is absent when not selected, null when the region did not answer. */
export type DatasetNode = CkanPackageFragment;

/** A region as the CKAN answers need it: its name, and when the catalogue last harvested it. */
export interface CkanRegion {
  name: string;
  lastSuccessAt: string | null;
}

/** A region as a CKAN organization: its code, lower case, is the name and id. */
export const organizationName = (code: string) => code.toLowerCase();
/** An EU data theme as a CKAN group: its code, lower case. */
export const groupName = (code: string) => code.toLowerCase();

/** A date or date-time as CKAN writes `metadata_modified`: an ISO date-time without zone for a bare date. */
const ckanTimestamp = (value: string | null) => (value === null ? null : /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00` : value);

/** A region as the `organization` of its packages (CKAN's group table columns). */
export function organizationOf(code: string, name: string): Record<string, unknown> {
  return {
    id: organizationName(code),
    name: organizationName(code),
    title: name,
    type: 'organization',
    description: `Datasets published by ${name} through Wharf.`,
    image_url: '',
    created: null,
    is_organization: true,
    approval_status: 'approved',
    state: 'active',
  };
}

/** A theme as one of a package's `groups` (CKAN's `group_list_dictize` without counts). */
export function groupOf(code: string): Record<string, unknown> {
  const title = dataThemes[code] ?? code;
  return { description: '', display_name: title, id: groupName(code), image_display_url: '', name: groupName(code), title };
}

const translations = (texts: DatasetNode['titleTranslations']) => Object.fromEntries(texts.map((text) => [text.lang, text.value]));

/**
 * A dataset as a CKAN 2.10/2.11 package, as `package_show` answers it:
 * CKAN's core fields (`model_dictize.package_dictize` and the show schema)
 * and the fields ckanext-dcat's DCAT-AP schema adds (`title_translated`,
 * `publisher`, `contact`, `temporal_coverage`, `theme`, …), so a CKAN
 * client, a ckanext-dcat harvester and `wharf import --from ckan` each find
 * what they read. `id` is the catalogue id (`MO:dsec-trade-balance`), unique
 * across regions; `name` is the region's own identifier. The region is the
 * `organization`; EU data themes are `groups`; keywords are `tags`.
 */
export function toCkanPackage(node: DatasetNode, regions: ReadonlyMap<string, CkanRegion>): Record<string, unknown> {
  const region = regions.get(node.region);
  const organization = organizationOf(node.region, region?.name ?? node.region);
  // CKAN always has `metadata_modified`: a dataset that gives no date is as recent as the catalogue's last good harvest of its region.
  const harvested = region?.lastSuccessAt ?? null;
  const licence = node.license ? licenceOf(node.license) : undefined;
  const resources = (node.distributions ?? []).map((distribution, position) => ({
    cache_last_updated: null,
    cache_url: null,
    created: null,
    datastore_active: false,
    description: distribution.description ?? '',
    format: distribution.format ?? '',
    hash: '',
    id: `${node.id}#distribution-${position + 1}`,
    last_modified: null,
    metadata_modified: ckanTimestamp(node.modified ?? harvested),
    mimetype: distribution.mediaType,
    mimetype_inner: null,
    name: distribution.title ?? '',
    package_id: node.id,
    position,
    resource_type: null,
    size: distribution.byteSize,
    state: 'active',
    // What a CKAN user opens; empty when the consumer may not read the dataset (its URLs are what read guards).
    url: distribution.downloadUrl ?? distribution.accessUrl ?? '',
    url_type: null,
    access_url: distribution.accessUrl,
    download_url: distribution.downloadUrl,
  }));
  const tags = node.keywords.map((keyword) => ({ display_name: keyword, id: keyword, name: keyword, state: 'active', vocabulary_id: null }));
  const known = node.themes.filter((code) => dataThemes[code] !== undefined);
  const extras = [
    { key: 'access_rights', value: accessRightsIri(node.classification.tier as 'public') },
    { key: 'wharf_id', value: node.id },
    { key: 'wharf_revision', value: node.revision },
    ...(node.distributions === null ? [{ key: 'wharf_resources_unavailable', value: `Region ${node.region} did not answer; the resources are missing from this copy.` }] : []),
  ];
  return {
    author: null,
    author_email: null,
    creator_user_id: null,
    id: node.id,
    isopen: licence?.isopen ?? false,
    license_id: licence?.id ?? null,
    license_title: licence?.title ?? null,
    ...(licence?.url ? { license_url: licence.url } : {}),
    maintainer: node.contactPoint?.name ?? null,
    maintainer_email: node.contactPoint?.email ?? null,
    // When the dataset was first published, if it says; an importer would otherwise take any date here for `issued`.
    metadata_created: ckanTimestamp(node.issued),
    metadata_modified: ckanTimestamp(node.modified ?? node.issued ?? harvested),
    name: node.identifier,
    notes: node.description,
    num_resources: resources.length,
    num_tags: tags.length,
    organization,
    owner_org: organization.id,
    private: false,
    state: 'active',
    title: node.title,
    type: 'dataset',
    url: node.landingPage,
    version: null,
    extras,
    groups: known.map(groupOf),
    resources,
    tags,
    relationships_as_object: [],
    relationships_as_subject: [],
    // ckanext-dcat's DCAT-AP fields.
    title_translated: translations(node.titleTranslations),
    notes_translated: translations(node.descriptionTranslations),
    identifier: node.identifier,
    issued: node.issued,
    modified: node.modified,
    frequency: node.accrualPeriodicity,
    language: [node.language],
    theme: node.themes.map((code) => (dataThemes[code] !== undefined ? dataThemeIri(code) : code)),
    access_rights: accessRightsIri(node.classification.tier as 'public'),
    publisher: node.publisher ? [{ name: node.publisher.name, ...(node.publisher.url ? { url: node.publisher.url } : {}) }] : [],
    contact: node.contactPoint ? [Object.fromEntries(Object.entries(node.contactPoint).filter(([, value]) => value !== null))] : [],
    temporal_coverage: node.temporal ? [Object.fromEntries(Object.entries(node.temporal).filter(([, value]) => value !== null))] : [],
    spatial_coverage: node.spatial.map((place) => ({ text: place })),
  };
}
