/**
 * Which URLs Wharf takes as links. Dataset metadata comes from many hands
 * (dataset files, imports, a region's PostgreSQL store, a region's change
 * feed) and its links are followed by people's browsers, so only web pages
 * and downloads are links: `http:` and `https:`, and `mailto:` for a
 * contact. Anything else (`javascript:`, `data:`, `file:`, `vbscript:`,
 * `blob:`, `ftp:`) is refused where metadata enters Wharf and shown as
 * plain text where a page renders it. Browser code (`gateway/portal/snippetNodes.ts`)
 * keeps its own copy of the same rule, since it may not import from here.
 */

/** The link schemes of web pages and downloads. */
export const webUrlSchemes: readonly string[] = ['http:', 'https:'];

/** `http://` or `https://`, a host, and no white space or control character anywhere (a browser would strip some and read what is left). */
const webUrlPattern = /^https?:\/\/[^\s/?#\\\u0000-\u001f\u007f]+[^\s\u0000-\u001f\u007f]*$/i;
const mailtoPattern = /^mailto:[^\s\u0000-\u001f\u007f]+$/i;

/** True for an absolute `http://` or `https://` URL with a host. */
export function isWebUrl(value: unknown): value is string {
  return typeof value === 'string' && webUrlPattern.test(value) && URL.canParse(value) && webUrlSchemes.includes(new URL(value).protocol);
}

/** True for what a contact may be reached at: a web URL, or a `mailto:` URL. */
export function isContactUrl(value: unknown): value is string {
  return isWebUrl(value) || (typeof value === 'string' && mailtoPattern.test(value) && URL.canParse(value));
}

/**
 * The scheme a text would be read as a URL with (`javascript:` for
 * `"javascript:alert(1)"`, lower-cased), or undefined when it reads as prose.
 * Fields that hold either a text or a URL (`license`, `rights`) use it: a
 * value that starts with a scheme and has no space in it is a URL to a
 * browser or an RDF tool, so it must be a web URL. Tabs and line breaks
 * count as nothing, as URL parsers drop them.
 */
export function urlSchemeOf(text: string): string | undefined {
  const squeezed = text.trim().replace(/[\t\n\r]/g, '');
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(squeezed);
  return match && !/\s/.test(squeezed) ? `${match[1]!.toLowerCase()}:` : undefined;
}

/** True for a text-or-URL value that is prose, or a web URL; false for a URL of any other scheme. */
export function isTextOrWebUrl(text: string): boolean {
  const scheme = urlSchemeOf(text);
  return scheme === undefined || isWebUrl(text.trim());
}

/** A value for a message: at most `max` characters, so a hostile value cannot flood a report or a log. */
export function shownValue(value: string, max = 120): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}
