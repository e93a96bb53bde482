import { quote, searchQueryError } from './ckanErrors.ts';

/** The catalogue's facet fields a CKAN filter maps to. */
export type WharfFacetField = 'REGION' | 'THEME' | 'FORMAT' | 'LICENSE' | 'KEYWORD';

/** What a Solr filter (`fq`, or fielded terms in `q`) asks of the catalogue's search. */
export interface CkanFilter {
  /** Each group must match; within a group, any condition (the catalogue's `filter.anyOf`). */
  anyOf: { field: WharfFacetField; value: string }[][];
  /** `metadata_modified:[from TO to]`, ISO 8601. */
  modifiedFrom?: string;
  modifiedTo?: string;
  /** A clause no dataset can match (`dataset_type:harvest`, `capacity:private`). */
  nothing: boolean;
}

/** CKAN's Solr fields, and the catalogue field each filters on. */
const facetOf: Record<string, { field: WharfFacetField; value: (raw: string) => string }> = {
  organization: { field: 'REGION', value: (raw) => raw.toUpperCase() },
  owner_org: { field: 'REGION', value: (raw) => raw.toUpperCase() },
  groups: { field: 'THEME', value: (raw) => raw.toUpperCase() },
  res_format: { field: 'FORMAT', value: (raw) => raw.toUpperCase() },
  license_id: { field: 'LICENSE', value: (raw) => raw },
  tags: { field: 'KEYWORD', value: (raw) => raw },
};

/** Fields CKAN itself adds to every search; each matches every Wharf dataset with the value given, and none with another. */
const constantFields: Record<string, string> = { dataset_type: 'dataset', type: 'dataset', capacity: 'public', state: 'active', site_id: '' };

const supported = `${Object.keys(facetOf).join(', ')}, metadata_modified (and ${Object.keys(constantFields).join(', ')} as CKAN sets them)`;

/** Most conditions in one search, all groups together (the catalogue's own bound). */
export const maxFilterConditions = 100;

type Token = { kind: 'word' | 'phrase'; text: string } | { kind: 'range'; from: string; to: string } | { kind: '(' | ')' | ':' };

/** The tokens of a Solr query: words (backslash escapes resolved), quoted phrases, `[a TO b]` ranges, parentheses, colons. */
function tokenize(text: string, parameter: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at]!;
    if (/\s/.test(char)) {
      at += 1;
    } else if (char === '(' || char === ')' || char === ':') {
      tokens.push({ kind: char });
      at += 1;
    } else if (char === '"') {
      let phrase = '';
      at += 1;
      while (at < text.length && text[at] !== '"') phrase += text[at] === '\\' && at + 1 < text.length ? text[(at += 1)] : text[at], (at += 1);
      if (at >= text.length) throw searchQueryError(`${parameter} has a quotation mark that is never closed: ${quote(text)}`);
      at += 1;
      tokens.push({ kind: 'phrase', text: phrase });
    } else if (char === '[' || char === '{') {
      const end = text.indexOf(char === '[' ? ']' : '}', at);
      const match = end < 0 ? null : /^\s*(\S+)\s+TO\s+(\S+)\s*$/.exec(text.slice(at + 1, end));
      if (char === '{' || !match) throw searchQueryError(`${parameter} has a range that is not [from TO to]: ${quote(text.slice(at, end < 0 ? undefined : end + 1))}`);
      tokens.push({ kind: 'range', from: match[1]!, to: match[2]! });
      at = end + 1;
    } else {
      let word = '';
      while (at < text.length && !/[\s():"[{]/.test(text[at]!)) word += text[at] === '\\' && at + 1 < text.length ? text[(at += 1)] : text[at], (at += 1);
      tokens.push({ kind: 'word', text: word });
    }
  }
  return tokens;
}

/** A date bound of `metadata_modified`: ISO 8601, `*` (open) or `NOW`. */
function dateBound(value: string, parameter: string): string | undefined {
  if (value === '*') return undefined;
  if (value === 'NOW') return new Date().toISOString();
  if (/^\d{4}-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?$/.test(value) && !Number.isNaN(Date.parse(value))) return value;
  throw searchQueryError(`${parameter} bounds metadata_modified with ${quote(value)}; use an ISO 8601 date or date-time, * or NOW`);
}

/**
 * A Solr filter as CKAN clients write one, for the fields Wharf can filter
 * on: `organization:mo`, `+res_format:CSV tags:"trade balance"`,
 * `groups:(econ OR tran)`, `metadata_modified:[2024-01-01T00:00:00Z TO *]`.
 * Clauses are all required (`AND` and a leading `+` may be written; CKAN's
 * own `+capacity:public` and `+state:active` are understood); values in
 * parentheses may be joined by `OR`. `words` gets each term that names no
 * field (free text, in `q`); without it such a term is an error, as is
 * negation, `OR` between clauses, or any other field.
 */
export function parseSolrFilter(text: string, parameter: string, filter: CkanFilter, words?: string[]): void {
  const tokens = tokenize(text, parameter);
  const bad = (detail: string) => searchQueryError(`${parameter} ${detail}: ${quote(text)}`);
  let at = 0;
  const conditions = () => filter.anyOf.reduce((sum, group) => sum + group.length, 0);
  while (at < tokens.length) {
    let token = tokens[at]!;
    if (token.kind === 'word' && (token.text === 'AND' || token.text === '&&' || token.text === '+')) {
      at += 1;
      continue;
    }
    if (token.kind === 'word' && (token.text === 'OR' || token.text === '||')) throw bad('joins clauses with OR, which is not supported; write field:(a OR b)');
    if (!words && token.kind === 'word' && (token.text === 'NOT' || token.text.startsWith('-') || token.text === '!')) throw bad('negates a clause, which is not supported');
    if (token.kind === 'word' && token.text === '*' && tokens[at + 1]?.kind === ':' && tokens[at + 2]?.kind === 'word' && (tokens[at + 2] as { text: string }).text === '*') {
      at += 3;
      continue;
    }
    const fielded = token.kind === 'word' && tokens[at + 1]?.kind === ':';
    if (!fielded && words && (token.kind === '(' || token.kind === ')' || token.kind === ':')) {
      // Grouping in free text changes nothing here: every word counts.
      at += 1;
      continue;
    }
    if (!fielded) {
      if (!words || (token.kind !== 'word' && token.kind !== 'phrase')) throw bad(words ? 'has a stray parenthesis, colon or range' : 'has a term that names no field; write field:value');
      words.push(token.text);
      at += 1;
      continue;
    }
    const field = (token as { text: string }).text.replace(/^\+/, '');
    at += 2;
    token = tokens[at]!;
    if (!token) throw bad(`gives ${field} no value`);
    const values: string[] = [];
    if (token.kind === '(') {
      at += 1;
      for (;;) {
        const next = tokens[at];
        if (!next) throw bad('has a parenthesis that is never closed');
        at += 1;
        if (next.kind === ')') break;
        if (next.kind === 'word' && (next.text === 'OR' || next.text === '||')) continue;
        if (next.kind !== 'word' && next.kind !== 'phrase') throw bad(`has ${next.kind === 'range' ? 'a range' : `"${next.kind}"`} inside a list of values`);
        if (next.text === 'AND' || next.text === '&&') throw bad('joins values with AND, which is not supported; write one clause per value');
        values.push(next.text);
      }
      if (values.length === 0) throw bad(`gives ${field} an empty list of values`);
    } else if (token.kind === 'range') {
      if (field !== 'metadata_modified') throw bad(`gives ${field} a range; only metadata_modified takes one`);
      const from = dateBound(token.from, parameter);
      const to = dateBound(token.to, parameter);
      if (from && (!filter.modifiedFrom || from > filter.modifiedFrom)) filter.modifiedFrom = from;
      if (to && (!filter.modifiedTo || to < filter.modifiedTo)) filter.modifiedTo = to;
      at += 1;
      continue;
    } else if (token.kind === 'word' || token.kind === 'phrase') {
      values.push(token.text);
      at += 1;
    } else {
      throw bad(`gives ${field} no value`);
    }
    const facet = facetOf[field];
    if (facet) {
      filter.anyOf.push(values.map((value) => ({ field: facet.field, value: facet.value(value) })));
      if (conditions() > maxFilterConditions) throw bad(`has more than ${maxFilterConditions} conditions`);
    } else if (field in constantFields) {
      // CKAN's own clauses: the site id is any, the others hold for every Wharf dataset with their usual value only.
      if (field !== 'site_id' && !values.includes(constantFields[field]!)) filter.nothing = true;
    } else if (words) {
      // Free text with a colon in it (`http://…`, `ratio:1`), not a field Wharf knows.
      words.push(`${field}:${values.join(' ')}`);
    } else {
      throw bad(`filters on ${quote(field)}, which Wharf cannot filter on; it filters on ${supported}`);
    }
  }
}
