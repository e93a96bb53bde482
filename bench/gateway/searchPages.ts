import { readFileSync } from 'node:fs';
import { demoTokensPath } from '../../gateway/demo/demoIdentity.ts';

/**
 * The catalogue's search page: 20 hits with display metadata from the
 * harvested index, and, for every hit, what only its own region answers —
 * the consumer's access decision and the distributions — plus facets over
 * every match. (Distribution URLs are left out: they are a FORBIDDEN error
 * for most consumers, and every answer here must be error-free.)
 */
export const searchPageQuery = `query SearchPage($query: String!) {
  search(query: $query, first: 20) {
    totalCount
    pageInfo { hasNextPage }
    facets { field values { value count } }
    edges {
      node {
        id
        region
        title(lang: "en")
        publisher { name }
        modified
        themes
        access { decision obligations missing { kind anyOf } }
        distributions { format mediaType }
      }
      highlights { field snippet }
    }
  }
}`;

/**
 * What people look for in a cross-border catalogue, in the catalogue's
 * languages (English, Chinese, Portuguese, Vietnamese, Malay), with and
 * without diacritics.
 */
export const searchTerms: readonly string[] = [
  'trade',
  'container throughput',
  'population',
  'gdp',
  'ha noi',
  '海关',
  'comércio',
  'tourism',
  'visitor arrivals',
  'rainfall',
  'weather',
  'hospital',
  'health',
  'school',
  'education',
  'transport',
  'traffic',
  'vehicles',
  'housing',
  'port',
  'cargo',
  'customs',
  'exports',
  'employment',
  'labour force',
  'income',
  'inflation',
  'prices',
  'retail',
  'electricity',
  'energy',
  'water',
  'air quality',
  'births',
  'budget',
  'agriculture',
  'crime',
  'penduduk',
  'dân số',
  '貿易',
];

/**
 * Other searches, never measured: a new replica's code is warmed up on these
 * while its cache holds none of the measured pages.
 */
export const warmupTerms: readonly string[] = ['statistics', 'annual', 'monthly', 'survey', 'census', 'map', 'index', 'rate'];

/** Who views the pages: anonymous visitors, and demo consumers whose access decisions differ. */
export const searchConsumers: readonly string[] = ['anonymous', 'singapore-researcher', 'macao-health-researcher', 'gba-logistics-analyst'];

export interface SearchPageRequest {
  term: string;
  consumer: string;
  body: string;
  headers: Record<string, string>;
}

/** Every (term, consumer) page, bodies and headers ready to send. */
export function searchPageRequests(terms = searchTerms, consumers = searchConsumers): SearchPageRequest[] {
  const tokens = JSON.parse(readFileSync(demoTokensPath, 'utf8')) as Record<string, string>;
  return terms.flatMap((term): SearchPageRequest[] =>
    consumers.map((consumer): SearchPageRequest => {
      const token = consumer === 'anonymous' ? undefined : tokens[consumer];
      if (consumer !== 'anonymous' && !token) throw new Error(`No demo token "${consumer}" in ${demoTokensPath}.`);
      return {
        term,
        consumer,
        body: JSON.stringify({ query: searchPageQuery, variables: { query: term }, operationName: 'SearchPage' }),
        headers: token ? { authorization: `Bearer ${token}` } : ({} as Record<string, string>),
      };
    }),
  );
}
