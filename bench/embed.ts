/**
 * The embeddable search component: how long the gateway takes to bundle it
 * at start, how large it is on the wire (target < 30 kB gzipped), and what a
 * persisted query saves on each search request.
 *
 *   npm run bench -- embed
 */
import { performance } from 'node:perf_hooks';
import { brotliCompressSync, constants } from 'node:zlib';
import { buildEmbedBundle, searchOperationHashes } from '../gateway/portal/embedBundle.ts';
import { searchOperations } from '../gateway/portal/searchOperations.ts';
import { percentile } from './measure.ts';

const builds: number[] = [];
let bundle = await buildEmbedBundle();
for (let i = 0; i < 10; i += 1) {
  const start = performance.now();
  bundle = await buildEmbedBundle();
  builds.push(performance.now() - start);
}
const brotli = brotliCompressSync(bundle.code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });

// One search as the component sends it, and the same with the text in the URL.
const variables = JSON.stringify({ query: 'container throughput', filter: { regions: ['SG', 'MY'] }, first: 10, after: null, lang: 'en' });
const url = (params: Record<string, string>) => `/graphql?${new URLSearchParams(params)}`;
const hashed = url({ operationName: 'WharfSearch', variables, extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: searchOperationHashes.WharfSearch } }) });
const full = url({ operationName: 'WharfSearch', query: searchOperations.WharfSearch, variables });

const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
console.log(`| measure | value |
| --- | ---: |
| minified (esbuild, ES2022 IIFE) | ${bundle.code.byteLength.toLocaleString('en')} B (${kB(bundle.code.byteLength)}) |
| gzipped (level 9, as served) | **${bundle.gzip.byteLength.toLocaleString('en')} B (${kB(bundle.gzip.byteLength)})** |
| brotli (quality 11) | ${brotli.byteLength.toLocaleString('en')} B (${kB(brotli.byteLength)}) |
| bundle time at gateway start, p50 / max of 10 | ${percentile(builds, 50).toFixed(0)} / ${Math.max(...builds).toFixed(0)} ms |
| search request URL, persisted (hash) | ${hashed.length} B |
| search request URL, full text | ${full.length} B |`);
