import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config, { operationSourceFiles, operationTypesFile } from '../../schema/operationTypesConfig.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('generated operation types', () => {
  it(`${operationTypesFile} is what \`npm run codegen\` writes from the schema and the operations today`, async () => {
    // Generated in memory: nothing is written, and a stale or hand-edited file fails here.
    const [output] = (await generate({ ...config, cwd: root }, false)) as { filename: string; content: string }[];
    expect(output?.filename).toBe(operationTypesFile);
    const committed = readFileSync(join(root, operationTypesFile), 'utf8');
    expect(committed, 'run `npm run codegen` and commit gateway/generated/operations.ts').toBe(output!.content);
  });

  it('are read from static documents only: no ${…} in a /* GraphQL */ text, which the generator would not see as sent', () => {
    const interpolated = operationSourceFiles.filter((file) => /\/\* GraphQL \*\/\s*`[^`]*\$\{/.test(readFileSync(join(root, file), 'utf8')));
    expect(interpolated).toEqual([]);
  });
});
