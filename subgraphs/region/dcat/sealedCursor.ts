import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Longest sealed cursor accepted, in characters; a feed cursor is a few dozen. */
export const maxSealedCursorLength = 512;

export interface CursorSeal {
  /** `cursor`, encrypted and authenticated: opaque to whoever holds the link. */
  seal(cursor: string): string;
  /** The cursor `token` seals, or undefined when this seal did not make it (forged, altered, or from before a restart). */
  open(token: string): string | undefined;
}

/**
 * Seals change-feed cursors with AES-256-GCM under a key made at start.
 * A paging link must not show its feed position: positions count every
 * change of the region, hidden datasets' too, so two of them would tell a
 * consumer how many datasets it may not see lie between its pages.
 */
export function createCursorSeal(key: Buffer = randomBytes(32)): CursorSeal {
  return {
    seal(cursor) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(cursor, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    open(token) {
      if (token.length > maxSealedCursorLength || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
      const bytes = Buffer.from(token, 'base64url');
      if (bytes.length < 12 + 16 + 1) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
        decipher.setAuthTag(bytes.subarray(bytes.length - 16));
        return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}
