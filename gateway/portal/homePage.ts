import type { WharfHomePageQuery } from '../generated/operations.ts';
import { accessBadge } from './accessBadge.ts';
import { catalogueLayout } from './catalogueLayout.ts';
import { html, type Html } from './html.ts';
import { countText, type UiLanguage } from './messages.ts';
import type { pageMessagesFor } from './pageMessages.ts';
import { pickTranslation, regionLabel, themeLabel } from './vocabularyLabels.ts';

/** Recently updated datasets the home page lists. */
export const homeRecentCount = 6;
/** Recently updated datasets a signed-in consumer's "what you may open" is chosen from. */
export const homeOpenCandidates = 20;

/**
 * The one operation the home page runs, as the visitor (so every count is
 * what the visitor's discover rights allow): the regions with their counts,
 * and one blank search, newest first, whose facets count the themes across
 * the whole catalogue and whose first hits are the recent updates, with the
 * visitor's access decision on each.
 */
export const homePageQuery = /* GraphQL */ `query WharfHomePage($lang: String, $first: Int) {
  regions { code name datasetCount stale }
  search(sort: MODIFIED, first: $first, facetLimit: 20) {
    totalCount
    facets { field values { value count } }
    edges {
      node {
        id region title(lang: $lang) titleTranslations { lang value } language modified
        access { decision obligations missing { kind } }
      }
    }
  }
}`;

/** The home page's answer, as GraphQL Code Generator writes it from `homePageQuery`. */
export type HomePageData = WharfHomePageQuery;

export interface HomePageOptions {
  data: HomePageData;
  strings: ReturnType<typeof pageMessagesFor>;
  /** Who the access decisions are for; undefined for an anonymous visitor (no "what you may open"). */
  consumer: string | undefined;
  languageHref(lang: UiLanguage): string;
  /** The catalogue page searching for `param=value`. */
  searchHref(param: 'theme' | 'region', value: string): string;
  datasetHref(id: string): string;
}

type HomeHit = NonNullable<HomePageData['search']>['edges'][number]['node'];

/**
 * The catalogue's front page, as a national open-data portal's: the search
 * (`<wharf-search>` with its state in the address), the regions as links to
 * their datasets, the themes with counts, the datasets updated last, and for
 * a signed-in consumer which of those they may open.
 */
export function renderHomePage(options: HomePageOptions): Html {
  const { lang, page, text } = options.strings;
  const search = options.data.search;
  const themes = search?.facets.find((facet) => facet.field === 'THEME')?.values ?? [];
  const hits = search?.edges.map((edge) => edge.node) ?? [];
  const day = (value: string | null) => {
    const date = value ? new Date(value) : undefined;
    return date && !Number.isNaN(date.getTime()) ? new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(date) : (value ?? '');
  };
  const datasetItem = (node: HomeHit) => {
    const title = pickTranslation(node.titleTranslations ?? [], lang, { lang: node.language, value: node.title });
    const badge = node.access ? accessBadge(node.access) : undefined;
    return html`<li data-id="${node.id}"><a href="${options.datasetHref(node.id)}"${title.lang.split('-')[0] !== lang ? html` lang="${title.lang}"` : ''}>${title.value}</a><br><span class="muted">${regionLabel(node.region, lang, options.data.regions.find((region) => region.code === node.region)?.name)}${node.modified ? html` · <time datetime="${node.modified}">${text.modified} ${day(node.modified)}</time>` : ''}</span>${badge ? html` <span class="badge ${badge.kind}" data-decision="${node.access!.decision}">${text[badge.text]}</span>` : ''}</li>`;
  };
  const open = hits.filter((node) => node.access && node.access.decision !== 'DENY');
  const mayOpen = options.consumer
    ? html`<section id="may-open" aria-labelledby="may-open-h"><h2 id="may-open-h">${page.youMayOpen}</h2>
<p class="muted">${page.youMayOpenIntro.replace('{who}', options.consumer)}</p>
${open.length ? html`<ul class="plain">${open.slice(0, homeRecentCount).map(datasetItem)}</ul>` : html`<p>${page.noneToOpen}</p>`}</section>`
    : '';
  return catalogueLayout({
    lang,
    title: page.catalogue,
    catalogue: page.catalogue,
    labels: page,
    languageHref: options.languageHref,
    head: html`<script src="/embed/wharf-search.js" defer></script>`,
    body: html`<h1>${page.catalogue}</h1>
<p class="muted">${page.intro}${search ? html` ${page.catalogueHolds.replace('{n}', search.totalCount.toLocaleString(lang))}` : ''}</p>
<section id="search" aria-labelledby="search-h"><h2 id="search-h">${page.search}</h2>
<wharf-search endpoint="/graphql" lang="${lang}" dataset-url="/datasets/{id}?lang=${lang}" url-state></wharf-search>
<noscript><p>${page.noScript}</p></noscript>
</section>
${mayOpen}
<div class="columns">
<section id="regions" aria-labelledby="regions-h"><h2 id="regions-h">${page.browseRegions}</h2>
<ul class="plain">${options.data.regions.map(
      (region) =>
        html`<li data-region="${region.code}"><a href="${options.searchHref('region', region.code)}">${regionLabel(region.code, lang, region.name)}</a> <span class="count">${countText(text, region.datasetCount, lang)}</span>${region.stale ? html` <span class="muted">(${page.stale})</span>` : ''}</li>`,
    )}</ul>
</section>
<section id="themes" aria-labelledby="themes-h"><h2 id="themes-h">${page.browseThemes}</h2>
<ul class="chips">${themes.map((theme) => html`<li><a href="${options.searchHref('theme', theme.value)}" data-theme="${theme.value}">${themeLabel(theme.value, lang)} <span class="count">${theme.count.toLocaleString(lang)}</span></a></li>`)}</ul>
</section>
</div>
<section id="recent" aria-labelledby="recent-h"><h2 id="recent-h">${page.recent}</h2>
<ul class="plain">${hits.slice(0, homeRecentCount).map(datasetItem)}</ul>
</section>`,
  });
}
