import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { searchOperations, type SearchOperationName } from './searchOperations.ts';

/** The component's source; everything it imports is bundled with it. */
const entryPoint = fileURLToPath(new URL('./wharfSearch.ts', import.meta.url));

/** The SHA-256 (hex) of each operation the component sends, as APQ hashes them. */
export const searchOperationHashes: Record<SearchOperationName, string> = Object.fromEntries(
  Object.entries(searchOperations).map(([name, query]) => [name, createHash('sha256').update(query).digest('hex')]),
) as Record<SearchOperationName, string>;

export interface EmbedBundle {
  /** The minified script, UTF-8. */
  code: Uint8Array;
  /** The same, gzipped (level 9), served to clients that accept gzip. */
  gzip: Uint8Array;
  /** Strong ETag: the first 16 bytes of the code's SHA-256, base64url, quoted. */
  etag: string;
  /**
   * The Subresource Integrity value of the code, `sha384-<base64>`: what a
   * portal puts in `<script integrity>`. Browsers hash the decoded body, so
   * it holds for the gzipped answer too. The bundle depends on nothing of
   * the deployment, so one Wharf version has one value everywhere.
   */
  integrity: string;
}

/**
 * Bundles `<wharf-search>` with esbuild into one script (IIFE, ES2022,
 * minified) that runs the same loaded as a classic script (`<script src>`)
 * or as a module (`<script type="module" crossorigin integrity>`): it
 * imports and exports nothing. A portal needs no build step of its own. The operation hashes are baked in so the browser
 * never hashes (WebCrypto is missing on plain-http pages). About 60 ms.
 */
export async function buildEmbedBundle(): Promise<EmbedBundle> {
  const result = await build({
    entryPoints: [entryPoint],
    bundle: true,
    write: false,
    minify: true,
    format: 'iife',
    target: 'es2022',
    platform: 'browser',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
    define: { WHARF_OPERATION_HASHES: JSON.stringify(searchOperationHashes) },
  });
  const code = result.outputFiles[0]!.contents;
  return {
    code,
    gzip: gzipSync(code, { level: 9 }),
    etag: `"${createHash('sha256').update(code).digest().subarray(0, 16).toString('base64url')}"`,
    integrity: `sha384-${createHash('sha384').update(code).digest('base64')}`,
  };
}
