import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { escapeHtml, scriptJson } from './html.ts';

/**
 * Where the gateway serves GraphiQL's files: the `@graphql-yoga/graphiql`
 * package installed with it (script, styles, editor workers) and the small
 * script that starts it. Nothing comes from a CDN, so GraphiQL works on a
 * network without internet access.
 */
export const graphiqlAssetPrefix = '/assets/graphiql/';

/** The package's dist folder, found the way Node resolves it (no path into node_modules written by hand). */
const distFolder = dirname(createRequire(import.meta.url).resolve('@graphql-yoga/graphiql'));

/** The package's files the page loads, by the name they are served under. */
const packageFiles: Record<string, string> = {
  'yoga-graphiql.umd.js': 'yoga-graphiql.umd.js',
  'graphiql.css': 'graphiql.css',
  'editor.worker.js': 'monacoeditorwork/editor.worker.bundle.js',
  'json.worker.js': 'monacoeditorwork/json.worker.bundle.js',
  'graphql.worker.js': 'monacoeditorwork/graphql.worker..bundle.js',
};

/**
 * The page's own script, served as a file so the policy needs no inline
 * script: it tells the editor where its workers are (same origin, so no
 * `blob:` copies are needed), then starts GraphiQL with the options the page
 * carries as JSON data.
 */
const startScript = `"use strict";
self.MonacoEnvironment = {
  globalAPI: false,
  getWorkerUrl: function (_, label) {
    var name = label === 'json' ? 'json' : label === 'graphql' ? 'graphql' : 'editor';
    return ${JSON.stringify(graphiqlAssetPrefix)} + name + '.worker.js';
  }
};
// GraphiQL draws its tabs as li elements with role=tab, each holding two buttons (select, close):
// interactive controls inside another, and a tablist holding other buttons than tabs. They are made
// a plain list of buttons, the open one marked aria-current.
function fixTabs() {
  document.querySelectorAll('ul.graphiql-tabs').forEach(function (list) {
    if (list.hasAttribute('role')) list.removeAttribute('role');
  });
  document.querySelectorAll('li.graphiql-tab').forEach(function (item) {
    if (item.hasAttribute('role')) item.removeAttribute('role');
    if (item.hasAttribute('aria-selected')) item.removeAttribute('aria-selected');
    var button = item.querySelector('.graphiql-tab-button');
    if (!button) return;
    var active = item.classList.contains('graphiql-tab-active');
    if (active && button.getAttribute('aria-current') !== 'true') button.setAttribute('aria-current', 'true');
    if (!active && button.hasAttribute('aria-current')) button.removeAttribute('aria-current');
  });
}
document.addEventListener('DOMContentLoaded', function () {
  var options = JSON.parse(document.getElementById('wharf-graphiql-options').textContent);
  var root = document.getElementById('root');
  new MutationObserver(fixTabs).observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'role', 'aria-selected'] });
  YogaGraphiQL.renderYogaGraphiQL(root, options);
});
`;

/** Colours GraphiQL's own stylesheet leaves below WCAG AA contrast (4.5:1), raised. */
const styleOverrides = `.graphiql-logo,.graphiql-logo span{color:#24292f!important}
.monaco-editor .line-numbers.dimmed-line-number{color:#57606a!important}
.graphiql-container .graphiql-tab-button{color:inherit}
`;

const contentTypes: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** The operations GraphiQL opens with, one tab each. The ids are the demo's (`npm start`). */
export const graphiqlExampleOperations: readonly { name: string; query: string; variables: Record<string, unknown> }[] = [
  {
    name: 'Search',
    query: `# Wharf's GraphQL API. Every answer is what your credentials may discover and read.
# To ask as a signed-in consumer, add in Headers below:
#   {"Authorization": "Bearer <token>"}   (a token from your identity provider)
# or {"x-api-key": "<key>"}               (a portal key: the public scope)
# Without either you ask as an anonymous visitor.
query Search($query: String, $lang: String) {
  search(query: $query, first: 5, facetLimit: 5) {
    totalCount
    facets { field values { value count } }
    edges {
      node { id region title(lang: $lang) modified access { decision obligations } }
    }
  }
}
`,
    variables: { query: 'trade', lang: 'en' },
  },
  {
    name: 'Access',
    query: `# May I read this dataset, for this purpose, and on what conditions?
# The owning region decides, by its own policies, for the consumer in your headers.
query Access($id: ID!, $purpose: String) {
  dataset(id: $id) {
    id
    title
    access(purpose: $purpose) {
      decision
      policies
      obligations
      missing { kind anyOf reason }
    }
    distributions { format accessUrl }
  }
}
`,
    variables: { id: 'VN:evn-electricity-import-china', purpose: 'research' },
  },
  {
    name: 'Lineage',
    query: `# Where a dataset comes from (UPSTREAM) or what derives from it (DOWNSTREAM).
# A dataset you may not discover appears as RestrictedDataset, with its id only.
query Lineage($id: ID!) {
  lineage(id: $id, direction: UPSTREAM, depth: 3) {
    isPartial
    nodes {
      __typename
      id
      ... on Dataset { title region }
      ... on ExternalDataset { namespace name }
    }
    edges { upstream downstream crossBorder fromJurisdiction toJurisdiction job }
  }
}
`,
    variables: { id: 'VN:agricultural-exports-china-monthly' },
  },
];

export interface GraphiqlPage {
  /** The page for the runtime's `renderGraphiQL` (its own options are not used: the page is Wharf's). */
  render(): string;
  /**
   * The page's Content-Security-Policy: scripts, styles, fonts and workers
   * from this origin only, queries to this origin, no framing, no plugins,
   * no forms, no base URL. The editor sets element styles at run time, hence
   * `'unsafe-inline'` for styles (never for scripts).
   */
  readonly contentSecurityPolicy: string;
  /** Answers `GET`/`HEAD` of a file under `graphiqlAssetPrefix`; undefined for any other path. */
  serveAsset(request: Request, ResponseClass: typeof Response): Promise<Response> | undefined;
}

interface Asset {
  body: Uint8Array;
  gzip: Uint8Array;
  etag: string;
  type: string;
}

const policy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * GraphiQL on `GET /graphql` (with `Accept: text/html`), titled Wharf, with
 * the example operations as tabs and the credential headers explained, its
 * files served by the gateway from the installed package. Each file is read
 * (and gzipped) once, on its first request: a fixed set of about 14 MB.
 */
export function createGraphiqlPage(): GraphiqlPage {
  const options = {
    title: 'Wharf GraphQL',
    defaultQuery: graphiqlExampleOperations[0]!.query,
    // GraphiQL's editor opens on `initialQuery` (else its own welcome text), not on the first tab's.
    initialQuery: graphiqlExampleOperations[0]!.query,
    initialVariables: JSON.stringify(graphiqlExampleOperations[0]!.variables, null, 2),
    defaultTabs: graphiqlExampleOperations.map((operation) => ({ query: operation.query, variables: JSON.stringify(operation.variables, null, 2), headers: '{}' })),
    headers: '{}',
    shouldPersistHeaders: false,
  };
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${graphiqlAssetPrefix}graphiql.css">
<link rel="stylesheet" href="${graphiqlAssetPrefix}wharf-graphiql.css">
<script src="${graphiqlAssetPrefix}wharf-graphiql.js"></script>
<script src="${graphiqlAssetPrefix}yoga-graphiql.umd.js"></script>
<script type="application/json" id="wharf-graphiql-options">${scriptJson(options).value}</script>
</head>
<body>
<main id="root" aria-label="GraphiQL">Loading Wharf GraphQL…</main>
<noscript>GraphiQL needs JavaScript. The API itself answers POST /graphql with {"query": "…"}.</noscript>
</body>
</html>
`;
  const assets = new Map<string, Promise<Asset>>();
  const load = (name: string): Promise<Asset> | undefined => {
    const type = contentTypes[name.slice(name.lastIndexOf('.') + 1)];
    const file = packageFiles[name];
    const own = name === 'wharf-graphiql.js' ? startScript : name === 'wharf-graphiql.css' ? styleOverrides : undefined;
    if (!type || (!file && own === undefined)) return undefined;
    let asset = assets.get(name);
    if (!asset) {
      asset = (file ? readFile(join(distFolder, file)) : Promise.resolve(Buffer.from(own!))).then((body) => ({
        body,
        gzip: gzipSync(body, { level: 6 }),
        etag: `"${createHash('sha256').update(body).digest().subarray(0, 16).toString('base64url')}"`,
        type,
      }));
      // A failed read is not kept: the next request tries again.
      asset.catch(() => assets.delete(name));
      assets.set(name, asset);
    }
    return asset;
  };
  return {
    render: () => page,
    contentSecurityPolicy: policy,
    serveAsset(request, ResponseClass) {
      const { pathname } = new URL(request.url);
      if (!pathname.startsWith(graphiqlAssetPrefix)) return undefined;
      const asset = load(pathname.slice(graphiqlAssetPrefix.length));
      if (!asset) return undefined;
      if (request.method !== 'GET' && request.method !== 'HEAD') return Promise.resolve(new ResponseClass(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
      return asset.then(({ body, gzip, etag, type }) => {
        const headers: Record<string, string> = { etag, 'cache-control': 'public, max-age=86400', vary: 'accept-encoding', 'x-content-type-options': 'nosniff' };
        const tags = request.headers.get('if-none-match')?.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
        if (tags?.includes(etag)) return new ResponseClass(null, { status: 304, headers });
        const gzipped = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
        const content = gzipped ? gzip : body;
        headers['content-type'] = type;
        headers['content-length'] = String(content.byteLength);
        if (gzipped) headers['content-encoding'] = 'gzip';
        return new ResponseClass(request.method === 'HEAD' ? null : (content as Uint8Array<ArrayBuffer>), { status: 200, headers });
      });
    },
  };
}
