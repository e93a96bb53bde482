import type { IncomingMessage } from 'node:http';

/** Largest request body a Wharf server reads, in bytes. */
export const defaultMaxBodyBytes = 1_048_576;

export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The request body is larger than ${maxBytes} bytes.`);
  }
}

/** Reads a request body as UTF-8 text, refusing bodies over `maxBytes`. */
export async function readBody(request: IncomingMessage, maxBytes = defaultMaxBodyBytes): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
