import { Writer } from 'n3';
import { jsonLdToQuads } from './jsonLdToQuads.ts';
import { createRdfXmlWriter } from './rdfXmlWriter.ts';

/**
 * Writes one Turtle or RDF/XML document a chunk at a time, each chunk a
 * JSON-LD document (its own inline `@context`) whose triples are added:
 * what `/dcat` streams holds one chunk of datasets at a time, never the
 * whole catalogue. Blank nodes are relabelled per chunk so two chunks never
 * share one.
 */
export interface RdfSerializer {
  /** Text to send before the first chunk (prefixes, the XML prologue). */
  head(): string;
  /** The text of one chunk's triples. */
  chunk(document: object): Promise<string>;
  /** Text to send after the last chunk. */
  tail(): string;
}

/** A serialiser to `format` using `prefixes` (prefix → namespace IRI) for short names. */
export function createRdfSerializer(format: 'turtle' | 'rdfxml', prefixes: Record<string, string>): RdfSerializer {
  let chunks = 0;
  const quadsOf = (document: object) => jsonLdToQuads(document, `c${(chunks += 1)}_`);
  if (format === 'rdfxml') {
    const writer = createRdfXmlWriter(prefixes);
    return { head: () => writer.head(), chunk: async (document) => writer.write(await quadsOf(document)), tail: () => writer.tail() };
  }
  let pending = '';
  const output = { write: (text: string) => void (pending += text) };
  const writer = new Writer(output as never, { prefixes, end: false });
  const take = () => {
    const text = pending;
    pending = '';
    return text;
  };
  return {
    head: take,
    async chunk(document) {
      writer.addQuads(await quadsOf(document));
      return take();
    },
    tail() {
      writer.end();
      return take();
    },
  };
}

/** A whole JSON-LD document (held in memory: a page, one dataset) as text in `format`. */
export async function serializeRdfDocument(document: object, format: 'jsonld' | 'turtle' | 'rdfxml', prefixes: Record<string, string>): Promise<string> {
  if (format === 'jsonld') return JSON.stringify(document);
  const serializer = createRdfSerializer(format, prefixes);
  return `${serializer.head()}${await serializer.chunk(document)}${serializer.tail()}`;
}
