import { parse, print, visit } from 'graphql';
import type { WharfDatasetPageQuery } from '../generated/operations.ts';
import { catalogueLayout } from './catalogueLayout.ts';
import { datasetJsonLd, type DatasetForJsonLd } from './datasetJsonLd.ts';
import { isTextOrWebUrl, isWebUrl } from '../../schema/webUrl.ts';
import { html, linkTo, scriptJson, type Html } from './html.ts';
import { accessBadge } from './accessBadge.ts';
import { renderLineageSvg, type LineageEdgeView, type LineageNodeView } from './lineageSvg.ts';
import type { UiLanguage } from './messages.ts';
import type { pageMessagesFor } from './pageMessages.ts';
import { formatLabel, licenceLabel, obligationLabels, pickTranslation, qualityBandLabels, regionLabel, themeLabel } from './vocabularyLabels.ts';

/** Hops shown each way in the dataset page's lineage picture. */
export const lineageDepth = 3;

/**
 * The one operation a dataset page runs, through the gateway as the page's
 * consumer: metadata (with every translation, for the fallback to English),
 * distributions and the access decision from the owning region, the region
 * names, lineage from the catalogue — upstream and downstream asked
 * separately, so the picture holds only what feeds the dataset or derives
 * from it — and the quality score when the supergraph has `Dataset.quality`
 * (`$withQuality`; see `datasetPageQueryFor`).
 */
export const datasetPageQuery = /* GraphQL */ `query WharfDatasetPage($id: ID!, $lang: String, $purpose: String, $depth: Int, $withQuality: Boolean!) {
  dataset(id: $id) {
    id region identifier title(lang: $lang) description(lang: $lang) titleTranslations { lang value } descriptionTranslations { lang value }
    language keywords themes
    publisher { name url } contactPoint { name email url } license spatial temporal { start end }
    accrualPeriodicity landingPage issued modified
    classification { tier personalData securityLevel residency }
    distributions { title description format mediaType accessUrl downloadUrl byteSize }
    access(purpose: $purpose) { decision policies missing { kind anyOf reason policy } obligations purpose }
    quality @include(if: $withQuality) { score maxScore band }
  }
  regions { code name }
  upstream: lineage(id: $id, direction: UPSTREAM, depth: $depth) { ...DatasetPageLineage }
  downstream: lineage(id: $id, direction: DOWNSTREAM, depth: $depth) { ...DatasetPageLineage }
}

fragment DatasetPageLineage on LineageGraph {
  isPartial partialRegions
  nodes { __typename id ... on Dataset { title(lang: $lang) region } ... on ExternalDataset { namespace name } }
  edges { upstream downstream crossBorder fromJurisdiction toJurisdiction job }
}`;

/**
 * The page's operation for a supergraph: as written when it has
 * `Dataset.quality`, else without the field and its `$withQuality` (an
 * operation naming a field the schema lacks fails validation, skipped or not).
 */
export function datasetPageQueryFor(withQuality: boolean): string {
  if (withQuality) return datasetPageQuery;
  return print(
    visit(parse(datasetPageQuery), {
      VariableDefinition: (node) => (node.variable.name.value === 'withQuality' ? null : undefined),
      Field: (node) => (node.name.value === 'quality' ? null : undefined),
    }),
  );
}

/** The page's answer, as GraphQL Code Generator writes it from `datasetPageQuery`. */
export type DatasetPageData = WharfDatasetPageQuery;

type LineageView = WharfDatasetPageQuery['upstream'];

export interface DatasetPageOptions {
  data: DatasetPageData & { dataset: NonNullable<DatasetPageData['dataset']> };
  /** Errors the gateway returned beside the data (a region down, a URL the consumer may not read). */
  errors: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
  strings: ReturnType<typeof pageMessagesFor>;
  /** Who the decision is for (subject, org, jurisdiction, roles); undefined for an anonymous visitor. */
  consumer: string | undefined;
  pageUrl: string;
  catalogueUrl: string;
  /** "Back to search": the catalogue page with the search the visitor came from. */
  backHref: string;
  /** The catalogue page searching for `param=value` (a theme, a region). */
  searchHref(param: 'theme' | 'region', value: string): string;
  languageHref(lang: UiLanguage): string;
  datasetHref(id: string): string;
}

const bytes = (size: number | null) => (size === null ? '' : size < 1024 ? `${size} B` : size < 1048576 ? `${(size / 1024).toFixed(1)} kB` : `${(size / 1048576).toFixed(1)} MB`);
/** A plain e-mail address, the only thing a `mailto:` link is built from. */
const emailPattern = /^[^\s@<>()"'?&#\\/:;,]+@[^\s@<>()"'?&#\\/:;,]+\.[^\s@<>()"'?&#\\/:;,]+$/;
const web = (url: string | null) => (url !== null && isWebUrl(url) ? url : null);

/**
 * The dataset with every URL that is not http(s) taken out, for the JSON-LD
 * search engines read: a region's feed is not validated like a file, and a
 * crawler should not be handed its `javascript:` or `file:` links.
 */
function withWebUrlsOnly(dataset: DatasetForJsonLd): DatasetForJsonLd {
  return {
    ...dataset,
    publisher: dataset.publisher ? { ...dataset.publisher, url: web(dataset.publisher.url) } : null,
    license: dataset.license !== null && isTextOrWebUrl(dataset.license) ? dataset.license : null,
    landingPage: web(dataset.landingPage),
    distributions: dataset.distributions?.map((item) => ({ ...item, accessUrl: web(item.accessUrl), downloadUrl: web(item.downloadUrl) })) ?? null,
  };
}

/** `lang="…"` for text in another language than the page's, so a screen reader pronounces it as it is written. */
const langAttr = (textLang: string, pageLang: string) => (textLang && textLang.toLowerCase().split('-')[0] !== pageLang ? html` lang="${textLang}"` : '');

/** The lineage beside the picture, as lists a screen reader and a phone read: what the dataset comes from, and what derives from it. */
function lineageList(rootId: string, side: NonNullable<LineageView>, direction: 'upstream' | 'downstream', options: DatasetPageOptions): Html {
  const { page } = options.strings;
  const from = direction === 'upstream' ? (edge: LineageEdgeView) => edge.downstream : (edge: LineageEdgeView) => edge.upstream;
  const to = direction === 'upstream' ? (edge: LineageEdgeView) => edge.upstream : (edge: LineageEdgeView) => edge.downstream;
  const nodes = new Map(side.nodes.map((node) => [node.id, node]));
  // Hop by hop from the dataset, each neighbour once, with the edge that reached it.
  const items: { node: LineageNodeView; edge: LineageEdgeView; hop: number }[] = [];
  const seen = new Set([rootId]);
  let frontier = [rootId];
  for (let hop = 1; frontier.length; hop += 1) {
    const next: string[] = [];
    for (const edge of side.edges) {
      const node = nodes.get(to(edge));
      if (!frontier.includes(from(edge)) || seen.has(to(edge)) || !node) continue;
      seen.add(node.id);
      items.push({ node, edge, hop });
      next.push(node.id);
    }
    frontier = next;
  }
  const heading = direction === 'upstream' ? page.upstream : page.downstream;
  const item = ({ node, edge, hop }: (typeof items)[number]) => {
    const name =
      node.__typename === 'Dataset'
        ? html`<a href="${options.datasetHref(node.id)}">${node.title ?? node.id}</a> <span class="muted">(${node.region ? regionLabel(node.region, options.strings.lang) : ''} · <code>${node.id}</code>)</span>`
        : node.__typename === 'ExternalDataset'
          ? html`${node.name ?? node.id} <span class="muted">(${page.externalDataset}: ${node.namespace ?? ''})</span>`
          : html`<span class="restricted-node">${page.restricted}</span> <span class="muted">(<code>${node.id}</code>)</span>`;
    const border = edge.crossBorder ? html` <strong class="cross-border">${page.crossBorder}: ${edge.fromJurisdiction ?? '?'} → ${edge.toJurisdiction ?? '?'}</strong>` : '';
    return html`<li data-id="${node.id}" data-hops="${hop}">${name}${border}</li>`;
  };
  return html`<div class="side ${direction}"><h3>${heading}</h3>${items.length ? html`<ul class="plain">${items.map(item)}</ul>` : html`<p class="muted">${direction === 'upstream' ? page.noUpstream : page.noDownstream}</p>`}</div>`;
}

/** A dataset's page: metadata, the consumer's access decision, distributions, quality, lineage picture and lists, and schema.org JSON-LD in the head. */
export function renderDatasetPage(options: DatasetPageOptions): Html {
  const { dataset, upstream, downstream } = options.data;
  const { lang, page, text } = options.strings;
  const access = dataset.access;
  const regionErrors = options.errors.filter((error) => error.extensions?.code && error.extensions.code !== 'FORBIDDEN');
  // Requested language, else English, else the dataset's own (which `title(lang:)` alone would give).
  const title = pickTranslation(dataset.titleTranslations ?? [], lang, { lang: dataset.language, value: dataset.title });
  const description = pickTranslation(dataset.descriptionTranslations ?? [], lang, { lang: dataset.language, value: dataset.description });
  const regionName = regionLabel(dataset.region, lang, options.data.regions?.find((region) => region.code === dataset.region)?.name);
  const licence = dataset.license ? licenceLabel(dataset.license, lang) : undefined;
  const rows: [string, unknown][] = [
    [page.identifier, html`<code>${dataset.id}</code>`],
    [page.regionOf, html`<a href="${options.searchHref('region', dataset.region)}">${regionName}</a>`],
    [text.publisher, dataset.publisher ? html`${dataset.publisher.name} ${linkTo(dataset.publisher.url)}` : ''],
    [page.contact, dataset.contactPoint ? html`${dataset.contactPoint.name ?? ''} ${dataset.contactPoint.email ? (emailPattern.test(dataset.contactPoint.email) ? html`<a href="mailto:${dataset.contactPoint.email}">${dataset.contactPoint.email}</a>` : dataset.contactPoint.email) : ''} ${linkTo(dataset.contactPoint.url, { contact: true })}` : ''],
    [page.license, dataset.license ? (licence ? (isWebUrl(dataset.license) ? html`<a href="${dataset.license}" rel="noopener">${licence}</a>` : licence) : isWebUrl(dataset.license) ? linkTo(dataset.license) : dataset.license) : ''],
    [page.keywords, dataset.keywords.length ? html`<span${langAttr(dataset.language, lang)}>${dataset.keywords.join(', ')}</span>` : ''],
    [page.themes, dataset.themes.length ? html`<ul class="chips">${dataset.themes.map((code) => html`<li><a href="${options.searchHref('theme', code)}" data-theme="${code}">${themeLabel(code, lang)}</a></li>`)}</ul>` : ''],
    [page.spatial, dataset.spatial.join(', ')],
    [page.temporal, dataset.temporal ? `${dataset.temporal.start ?? '…'} – ${dataset.temporal.end ?? '…'}` : ''],
    [page.periodicity, dataset.accrualPeriodicity],
    [page.issued, dataset.issued],
    [text.modified, dataset.modified],
    [page.landingPage, linkTo(dataset.landingPage)],
    [page.classification, `${dataset.classification.tier} · ${dataset.classification.personalData} · ${dataset.classification.securityLevel} · ${dataset.classification.residency}`],
  ];

  const badge = access ? accessBadge(access) : undefined;
  const accessSection = access && badge
    ? html`<section id="access" aria-labelledby="access-h"><h2 id="access-h">${page.access}</h2>
<p><span class="badge ${badge.kind}" data-decision="${access.decision}">${text[badge.text]}</span> ${page.decision[access.decision]}</p>
<dl>
<dt>${page.signedInAs}</dt><dd>${options.consumer ?? page.anonymous}</dd>
${access.purpose ? html`<dt>${page.purpose}</dt><dd>${access.purpose}</dd>` : ''}
${access.policies.length ? html`<dt>${page.policies}</dt><dd>${access.policies.map((policy, i) => html`${i ? ', ' : ''}<code>${policy}</code>`)}</dd>` : ''}
${access.obligations.length ? html`<dt>${page.obligations}</dt><dd><ul class="obligations">${access.obligations.map((obligation) => html`<li data-obligation="${obligation}">${obligationLabels[obligation]?.[lang] ?? obligation}</li>`)}</ul></dd>` : ''}
${access.missing.length ? html`<dt>${page.missing}</dt><dd><ul class="missing">${access.missing.map((need) => html`<li><strong>${need.kind}</strong>${need.anyOf.length ? html` — ${need.anyOf.map((option, i) => html`${i ? ' | ' : ''}<code>${option}</code>`)}` : ''}<br><span class="muted" lang="en">${need.reason}${need.policy ? html` (<code>${need.policy}</code>)` : ''}</span></li>`)}</ul></dd>` : ''}
</dl></section>`
    : '';

  const distributions = dataset.distributions ?? [];
  const distributionSection = html`<section id="distributions" aria-labelledby="dist-h"><h2 id="dist-h">${page.distributions}</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">${text.format}</th><th scope="col">${page.distributionTitle}</th><th scope="col">${page.distributionLink}</th></tr></thead><tbody>
${distributions.map((item) => html`<tr><td>${item.format ? html`<span data-format="${item.format}">${formatLabel(item.format, lang)}</span>` : ''}${item.mediaType ? html`<br><span class="muted">${item.mediaType}</span>` : ''}</td><td${langAttr(dataset.language, lang)}>${item.title ?? ''}${item.description ? html`<br><span class="muted">${item.description}</span>` : ''}</td><td>${item.accessUrl || item.downloadUrl ? html`${linkTo([item.downloadUrl, item.accessUrl].find((url) => url && isWebUrl(url)) ?? item.downloadUrl ?? item.accessUrl)} ${bytes(item.byteSize)}` : html`<span class="muted">${page.notReadable}</span>`}</td></tr>`)}
</tbody></table></div></section>`;

  const quality = dataset.quality;
  const qualitySection = quality
    ? html`<section id="quality" aria-labelledby="quality-h"><h2 id="quality-h">${page.quality}</h2><p><meter min="0" max="${quality.maxScore}" value="${quality.score}" aria-label="${page.quality}"></meter> <strong>${quality.score}</strong> / ${quality.maxScore} · <span data-band="${quality.band}">${qualityBandLabels[quality.band]?.[lang] ?? quality.band}</span></p></section>`
    : '';

  const hasLineage = Boolean(upstream?.edges.length || downstream?.edges.length);
  const partialRegions = [...new Set([...(upstream?.partialRegions ?? []), ...(downstream?.partialRegions ?? [])])];
  const empty = { nodes: [], edges: [] };
  const lineageSection = hasLineage
    ? html`<section id="lineage" aria-labelledby="lineage-h"><h2 id="lineage-h">${page.lineage}</h2>
${upstream?.isPartial || downstream?.isPartial ? html`<p class="notice">${page.lineagePartial}: ${partialRegions.join(', ')}</p>` : ''}
<div class="graph">${renderLineageSvg({ rootId: dataset.id, upstream: upstream ?? empty, downstream: downstream ?? empty, href: options.datasetHref, labels: { title: page.lineage, crossBorder: page.crossBorder, restricted: page.restricted, external: page.externalDataset } })}</div>
<div class="columns">${lineageList(dataset.id, upstream ?? { isPartial: false, partialRegions: [], ...empty }, 'upstream', options)}${lineageList(dataset.id, downstream ?? { isPartial: false, partialRegions: [], ...empty }, 'downstream', options)}</div></section>`
    : html`<section id="lineage" aria-labelledby="lineage-h"><h2 id="lineage-h">${page.lineage}</h2><p class="muted">${page.noLineage}</p></section>`;

  return catalogueLayout({
    lang,
    title: `${title.value} — ${page.catalogue}`,
    catalogue: page.catalogue,
    labels: page,
    languageHref: options.languageHref,
    head: html`<meta name="description" content="${description.value.slice(0, 300)}">
<link rel="canonical" href="${options.pageUrl}">
<script type="application/ld+json">${scriptJson(datasetJsonLd(withWebUrlsOnly({ ...dataset, title: title.value, description: description.value }), options.pageUrl, options.catalogueUrl))}</script>`,
    body: html`<p><a href="${options.backHref}" id="back">← ${page.back}</a></p>
<h1${langAttr(title.lang, lang)}>${title.value}</h1>
<p class="muted">${regionName} · <span${langAttr(dataset.language, lang)}>${dataset.publisher?.name ?? ''}</span></p>
${regionErrors.length ? html`<p class="notice" role="alert">${regionErrors.map((error) => html`${error.message} `)}</p>` : ''}
<p${langAttr(description.lang, lang)}>${description.value}</p>
${accessSection}
${distributionSection}
${qualitySection}
${lineageSection}
<section id="details" aria-labelledby="details-h"><h2 id="details-h">${page.details}</h2><dl>${rows.filter(([, value]) => value !== '' && value !== null && value !== undefined).map(([label, value]) => html`<dt>${label}</dt><dd>${value}</dd>`)}</dl></section>`,
  });
}
