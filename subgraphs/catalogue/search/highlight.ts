import { tokenizeWithSpans, type Token } from './analyzer.ts';

/** Longest stretch of a long text shown around its first match, in characters. */
const snippetChars = 180;

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => escapes[char]!);

/**
 * `text` with every token (its `tokens`, when already analysed) that is one of `terms` wrapped in `<mark>…</mark>`
 * and everything else HTML-escaped, so a page can insert it as is; long
 * texts are cut to a window around the first match. Undefined when nothing
 * in `text` matches.
 */
export function highlight(text: string, terms: ReadonlySet<string>, tokens: readonly Token[] = tokenizeWithSpans(text)): string | undefined {
  const spans = tokens.filter((token) => terms.has(token.term));
  if (spans.length === 0) return undefined;
  // Overlapping CJK bigrams merge into one marked run.
  const merged: { start: number; end: number }[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ start: span.start, end: span.end });
  }
  let from = 0;
  let to = text.length;
  if (text.length > snippetChars) {
    from = Math.max(0, merged[0]!.start - Math.floor(snippetChars / 3));
    to = Math.min(text.length, from + snippetChars);
  }
  let out = from > 0 ? '…' : '';
  let cursor = from;
  for (const { start, end } of merged) {
    if (start >= to) break;
    if (start < cursor) continue;
    out += `${escapeHtml(text.slice(cursor, start))}<mark>${escapeHtml(text.slice(start, Math.min(end, to)))}</mark>`;
    cursor = Math.min(end, to);
  }
  out += escapeHtml(text.slice(cursor, to));
  return to < text.length ? `${out}…` : out;
}
