/**
 * `<wharf-search>`: the catalogue's search as a web component a portal embeds
 * with one tag. Runs in the browser; `embedBundle.ts` bundles it with esbuild.
 * No framework: a custom element with an open Shadow DOM, themed by CSS
 * custom properties and `::part()`; a search box whose results are a list of
 * links (arrows move between them), search-as-you-type with suggestions,
 * facet chips in words, a sort order and load-more by cursor. With the
 * `url-state` attribute the search lives in the page's address (history
 * API), so reload, Back and a shared link restore it. Operations go as
 * persisted-query hashes.
 */
import type { WharfSearchQuery, WharfSuggestQuery } from '../generated/operations.ts';
import { accessBadge } from './accessBadge.ts';
import { countText, messagesFor, type Messages, type UiLanguage } from './messages.ts';
import { createPersistedClient, type PersistedClient } from './persistedQuery.ts';
import { searchOperations, type PersistedOperation, type SearchOperationName } from './searchOperations.ts';
import { emptySearchState, isActiveSearch, readSearchState, searchSorts, searchStateLimits, stateFilters, writeSearchState, type FilterField, type SearchSort, type SearchState } from './searchState.ts';
import { decode, h, safeHref, snippetNodes } from './snippetNodes.ts';
import { formatLabel, pickTranslation, regionLabel, themeLabel } from './vocabularyLabels.ts';
import { wharfSearchStyle as style } from './wharfSearchStyle.ts';

/** Set by the bundler: the SHA-256 of each operation in `searchOperations`. */
declare const WHARF_OPERATION_HASHES: Record<SearchOperationName, string>;

const operation = (name: SearchOperationName): PersistedOperation => ({ name, query: searchOperations[name], sha256Hash: WHARF_OPERATION_HASHES[name] });

/**
 * Where this script was loaded from: the default endpoint is the same
 * gateway's `/graphql`. A module script has no `document.currentScript`:
 * then the `<script>` naming this file, else the resource the page loaded
 * it from.
 */
const ownPath = /\/embed\/wharf-search\.js(?:[?#]|$)/;
const scriptUrl =
  (document.currentScript as HTMLScriptElement | null)?.src ??
  [...document.querySelectorAll<HTMLScriptElement>('script[src]')].map((script) => script.src).find((src) => ownPath.test(src)) ??
  performance.getEntriesByType('resource').map((entry) => entry.name).find((name) => ownPath.test(name));

type SearchData = WharfSearchQuery;
type SuggestData = WharfSuggestQuery;
type Hit = SearchData['search']['edges'][number];
type Facet = SearchData['search']['facets'][number];

/** The words of a facet value: a theme's label, a format's kind, a region's name. */
function facetValueLabel(field: FilterField, value: string, lang: UiLanguage): string {
  if (field === 'themes') return themeLabel(value, lang);
  if (field === 'formats') return formatLabel(value, lang);
  return regionLabel(value, lang);
}
const facetTitles: Record<FilterField, keyof Messages> = { regions: 'region', themes: 'theme', formats: 'format' };
const sortLabels: Record<SearchSort, keyof Messages> = { RELEVANCE: 'sortRelevance', MODIFIED: 'sortModified', TITLE: 'sortTitle' };

/** The flag emoji of a region's country (`CN-GX` → 🇨🇳). */
const flagOf = (region: string) => String.fromCodePoint(...[...region.slice(0, 2).toUpperCase()].map((char) => 0x1f1a5 + char.charCodeAt(0)));

/** Most results one request asks for (the API's `first` allows 100). */
const maxFirst = 100;

export class WharfSearch extends HTMLElement {
  static observedAttributes = ['lang', 'regions', 'endpoint', 'api-key', 'page-size', 'query', 'placeholder', 'dataset-url'];

  readonly #root = this.attachShadow({ mode: 'open' });
  readonly #input = h('input', { id: 'q', part: 'input', type: 'search', 'aria-controls': 'results', autocomplete: 'off', spellcheck: 'false', enterkeyhint: 'search' });
  readonly #label = h('label', { for: 'q', class: 'sr' });
  readonly #suggestions = h('div', { part: 'suggestions', class: 'row', role: 'group', hidden: '' });
  readonly #facets = h('div', { part: 'facets', role: 'group', hidden: '' });
  readonly #sortLabel = h('label', { for: 'sort' });
  readonly #sort = h('select', { id: 'sort', part: 'sort' });
  readonly #sortRow = h('div', { class: 'row sort', hidden: '' }, this.#sortLabel, this.#sort);
  readonly #status = h('div', { part: 'status', class: 'status', role: 'status', 'aria-live': 'polite' });
  readonly #retry = h('button', { part: 'retry', type: 'button', hidden: '' });
  readonly #list = h('ul', { id: 'results', part: 'results' });
  readonly #more = h('button', { part: 'load-more', class: 'more', type: 'button', hidden: '' });

  #hits: Hit[] = [];
  #facetData: Facet[] = [];
  #total = 0;
  #endCursor: string | null = null;
  #hasNext = false;
  #state: SearchState = emptySearchState();
  /** Bumped by every search; an answer for an older one is dropped. */
  #generation = 0;
  #controller: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #phase: 'idle' | 'loading' | 'ready' | 'error' = 'idle';
  #connected = false;
  readonly #onPopState = () => this.#restoreFromUrl();

  constructor() {
    super();
    this.#root.append(h('style', {}, style), h('div', { role: 'search' }, this.#label, this.#input), this.#suggestions, this.#facets, this.#sortRow, h('div', { class: 'row' }, this.#status, this.#retry), this.#list, this.#more);
    this.#input.addEventListener('input', () => this.#schedule());
    this.#input.addEventListener('keydown', (event) => this.#onInputKey(event));
    this.#list.addEventListener('keydown', (event) => this.#onListKey(event));
    this.#retry.addEventListener('click', () => void this.#search({ history: 'none' }));
    this.#more.addEventListener('click', () => void this.#search({ more: true, history: 'push' }));
    this.#sort.addEventListener('change', () => {
      this.#state.sort = this.#sort.value as SearchSort;
      void this.#search({ history: 'push' });
    });
  }

  /** Whether the search lives in the page's address (`url-state` attribute). */
  get #urlState(): boolean {
    return this.hasAttribute('url-state');
  }

  connectedCallback(): void {
    this.#connected = true;
    this.#renderText();
    if (this.#urlState) {
      window.addEventListener('popstate', this.#onPopState);
      if (this.#restoreFromUrl()) return;
    }
    const initial = this.getAttribute('query');
    if (initial && !this.#input.value) {
      this.#input.value = initial;
      void this.#search({ history: 'replace' });
    }
  }

  disconnectedCallback(): void {
    this.#connected = false;
    window.removeEventListener('popstate', this.#onPopState);
    clearTimeout(this.#timer);
    this.#controller?.abort();
  }

  attributeChangedCallback(name: string, previous: string | null, value: string | null): void {
    if (!this.#connected || previous === value) return;
    if (name === 'query') this.#input.value = value ?? '';
    if (name === 'regions') this.#state.filters.regions = [];
    this.#renderText();
    if (name !== 'placeholder' && isActiveSearch(this.#current())) void this.#search({ history: 'replace' });
  }

  /** The text in the search box. */
  get query(): string {
    return this.#input.value;
  }

  /** The search shown, as URL parameters would carry it (`q`, `region`, `theme`, `format`, `sort`, `page`). */
  get searchState(): SearchState {
    return structuredClone(this.#current());
  }

  get #text(): { lang: UiLanguage; text: Messages } {
    return messagesFor(this.getAttribute('lang') ?? this.closest('[lang]')?.getAttribute('lang'));
  }

  get #endpoint(): string {
    const attribute = this.getAttribute('endpoint');
    return new URL(attribute ?? '/graphql', attribute ? document.baseURI : (scriptUrl ?? document.baseURI)).href;
  }

  get #pageSize(): number {
    return Math.min(50, Math.max(1, Number(this.getAttribute('page-size')) || 10));
  }

  #client(): PersistedClient {
    const apiKey = this.getAttribute('api-key');
    return createPersistedClient({ endpoint: this.#endpoint, ...(apiKey ? { headers: { 'x-api-key': apiKey } } : {}) });
  }

  /** The search box's text with the chosen filters, sort and pages. */
  #current(): SearchState {
    return { ...this.#state, query: this.#input.value.trim().slice(0, searchStateLimits.queryChars) };
  }

  /**
   * The page a result opens: the `dataset-url` template when it makes an
   * http(s) URL, else the gateway's own page. With `url-state`, the search
   * rides along as `back`, so the dataset page's "Back to search" returns to it.
   */
  #datasetUrl(id: string): string {
    const fallback = `${new URL(this.#endpoint).origin}/datasets/${encodeURIComponent(id)}`;
    const template = this.getAttribute('dataset-url');
    const url = new URL((template && safeHref(template.replace('{id}', encodeURIComponent(id)), document.baseURI)) || fallback);
    if (this.#urlState) url.searchParams.set('back', writeSearchState(this.#current()).toString());
    return url.href;
  }

  /** Reads the address into the search and runs it; false when the address holds no search. */
  #restoreFromUrl(): boolean {
    const state = readSearchState(new URLSearchParams(location.search));
    this.#state = state;
    this.#input.value = state.query;
    this.#renderSortOptions();
    if (!isActiveSearch(state)) {
      this.#generation += 1;
      this.#controller?.abort();
      this.#reset();
      return false;
    }
    void this.#search({ history: 'none', pages: state.page });
    return true;
  }

  /** Writes the search into the address: `push` makes a Back step, `replace` (typing) does not. */
  #writeUrl(mode: 'push' | 'replace' | 'none'): void {
    if (!this.#urlState || mode === 'none') return;
    const url = new URL(location.href);
    writeSearchState(this.#current(), url.searchParams);
    if (url.href === location.href) return;
    if (mode === 'push') history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    const delay = Number(this.getAttribute('debounce') ?? 200);
    this.#timer = setTimeout(() => void this.#search({ suggest: true, history: 'replace' }), Number.isFinite(delay) ? delay : 200);
  }

  /** The `regions` attribute's codes; empty for every region. */
  #allowedRegions(): string[] {
    return (this.getAttribute('regions') ?? '').split(',').map((code) => code.trim().toUpperCase()).filter(Boolean);
  }

  /** The search filter: the `regions` attribute, narrowed by the chosen chips (a chosen region outside it is dropped). */
  #filter(): Record<string, string[]> {
    const filter: Record<string, string[]> = {};
    const allowed = this.#allowedRegions();
    for (const { filter: field } of stateFilters) if (this.#state.filters[field].length) filter[field] = [...this.#state.filters[field]];
    if (allowed.length) filter.regions = filter.regions ? filter.regions.filter((code) => allowed.includes(code.toUpperCase())) : allowed;
    if (allowed.length && filter.regions!.length === 0) filter.regions = allowed;
    return filter;
  }

  /**
   * Runs the search: a new first page (`pages` of them at once when an
   * address asks for more), or (`more`) the next page of the current one.
   */
  async #search(options: { more?: boolean; suggest?: boolean; history: 'push' | 'replace' | 'none'; pages?: number }): Promise<void> {
    clearTimeout(this.#timer);
    const { more = false } = options;
    const state = this.#current();
    const generation = ++this.#generation;
    this.#controller?.abort();
    if (!more) this.#state.page = Math.max(1, options.pages ?? 1);
    if (!isActiveSearch(state)) {
      this.#reset();
      this.#writeUrl(options.history);
      return;
    }
    const controller = (this.#controller = new AbortController());
    const { lang } = this.#text;
    const client = this.#client();
    const pageSize = this.#pageSize;
    this.#phase = 'loading';
    this.#renderStatus();
    if (options.suggest && state.query) {
      client
        .request<SuggestData>(operation('WharfSuggest'), { prefix: state.query, lang }, controller.signal)
        .then((body) => generation === this.#generation && this.#renderSuggestions(state.query, body.data?.suggest ?? []))
        .catch(() => undefined);
    }
    try {
      const first = more ? pageSize : Math.min(maxFirst, pageSize * this.#state.page);
      const variables = { query: state.query || null, filter: this.#filter(), sort: this.#state.sort, first, after: more ? this.#endCursor : null, lang };
      const body = await client.request<SearchData>(operation('WharfSearch'), variables, controller.signal);
      if (generation !== this.#generation) return;
      const search = body.data!.search;
      if (more) this.#state.page += 1;
      else {
        this.#hits = [];
        this.#list.replaceChildren();
      }
      const from = this.#hits.length;
      this.#hits.push(...search.edges);
      this.#total = search.totalCount;
      this.#endCursor = search.pageInfo.endCursor;
      this.#hasNext = search.pageInfo.hasNextPage;
      this.#facetData = search.facets;
      this.#phase = 'ready';
      this.#list.append(...search.edges.map((hit, i) => this.#card(hit, from + i)));
      this.#renderFacets();
      this.#renderStatus();
      this.#writeUrl(options.history);
      this.dispatchEvent(new CustomEvent('wharf-results', { detail: { query: state.query, totalCount: this.#total, shown: this.#hits.length } }));
    } catch (error) {
      if (generation !== this.#generation || (error as Error).name === 'AbortError') return;
      this.#phase = 'error';
      this.#renderStatus();
    }
  }

  #reset(): void {
    this.#hits = [];
    this.#facetData = [];
    this.#total = 0;
    this.#phase = 'idle';
    this.#list.replaceChildren();
    this.#suggestions.hidden = true;
    this.#renderFacets();
    this.#renderStatus();
  }

  #links(): HTMLAnchorElement[] {
    return [...this.#list.querySelectorAll<HTMLAnchorElement>('a[part~=title]')];
  }

  /** Down from the box goes to the first result; Enter searches now; Escape clears. */
  #onInputKey(event: KeyboardEvent): void {
    switch (event.key) {
      case 'ArrowDown':
        if (!this.#hits.length) return;
        this.#links()[0]?.focus();
        break;
      case 'Enter':
        void this.#search({ history: 'push' });
        break;
      case 'Escape':
        if (!this.#input.value) return;
        this.#input.value = '';
        void this.#search({ history: 'push' });
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  /** Arrows, Home and End move between the result links; up from the first, or Escape, returns to the box. */
  #onListKey(event: KeyboardEvent): void {
    const links = this.#links();
    const index = links.indexOf(this.#root.activeElement as HTMLAnchorElement);
    if (index < 0) return;
    const target = { ArrowDown: Math.min(index + 1, links.length - 1), ArrowUp: index - 1, Home: 0, End: links.length - 1, Escape: -1 }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    if (target < 0) this.#input.focus();
    else links[target]!.focus();
  }

  /**
   * Opening a result fires a cancelable, composed `wharf-open` event
   * (`detail: { id, url }`); unless a listener cancels it, the link is
   * followed. A click with a modifier (new tab) is the browser's own.
   */
  #onOpen(event: MouseEvent, id: string, url: string): void {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || event.button !== 0) return;
    const proceed = this.dispatchEvent(new CustomEvent('wharf-open', { detail: { id, url }, bubbles: true, composed: true, cancelable: true }));
    if (!proceed) event.preventDefault();
  }

  #card(hit: Hit, index: number): HTMLLIElement {
    const { text, lang } = this.#text;
    const node = hit.node;
    const shown = pickTranslation(node.titleTranslations ?? [], lang, { lang: node.language ?? lang, value: node.title });
    const title = hit.highlights.find((item) => item.field === 'title' && decode(item.snippet.replace(/<\/?mark>/g, '')) === shown.value);
    const url = this.#datasetUrl(node.id);
    const link = h('a', { part: 'title', href: url, id: `r${index}`, ...(shown.lang !== lang ? { lang: shown.lang } : {}) }, ...(title ? snippetNodes(title.snippet) : [shown.value]));
    link.addEventListener('click', (event) => this.#onOpen(event, node.id, link.href));
    const region = regionLabel(node.region, lang);
    const meta = h('div', { class: 'meta', part: 'meta' }, h('span', { part: 'region', title: node.region }, h('span', { 'aria-hidden': 'true' }, flagOf(node.region)), ` ${region}`));
    if (node.publisher) meta.append(h('span', { part: 'publisher' }, node.publisher.name));
    // A format group shows its members' formats; a single dataset, its distributions'.
    const formats = hit.variants?.length ? hit.variants.map((item) => item.format) : [...new Set((node.distributions ?? []).map((item) => item.format).filter((format): format is string => !!format))];
    if (formats.length) meta.append(h('span', { part: 'formats' }, ...formats.map((format) => h('span', { part: 'format', class: 'fmt', 'data-format': format }, formatLabel(format, lang)))));
    if (hit.crossLingual && hit.matchedLanguages?.[0]) {
      // Found through a translation: say in which language, named in the page's.
      const matched = hit.matchedLanguages[0];
      const name = (() => {
        try {
          return new Intl.DisplayNames([lang], { type: 'language' }).of(matched) ?? matched;
        } catch {
          return matched;
        }
      })();
      meta.append(h('span', { part: 'matched-language', lang, title: matched }, `⇄ ${name}`));
    }
    if (node.modified) {
      const date = new Date(node.modified);
      const day = Number.isNaN(date.getTime()) ? node.modified : new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
      meta.append(h('time', { part: 'modified', datetime: node.modified }, `${text.modified} ${day}`));
    }
    if (node.access) {
      const badge = accessBadge(node.access);
      meta.append(h('span', { part: `badge badge-${badge.kind}`, class: `badge ${badge.kind}`, 'data-decision': node.access.decision }, text[badge.text]));
    }
    return h('li', { part: 'card', 'data-id': node.id }, link, meta);
  }

  #renderSuggestions(query: string, suggestions: SuggestData['suggest']): void {
    const { text } = this.#text;
    const seen = new Set<string>([query.toLowerCase()]);
    const buttons = suggestions
      .filter((item) => !seen.has(item.text.toLowerCase()) && seen.add(item.text.toLowerCase()))
      .map((item) => {
        const button = h('button', { type: 'button', part: 'suggestion' }, item.text);
        button.addEventListener('click', () => {
          this.#input.value = item.text;
          this.#suggestions.hidden = true;
          void this.#search({ history: 'push' });
          this.#input.focus();
        });
        return button;
      });
    this.#suggestions.replaceChildren(h('b', {}, text.suggestions), ...buttons);
    this.#suggestions.hidden = buttons.length === 0;
  }

  #renderFacets(): void {
    const { text, lang } = this.#text;
    const rows: HTMLElement[] = [];
    for (const { facet: field, filter } of stateFilters) {
      const values = this.#facetData.find((facet) => facet.field === field)?.values ?? [];
      // A component fixed to one region has nothing to choose there.
      if (field === 'REGION' && this.#allowedRegions().length === 1) continue;
      const chosen = this.#state.filters[filter];
      if (values.length < 2 && !chosen.length) continue;
      // A chosen value the facet no longer lists stays visible, so it can be unchosen.
      const shown = [...values, ...chosen.filter((value) => !values.some((item) => item.value === value)).map((value) => ({ value, count: 0 }))];
      const chips = shown.map(({ value, count }) => {
        const chip = h('button', { type: 'button', part: 'chip', 'aria-pressed': String(chosen.includes(value)), 'data-field': field, 'data-value': value }, `${facetValueLabel(filter, value, lang)} `, h('span', { part: 'chip-count' }, count.toLocaleString(lang)));
        chip.addEventListener('click', () => {
          const list = this.#state.filters[filter];
          this.#state.filters[filter] = list.includes(value) ? list.filter((item) => item !== value) : [...list, value].slice(0, searchStateLimits.valuesPerFilter);
          void this.#search({ history: 'push' });
        });
        return chip;
      });
      rows.push(h('div', { class: 'row', role: 'group', 'aria-label': text[facetTitles[filter]] }, h('b', {}, text[facetTitles[filter]]), ...chips));
    }
    if (stateFilters.some(({ filter }) => this.#state.filters[filter].length)) {
      const clear = h('button', { type: 'button', part: 'clear' }, text.clearFilters);
      clear.addEventListener('click', () => {
        this.#state.filters = emptySearchState().filters;
        void this.#search({ history: 'push' });
      });
      rows.push(h('div', { class: 'row' }, clear));
    }
    this.#facets.replaceChildren(...rows);
    this.#facets.hidden = rows.length === 0;
  }

  #renderSortOptions(): void {
    const { text } = this.#text;
    this.#sortLabel.textContent = text.sort;
    this.#sort.replaceChildren(...searchSorts.map((sort) => h('option', { value: sort, ...(sort === this.#state.sort ? { selected: '' } : {}) }, text[sortLabels[sort]])));
    this.#sort.value = this.#state.sort;
  }

  #renderStatus(): void {
    const { text, lang } = this.#text;
    const messages = { idle: '', loading: text.loading, error: text.error, ready: this.#total ? countText(text, this.#total, lang) : text.noResults };
    this.#status.textContent = messages[this.#phase];
    this.#status.setAttribute('part', `status${this.#phase === 'error' ? ' error' : this.#phase === 'ready' && !this.#total ? ' empty' : ''}`);
    this.#retry.hidden = this.#phase !== 'error';
    this.#more.hidden = this.#phase !== 'ready' || !this.#hasNext;
    this.#sortRow.hidden = this.#phase === 'idle';
    this.#list.setAttribute('aria-busy', String(this.#phase === 'loading'));
  }

  /** Every visible string in the element's language. */
  #renderText(): void {
    const { text, lang } = this.#text;
    this.#label.textContent = text.label;
    this.#input.placeholder = this.getAttribute('placeholder') ?? text.placeholder;
    this.#input.lang = lang;
    this.#facets.setAttribute('aria-label', text.filters);
    this.#suggestions.setAttribute('aria-label', text.suggestions);
    this.#list.setAttribute('aria-label', text.resultsLabel);
    this.#retry.textContent = text.retry;
    this.#more.textContent = text.loadMore;
    this.#renderSortOptions();
    this.#renderStatus();
  }
}

if (!customElements.get('wharf-search')) customElements.define('wharf-search', WharfSearch);
