import { catalogueLayout } from './catalogueLayout.ts';
import { datasetJsonLd, type DatasetForJsonLd, type DistributionForJsonLd } from './datasetJsonLd.ts';
import { isTextOrWebUrl, isWebUrl } from '../../schema/webUrl.ts';
import { html, linkTo, scriptJson, type Html } from './html.ts';
import { renderLineageSvg, type LineageEdgeView, type LineageNodeView } from './lineageSvg.ts';
import type { UiLanguage } from './messages.ts';
import type { pageMessagesFor } from './pageMessages.ts';

/** Hops shown each way in the dataset page's lineage picture. */
export const lineageDepth = 3;

/**
 * The one operation a dataset page runs, through the gateway as the page's
 * consumer: metadata, distributions and the access decision from the owning
 * region, lineage from the catalogue, and the quality score when the
 * supergraph has `Dataset.quality`.
 */
export function datasetPageQuery(withQuality: boolean): string {
  return `query WharfDatasetPage($id: ID!, $lang: String, $purpose: String, $depth: Int) {
  dataset(id: $id) {
    id region identifier title(lang: $lang) description(lang: $lang) language keywords themes
    publisher { name url } contactPoint { name email url } license spatial temporal { start end }
    accrualPeriodicity landingPage issued modified
    classification { tier personalData securityLevel residency }
    distributions { title description format mediaType accessUrl downloadUrl byteSize }
    access(purpose: $purpose) { decision policies missing { kind anyOf reason policy } obligations purpose }${withQuality ? '\n    quality { score maxScore band }' : ''}
  }
  lineage(id: $id, direction: BOTH, depth: $depth) {
    isPartial partialRegions
    nodes { __typename id ... on Dataset { title(lang: $lang) region } ... on ExternalDataset { namespace name } }
    edges { upstream downstream crossBorder fromJurisdiction toJurisdiction job }
  }
}`;
}

export interface DatasetPageData {
  dataset:
    | (Omit<DatasetForJsonLd, 'distributions'> & {
        region: string;
        identifier: string;
        contactPoint: { name: string | null; email: string | null; url: string | null } | null;
        accrualPeriodicity: string | null;
        classification: { tier: string; personalData: string; securityLevel: string; residency: string };
        distributions: (DistributionForJsonLd & { description: string | null; byteSize: number | null })[] | null;
        access: {
          decision: 'ALLOW' | 'CONDITIONAL' | 'DENY';
          policies: string[];
          missing: { kind: string; anyOf: string[]; reason: string; policy: string | null }[];
          obligations: string[];
          purpose: string;
        } | null;
        quality?: { score: number; maxScore: number; band: string } | null;
      })
    | null;
  lineage: { isPartial: boolean; partialRegions: string[]; nodes: LineageNodeView[]; edges: LineageEdgeView[] } | null;
}

export interface DatasetPageOptions {
  data: DatasetPageData & { dataset: NonNullable<DatasetPageData['dataset']> };
  /** Errors the gateway returned beside the data (a region down, a URL the consumer may not read). */
  errors: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
  strings: ReturnType<typeof pageMessagesFor>;
  /** Who the decision is for (subject, org, jurisdiction, roles); undefined for an anonymous visitor. */
  consumer: string | undefined;
  pageUrl: string;
  catalogueUrl: string;
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

/** A dataset's page: metadata, the consumer's access decision, distributions, quality, lineage picture, and schema.org JSON-LD in the head. */
export function renderDatasetPage(options: DatasetPageOptions): Html {
  const { dataset, lineage } = options.data;
  const { lang, page } = options.strings;
  const access = dataset.access;
  const regionErrors = options.errors.filter((error) => error.extensions?.code && error.extensions.code !== 'FORBIDDEN');
  const rows: [string, unknown][] = [
    [page.identifier, dataset.id],
    [options.strings.text.publisher, dataset.publisher ? html`${dataset.publisher.name} ${linkTo(dataset.publisher.url)}` : ''],
    [page.contact, dataset.contactPoint ? html`${dataset.contactPoint.name ?? ''} ${dataset.contactPoint.email ? (emailPattern.test(dataset.contactPoint.email) ? html`<a href="mailto:${dataset.contactPoint.email}">${dataset.contactPoint.email}</a>` : dataset.contactPoint.email) : ''} ${linkTo(dataset.contactPoint.url, { contact: true })}` : ''],
    [page.license, dataset.license ? (isWebUrl(dataset.license) ? linkTo(dataset.license) : dataset.license) : ''],
    [page.keywords, dataset.keywords.join(', ')],
    [page.themes, dataset.themes.join(', ')],
    [page.spatial, dataset.spatial.join(', ')],
    [page.temporal, dataset.temporal ? `${dataset.temporal.start ?? '…'} – ${dataset.temporal.end ?? '…'}` : ''],
    [page.periodicity, dataset.accrualPeriodicity],
    [page.issued, dataset.issued],
    [options.strings.text.modified, dataset.modified],
    [page.landingPage, linkTo(dataset.landingPage)],
    [page.classification, `${dataset.classification.tier} · ${dataset.classification.personalData} · ${dataset.classification.securityLevel} · ${dataset.classification.residency}`],
  ];

  const accessSection = access
    ? html`<section id="access" aria-labelledby="access-h"><h2 id="access-h">${page.access}</h2>
<p><span class="badge ${access.decision}" data-decision="${access.decision}">${access.decision}</span> ${page.decision[access.decision]}</p>
<dl>
<dt>${page.signedInAs}</dt><dd>${options.consumer ?? page.anonymous}</dd>
${access.purpose ? html`<dt>${page.purpose}</dt><dd>${access.purpose}</dd>` : ''}
${access.policies.length ? html`<dt>${page.policies}</dt><dd>${access.policies.map((policy, i) => html`${i ? ', ' : ''}<code>${policy}</code>`)}</dd>` : ''}
${access.obligations.length ? html`<dt>${page.obligations}</dt><dd><ul class="obligations">${access.obligations.map((obligation) => html`<li>${obligation}</li>`)}</ul></dd>` : ''}
${access.missing.length ? html`<dt>${page.missing}</dt><dd><ul class="missing">${access.missing.map((need) => html`<li><strong>${need.kind}</strong>${need.anyOf.length ? html` — ${need.anyOf.map((option, i) => html`${i ? ' | ' : ''}<code>${option}</code>`)}` : ''}<br><span class="muted">${need.reason}${need.policy ? html` (<code>${need.policy}</code>)` : ''}</span></li>`)}</ul></dd>` : ''}
</dl></section>`
    : '';

  const distributions = dataset.distributions ?? [];
  const distributionSection = html`<section id="distributions" aria-labelledby="dist-h"><h2 id="dist-h">${page.distributions}</h2>
<table><thead><tr><th>${options.strings.text.format}</th><th>${page.distributionTitle}</th><th>${page.distributionLink}</th></tr></thead><tbody>
${distributions.map((item) => html`<tr><td>${item.format ?? ''}${item.mediaType ? html`<br><span class="muted">${item.mediaType}</span>` : ''}</td><td>${item.title ?? ''}${item.description ? html`<br><span class="muted">${item.description}</span>` : ''}</td><td>${item.accessUrl || item.downloadUrl ? html`${linkTo([item.downloadUrl, item.accessUrl].find((url) => url && isWebUrl(url)) ?? item.downloadUrl ?? item.accessUrl)} ${bytes(item.byteSize)}` : html`<span class="muted">${page.notReadable}</span>`}</td></tr>`)}
</tbody></table></section>`;

  const quality = dataset.quality;
  const qualitySection = quality
    ? html`<section id="quality" aria-labelledby="quality-h"><h2 id="quality-h">${page.quality}</h2><p><meter min="0" max="${quality.maxScore}" value="${quality.score}"></meter> <strong>${quality.score}</strong> / ${quality.maxScore} · ${quality.band}</p></section>`
    : '';

  const lineageSection = lineage && lineage.edges.length
    ? html`<section id="lineage" aria-labelledby="lineage-h"><h2 id="lineage-h">${page.lineage}</h2>
${lineage.isPartial ? html`<p class="notice">${page.lineagePartial}: ${lineage.partialRegions.join(', ')}</p>` : ''}
<div class="graph">${renderLineageSvg({ rootId: dataset.id, nodes: lineage.nodes, edges: lineage.edges, href: options.datasetHref, labels: { title: page.lineage, crossBorder: page.crossBorder, restricted: page.restricted } })}</div></section>`
    : html`<section id="lineage"><h2>${page.lineage}</h2><p class="muted">${page.noLineage}</p></section>`;

  return catalogueLayout({
    lang,
    title: `${dataset.title} — ${page.catalogue}`,
    catalogue: page.catalogue,
    languageHref: options.languageHref,
    head: html`<meta name="description" content="${dataset.description.slice(0, 300)}">
<link rel="canonical" href="${options.pageUrl}">
<script type="application/ld+json">${scriptJson(datasetJsonLd(withWebUrlsOnly(dataset), options.pageUrl, options.catalogueUrl))}</script>`,
    body: html`<p><a href="/?lang=${lang}">← ${page.back}</a></p>
<h1>${dataset.title}</h1>
<p class="muted">${dataset.region} · ${dataset.publisher?.name ?? ''}</p>
${regionErrors.length ? html`<p class="notice" role="alert">${regionErrors.map((error) => html`${error.message} `)}</p>` : ''}
<p>${dataset.description}</p>
${accessSection}
${distributionSection}
${qualitySection}
${lineageSection}
<section id="details" aria-labelledby="details-h"><h2 id="details-h">${page.details}</h2><dl>${rows.filter(([, value]) => value !== '' && value !== null && value !== undefined).map(([label, value]) => html`<dt>${label}</dt><dd>${value}</dd>`)}</dl></section>`,
  });
}
