import { catalogueLayout } from './catalogueLayout.ts';
import { html, type Html } from './html.ts';
import type { UiLanguage } from './messages.ts';
import type { pageMessagesFor } from './pageMessages.ts';

export const homePageQuery = `query WharfHomePage { regions { code name datasetCount stale } }`;

export interface HomePageOptions {
  regions: { code: string; name: string; datasetCount: number; stale: boolean }[];
  strings: ReturnType<typeof pageMessagesFor>;
  /** Text the search starts with (`/?q=`). */
  query: string;
  languageHref(lang: UiLanguage): string;
}

/**
 * The catalogue's front page: `<wharf-search>` (the same component portals
 * embed, from this gateway) with facets, results linking to dataset pages,
 * and the regions the catalogue harvests.
 */
export function renderHomePage(options: HomePageOptions): Html {
  const { lang, page } = options.strings;
  return catalogueLayout({
    lang,
    title: page.catalogue,
    catalogue: page.catalogue,
    languageHref: options.languageHref,
    head: html`<script src="/embed/wharf-search.js" defer></script>`,
    body: html`<h1>${page.catalogue}</h1>
<p class="muted">${page.intro}</p>
<section aria-label="${options.strings.text.label}">
<wharf-search endpoint="/graphql" lang="${lang}" dataset-url="/datasets/{id}?lang=${lang}"${options.query ? html` query="${options.query}"` : ''}></wharf-search>
<noscript><p>${page.noScript}</p></noscript>
</section>
<section aria-labelledby="regions-h"><h2 id="regions-h">${page.regions}</h2>
<ul class="regions">${options.regions.map((region) => html`<li><strong>${region.code}</strong> ${region.name} · ${region.datasetCount.toLocaleString(lang)} ${page.datasets}${region.stale ? html` <span class="muted">(${page.stale})</span>` : ''}</li>`)}</ul>
</section>`,
  });
}
