import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { readYamlFile } from '../../shared/readYamlFile.ts';

/** A producer a region takes OpenLineage events from, and the namespaces it may write. */
export interface LineageProducer {
  readonly name: string;
  /** OpenLineage namespaces (exact strings) its events may name as outputs, or as inputs where the region declares them. */
  readonly namespaces: ReadonlySet<string>;
}

/** The producers a region knows, found by their key or by name. */
export interface LineageProducers {
  /** The producer whose key `key` is, or undefined. The key is hashed and compared with every stored hash in constant time. */
  byKey(key: string): LineageProducer | undefined;
  /** The producer named `name` (to replay what it sent earlier), or undefined. */
  byName(name: string): LineageProducer | undefined;
  readonly size: number;
}

/** Longest key a region hashes; a longer credential is refused unread. */
export const maxProducerKeyLength = 512;

const producerSchema = z
  .object({
    /** Who the producer is: kept with each event it sends, and in the region's logs. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1 to 64 letters, digits, ".", "_" or "-"'),
    /** Only the SHA-256 of the key is stored (`printf %s "$KEY" | sha256sum`). */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the hex SHA-256 of the key'),
    namespaces: z.array(z.string().min(1).max(1024)).min(1, 'must grant at least one namespace'),
  })
  .strict();

const producersFileSchema = z
  .object({ producers: z.array(producerSchema).default([]) })
  .strict()
  .superRefine((file, context) => {
    const seen = { name: new Set<string>(), sha256: new Set<string>() };
    file.producers.forEach((producer, index) => {
      for (const field of ['name', 'sha256'] as const) {
        if (seen[field].has(producer[field])) context.addIssue({ code: 'custom', path: ['producers', index, field], message: `is the same as another producer's` });
        seen[field].add(producer[field]);
      }
    });
  });

export type LineageProducerEntry = z.infer<typeof producerSchema>;

/** The hex SHA-256 of a producer key: what a producers file stores. */
export const producerKeyHash = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

/**
 * The producers of `entries`. Keys are matched by their SHA-256 against
 * every entry with `timingSafeEqual`, never stopping at the first match, so
 * the answer time does not depend on which entry (if any) matched.
 */
export function createLineageProducers(entries: readonly LineageProducerEntry[]): LineageProducers {
  const producers = entries.map((entry) => ({
    producer: Object.freeze({ name: entry.name, namespaces: new Set(entry.namespaces) }) as LineageProducer,
    hash: Buffer.from(entry.sha256, 'hex'),
  }));
  const byName = new Map(producers.map(({ producer }) => [producer.name, producer]));
  return {
    byKey(key) {
      if (key.length === 0 || key.length > maxProducerKeyLength) return undefined;
      const hash = createHash('sha256').update(key, 'utf8').digest();
      let found: LineageProducer | undefined;
      for (const entry of producers) if (timingSafeEqual(hash, entry.hash) && !found) found = entry.producer;
      return found;
    },
    byName: (name) => byName.get(name),
    size: producers.length,
  };
}

/**
 * Reads a region's lineage producers file (YAML):
 *
 * ```yaml
 * producers:
 *   - name: dsec-dbt
 *     sha256: <hex SHA-256 of the key>
 *     namespaces: ["postgres://warehouse.dsec.gov.mo:5432"]
 * ```
 *
 * Every problem is reported at once; an empty file has no producers.
 */
export async function readLineageProducers(path: string): Promise<LineageProducers> {
  return createLineageProducers((await readYamlFile(path, producersFileSchema, 'lineage producers file', {})).producers);
}

/** No producer at all: every lineage request is refused as unauthenticated. */
export const noLineageProducers: LineageProducers = createLineageProducers([]);
