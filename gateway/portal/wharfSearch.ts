/**
 * `<wharf-search>`: the catalogue's search as a web component a portal embeds
 * with one tag. Runs in the browser; `embedBundle.ts` bundles it with esbuild.
 * No framework: a custom element with an open Shadow DOM, themed by CSS
 * custom properties and `::part()`, an ARIA combobox over a listbox of
 * results (arrows move, Enter opens), search-as-you-type with suggestions,
 * facet chips and load-more by cursor. Operations go as persisted-query hashes.
 */
import { countText, messagesFor, type Messages, type UiLanguage } from './messages.ts';
import { createPersistedClient, type PersistedClient } from './persistedQuery.ts';
import { searchOperations, type PersistedOperation, type SearchOperationName } from './searchOperations.ts';
import { decode, h, safeHref, snippetNodes } from './snippetNodes.ts';
import { wharfSearchStyle as style } from './wharfSearchStyle.ts';

/** Set by the bundler: the SHA-256 of each operation in `searchOperations`. */
declare const WHARF_OPERATION_HASHES: Record<SearchOperationName, string>;

const operation = (name: SearchOperationName): PersistedOperation => ({ name, query: searchOperations[name], sha256Hash: WHARF_OPERATION_HASHES[name] });

/** Where this script was loaded from: the default endpoint is the same gateway's `/graphql`. */
const scriptUrl = (document.currentScript as HTMLScriptElement | null)?.src;

type Decision = 'ALLOW' | 'CONDITIONAL' | 'DENY';
interface Hit {
  cursor: string;
  highlights: { field: string; lang: string | null; snippet: string }[];
  matchedLanguages: string[];
  crossLingual: boolean;
  /** A format group's members' formats (empty for a single dataset). */
  variants: { format: string }[];
  node: {
    id: string;
    region: string;
    title: string;
    publisher: { name: string } | null;
    modified: string | null;
    distributions: { format: string | null }[] | null;
    access: { decision: Decision } | null;
  };
}
interface Facet {
  field: string;
  values: { value: string; count: number }[];
}
interface SearchData {
  search: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; facets: Facet[]; edges: Hit[] };
}
interface SuggestData {
  suggest: { text: string; dataset: { id: string } }[];
}

/** Facets shown as chips, in this order, and the filter field each sets. */
const facetFilters: [field: string, filter: string, label: keyof Messages][] = [
  ['REGION', 'regions', 'region'],
  ['FORMAT', 'formats', 'format'],
  ['THEME', 'themes', 'theme'],
];
const badges: Record<Decision, { key: keyof Messages; part: string }> = {
  ALLOW: { key: 'open', part: 'open' },
  CONDITIONAL: { key: 'conditional', part: 'conditional' },
  DENY: { key: 'restricted', part: 'restricted' },
};

/** The flag emoji of a region's country (`CN-GX` → 🇨🇳). */
const flagOf = (region: string) => String.fromCodePoint(...[...region.slice(0, 2).toUpperCase()].map((char) => 0x1f1a5 + char.charCodeAt(0)));

export class WharfSearch extends HTMLElement {
  static observedAttributes = ['lang', 'regions', 'endpoint', 'api-key', 'page-size', 'query', 'placeholder', 'dataset-url'];

  readonly #root = this.attachShadow({ mode: 'open' });
  readonly #input = h('input', { id: 'q', part: 'input', type: 'search', role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': 'results', autocomplete: 'off', spellcheck: 'false' });
  readonly #label = h('label', { for: 'q', class: 'sr' });
  readonly #suggestions = h('div', { part: 'suggestions', class: 'row', role: 'group', hidden: '' });
  readonly #facets = h('div', { part: 'facets', role: 'group', hidden: '' });
  readonly #status = h('div', { part: 'status', class: 'status', role: 'status', 'aria-live': 'polite' });
  readonly #retry = h('button', { part: 'retry', type: 'button', hidden: '' });
  readonly #list = h('ul', { id: 'results', part: 'listbox', role: 'listbox' });
  readonly #more = h('button', { part: 'load-more', class: 'more', type: 'button', hidden: '' });

  #hits: Hit[] = [];
  #facetData: Facet[] = [];
  #total = 0;
  #endCursor: string | null = null;
  #hasNext = false;
  #active = -1;
  #filters = new Map<string, Set<string>>();
  /** Bumped by every search; an answer for an older one is dropped. */
  #generation = 0;
  #controller: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #state: 'idle' | 'loading' | 'ready' | 'error' = 'idle';
  #connected = false;

  constructor() {
    super();
    this.#root.append(h('style', {}, style), this.#label, this.#input, this.#suggestions, this.#facets, h('div', { class: 'row' }, this.#status, this.#retry), this.#list, this.#more);
    this.#input.addEventListener('input', () => this.#schedule());
    this.#input.addEventListener('keydown', (event) => this.#onKey(event));
    this.#retry.addEventListener('click', () => void this.#search(false));
    this.#more.addEventListener('click', () => void this.#search(true));
  }

  connectedCallback(): void {
    this.#connected = true;
    this.#renderText();
    const initial = this.getAttribute('query');
    if (initial && !this.#input.value) {
      this.#input.value = initial;
      void this.#search(false);
    }
  }

  disconnectedCallback(): void {
    this.#connected = false;
    clearTimeout(this.#timer);
    this.#controller?.abort();
  }

  attributeChangedCallback(name: string, previous: string | null, value: string | null): void {
    if (!this.#connected || previous === value) return;
    if (name === 'query') this.#input.value = value ?? '';
    if (name === 'regions') this.#filters.delete('regions');
    this.#renderText();
    if (name !== 'placeholder' && this.#input.value.trim()) void this.#search(false);
  }

  /** The text in the search box. */
  get query(): string {
    return this.#input.value;
  }

  get #text(): { lang: UiLanguage; text: Messages } {
    return messagesFor(this.getAttribute('lang') ?? this.closest('[lang]')?.getAttribute('lang'));
  }

  get #endpoint(): string {
    const attribute = this.getAttribute('endpoint');
    return new URL(attribute ?? '/graphql', attribute ? document.baseURI : (scriptUrl ?? document.baseURI)).href;
  }

  #client(): PersistedClient {
    const apiKey = this.getAttribute('api-key');
    return createPersistedClient({ endpoint: this.#endpoint, ...(apiKey ? { headers: { 'x-api-key': apiKey } } : {}) });
  }

  /** The page a result opens: the `dataset-url` template when it makes an http(s) URL, else the gateway's own page. */
  #datasetUrl(id: string): string {
    const fallback = `${new URL(this.#endpoint).origin}/datasets/${encodeURIComponent(id)}`;
    const template = this.getAttribute('dataset-url');
    return (template && safeHref(template.replace('{id}', encodeURIComponent(id)), document.baseURI)) || fallback;
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    const delay = Number(this.getAttribute('debounce') ?? 200);
    this.#timer = setTimeout(() => void this.#search(false, true), Number.isFinite(delay) ? delay : 200);
  }

  /** The `regions` attribute's codes; empty for every region. */
  #allowedRegions(): string[] {
    return (this.getAttribute('regions') ?? '').split(',').map((code) => code.trim().toUpperCase()).filter(Boolean);
  }

  /** The search filter: the `regions` attribute, narrowed by the chosen chips (which come from its facet, so stay inside it). */
  #filter(): Record<string, string[]> {
    const filter: Record<string, string[]> = {};
    const allowed = this.#allowedRegions();
    if (allowed.length) filter.regions = allowed;
    for (const [field, values] of this.#filters) if (values.size) filter[field] = [...values];
    return filter;
  }

  /** Runs the search for the box's text: a new first page, or (`more`) the next page of the current one. */
  async #search(more: boolean, suggest = false): Promise<void> {
    clearTimeout(this.#timer);
    const query = this.#input.value.trim();
    const generation = ++this.#generation;
    this.#controller?.abort();
    if (!query) {
      this.#reset();
      return;
    }
    const controller = (this.#controller = new AbortController());
    const { lang } = this.#text;
    const client = this.#client();
    const pageSize = Math.min(50, Math.max(1, Number(this.getAttribute('page-size')) || 10));
    this.#state = 'loading';
    this.#renderStatus();
    if (suggest) {
      client
        .request<SuggestData>(operation('WharfSuggest'), { prefix: query, lang }, controller.signal)
        .then((body) => generation === this.#generation && this.#renderSuggestions(query, body.data?.suggest ?? []))
        .catch(() => undefined);
    }
    try {
      const variables = { query, filter: this.#filter(), first: pageSize, after: more ? this.#endCursor : null, lang };
      const body = await client.request<SearchData>(operation('WharfSearch'), variables, controller.signal);
      if (generation !== this.#generation) return;
      const search = body.data!.search;
      if (!more) {
        this.#hits = [];
        this.#active = -1;
        this.#list.replaceChildren();
      }
      const first = this.#hits.length;
      this.#hits.push(...search.edges);
      this.#total = search.totalCount;
      this.#endCursor = search.pageInfo.endCursor;
      this.#hasNext = search.pageInfo.hasNextPage;
      this.#facetData = search.facets;
      this.#state = 'ready';
      this.#list.append(...search.edges.map((hit, i) => this.#card(hit, first + i)));
      this.#renderFacets();
      this.#renderStatus();
      this.dispatchEvent(new CustomEvent('wharf-results', { detail: { query, totalCount: this.#total, shown: this.#hits.length } }));
    } catch (error) {
      if (generation !== this.#generation || (error as Error).name === 'AbortError') return;
      this.#state = 'error';
      this.#renderStatus();
    }
  }

  #reset(): void {
    this.#hits = [];
    this.#facetData = [];
    this.#active = -1;
    this.#state = 'idle';
    this.#list.replaceChildren();
    this.#suggestions.hidden = true;
    this.#renderFacets();
    this.#renderStatus();
  }

  #onKey(event: KeyboardEvent): void {
    const count = this.#hits.length;
    switch (event.key) {
      case 'ArrowDown':
        if (count) this.#setActive(Math.min(this.#active + 1, count - 1));
        break;
      case 'ArrowUp':
        if (count) this.#setActive(Math.max(this.#active - 1, -1));
        break;
      case 'Home':
      case 'End':
        if (this.#active < 0 || !count) return;
        this.#setActive(event.key === 'Home' ? 0 : count - 1);
        break;
      case 'Enter':
        if (this.#active >= 0) this.#open(this.#hits[this.#active]!);
        else void this.#search(false);
        break;
      case 'Escape':
        if (this.#active >= 0) this.#setActive(-1);
        else if (this.#input.value) {
          this.#input.value = '';
          void this.#search(false);
        } else return;
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  #setActive(index: number): void {
    this.#list.children[this.#active]?.classList.remove('active');
    this.#list.children[this.#active]?.setAttribute('aria-selected', 'false');
    this.#active = index;
    const option = this.#list.children[index];
    if (!option) {
      this.#input.removeAttribute('aria-activedescendant');
      return;
    }
    option.classList.add('active');
    option.setAttribute('aria-selected', 'true');
    this.#input.setAttribute('aria-activedescendant', option.id);
    option.scrollIntoView({ block: 'nearest' });
  }

  /**
   * Opens a result: fires a cancelable, composed `wharf-open` event
   * (`detail: { id, url }`); unless a listener cancels it, goes to the
   * dataset's page.
   */
  #open(hit: Hit): boolean {
    const url = this.#datasetUrl(hit.node.id);
    const proceed = this.dispatchEvent(new CustomEvent('wharf-open', { detail: { id: hit.node.id, url }, bubbles: true, composed: true, cancelable: true }));
    if (proceed) location.assign(url);
    return proceed;
  }

  #card(hit: Hit, index: number): HTMLLIElement {
    const { text, lang } = this.#text;
    const node = hit.node;
    const title = hit.highlights.find((item) => item.field === 'title' && decode(item.snippet.replace(/<\/?mark>/g, '')) === node.title);
    const link = h('a', { part: 'title', href: this.#datasetUrl(node.id), tabindex: '-1' }, ...(title ? snippetNodes(title.snippet) : [node.title]));
    const meta = h('div', { class: 'meta', part: 'meta' }, h('span', { part: 'region', title: node.region }, h('span', { 'aria-hidden': 'true' }, flagOf(node.region)), ` ${node.region}`));
    if (node.publisher) meta.append(h('span', { part: 'publisher' }, node.publisher.name));
    // A format group shows its members' formats; a single dataset, its distributions'.
    const formats = hit.variants?.length ? hit.variants.map((item) => item.format) : [...new Set((node.distributions ?? []).map((item) => item.format).filter((format): format is string => !!format))];
    if (formats.length) meta.append(h('span', { part: 'formats' }, ...formats.map((format) => h('span', { part: 'format', class: 'fmt' }, format))));
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
      const shown = Number.isNaN(date.getTime()) ? node.modified : new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
      meta.append(h('time', { part: 'modified', datetime: node.modified }, `${text.modified} ${shown}`));
    }
    if (node.access) {
      const badge = badges[node.access.decision];
      meta.append(h('span', { part: `badge badge-${badge.part}`, class: `badge ${badge.part}` }, text[badge.key]));
    }
    const card = h('li', { id: `r${index}`, role: 'option', 'aria-selected': 'false', part: 'card', 'data-id': node.id }, link, meta);
    card.addEventListener('click', (event) => {
      const modified = event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0;
      if (modified && event.target === link) return;
      event.preventDefault();
      this.#setActive(index);
      this.#open(hit);
    });
    return card;
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
          void this.#search(false);
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
    for (const [field, filter, label] of facetFilters) {
      const values = this.#facetData.find((facet) => facet.field === field)?.values ?? [];
      // A component fixed to one region has nothing to choose there.
      if (field === 'REGION' && this.#allowedRegions().length === 1) continue;
      if (values.length < 2 && !this.#filters.get(filter)?.size) continue;
      const chosen = this.#filters.get(filter) ?? new Set<string>();
      const chips = values.map(({ value, count }) => {
        const chip = h('button', { type: 'button', part: 'chip', 'aria-pressed': String(chosen.has(value)), 'data-field': field, 'data-value': value }, `${value} `, h('span', { part: 'chip-count' }, count.toLocaleString(lang)));
        chip.addEventListener('click', () => {
          const set = this.#filters.get(filter) ?? new Set<string>();
          if (!set.delete(value)) set.add(value);
          this.#filters.set(filter, set);
          void this.#search(false);
        });
        return chip;
      });
      rows.push(h('div', { class: 'row', role: 'group', 'aria-label': text[label] }, h('b', {}, text[label]), ...chips));
    }
    if ([...this.#filters.values()].some((set) => set.size)) {
      const clear = h('button', { type: 'button', part: 'clear' }, text.clearFilters);
      clear.addEventListener('click', () => {
        this.#filters.clear();
        void this.#search(false);
      });
      rows.push(h('div', { class: 'row' }, clear));
    }
    this.#facets.replaceChildren(...rows);
    this.#facets.hidden = rows.length === 0;
  }

  #renderStatus(): void {
    const { text, lang } = this.#text;
    const messages = { idle: '', loading: text.loading, error: text.error, ready: this.#total ? countText(text, this.#total, lang) : text.noResults };
    this.#status.textContent = messages[this.#state];
    this.#status.setAttribute('part', `status${this.#state === 'error' ? ' error' : this.#state === 'ready' && !this.#total ? ' empty' : ''}`);
    this.#retry.hidden = this.#state !== 'error';
    this.#more.hidden = this.#state !== 'ready' || !this.#hasNext;
    this.#list.setAttribute('aria-busy', String(this.#state === 'loading'));
    this.#input.setAttribute('aria-expanded', String(this.#hits.length > 0));
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
    this.#renderStatus();
  }
}

if (!customElements.get('wharf-search')) customElements.define('wharf-search', WharfSearch);
