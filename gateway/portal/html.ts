import { isContactUrl, isWebUrl } from '../../schema/webUrl.ts';

/** Markup that is already safe to insert: made by `html`, never from raw input. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` with `& < > " '` escaped, for element content and quoted attributes. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => escapes[char]!);

function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * A template of HTML in which every interpolated value is escaped, unless it
 * is itself `Html` (or an array of them): pages are built only this way, so
 * catalogue metadata can never inject markup.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => (out += render(value) + strings[i + 1]!));
  return new Html(out);
}

/** JSON for a `<script type="application/ld+json">` block: `<` escaped so the text cannot close the element. */
export function scriptJson(value: unknown): Html {
  return new Html(JSON.stringify(value, null, 2).replace(/</g, '\\u003c'));
}

/**
 * A link to `url` when it is one a browser may follow from a catalogue page
 * (http(s); `mailto:` too for a `contact`), else `url` as plain text. Every
 * link built from catalogue data goes through here: the data may come from a
 * region's feed that never passed file validation, so a `javascript:`,
 * `data:` or `file:` URL must never become an `href`.
 */
export function linkTo(url: string | null | undefined, options: { contact?: boolean } = {}): Html | string {
  if (!url) return '';
  const safe = options.contact ? isContactUrl(url) : isWebUrl(url);
  // Not a link: the text is escaped wherever it is interpolated, like any other value.
  return safe ? html`<a href="${url}" rel="noopener">${url}</a>` : url;
}
