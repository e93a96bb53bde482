import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { BodyTooLargeError, readBody } from './readJsonBody.ts';
import { JsonTooDeepError, parseBoundedJson } from './parseBoundedJson.ts';

/**
 * Hands one node:http request to Apollo Server's integration API
 * (`executeHTTPGraphQLRequest`) and writes its response. Apollo Server does
 * the GraphQL-over-HTTP rules (methods, CSRF prevention, status codes).
 * `bodyText` is the body when the caller has already read it (to check a
 * signature over it); otherwise a POST body is read here.
 */
export async function serveApollo<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  request: IncomingMessage,
  response: ServerResponse,
  context: () => Promise<TContext>,
  bodyText?: string,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  let body: unknown;
  if (request.method === 'POST') {
    let text: string;
    try {
      text = bodyText ?? (await readBody(request));
    } catch (error) {
      if (error instanceof BodyTooLargeError) return writeJson(response, 413, { errors: [{ message: error.message, extensions: { code: 'BAD_REQUEST' } }] });
      throw error;
    }
    try {
      body = text.length > 0 ? parseBoundedJson(text) : undefined;
    } catch (error) {
      const message = error instanceof JsonTooDeepError ? error.message : 'The request body is not valid JSON.';
      return writeJson(response, 400, { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
    }
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  const result = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
    context,
  });
  response.statusCode = result.status ?? 200;
  for (const [name, value] of result.headers) response.setHeader(name, value);
  if (result.body.kind === 'complete') {
    response.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}

export function writeJson(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
