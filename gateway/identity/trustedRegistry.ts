import { createHash } from 'node:crypto';
import { z } from 'zod';
import { readYamlFile } from '../../subgraphs/shared/readYamlFile.ts';

const mechanism = z.string().regex(/^[A-Z]{2,5}:[a-z0-9-]+$/, 'must look like "CN:pipl-standard-contract"');

const registrySchema = z
  .object({
    /** Organisations and the transfer mechanisms each holds (contracts filed, assessments passed). */
    orgs: z.record(z.string().min(1), z.object({ mechanisms: z.array(mechanism).default([]) }).strict()).default({}),
    /**
     * Portal API keys: only the SHA-256 of each key is stored. Every key is
     * public (it sits in the pages of the portal that embeds it), so its
     * limit is per client address: no visitor can spend another's share.
     */
    apiKeys: z
      .array(
        z
          .object({
            name: z.string().min(1),
            sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the hex SHA-256 of the key'),
            org: z.string().default(''),
            /** Portal keys act in the public scope. */
            scope: z.literal('public').default('public'),
            /** Requests a minute this key may make from one client address. */
            rateLimitPerMinute: z.number().int().positive().default(600),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type TrustedRegistry = z.infer<typeof registrySchema>;
export type ApiKeyEntry = TrustedRegistry['apiKeys'][number];

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The trusted registry: which transfer mechanisms each organisation holds,
 * and the portal API keys. It is configuration the operator controls — the
 * one source of mechanisms, which a token can never claim.
 */
export async function readTrustedRegistry(path: string): Promise<TrustedRegistry> {
  return readYamlFile(path, registrySchema, 'trusted registry', {});
}
