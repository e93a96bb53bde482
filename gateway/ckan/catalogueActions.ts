import { dataThemes } from '../../subgraphs/shared/dcatVocabularies.ts';
import { notFound, quote, validationError } from './ckanErrors.ts';
import type { WharfCkanFacetsQuery, WharfCkanRegionsQuery } from '../generated/operations.ts';
import type { CkanAction, CkanContext } from './ckanContext.ts';
import { licenceListEntry } from './ckanLicenses.ts';
import { bool, naturalNumber, stringList, stringParam } from './ckanParamValues.ts';
import { maxFacetLimit } from './packageSearchArgs.ts';
import { packageSearch } from './packageActions.ts';
import { groupName, organizationName } from './toCkanPackage.ts';

const regionsQuery = /* GraphQL */ `query WharfCkanRegions { regions { code name datasetCount } }`;
const facetQuery = /* GraphQL */ `
  query WharfCkanFacets($facetLimit: Int) {
    search(query: "", first: 1, facetLimit: $facetLimit, filter: null) { facets { field values { value count } } }
  }
`;

/** The values of one of the catalogue's facets over every dataset the caller may discover, most used first (at most 100). */
async function facetValues(context: CkanContext, field: 'REGION' | 'THEME' | 'KEYWORD' | 'LICENSE'): Promise<{ value: string; count: number }[]> {
  const { data } = await context.graphql<WharfCkanFacetsQuery>(facetQuery, { facetLimit: maxFacetLimit });
  return data.search.facets.find((facet) => facet.field === field)?.values ?? [];
}

/** An organization or group as CKAN's `group_dictize` makes one (no extras, tags, groups or users unless asked). */
function groupDict(kind: 'organization' | 'group', name: string, title: string, description: string, packageCount: number | undefined) {
  return {
    approval_status: 'approved',
    created: null,
    description,
    display_name: title,
    id: name,
    image_display_url: '',
    image_url: '',
    is_organization: kind === 'organization',
    name,
    num_followers: 0,
    ...(packageCount !== undefined ? { package_count: packageCount } : {}),
    state: 'active',
    title,
    type: kind,
  };
}

interface Group {
  name: string;
  title: string;
  description: string;
  /** Datasets the caller may discover in it; read only when asked for. */
  count(): Promise<number>;
}

/** `organization_list` and `group_list`: names, or dicts with `all_fields`, filtered, sorted and cut as CKAN's `_group_or_org_list` does. */
async function listGroups(context: CkanContext, kind: 'organization' | 'group', groups: Group[]) {
  const { params } = context;
  const allFields = bool(params, 'all_fields', false);
  const maxLimit = allFields ? 25 : 1000;
  const limit = Math.min(naturalNumber(params, 'limit', maxLimit) || maxLimit, maxLimit);
  const offset = naturalNumber(params, 'offset', 0);
  const only = stringList(params, kind === 'organization' ? 'organizations' : 'groups')?.flatMap((item) => item.split(','));
  const q = stringParam(params, 'q')?.trim().toLowerCase();
  const sortParam = stringParam(params, 'sort')?.trim() || stringParam(params, 'order_by')?.trim() || 'title';
  const [field = 'title', order = 'asc'] = (['packages', 'package_count'].includes(sortParam) ? 'package_count desc' : sortParam).split(/\s+/);
  if (!['name', 'title', 'packages', 'package_count'].includes(field)) throw validationError({ message: [`Cannot sort by field \`${field}\``] });
  if (order !== 'asc' && order !== 'desc') throw validationError({ message: [`Invalid sort direction \`${order}\``] });
  let chosen = groups.filter((group) => (!only || only.includes(group.name)) && (!q || [group.name, group.title, group.description].some((text) => text.toLowerCase().includes(q))));
  const counts = new Map<string, number>();
  if (allFields || field === 'packages' || field === 'package_count') for (const group of chosen) counts.set(group.name, await group.count());
  const key = (group: Group): string | number => (field === 'name' ? group.name : field === 'title' ? group.title : counts.get(group.name)!);
  chosen = chosen.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * (order === 'desc' ? -1 : 1)).slice(offset, offset + limit);
  if (!allFields) return chosen.map((group) => group.name);
  const withCount = bool(params, 'include_dataset_count', true);
  return chosen.map((group) => groupDict(kind, group.name, group.title, group.description, withCount ? counts.get(group.name) : undefined));
}

const regionGroups = (regions: WharfCkanRegionsQuery['regions']): Group[] =>
  regions.map((region) => ({ name: organizationName(region.code), title: region.name, description: `Datasets published by ${region.name} through Wharf.`, count: async () => region.datasetCount }));

function themeGroups(context: CkanContext): Group[] {
  let counts: Promise<Map<string, number>> | undefined;
  const countOf = (code: string) => (counts ??= facetValues(context, 'THEME').then((values) => new Map(values.map(({ value, count }) => [value, count])))).then((map) => map.get(code) ?? 0);
  return Object.entries(dataThemes).map(([code, title]) => ({ name: groupName(code), title, description: `EU data theme ${code} (${title}).`, count: () => countOf(code) }));
}

/** `organization_list`: the regions, each an organization, with the datasets the caller may discover in it. */
export const organizationList: CkanAction = async (context) => {
  const { data } = await context.graphql<WharfCkanRegionsQuery>(regionsQuery);
  return listGroups(context, 'organization', regionGroups(data.regions));
};

/** `group_list`: the EU data themes, each a group. */
export const groupList: CkanAction = async (context) => listGroups(context, 'group', themeGroups(context));

/** `organization_show` and `group_show`: one by `id` (its name), with its dataset count and, with `include_datasets`, its first 10 datasets. */
async function showGroup(context: CkanContext, kind: 'organization' | 'group', groups: Group[]) {
  const id = stringParam(context.params, 'id')?.trim();
  if (!id) throw validationError({ id: ['Missing value'] });
  const group = groups.find((candidate) => candidate.name === id.toLowerCase());
  if (!group) throw notFound(`no ${kind} is named ${quote(id)}`);
  const includeDatasets = bool(context.params, 'include_datasets', false);
  const dict: Record<string, unknown> = groupDict(kind, group.name, group.title, group.description, bool(context.params, 'include_dataset_count', true) || includeDatasets ? await group.count() : undefined);
  if (bool(context.params, 'include_extras', true)) dict.extras = [];
  if (bool(context.params, 'include_tags', true)) dict.tags = [];
  if (bool(context.params, 'include_groups', true)) dict.groups = [];
  if (bool(context.params, 'include_users', false)) dict.users = [];
  if (includeDatasets) {
    const search = (await packageSearch({ ...context, params: { fq: `${kind === 'organization' ? 'organization' : 'groups'}:${group.name}`, rows: '10' } })) as { results: unknown[] };
    dict.packages = search.results;
  }
  return dict;
}

export const organizationShow: CkanAction = async (context) => {
  const { data } = await context.graphql<WharfCkanRegionsQuery>(regionsQuery);
  return showGroup(context, 'organization', regionGroups(data.regions));
};

export const groupShow: CkanAction = async (context) => showGroup(context, 'group', themeGroups(context));

/** `tag_list`: the keywords of the datasets the caller may discover, the 100 most used, optionally those containing `query`. */
export const tagList: CkanAction = async (context) => {
  const query = (stringParam(context.params, 'query') ?? stringParam(context.params, 'q'))?.trim().toLowerCase();
  // Wharf has free keywords only, no tag vocabularies.
  if (stringParam(context.params, 'vocabulary_id')) return [];
  const tags = (await facetValues(context, 'KEYWORD'))
    .map(({ value }) => value)
    .filter((tag) => !query || tag.toLowerCase().includes(query))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return bool(context.params, 'all_fields', false) ? tags.map((tag) => ({ display_name: tag, id: tag, name: tag, vocabulary_id: null })) : tags;
};

/** `license_list`: the licences of the datasets the caller may discover (at most 100), as CKAN's licence register lists them. */
export const licenseList: CkanAction = async (context) =>
  (await facetValues(context, 'LICENSE')).map(({ value }) => licenceListEntry(value)).sort((a, b) => (a.title! < b.title! ? -1 : a.title! > b.title! ? 1 : 0));

/** The CKAN version whose Action API answers are mirrored; clients read it to choose what to call. */
export const mirroredCkanVersion = '2.10.0';

/** `status_show`: what CKAN says of its site. */
export const statusShow: CkanAction = async (context) => ({
  site_title: 'Wharf',
  site_description: 'A federated data catalogue: every region publishes its own datasets, under its own policies.',
  site_url: context.publicOrigin(),
  error_emails_to: null,
  locale_default: 'en',
  extensions: ['wharf'],
  ckan_version: mirroredCkanVersion,
});
