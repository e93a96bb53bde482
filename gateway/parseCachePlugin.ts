import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { DocumentNode, GraphQLSchema, Token, ValidationRule } from 'graphql';
import { LRUCache } from 'lru-cache';
import { Gauge, type Registry } from 'prom-client';

export interface ParseCacheOptions {
  /**
   * Most memory the parsed documents kept may take, in bytes, as estimated
   * by `documentBytes`; the least recently used go first. @default 33554432 (32 MiB)
   */
  maxBytes?: number;
  /** Where `wharf_parse_cache_bytes` and `wharf_parse_cache_documents` are reported; none without it. */
  registry?: Registry;
}

/**
 * Bytes per lexer token, an over-estimate: with locations (kept for error
 * positions) every token stays reachable from the document, beside the AST
 * node it belongs to. Measured at 240–340 bytes a token in graphql-js 16.
 */
const bytesPerToken = 350;

/**
 * What a parsed document keeps alive, estimated from above: its text (two
 * bytes a character, the worst case of a V8 string) and its tokens.
 */
export function documentBytes(document: DocumentNode, text: string): number {
  let tokens = 0;
  for (let token: Token | null | undefined = document.loc?.startToken; token; token = token.next) tokens++;
  return 2 * text.length + bytesPerToken * tokens;
}

/** Validation results per set of rules: a handful, fixed by the server; the bound only guards against a plugin that varies them. */
const maxRuleSets = 16;

/**
 * Whether `plugin` is graphql-yoga's own `useParserAndValidationCache`, which
 * the runtime always installs and which holds 1,024 documents whatever their
 * size. It is told apart by what its hooks use; yoga does not export it.
 */
export function isYogaParserCache(plugin: unknown): boolean {
  const { onParse, onValidate } = (plugin ?? {}) as { onParse?: unknown; onValidate?: unknown };
  return typeof onParse === 'function' && typeof onValidate === 'function' && String(onParse).includes('documentCache') && String(onValidate).includes('validationCache');
}

/**
 * The gateway's parse and validation caches, bounded in bytes: parsed
 * documents by operation text in an LRU of at most `maxBytes`, and each
 * document's validation result beside it (held weakly, so it goes with its
 * document). It takes the place of graphql-yoga's caches, which are bounded
 * only by count: 1,024 documents of a few hundred kilobytes each are
 * gigabytes. With `maxQueryBytes` (32 kB) and `maxTokens` (3,000) no one
 * document is larger than about 1.1 MB, so the cache always holds many.
 *
 * Failed parses are not kept: a bad text costs one parse of a bounded text.
 *
 * Order: anywhere; it removes yoga's cache when the plugins are set up, and
 * refuses to start when it cannot find it (a graphql-yoga upgrade that
 * changed it must be looked at, not ignored).
 */
export function parseCachePlugin(options: ParseCacheOptions = {}): GatewayPlugin {
  const { maxBytes = 33_554_432 } = options;
  const documents = new LRUCache<string, DocumentNode>({ maxSize: maxBytes, sizeCalculation: (document, text) => documentBytes(document, text) });
  const validations = new Map<string, WeakMap<GraphQLSchema, WeakMap<DocumentNode, readonly Error[]>>>();
  if (options.registry) {
    for (const name of ['wharf_parse_cache_bytes', 'wharf_parse_cache_documents']) options.registry.removeSingleMetric(name);
    new Gauge({
      name: 'wharf_parse_cache_bytes',
      help: 'Estimated memory of the parsed operations the gateway keeps, in bytes.',
      registers: [options.registry],
      collect() {
        this.set(documents.calculatedSize);
      },
    });
    new Gauge({
      name: 'wharf_parse_cache_documents',
      help: 'Parsed operations the gateway keeps.',
      registers: [options.registry],
      collect() {
        this.set(documents.size);
      },
    });
  }
  return {
    onPluginInit({ plugins }) {
      const index = plugins.findIndex(isYogaParserCache);
      if (index === -1) {
        throw new Error("parseCachePlugin: graphql-yoga's own parser cache was not found to replace; its caches are bounded by count only, so check how this graphql-yoga version caches documents.");
      }
      plugins.splice(index, 1);
    },
    onParse({ params, setParsedDocument }) {
      const text = params.source.toString();
      const cached = documents.get(text);
      if (cached) {
        setParsedDocument(cached);
        return;
      }
      return ({ result }) => {
        if (result && !(result instanceof Error)) documents.set(text, result);
      };
    },
    onValidate({ params: { schema, documentAST, rules }, setResult }) {
      if (!schema) return;
      const rulesKey = (rules as readonly ValidationRule[] | undefined)?.map((rule) => rule.name).join(',') ?? '';
      let bySchema = validations.get(rulesKey);
      if (!bySchema) {
        if (validations.size >= maxRuleSets) validations.clear();
        validations.set(rulesKey, (bySchema = new WeakMap()));
      }
      let byDocument = bySchema.get(schema);
      if (!byDocument) bySchema.set(schema, (byDocument = new WeakMap()));
      const cached = byDocument.get(documentAST);
      if (cached) {
        setResult(cached);
        return;
      }
      return ({ result }) => {
        byDocument.set(documentAST, result);
      };
    },
  };
}
