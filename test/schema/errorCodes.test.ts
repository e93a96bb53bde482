import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes, WharfError } from '../../schema/errorCodes.ts';

describe('error code registry', () => {
  it('is the error table of docs/api.md, row for row', () => {
    const page = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
    const rows = [...page.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm)].map(([, code, status, description]) => [code, Number(status), description]);
    expect(rows).toEqual(Object.entries(errorCodes).map(([code, entry]) => [code, entry.httpStatus, entry.description]));
  });

  it('makes WharfError always carry its code', () => {
    const error = new WharfError('UNKNOWN_REGION', 'No region XX.', { region: 'XX' });
    expect(error.extensions).toEqual({ region: 'XX', code: 'UNKNOWN_REGION' });
  });
});
