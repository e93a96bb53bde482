import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import rdf from '@zazuko/env';
import jsonld from 'jsonld';
import { Parser, type Quad } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';

const shapesDir = fileURLToPath(new URL('../fixtures/dcat-ap/', import.meta.url));

/**
 * The DCAT-AP 3.0.1 shapes tests validate against: the release's
 * consolidated shapes (cardinalities, node kinds, class ranges, datatypes)
 * and its class-range constraints. Both raise violations. The controlled-
 * vocabulary shapes are left out: they need the EU authority tables loaded
 * as data, which the tests do not have.
 */
export const dcatApShapeFiles = ['dcat-ap-SHACL.ttl', 'dcat-ap-range.ttl'] as const;

function parseTurtle(file: string): Quad[] {
  return new Parser({ format: 'text/turtle' }).parse(readFileSync(`${shapesDir}${file}`, 'utf8'));
}

let validator: SHACLValidator | undefined;
function dcatApValidator(): SHACLValidator {
  validator ??= new SHACLValidator(rdf.dataset(dcatApShapeFiles.flatMap(parseTurtle)), { factory: rdf });
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

/** The quads of a JSON-LD document (its context inline: nothing is fetched). */
export async function jsonLdToQuads(document: object): Promise<Quad[]> {
  const nquads = (await jsonld.toRDF(document as jsonld.JsonLdDocument, { format: 'application/n-quads' })) as unknown as string;
  return new Parser({ format: 'application/n-quads' }).parse(nquads);
}

/** Every SHACL result of validating `document` against the DCAT-AP 3 shapes (violations and warnings). */
export async function validateDcatAp(document: object): Promise<{ quads: number; violations: ShaclFinding[]; warnings: ShaclFinding[] }> {
  const quads = await jsonLdToQuads(document);
  const report = await dcatApValidator().validate(rdf.dataset(quads));
  const findings = report.results.map((result) => ({
    severity: result.severity?.value.replace('http://www.w3.org/ns/shacl#', '') ?? '',
    focusNode: result.focusNode?.value ?? '',
    path: result.path?.value ?? '',
    message: result.message.map((message) => message.value).join(' '),
    shape: result.sourceShape?.value ?? '',
  }));
  return {
    quads: quads.length,
    violations: findings.filter((finding) => finding.severity === 'Violation'),
    warnings: findings.filter((finding) => finding.severity !== 'Violation'),
  };
}
