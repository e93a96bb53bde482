import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import rdf from '@zazuko/env';
import jsonld from 'jsonld';
import { Parser, Writer, type Quad } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { RdfXmlParser } from 'rdfxml-streaming-parser';
import { jsonLdToQuads } from '../../subgraphs/shared/rdf/jsonLdToQuads.ts';
import type { RdfFormat } from '../../subgraphs/shared/rdf/negotiateRdfFormat.ts';

const shapesDir = fileURLToPath(new URL('../fixtures/dcat-ap/', import.meta.url));

/**
 * The DCAT-AP 3.0.1 shapes tests validate against (see
 * `test/fixtures/dcat-ap/SOURCE.md`): the release's consolidated shapes
 * (cardinalities, node kinds, class ranges, datatypes) and its class-range
 * constraints, which raise violations, and its deprecated-URI shapes, which
 * raise warnings. The controlled-vocabulary shapes are left out: they need
 * the EU authority tables loaded as data, which the tests do not have.
 */
export const dcatApShapeFiles = ['dcat-ap-SHACL.ttl', 'dcat-ap-range.ttl', 'dcat-ap-deprecateduris.ttl'] as const;

const shacl = 'http://www.w3.org/ns/shacl#';
const rdfsSeeAlso = 'http://www.w3.org/2000/01/rdf-schema#seeAlso';
const release = 'https://semiceu.github.io/DCAT-AP/releases/3.0.1#';

const owlImports = 'http://www.w3.org/2002/07/owl#imports';

/** A shapes file's triples, without its `owl:imports` of the vocabularies' own files (the shapes need none of them, and nothing is fetched). */
function parseTurtle(file: string): Quad[] {
  return new Parser({ format: 'text/turtle' }).parse(readFileSync(`${shapesDir}${file}`, 'utf8')).filter((quad) => quad.predicate.value !== owlImports);
}

let validator: SHACLValidator | undefined;
/** Each shape's name for a report: the specification section it cites (`Catalogue.title`), else its IRI's tail. */
let shapeLabels: Map<string, string> | undefined;
function dcatApValidator(): SHACLValidator {
  if (!validator) {
    const shapes = dcatApShapeFiles.flatMap(parseTurtle);
    validator = new SHACLValidator(rdf.dataset(shapes), { factory: rdf });
    shapeLabels = new Map(shapes.filter((quad) => quad.predicate.value === rdfsSeeAlso).map((quad) => [quad.subject.value, quad.object.value.replace(release, '')]));
  }
  return validator;
}

/** One SHACL result, in words a failing test can show. */
export interface ShaclFinding {
  severity: string;
  focusNode: string;
  path: string;
  message: string;
  shape: string;
}

export interface DcatApReport {
  quads: number;
  violations: ShaclFinding[];
  warnings: ShaclFinding[];
  /**
   * The findings counted per shape, most first, one line each
   * (`3 × Violation dcat:CatalogShape/8f61… (Catalogue.description) on dct:description`),
   * for a failing test's message; "0 violations, 0 warnings" when there are none.
   */
  summary: string;
}

const shortIri = (iri: string) =>
  iri
    .replace(release, '')
    .replace('http://purl.org/dc/terms/', 'dct:')
    .replace('http://www.w3.org/ns/dcat#', 'dcat:')
    .replace('http://xmlns.com/foaf/0.1/', 'foaf:')
    .replace(/^(.*\/[0-9a-f]{8})[0-9a-f]{32}$/, '$1…');

function summarise(findings: readonly ShaclFinding[]): string {
  const counts = new Map<string, number>();
  for (const finding of findings) {
    const label = shapeLabels?.get(finding.shape);
    const key = `${finding.severity} ${finding.shape ? shortIri(finding.shape) : '(blank shape)'}${label ? ` (${label})` : ''}${finding.path ? ` on ${shortIri(finding.path)}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const violations = findings.filter((finding) => finding.severity === 'Violation').length;
  const lines = [...counts].sort((a, b) => b[1] - a[1]).map(([key, count]) => `  ${count} × ${key}`);
  return [`${violations} violations, ${findings.length - violations} warnings${lines.length ? ', per shape:' : ''}`, ...lines].join('\n');
}

/** The quads of an RDF document as served: JSON-LD (its context inline: nothing is fetched), Turtle or RDF/XML. */
export async function parseRdf(text: string, format: RdfFormat): Promise<Quad[]> {
  if (format === 'jsonld') return jsonLdToQuads(JSON.parse(text) as object);
  if (format === 'turtle') return new Parser({ format: 'text/turtle' }).parse(text);
  return new Promise((resolve, reject) => {
    const quads: Quad[] = [];
    const parser = new RdfXmlParser();
    parser.on('data', (quad: Quad) => quads.push(quad));
    parser.on('error', reject);
    parser.on('end', () => resolve(quads));
    parser.end(text);
  });
}

/** Every SHACL result of validating `quads` against the DCAT-AP 3 shapes (violations and warnings). */
export async function validateDcatApQuads(quads: readonly Quad[]): Promise<DcatApReport> {
  const report = await dcatApValidator().validate(rdf.dataset([...quads]));
  const findings = report.results.map((result) => ({
    severity: result.severity?.value.replace(shacl, '') ?? '',
    focusNode: result.focusNode?.value ?? '',
    path: result.path?.value ?? '',
    message: result.message.map((message) => message.value).join(' '),
    shape: result.sourceShape?.value ?? '',
  }));
  return {
    quads: quads.length,
    violations: findings.filter((finding) => finding.severity === 'Violation'),
    warnings: findings.filter((finding) => finding.severity !== 'Violation'),
    summary: summarise(findings),
  };
}

/** `validateDcatApQuads` for a JSON-LD document. */
export async function validateDcatAp(document: object): Promise<DcatApReport> {
  return validateDcatApQuads(await jsonLdToQuads(document));
}

/** The canonical N-Quads of `quads` (URDNA2015): equal for two serialisations of one graph, whatever their blank node labels. */
export async function canonicalNQuads(quads: readonly Quad[]): Promise<string> {
  const nquads = new Writer({ format: 'N-Quads' }).quadsToString([...quads]);
  return (await (jsonld.canonize as (input: unknown, options: unknown) => Promise<string>)(nquads, { algorithm: 'URDNA2015', inputFormat: 'application/n-quads', format: 'application/n-quads' }));
}
