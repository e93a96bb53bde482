import { createHash } from 'node:crypto';
import { renderGraphiQL, type GraphiQLOptions } from 'graphql-yoga';

/**
 * The one place GraphiQL's code comes from: this exact version of the
 * package on the CDN graphql-yoga's page names (script, styles, editor
 * workers). A source with a path allows that folder only, not the CDN.
 */
export const graphiqlCdnBase = 'https://unpkg.com/@graphql-yoga/graphiql@4.5.1/';
/** The favicon graphql-yoga's page links to. */
const faviconBase = 'https://raw.githubusercontent.com/graphql-hive/graphql-yoga/main/packages/render-graphiql/';

export interface GraphiqlPage {
  /** For the runtime's `renderGraphiQL`: graphql-yoga's page as it is. */
  render(options: GraphiQLOptions): string;
  /**
   * The Content-Security-Policy of the page as rendered: its inline scripts
   * by hash, GraphiQL's package folder on the CDN, the gateway itself for
   * queries, `blob:` workers (the page turns the fetched worker code into
   * blobs), no framing, no plugins, no forms, no base URL.
   */
  readonly contentSecurityPolicy: string;
}

/** `'sha256-…'` sources for every inline `<script>` of `page`. */
function inlineScriptHashes(page: string): string[] {
  return [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => `'sha256-${createHash('sha256').update(match[1]!).digest('base64')}'`);
}

function policyOf(page: string): string {
  if (!page.includes(graphiqlCdnBase)) throw new Error(`GraphiQL's page no longer loads from ${graphiqlCdnBase}: give graphiqlCdnBase the version graphql-yoga now names.`);
  return [
    "default-src 'none'",
    `script-src ${[...inlineScriptHashes(page), graphiqlCdnBase].join(' ')}`,
    // The editor sets element styles at run time.
    `style-src ${graphiqlCdnBase} 'unsafe-inline'`,
    `font-src ${graphiqlCdnBase} data:`,
    `img-src 'self' data: ${faviconBase}`,
    `connect-src 'self' ${graphiqlCdnBase}`,
    'worker-src blob:',
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * GraphiQL on `GET /graphql` (with `Accept: text/html`): graphql-yoga's page,
 * with the policy that lets exactly it run. The page is rendered once per
 * set of options (the runtime passes the same every time).
 */
export function createGraphiqlPage(): GraphiqlPage {
  let rendered: { key: string; page: string; policy: string } | undefined;
  return {
    render(options) {
      const key = JSON.stringify(options);
      if (rendered?.key !== key) {
        const page = renderGraphiQL(options);
        rendered = { key, page, policy: policyOf(page) };
      }
      return rendered.page;
    },
    get contentSecurityPolicy() {
      return rendered?.policy ?? policyOf(renderGraphiQL({}));
    },
  };
}
