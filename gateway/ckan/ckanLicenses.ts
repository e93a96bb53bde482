/** A licence CKAN's register would know, by the forms dataset files name it in. */
interface KnownLicence {
  title: string;
  url: string;
  /** Conformant with the Open Definition: CKAN's `isopen`. */
  open: boolean;
}

const cc = (path: string, title: string): KnownLicence => ({ title, url: `https://creativecommons.org/${path}/`, open: true });
const ccBy4 = cc('licenses/by/4.0', 'Creative Commons Attribution 4.0');
const ccBySa4 = cc('licenses/by-sa/4.0', 'Creative Commons Attribution Share-Alike 4.0');
const cc0 = cc('publicdomain/zero/1.0', 'Creative Commons CCZero');
const odbl: KnownLicence = { title: 'Open Data Commons Open Database License (ODbL)', url: 'https://opendatacommons.org/licenses/odbl/1-0/', open: true };
const odcBy: KnownLicence = { title: 'Open Data Commons Attribution License', url: 'https://opendatacommons.org/licenses/by/1-0/', open: true };
const pddl: KnownLicence = { title: 'Open Data Commons Public Domain Dedication and License (PDDL)', url: 'https://opendatacommons.org/licenses/pddl/1-0/', open: true };

/** By URL (scheme `https`, no trailing slash) and by SPDX identifier, lower case. */
const known = new Map<string, KnownLicence>([
  ['https://creativecommons.org/licenses/by/4.0', ccBy4],
  ['cc-by-4.0', ccBy4],
  ['https://creativecommons.org/licenses/by/3.0', cc('licenses/by/3.0', 'Creative Commons Attribution 3.0')],
  ['https://creativecommons.org/licenses/by-sa/4.0', ccBySa4],
  ['cc-by-sa-4.0', ccBySa4],
  ['https://creativecommons.org/publicdomain/zero/1.0', cc0],
  ['cc0-1.0', cc0],
  ['https://opendatacommons.org/licenses/odbl/1-0', odbl],
  ['odbl-1.0', odbl],
  ['https://opendatacommons.org/licenses/by/1-0', odcBy],
  ['odc-by-1.0', odcBy],
  ['https://opendatacommons.org/licenses/pddl/1-0', pddl],
  ['pddl-1.0', pddl],
]);

const isUrl = (value: string) => /^https?:\/\//i.test(value);

/**
 * A dataset's licence as CKAN shows it. The id is Wharf's own value (a URL
 * or a name), which `fq=license_id:…` filters on; the title and `isopen`
 * come from the licences CKAN's default register holds, by URL or SPDX id.
 * `url` is the value itself when it is a URL: an importer reading
 * `license_url` first gets back exactly the value Wharf has.
 */
export function licenceOf(license: string): { id: string; title: string; url: string | undefined; isopen: boolean } {
  const entry = known.get(license.trim().replace(/^http:\/\//i, 'https://').replace(/\/+$/, '').toLowerCase()) ?? known.get(license.trim().replace(/\/+$/, ''));
  return { id: license, title: entry?.title ?? license, url: isUrl(license) ? license : undefined, isopen: entry?.open ?? false };
}

/** A licence as `license_list` lists it: CKAN's register entry, every value a string as CKAN's `license_dictize` makes it. */
export function licenceListEntry(license: string): Record<string, string> {
  const { id, title, url, isopen } = licenceOf(license);
  return {
    domain_content: 'False',
    domain_data: 'False',
    domain_software: 'False',
    family: '',
    id,
    is_generic: 'False',
    maintainer: '',
    od_conformance: isopen ? 'approved' : 'not reviewed',
    osd_conformance: 'not reviewed',
    status: 'active',
    title,
    url: url ?? '',
  };
}
