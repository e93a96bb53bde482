/** A response body was longer than the reader was allowed to take. */
export class ResponseTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The response body is larger than ${maxBytes} bytes.`);
    this.name = 'ResponseTooLargeError';
  }
}

/**
 * Reads a `fetch` response's body as UTF-8 text, chunk by chunk, and stops
 * (cancelling the rest of the body) as soon as it passes `maxBytes`: a peer
 * that sends a body of any size costs at most `maxBytes` of memory and no
 * parsing. A `Content-Length` above the cap is refused before reading. The
 * request's abort signal still applies to the body.
 */
export async function readCappedText(response: Response, maxBytes: number): Promise<{ text: string; bytes: number }> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new ResponseTooLargeError(maxBytes);
  }
  if (!response.body) return { text: '', bytes: 0 };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), bytes };
}
