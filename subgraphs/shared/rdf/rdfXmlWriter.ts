import type { Quad, Term } from 'n3';

const rdfNs = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const xsdString = 'http://www.w3.org/2001/XMLSchema#string';

/** An XML name without a colon: what follows a prefix in an element name. */
const ncName = /^[A-Za-z_][A-Za-z0-9._-]*$/;

/** Escapes text for XML content and attribute values; characters XML 1.0 cannot hold become U+FFFD. */
function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char]!);
}

/** A blank node label as an `rdf:nodeID` (an XML name). */
const nodeId = (label: string) => (ncName.test(label) ? label : `b${label.replace(/[^A-Za-z0-9._-]/g, '_')}`);

/**
 * Writes RDF/XML a chunk of triples at a time, for documents streamed in
 * chunks: `head()`, then `write(quads)` for each chunk, then `tail()`. Each
 * run of triples with one subject is one `rdf:Description`; predicates use
 * the given prefixes, and a namespace not among them is declared on the
 * property element itself, so nothing has to be known before the first
 * chunk. No maintained RDF/XML serialiser is published on npm, and the flat
 * form here is the whole of what is needed.
 */
export function createRdfXmlWriter(prefixes: Record<string, string>) {
  const prefixOf = new Map(Object.entries({ rdf: rdfNs, ...prefixes }).map(([prefix, iri]) => [iri, prefix]));
  let subject: string | undefined;

  function subjectAttribute(term: Term): string {
    return term.termType === 'BlankNode' ? `rdf:nodeID="${nodeId(term.value)}"` : `rdf:about="${escapeXml(term.value)}"`;
  }

  /** The element name of a predicate, and the namespace to declare with it when no prefix covers it. */
  function elementOf(iri: string): { name: string; declare?: string } {
    const split = Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/')) + 1;
    const namespace = iri.slice(0, split);
    const local = iri.slice(split);
    if (!ncName.test(local)) throw new Error(`RDF/XML cannot name the property <${iri}>: its last segment is not an XML name.`);
    const prefix = prefixOf.get(namespace);
    return prefix ? { name: `${prefix}:${local}` } : { name: `ns0:${local}`, declare: ` xmlns:ns0="${escapeXml(namespace)}"` };
  }

  function property(quad: Quad): string {
    const { name, declare = '' } = elementOf(quad.predicate.value);
    const object = quad.object;
    if (object.termType === 'NamedNode') return `    <${name}${declare} rdf:resource="${escapeXml(object.value)}"/>\n`;
    if (object.termType === 'BlankNode') return `    <${name}${declare} rdf:nodeID="${nodeId(object.value)}"/>\n`;
    const literal = object as Quad['object'] & { language: string; datatype: { value: string } };
    const attribute = literal.language
      ? ` xml:lang="${escapeXml(literal.language)}"`
      : literal.datatype && literal.datatype.value !== xsdString
        ? ` rdf:datatype="${escapeXml(literal.datatype.value)}"`
        : '';
    return `    <${name}${declare}${attribute}>${escapeXml(literal.value)}</${name}>\n`;
  }

  return {
    head(): string {
      const declarations = [...prefixOf].map(([iri, prefix]) => `\n    xmlns:${prefix}="${escapeXml(iri)}"`).join('');
      return `<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF${declarations}>\n`;
    },
    write(quads: readonly Quad[]): string {
      let out = '';
      for (const quad of quads) {
        const key = `${quad.subject.termType}:${quad.subject.value}`;
        if (key !== subject) {
          if (subject !== undefined) out += '  </rdf:Description>\n';
          out += `  <rdf:Description ${subjectAttribute(quad.subject)}>\n`;
          subject = key;
        }
        out += property(quad);
      }
      return out;
    },
    tail(): string {
      const close = subject !== undefined ? '  </rdf:Description>\n' : '';
      subject = undefined;
      return `${close}</rdf:RDF>\n`;
    },
  };
}
