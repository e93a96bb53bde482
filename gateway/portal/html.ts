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
