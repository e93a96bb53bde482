/** Building `<wharf-search>`'s DOM in the browser without ever parsing HTML. */

/**
 * `url` resolved against `base` when it is an http(s) page, else undefined.
 * The same rule as `schema/webUrl.ts` (which browser code may not import):
 * a `javascript:`, `data:` or `file:` URL is never an `href` here, whoever
 * set the attribute or sent the data it was built from.
 */
export function safeHref(url: string, base: string): string | undefined {
  try {
    const resolved = new URL(url, base);
    return resolved.protocol === 'http:' || resolved.protocol === 'https:' ? resolved.href : undefined;
  } catch {
    return undefined;
  }
}

/** Builds an element: `h('li', { part: 'card' }, child, 'text')`. An `href` that is not http(s) is left out. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'href') {
      const href = safeHref(value, document.baseURI);
      if (href !== undefined) element.setAttribute(name, href);
    } else element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
export const decode = (text: string) => text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => entities[name]!);

/**
 * A highlight snippet as DOM nodes. Snippets are HTML-escaped with matches in
 * `<mark>`; they are rebuilt as text and `<mark>` elements, never parsed as
 * HTML, so nothing else in them can reach the page.
 */
export function snippetNodes(snippet: string): Node[] {
  return snippet.split(/(<\/?mark>)/).reduce<{ marked: boolean; nodes: Node[] }>(
    (state, piece) => {
      if (piece === '<mark>') state.marked = true;
      else if (piece === '</mark>') state.marked = false;
      else if (piece) state.nodes.push(state.marked ? h('mark', { part: 'mark' }, decode(piece)) : document.createTextNode(decode(piece)));
      return state;
    },
    { marked: false, nodes: [] },
  ).nodes;
}
