import { notFound, validationError } from './ckanErrors.ts';
import type { CkanAction } from './ckanContext.ts';
import { stringParam } from './ckanParamValues.ts';
import { groupList, groupShow, licenseList, organizationList, organizationShow, statusShow, tagList } from './catalogueActions.ts';
import { packageList, packageSearch, packageShow } from './packageActions.ts';

/** The names of the operations the actions run (metrics report them by name). */
export const ckanOperationNames: readonly string[] = ['WharfCkanIdentity', 'WharfCkanPackageSearch', 'WharfCkanSearchCursor', 'WharfCkanPackageList', 'WharfCkanPackageShow', 'WharfCkanRegions', 'WharfCkanFacets'];

interface ActionEntry {
  run: CkanAction;
  /** Whether it reads the catalogue, as the caller (else it answers the same to anyone, without a credential). */
  asCaller: boolean;
  /** What `help_show` answers for it. */
  help: string;
}

/**
 * The read-only actions of CKAN's Action API v3 that Wharf serves, each
 * with what `help_show` says of it. Every action that reads the catalogue
 * runs its GraphQL through the gateway as the caller.
 */
export const ckanActions: Record<string, ActionEntry> = {
  package_search: {
    run: packageSearch,
    asCaller: true,
    help: 'Searches the datasets the caller may discover. Parameters: q (free text; organization:, tags:, res_format:, license_id:, groups: terms filter), fq and fq_list (those fields, metadata_modified:[from TO to]; clauses are all required, field:(a OR b) for alternatives), sort ("score desc, metadata_modified desc", "metadata_modified desc", "title_string asc"), rows (0-1000, default 10), start, facet, facet.field (organization, groups, tags, res_format, license_id), facet.limit (at most 100), fl. include_private, include_drafts and the other Solr parameters are accepted and have no effect.',
  },
  package_show: { run: packageShow, asCaller: true, help: 'Returns one dataset, with its resources, by id: its catalogue id (MO:dsec-trade-balance) or its name (the region\'s identifier).' },
  package_list: { run: packageList, asCaller: true, help: 'Returns the names of the datasets the caller may discover, sorted; limit and offset page through them.' },
  organization_list: { run: organizationList, asCaller: true, help: 'Returns the organizations (one per region): names, or with all_fields the organizations with package_count. Parameters: sort, limit, offset, organizations, q, all_fields.' },
  organization_show: { run: organizationShow, asCaller: true, help: 'Returns one organization (a region) by id, its name: with package_count, and with include_datasets its first 10 datasets.' },
  group_list: { run: groupList, asCaller: true, help: 'Returns the groups (one per EU data theme): names, or with all_fields the groups with package_count. Parameters: sort, limit, offset, groups, q, all_fields.' },
  group_show: { run: groupShow, asCaller: true, help: 'Returns one group (an EU data theme) by id, its name: with package_count, and with include_datasets its first 10 datasets.' },
  tag_list: { run: tagList, asCaller: true, help: 'Returns the 100 most used keywords of the datasets the caller may discover, sorted; query keeps those containing it; all_fields returns tag dicts.' },
  license_list: { run: licenseList, asCaller: true, help: 'Returns the licences of the datasets the caller may discover (at most 100), as CKAN\'s licence register lists licences.' },
  status_show: { run: statusShow, asCaller: false, help: 'Returns the site\'s title, description, URL, default locale, extensions and the CKAN version whose API answers it mirrors.' },
  help_show: {
    run: async (context) => {
      const name = stringParam(context.params, 'name');
      if (!name) throw validationError({ name: ['Missing value'] });
      const entry = Object.hasOwn(ckanActions, name) ? ckanActions[name] : undefined;
      if (!entry) throw notFound('Action function not found');
      return entry.help;
    },
    asCaller: false,
    help: 'Returns the help string of an action, by name.',
  },
};
