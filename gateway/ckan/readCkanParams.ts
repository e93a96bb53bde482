import { CkanBadRequest } from './ckanErrors.ts';

/** A CKAN action's parameters: a string, or a list of strings when a GET repeats one; any JSON from a POST body. */
export type CkanParams = Record<string, unknown>;

/** A query string as CKAN reads it (`mixed`): one value as a string, a repeated key as a list. */
function mixed(entries: Iterable<[string, string]>): CkanParams {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of entries) {
    const held = params[key];
    params[key] = held === undefined ? value : Array.isArray(held) ? [...held, value] : [held, value];
  }
  return params;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJsonObject(text: string): CkanParams {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new CkanBadRequest(`JSON Error: Error decoding JSON data. Error: ${(error as Error).message.slice(0, 200)}`);
  }
  if (!isObject(body)) throw new CkanBadRequest(`JSON Error: Request data JSON decoded to ${Array.isArray(body) ? 'a list' : JSON.stringify(body)?.slice(0, 40)} but it needs to be a dictionary.`);
  return body;
}

/**
 * The parameters of a CKAN Action API call (every action here reads
 * only), in the order CKAN's `_get_request_data` looks for them: a POST's
 * form fields (a single field whose value is empty or `1` is the JSON
 * document itself, as CKAN's old clients post it); else the query string;
 * else a POST's body as a JSON object. The body was bounded in size and
 * depth by the gateway's request limits before this reads it.
 */
export async function readCkanParams(request: Request, url: URL): Promise<CkanParams> {
  if (request.method !== 'POST') return mixed(url.searchParams);
  const text = await request.text();
  const mediaType = request.headers.get('content-type')?.split(';', 1)[0]!.trim().toLowerCase() ?? '';
  if (mediaType === 'application/x-www-form-urlencoded' && text.trim() !== '') {
    const form = new URLSearchParams(text);
    const keys = [...form.keys()];
    if (keys.length === 1 && ['', '1'].includes(form.get(keys[0]!)!)) return parseJsonObject(keys[0]!);
    return mixed(form);
  }
  if (url.search !== '') return mixed(url.searchParams);
  if (text.trim() === '') return {};
  if (mediaType === 'multipart/form-data') throw new CkanBadRequest('JSON Error: multipart/form-data is not read here; send the parameters as a JSON object, a form or a query string.');
  return parseJsonObject(text);
}
