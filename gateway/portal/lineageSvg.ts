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

/** One direction of the graph around the root: `Query.lineage(direction: UPSTREAM | DOWNSTREAM)`. */
export interface LineageSide {
  nodes: readonly LineageNodeView[];
  edges: readonly LineageEdgeView[];
}

export interface LineageSvgOptions {
  rootId: string;
  /** Where the root comes from: drawn to its left. */
  upstream: LineageSide;
  /** What derives from the root: drawn to its right. */
  downstream: LineageSide;
  /** The page of a dataset node. */
  href(id: string): string;
  /** Labels in the page's language. */
  labels: { title: string; crossBorder: string; restricted: string; external: string };
}

const nodeWidth = 232;
/** Title lines a box holds before the rest goes to its tooltip (and the lists beside the picture). */
const titleLines = 3;
/** Columns of text a title line holds (a CJK character counts two). */
const lineUnits = 30;
const lineHeight = 17;
const minGap = 96;
const gapY = 22;
const pad = 16;
const labelHeight = 20;
const colours = { text: '#1b1f24', muted: '#57606a', border: '#8c959f', root: '#0b63ce', crossBorder: '#cf222e', fill: '#ffffff', stub: '#eaeef2' };

const isWide = (char: string) => /[\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]/.test(char);
const unitsOf = (text: string) => [...text].reduce((sum, char) => sum + (isWide(char) ? 2 : 1), 0);

/**
 * `text` in lines of at most `units` columns, broken at spaces where it has
 * them (anywhere in CJK text), at most `lines` of them, the last cut with an
 * ellipsis when the text goes on.
 */
export function wrapText(text: string, units = lineUnits, lines = titleLines): string[] {
  const out: string[] = [];
  let line = '';
  let used = 0;
  const tokens = text.trim().split(/(\s+)/).flatMap((token) => (/[\u2e80-\u9fff]/.test(token) ? [...token] : [token]));
  for (const token of tokens) {
    const width = unitsOf(token);
    if (/^\s+$/.test(token)) {
      if (line) {
        line += ' ';
        used += 1;
      }
      continue;
    }
    if (used + width > units && line.trim()) {
      out.push(line.trimEnd());
      line = '';
      used = 0;
    }
    // A word longer than a line is cut where the line ends.
    let rest = token;
    while (unitsOf(rest) > units) {
      let cut = '';
      for (const char of rest) {
        if (unitsOf(cut + char) > units) break;
        cut += char;
      }
      out.push(cut);
      rest = rest.slice(cut.length);
    }
    line += rest;
    used += unitsOf(rest);
  }
  if (line.trim()) out.push(line.trimEnd());
  if (out.length <= lines) return out;
  const kept = out.slice(0, lines);
  let last = kept[lines - 1]!;
  while (unitsOf(last) > units - 1) last = [...last].slice(0, -1).join('');
  kept[lines - 1] = `${last.trimEnd()}…`;
  return kept;
}

/**
 * Column of each node: the root 0, upstream datasets at minus their hops
 * from it, downstream datasets at plus theirs. Each side is walked only along
 * its own edges, so a dataset that neither feeds nor derives from the root
 * (a "cousin" a `BOTH` walk reaches) has no column and is not drawn.
 */
function columnsOf(rootId: string, upstream: LineageSide, downstream: LineageSide): Map<string, number> {
  const column = new Map<string, number>([[rootId, 0]]);
  const walk = (edges: readonly LineageEdgeView[], from: (edge: LineageEdgeView) => string, to: (edge: LineageEdgeView) => string, step: number) => {
    let frontier = [rootId];
    for (let hop = 1; frontier.length; hop += 1) {
      const next: string[] = [];
      for (const edge of edges) {
        if (!frontier.includes(from(edge)) || column.has(to(edge))) continue;
        column.set(to(edge), hop * step);
        next.push(to(edge));
      }
      frontier = next;
    }
  };
  walk(upstream.edges, (edge) => edge.downstream, (edge) => edge.upstream, -1);
  walk(downstream.edges, (edge) => edge.upstream, (edge) => edge.downstream, 1);
  return column;
}

/** A lock drawn with shapes (no emoji font needed), its top-left at (x, y). */
const lock = (x: number, y: number) =>
  html`<g class="lock" transform="translate(${x} ${y})"><path d="M4 9 V6 a5 5 0 0 1 10 0 V9" fill="none" stroke="${colours.muted}" stroke-width="2"/><rect x="1" y="9" width="16" height="12" rx="2" fill="${colours.muted}"/></g>`;

/** A point of the cubic Bézier from (x1, y1) to (x2, y2) whose control points pull horizontally by `bend`, at horizontal position `x`. */
function curveAt(x1: number, y1: number, x2: number, y2: number, bend: number, x: number): number {
  const point = (t: number, a: number, b: number, c: number, d: number) => (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t ** 2 * c + t ** 3 * d;
  let [low, high] = [0, 1];
  for (let i = 0; i < 30; i += 1) {
    const mid = (low + high) / 2;
    if (point(mid, x1, x1 + bend, x2 - bend, x2) < x) low = mid;
    else high = mid;
  }
  return point((low + high) / 2, y1, y1, y2, y2);
}

/**
 * The lineage around a dataset as an SVG picture: what it comes from on the
 * left, the dataset (outlined) in the middle, what derives from it on the
 * right; titles wrapped in full up to three lines (the whole title in the
 * box's tooltip); edges as arrows, every cross-border edge red and dashed,
 * labelled with both jurisdictions in the gap before its downstream box,
 * labels in one gap moved apart so none covers another; datasets the
 * consumer may not discover as grey locked stubs with only their id. The
 * picture keeps its size (a narrow screen scrolls it in its box): the page
 * gives the same graph as lists, which is what a screen reader reads, so the
 * picture is hidden from it.
 */
export function renderLineageSvg(options: LineageSvgOptions): Html {
  const { rootId, labels } = options;
  const column = columnsOf(rootId, options.upstream, options.downstream);
  const nodes = new Map<string, LineageNodeView>();
  for (const node of [...options.upstream.nodes, ...options.downstream.nodes]) if (column.has(node.id) && !nodes.has(node.id)) nodes.set(node.id, node);
  const edgeKeys = new Set<string>();
  const edges = [...options.upstream.edges, ...options.downstream.edges].filter((edge) => {
    const key = `${edge.upstream}\n${edge.downstream}`;
    if (edgeKeys.has(key) || !nodes.has(edge.upstream) || !nodes.has(edge.downstream)) return false;
    edgeKeys.add(key);
    return true;
  });

  const linesOf = new Map<string, string[]>();
  for (const node of nodes.values()) {
    const text = node.__typename === 'Dataset' ? (node.title ?? node.id) : node.__typename === 'ExternalDataset' ? (node.name ?? node.id) : labels.restricted;
    linesOf.set(node.id, wrapText(text));
  }
  const heightOf = (id: string) => 30 + linesOf.get(id)!.length * lineHeight;

  const columns = [...new Set(column.values())].sort((a, b) => a - b);
  const members = new Map<number, string[]>(columns.map((index) => [index, [...nodes.keys()].filter((id) => column.get(id) === index)]));
  const neighbours = new Map<string, string[]>();
  for (const edge of edges) {
    neighbours.set(edge.upstream, [...(neighbours.get(edge.upstream) ?? []), edge.downstream]);
    neighbours.set(edge.downstream, [...(neighbours.get(edge.downstream) ?? []), edge.upstream]);
  }
  // Fewer crossings: outward from the root, each column ordered by the mean row of its neighbours already placed (barycentre).
  const rowOf = new Map<string, number>([[rootId, 0]]);
  const outward = [...columns].sort((a, b) => Math.abs(a) - Math.abs(b) || a - b);
  for (const index of outward) {
    const ids = members.get(index)!;
    const centre = (id: string) => {
      const placed = (neighbours.get(id) ?? []).map((other) => rowOf.get(other)).filter((row): row is number => row !== undefined);
      return placed.length ? placed.reduce((sum, row) => sum + row, 0) / placed.length : Number.POSITIVE_INFINITY;
    };
    const centres = new Map(ids.map((id) => [id, centre(id)]));
    ids.sort((a, b) => centres.get(a)! - centres.get(b)! || a.localeCompare(b));
    ids.forEach((id, row) => rowOf.set(id, row));
  }

  const labelOf = (edge: LineageEdgeView) => `${edge.fromJurisdiction ?? '?'} → ${edge.toJurisdiction ?? '?'}`;
  const labelWidth = (edge: LineageEdgeView) => unitsOf(labelOf(edge)) * 6.6 + 18;
  // The gap left of each column holds the labels of the cross-border edges that arrive there: wide enough for the widest.
  const gapBefore = new Map<number, number>(columns.map((index) => [index, minGap]));
  for (const edge of edges) {
    if (!edge.crossBorder) continue;
    const index = column.get(edge.downstream)!;
    gapBefore.set(index, Math.max(gapBefore.get(index)!, labelWidth(edge) + 48));
  }
  const xOf = new Map<number, number>();
  let x = pad;
  columns.forEach((index, i) => {
    if (i > 0) x += gapBefore.get(index)!;
    xOf.set(index, x);
    x += nodeWidth;
  });
  const width = x + pad;

  const position = new Map<string, { x: number; y: number; height: number }>();
  let height = 0;
  for (const index of columns) {
    let y = pad;
    for (const id of members.get(index)!) {
      position.set(id, { x: xOf.get(index)!, y, height: heightOf(id) });
      y += heightOf(id) + gapY;
    }
    height = Math.max(height, y - gapY + pad);
  }

  // Cross-border labels: on the curve in the gap before the downstream box, then moved down (never up) until none overlaps the one above.
  const placedLabels: { edge: LineageEdgeView; x: number; y: number }[] = [];
  for (const index of columns) {
    const arriving = edges
      .filter((edge) => edge.crossBorder && column.get(edge.downstream) === index)
      .map((edge) => {
        const from = position.get(edge.upstream)!;
        const to = position.get(edge.downstream)!;
        const [x1, y1, x2, y2] = [from.x + nodeWidth, from.y + from.height / 2, to.x, to.y + to.height / 2];
        const labelX = to.x - gapBefore.get(index)! / 2;
        return { edge, x: labelX, y: x2 > x1 ? curveAt(x1, y1, x2, y2, Math.max(40, Math.abs(x2 - x1) / 2), labelX) : (y1 + y2) / 2 };
      })
      .sort((a, b) => a.y - b.y);
    let floor = Number.NEGATIVE_INFINITY;
    for (const label of arriving) {
      label.y = Math.max(label.y, floor + labelHeight + 4, pad + labelHeight / 2);
      floor = label.y;
      placedLabels.push(label);
      height = Math.max(height, label.y + labelHeight / 2 + pad);
    }
  }
  const crossings = edges.filter((edge) => edge.crossBorder).length;

  const edgeMarks = edges.map((edge) => {
    const from = position.get(edge.upstream)!;
    const to = position.get(edge.downstream)!;
    const [x1, y1, x2, y2] = [from.x + nodeWidth, from.y + from.height / 2, to.x, to.y + to.height / 2];
    const bend = Math.max(40, Math.abs(x2 - x1) / 2);
    const path = `M${x1} ${y1} C${x1 + bend} ${y1} ${x2 - bend} ${y2} ${x2 - 6} ${y2}`;
    const tip = `${edge.upstream} → ${edge.downstream}${edge.job ? ` (${edge.job})` : ''}`;
    if (!edge.crossBorder) {
      return html`<g class="edge" data-upstream="${edge.upstream}" data-downstream="${edge.downstream}"><title>${tip}</title><path d="${path}" fill="none" stroke="${colours.border}" stroke-width="1.5" marker-end="url(#wharf-arrow)"/></g>`;
    }
    const label = placedLabels.find((item) => item.edge === edge)!;
    const text = labelOf(edge);
    const w = labelWidth(edge);
    return html`<g class="edge cross-border" data-upstream="${edge.upstream}" data-downstream="${edge.downstream}" data-from="${edge.fromJurisdiction ?? ''}" data-to="${edge.toJurisdiction ?? ''}"><title>${labels.crossBorder}: ${text} — ${tip}</title><path d="${path}" fill="none" stroke="${colours.crossBorder}" stroke-width="2.5" stroke-dasharray="7 4" marker-end="url(#wharf-arrow-cross)"/><g class="label"><rect x="${label.x - w / 2}" y="${label.y - labelHeight / 2}" width="${w}" height="${labelHeight}" rx="10" fill="${colours.fill}" stroke="${colours.crossBorder}"/><text x="${label.x}" y="${label.y + 4}" text-anchor="middle" font-size="11" font-weight="600" fill="${colours.crossBorder}">${text}</text></g></g>`;
  });

  const titleText = (id: string, x0: number, y0: number, colour: string, size = 13) =>
    html`<text x="${x0}" y="${y0}" font-size="${size}" font-weight="600" fill="${colour}">${linesOf.get(id)!.map((line, i) => html`<tspan x="${x0}" dy="${i === 0 ? 0 : lineHeight}">${line}</tspan>`)}</text>`;

  const nodeMarks = [...nodes.values()].map((node) => {
    const { x: nx, y: ny, height: nh } = position.get(node.id)!;
    const subY = ny + 22 + linesOf.get(node.id)!.length * lineHeight - 2;
    if (node.__typename === 'RestrictedDataset') {
      return html`<g class="node restricted" data-id="${node.id}"><title>${labels.restricted}: ${node.id}</title><rect x="${nx}" y="${ny}" width="${nodeWidth}" height="${nh}" rx="8" fill="${colours.stub}" stroke="${colours.border}" stroke-dasharray="5 3"/>${lock(nx + 12, ny + 10)}${titleText(node.id, nx + 38, ny + 22, colours.muted)}<text x="${nx + 38}" y="${subY}" font-size="11" fill="${colours.muted}">${wrapText(node.id, 30, 1)[0]}</text></g>`;
    }
    if (node.__typename === 'ExternalDataset') {
      return html`<g class="node external" data-id="${node.id}"><title>${node.name ?? node.id} — ${node.namespace ?? ''} (${labels.external})</title><rect x="${nx}" y="${ny}" width="${nodeWidth}" height="${nh}" rx="8" fill="${colours.fill}" stroke="${colours.border}" stroke-dasharray="2 3"/>${titleText(node.id, nx + 12, ny + 22, colours.text)}<text x="${nx + 12}" y="${subY}" font-size="11" fill="${colours.muted}">${wrapText(node.namespace ?? '', 34, 1)[0] ?? ''}</text></g>`;
    }
    const root = node.id === rootId;
    return html`<a href="${options.href(node.id)}" tabindex="-1"><g class="node dataset${root ? ' root' : ''}" data-id="${node.id}"><title>${node.title ?? node.id} (${node.id})</title><rect x="${nx}" y="${ny}" width="${nodeWidth}" height="${nh}" rx="8" fill="${colours.fill}" stroke="${root ? colours.root : colours.border}" stroke-width="${root ? 2.5 : 1.2}"/>${titleText(node.id, nx + 12, ny + 22, colours.text)}<text x="${nx + 12}" y="${subY}" font-size="11" fill="${colours.muted}">${node.region ?? ''} · ${wrapText(node.id.slice(node.id.indexOf(':') + 1), 30, 1)[0]}</text></g></a>`;
  });

  return html`<svg xmlns="http://www.w3.org/2000/svg" class="lineage" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-hidden="true" font-family="system-ui, sans-serif" data-nodes="${nodes.size}" data-edges="${edges.length}" data-cross-border="${crossings}">
<title>${labels.title}</title>
<defs><marker id="wharf-arrow" viewBox="0 0 10 10" refX="2" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0 L10 5 L0 10 z" fill="${colours.border}"/></marker><marker id="wharf-arrow-cross" viewBox="0 0 10 10" refX="2" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0 L10 5 L0 10 z" fill="${colours.crossBorder}"/></marker></defs>
<g class="edges">${edgeMarks}</g>
<g class="nodes">${nodeMarks}</g>
</svg>`;
}
