import jsonld from 'jsonld';
import { DataFactory, type Quad, type Quad_Object, type Quad_Subject } from 'n3';

/** A term as `jsonld.toRDF` returns it. */
interface JsonLdTerm {
  termType: 'NamedNode' | 'BlankNode' | 'Literal' | 'DefaultGraph';
  value: string;
  datatype?: { value: string };
  language?: string;
}

interface JsonLdQuad {
  subject: JsonLdTerm;
  predicate: JsonLdTerm;
  object: JsonLdTerm;
}

/**
 * Refuses every remote context. Wharf's documents carry their context
 * inline, and a document handed on from a region must never make the
 * gateway fetch a URL it names.
 */
async function refuseRemoteContexts(url: string): Promise<never> {
  throw new Error(`Remote JSON-LD context ${JSON.stringify(url.slice(0, 200))} refused: contexts must be inline.`);
}

const rdfLangString = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString';
const xsdString = 'http://www.w3.org/2001/XMLSchema#string';

/**
 * The triples of a JSON-LD document, as n3 quads in the default graph.
 * Blank nodes are labelled `<blankPrefix><label>`: documents converted one
 * chunk at a time into one output need a prefix per chunk, or their blank
 * nodes would merge.
 */
export async function jsonLdToQuads(document: object, blankPrefix = ''): Promise<Quad[]> {
  const dataset = (await jsonld.toRDF(document as jsonld.JsonLdDocument, { documentLoader: refuseRemoteContexts as never })) as unknown as JsonLdQuad[];
  const node = (term: JsonLdTerm) => (term.termType === 'BlankNode' ? DataFactory.blankNode(`${blankPrefix}${term.value.replace(/^_:/, '')}`) : DataFactory.namedNode(term.value));
  const object = (term: JsonLdTerm): Quad_Object => {
    if (term.termType !== 'Literal') return node(term);
    if (term.language) return DataFactory.literal(term.value, term.language);
    const datatype = term.datatype?.value;
    return DataFactory.literal(term.value, datatype && datatype !== xsdString && datatype !== rdfLangString ? DataFactory.namedNode(datatype) : undefined);
  };
  return dataset.map((quad) => DataFactory.quad(node(quad.subject) as Quad_Subject, DataFactory.namedNode(quad.predicate.value), object(quad.object)));
}
