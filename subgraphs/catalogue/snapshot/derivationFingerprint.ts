import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What an index is derived with: the analyzer, glossary, stemmers, ranking
 * and the index's own structures (the source of `subgraphs/catalogue/search`
 * and of the files that lay out a snapshot), the versions of the libraries
 * they use, and the machine's byte order (typed arrays are written as they
 * are in memory). A snapshot made by any other code is rejected and the
 * index rebuilt: a stale analyzer or a renamed field would otherwise be
 * served silently. Over-strict by design: any change to these files costs
 * one rebuild, never a wrong answer.
 */
const catalogueFolder = fileURLToPath(new URL('..', import.meta.url));
const derivedFrom = [
  'search',
  'snapshot',
  'createCatalogueIndex.ts',
  'lineageGraph.ts',
  'adjacencyPool.ts',
  '../../schema/datasetRecord.ts',
  '../shared/quality/assessQuality.ts',
];
const libraries = ['minisearch', 'snowball-stemmers', 'stopwords-iso', 'opencc-js', 'fflate'];

function filesUnder(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(path, entry.name)) : [join(path, entry.name)]))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return [path];
    throw error;
  }
}

let computed: string | undefined;

/** The fingerprint of this code's index derivation (computed once per process). */
export function derivationFingerprint(): string {
  if (computed) return computed;
  const hash = createHash('sha256');
  hash.update(`endianness ${endianness()}\n`);
  hash.update(`node ${process.version} icu ${process.versions.icu}\n`);
  for (const file of derivedFrom.flatMap((path) => filesUnder(join(catalogueFolder, path)))) {
    hash.update(`${relative(catalogueFolder, file)}\n`);
    hash.update(readFileSync(file));
  }
  for (const library of libraries) {
    let version = 'absent';
    try {
      // Its entry point resolved as this code imports it; its package.json is at the root of the folder it lies in.
      const entry = fileURLToPath(import.meta.resolve(library));
      const root = entry.slice(0, entry.lastIndexOf(`node_modules${sep}${library}${sep}`) + `node_modules${sep}${library}`.length);
      version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // Not installed here: that is what is hashed.
    }
    hash.update(`${library}@${version}\n`);
  }
  computed = hash.digest('hex').slice(0, 32);
  return computed;
}
