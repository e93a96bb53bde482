import { WharfError } from '../../schema/errorCodes.ts';

/**
 * Search cursors are opaque to clients: base64url of the offset of the edge.
 * Decoding rejects anything Wharf did not issue with a clear error.
 */
export function encodeSearchCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

export function decodeSearchCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^o:(\d{1,9})$/.exec(text);
  if (!match) {
    throw new WharfError('BAD_USER_INPUT', `"after" must be a cursor from a previous page's edges; got "${cursor}".`, {
      argumentName: 'after',
    });
  }
  return Number(match[1]) + 1;
}
