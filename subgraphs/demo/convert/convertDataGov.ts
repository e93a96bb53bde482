/**
 * Regenerates the SG and MY demo regions from real open-data catalogue metadata
 * (data.gov.sg and data.gov.my), so the demo serves realistic datasets instead of
 * invented ones. Each region folder is rebuilt from scratch: old dataset files are
 * removed, every converted record is checked against `datasetFileSchema`, and the
 * attribution files (source and licence) are written beside the datasets.
 *
 *   npm run demo:convert -- <folder>
 *
 * `<folder>` holds `datagovsg/` and `datagovmy/` (see `sourceLayout` for what each needs and where it
 * comes from). Output is deterministic: schema key order, 2-space JSON, trailing newline.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetFileSchema, identifierPattern, type DatasetFile } from '../../../schema/datasetFile.ts';
import type { Conversion, Skip } from './conversion.ts';
import { convertMy } from './convertDataGovMy.ts';
import { convertSg } from './convertDataGovSg.ts';

interface Region {
  code: string;
  sourceFolder: string;
  convert: (sourceDir: string) => Conversion;
}

export const regions: Region[] = [
  { code: 'SG', sourceFolder: 'datagovsg', convert: convertSg },
  { code: 'MY', sourceFolder: 'datagovmy', convert: convertMy },
];

const outputRoot = fileURLToPath(new URL('../', import.meta.url));

/** Drops undefined, null, empty strings, empty arrays and empty objects, keeping key order. */
export function prune<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map(prune).filter((item) => !isEmpty(item)) as T;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => [key, prune(item)] as const);
    return Object.fromEntries(entries.filter(([, item]) => !isEmpty(item))) as T;
  }
  return value;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/** The file text for one dataset, or the reason it cannot be written. */
export function serialise(dataset: DatasetFile): { text: string } | { reason: string } {
  const record = prune(dataset);
  if (!record.identifier || !identifierPattern.test(record.identifier)) {
    return { reason: `unusable identifier ${JSON.stringify(record.identifier)}` };
  }
  const result = datasetFileSchema.safeParse(record);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { reason: `schema: ${issue?.path.join('.')} ${issue?.message}` };
  }
  return { text: `${JSON.stringify(record, null, 2)}\n` };
}

/** Converts one region and rewrites its folder; returns the printed summary lines. */
export function writeRegion(region: Region, sourceDir: string): { ok: boolean; lines: string[] } {
  const outDir = join(outputRoot, region.code);
  let conversion: Conversion;
  try {
    conversion = region.convert(join(sourceDir, region.sourceFolder));
  } catch (error) {
    return { ok: false, lines: [`${region.code}: conversion failed, folder left untouched: ${(error as Error).message}`] };
  }
  const skipped = [...conversion.skipped];
  const files = new Map<string, string>();
  for (const dataset of conversion.datasets) {
    const result = serialise(dataset);
    if ('reason' in result) skipped.push({ id: dataset.identifier ?? '?', reason: result.reason });
    else files.set(`${dataset.identifier}.json`, result.text);
  }
  mkdirSync(outDir, { recursive: true });
  for (const name of readdirSync(outDir)) {
    if (name.endsWith('.json')) rmSync(join(outDir, name));
  }
  for (const [name, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    writeFileSync(join(outDir, name), text);
  }
  for (const [name, content] of Object.entries(conversion.attribution)) {
    writeFileSync(join(outDir, name), content);
  }
  const lines = [
    `${region.code}: ${files.size} written, ${skipped.length} skipped`,
    ...summariseSkips(skipped),
    ...conversion.notes.map((note) => `  note: ${note}`),
  ];
  return { ok: true, lines };
}

/** Groups skip reasons so a long list stays readable. */
function summariseSkips(skipped: Skip[]): string[] {
  const byReason = new Map<string, string[]>();
  for (const { id, reason } of skipped) byReason.set(reason, [...(byReason.get(reason) ?? []), id]);
  return [...byReason].map(([reason, ids]) => {
    const shown = ids.slice(0, 5).join(', ') + (ids.length > 5 ? `, … (+${ids.length - 5})` : '');
    return `  - ${ids.length} × ${reason}: ${shown}`;
  });
}

/** What the source folder holds, and where each part comes from; printed when it is missing. */
export const sourceLayout = `<folder> must hold:
  datagovsg/  datasets.json, collections.json and SOURCE.txt: data.gov.sg catalogue metadata
              (datasets.json and collections.json as in github.com/euanlimzx/STB at 4870617,
              JSON taken out of scripts/output.js and prod/collections.js)
  datagovmy/  data-catalogue/*.json, LICENSE and SOURCE.txt: github.com/data-gov-my/datagovmy-meta
              at 65e91e6
The SOURCE.txt files are copied beside the converted datasets; subgraphs/demo/SG and MY hold the ones
the committed demo was made from.`;

/** The source folder from the command line; throws a message fit to print when it is unusable. */
export function parseArgs(argv: string[]): { sourceDir: string } {
  const positional = argv.filter((arg) => !arg.startsWith('-'));
  const unknown = argv.filter((arg) => arg.startsWith('-'));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown[0]}`);
  if (positional.length === 0) throw new Error('no source folder given');
  if (positional.length > 1) throw new Error(`one source folder expected, got ${positional.length}`);
  const sourceDir = resolve(positional[0]!);
  if (!existsSync(sourceDir) || !statSync(sourceDir).isDirectory()) {
    throw new Error(`the source folder ${sourceDir} does not exist`);
  }
  const missing = regions.map((region) => region.sourceFolder).filter((folder) => !existsSync(join(sourceDir, folder)));
  if (missing.length > 0) throw new Error(`${sourceDir} has no ${missing.map((folder) => `${folder}/`).join(' or ')}`);
  return { sourceDir };
}

export function main(argv: string[]): void {
  let sourceDir: string;
  try {
    ({ sourceDir } = parseArgs(argv));
  } catch (error) {
    console.error(`npm run demo:convert -- <folder>: ${(error as Error).message}.\n${sourceLayout}`);
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  for (const region of regions) {
    const { ok, lines } = writeRegion(region, sourceDir);
    console.log(lines.join('\n'));
    if (!ok) process.exitCode = 1;
  }
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(2)} s (source: ${sourceDir})`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
