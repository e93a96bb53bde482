/** Building `<wharf-search>`'s DOM in the browser without ever parsing HTML. */

/** Builds an element: `h('li', { part: 'card' }, child, 'text')`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
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
