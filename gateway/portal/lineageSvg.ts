import { html, type Html } from './html.ts';

/** A lineage node as `Query.lineage` returns it. */
export interface LineageNodeView {
  __typename: 'Dataset' | 'RestrictedDataset' | 'ExternalDataset';
  id: string;
  title?: string;
  region?: string;
  namespace?: string;
  name?: string;
}

/** A lineage edge as `Query.lineage` returns it. */
export interface LineageEdgeView {
  upstream: string;
  downstream: string;
  crossBorder: boolean;
  fromJurisdiction: string | null;
  toJurisdiction: string | null;
  job: string | null;
}

export interface LineageSvgOptions {
  rootId: string;
  nodes: readonly LineageNodeView[];
  edges: readonly LineageEdgeView[];
  /** The page of a dataset node. */
  href(id: string): string;
  /** Labels in the page's language. */
  labels: { title: string; crossBorder: string; restricted: string };
}

const nodeWidth = 208;
const nodeHeight = 58;
const gapX = 88;
const gapY = 22;
const pad = 16;
const colours = { text: '#1b1f24', muted: '#57606a', border: '#8c959f', root: '#0b63ce', crossBorder: '#cf222e', fill: '#ffffff', stub: '#eaeef2' };

/** `text` cut to about `units` columns (a CJK character counts two), with an ellipsis when cut. */
function fit(text: string, units: number): string {
  let used = 0;
  let out = '';
  for (const char of text) {
    used += /[\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]/.test(char) ? 2 : 1;
    if (used > units) return `${out.trimEnd()}…`;
    out += char;
  }
  return out;
}

/**
 * Columns by hops from the root: upstream datasets to the left (negative),
 * downstream to the right, each placed next to the first neighbour already
 * placed. Relaxed until stable; a node no edge reaches stays in the root's column.
 */
function layersOf(rootId: string, nodes: readonly LineageNodeView[], edges: readonly LineageEdgeView[]): Map<string, number> {
  const layer = new Map<string, number>([[rootId, 0]]);
  for (let changed = true, rounds = 0; changed && rounds <= nodes.length; rounds += 1) {
    changed = false;
    for (const edge of edges) {
      const up = layer.get(edge.upstream);
      const down = layer.get(edge.downstream);
      if (down !== undefined && up === undefined) layer.set(edge.upstream, down - 1);
      else if (up !== undefined && down === undefined) layer.set(edge.downstream, up + 1);
      else continue;
      changed = true;
    }
  }
  for (const node of nodes) if (!layer.has(node.id)) layer.set(node.id, 0);
  return layer;
}

/** A lock drawn with shapes (no emoji font needed), its top-left at (x, y). */
const lock = (x: number, y: number) =>
  html`<g class="lock" transform="translate(${x} ${y})" aria-hidden="true"><path d="M4 9 V6 a5 5 0 0 1 10 0 V9" fill="none" stroke="${colours.muted}" stroke-width="2"/><rect x="1" y="9" width="16" height="12" rx="2" fill="${colours.muted}"/></g>`;

/**
 * The lineage graph around a dataset as an SVG picture: datasets as boxes in
 * columns (sources left, derived right, the root outlined), edges as arrows,
 * every cross-border edge red and labelled with both jurisdictions, datasets
 * the consumer may not discover as grey locked stubs with only their id.
 */
export function renderLineageSvg(options: LineageSvgOptions): Html {
  const { rootId, nodes, edges, labels } = options;
  const layer = layersOf(rootId, nodes, edges);
  const min = Math.min(...layer.values());
  const columns = new Map<number, LineageNodeView[]>();
  for (const node of nodes) {
    const column = layer.get(node.id)! - min;
    columns.set(column, [...(columns.get(column) ?? []), node]);
  }
  // Fewer crossings: the first column by id, each next one by the mean row of its neighbours in the column before (barycentre).
  const neighbours = new Map<string, string[]>();
  for (const edge of edges) {
    neighbours.set(edge.upstream, [...(neighbours.get(edge.upstream) ?? []), edge.downstream]);
    neighbours.set(edge.downstream, [...(neighbours.get(edge.downstream) ?? []), edge.upstream]);
  }
  const rowOf = new Map<string, number>();
  const position = new Map<string, { x: number; y: number }>();
  let rows = 1;
  for (const column of [...columns.keys()].sort((a, b) => a - b)) {
    const members = columns.get(column)!;
    const centre = (node: LineageNodeView) => {
      const placed = (neighbours.get(node.id) ?? []).map((id) => rowOf.get(id)).filter((row): row is number => row !== undefined);
      return placed.length ? placed.reduce((sum, row) => sum + row, 0) / placed.length : Number.POSITIVE_INFINITY;
    };
    const centres = new Map(members.map((node) => [node.id, centre(node)]));
    members.sort((a, b) => centres.get(a.id)! - centres.get(b.id)! || a.id.localeCompare(b.id));
    rows = Math.max(rows, members.length);
    members.forEach((node, row) => {
      rowOf.set(node.id, row);
      position.set(node.id, { x: pad + column * (nodeWidth + gapX), y: pad + row * (nodeHeight + gapY) });
    });
  }
  const width = pad * 2 + Math.max(1, columns.size) * nodeWidth + Math.max(0, columns.size - 1) * gapX;
  const height = pad * 2 + rows * nodeHeight + (rows - 1) * gapY;
  const crossings = edges.filter((edge) => edge.crossBorder).length;

  const edgeMarks = edges.map((edge) => {
    const from = position.get(edge.upstream);
    const to = position.get(edge.downstream);
    if (!from || !to) return html``;
    const [x1, y1, x2, y2] = [from.x + nodeWidth, from.y + nodeHeight / 2, to.x, to.y + nodeHeight / 2];
    const bend = Math.max(40, Math.abs(x2 - x1) / 2);
    const path = `M${x1} ${y1} C${x1 + bend} ${y1} ${x2 - bend} ${y2} ${x2 - 6} ${y2}`;
    const colour = edge.crossBorder ? colours.crossBorder : colours.border;
    const tip = `${edge.upstream} → ${edge.downstream}${edge.job ? ` (${edge.job})` : ''}`;
    if (!edge.crossBorder) {
      return html`<g class="edge" data-upstream="${edge.upstream}" data-downstream="${edge.downstream}"><title>${tip}</title><path d="${path}" fill="none" stroke="${colour}" stroke-width="1.5" marker-end="url(#wharf-arrow)"/></g>`;
    }
    const label = `${edge.fromJurisdiction ?? '?'} → ${edge.toJurisdiction ?? '?'}`;
    const [mx, my] = [(x1 + x2) / 2, (y1 + y2) / 2];
    const labelWidth = label.length * 6 + 10;
    // Above the curve's midpoint, so the label never hides the line or its arrow.
    const labelY = my - 14;
    return html`<g class="edge cross-border" data-upstream="${edge.upstream}" data-downstream="${edge.downstream}" data-from="${edge.fromJurisdiction ?? ''}" data-to="${edge.toJurisdiction ?? ''}"><title>${labels.crossBorder}: ${label} — ${tip}</title><path d="${path}" fill="none" stroke="${colour}" stroke-width="2.5" stroke-dasharray="7 4" marker-end="url(#wharf-arrow-cross)"/><rect x="${mx - labelWidth / 2}" y="${labelY - 9}" width="${labelWidth}" height="18" rx="9" fill="${colours.fill}" stroke="${colour}"/><text x="${mx}" y="${labelY + 4}" text-anchor="middle" font-size="10" font-weight="600" fill="${colour}">${label}</text></g>`;
  });

  const nodeMarks = nodes.map((node) => {
    const { x, y } = position.get(node.id)!;
    if (node.__typename === 'RestrictedDataset') {
      return html`<g class="node restricted" data-id="${node.id}"><title>${labels.restricted}: ${node.id}</title><rect x="${x}" y="${y}" width="${nodeWidth}" height="${nodeHeight}" rx="8" fill="${colours.stub}" stroke="${colours.border}" stroke-dasharray="5 3"/>${lock(x + 12, y + 17)}<text x="${x + 38}" y="${y + 24}" font-size="13" font-weight="600" fill="${colours.muted}">${labels.restricted}</text><text x="${x + 38}" y="${y + 43}" font-size="11" fill="${colours.muted}">${fit(node.id, 26)}</text></g>`;
    }
    if (node.__typename === 'ExternalDataset') {
      return html`<g class="node external" data-id="${node.id}"><title>${node.id}</title><rect x="${x}" y="${y}" width="${nodeWidth}" height="${nodeHeight}" rx="8" fill="${colours.fill}" stroke="${colours.border}" stroke-dasharray="2 3"/><text x="${x + 12}" y="${y + 24}" font-size="13" font-weight="600" fill="${colours.text}">${fit(node.name ?? node.id, 25)}</text><text x="${x + 12}" y="${y + 43}" font-size="11" fill="${colours.muted}">${fit(node.namespace ?? '', 30)}</text></g>`;
    }
    const root = node.id === rootId;
    return html`<a href="${options.href(node.id)}"><g class="node dataset${root ? ' root' : ''}" data-id="${node.id}"><title>${node.title ?? node.id} (${node.id})</title><rect x="${x}" y="${y}" width="${nodeWidth}" height="${nodeHeight}" rx="8" fill="${colours.fill}" stroke="${root ? colours.root : colours.border}" stroke-width="${root ? 2.5 : 1.2}"/><text x="${x + 12}" y="${y + 24}" font-size="13" font-weight="600" fill="${colours.text}">${fit(node.title ?? node.id, 25)}</text><text x="${x + 12}" y="${y + 43}" font-size="11" fill="${colours.muted}">${node.region ?? ''} · ${fit(node.id.slice(node.id.indexOf(':') + 1), 24)}</text></g></a>`;
  });

  return html`<svg xmlns="http://www.w3.org/2000/svg" class="lineage" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" style="max-width:100%;height:auto" role="img" aria-labelledby="wharf-lineage-title" font-family="system-ui, sans-serif">
<title id="wharf-lineage-title">${labels.title}: ${nodes.length} · ${edges.length} · ${labels.crossBorder} ${crossings}</title>
<defs><marker id="wharf-arrow" viewBox="0 0 10 10" refX="2" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0 L10 5 L0 10 z" fill="${colours.border}"/></marker><marker id="wharf-arrow-cross" viewBox="0 0 10 10" refX="2" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0 L10 5 L0 10 z" fill="${colours.crossBorder}"/></marker></defs>
<g class="edges">${edgeMarks}</g>
<g class="nodes">${nodeMarks}</g>
</svg>`;
}
