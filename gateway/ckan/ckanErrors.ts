/**
 * CKAN's errors, as its Action API answers them (`ckan/views/api.py`,
 * CKAN 2.10/2.11): `{ help, success: false, error: { __type, … } }` with
 * the status CKAN gives each kind. A Validation Error names the bad
 * parameters as keys, each with its messages; the others carry `message`.
 */
export type CkanErrorType =
  | 'Not Found Error'
  | 'Validation Error'
  | 'Authorization Error'
  | 'Search Query Error'
  | 'Search Error'
  | 'Rate Limit Error'
  | 'Service Unavailable Error'
  | 'Internal Server Error';

export class CkanError extends Error {
  constructor(
    readonly status: number,
    readonly error: { __type: CkanErrorType } & Record<string, unknown>,
    /** Extra response headers (`Retry-After`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof error.message === 'string' ? error.message : error.__type);
    this.name = 'CkanError';
  }
}

/**
 * A request CKAN refuses before any action runs (an unknown action, a body
 * that is not a JSON object): a 400 whose body is a JSON string,
 * `"Bad request - <detail>"`, exactly as CKAN answers it.
 */
export class CkanBadRequest extends Error {
  constructor(readonly detail: string) {
    super(`Bad request - ${detail}`);
    this.name = 'CkanBadRequest';
  }
}

/** Characters of a client's value quoted back in a message. */
const quotedChars = 100;

/** `value` as a message quotes it: JSON-escaped, cut at 100 characters. */
export const quote = (value: string) => JSON.stringify(value.length > quotedChars ? `${value.slice(0, quotedChars)}…` : value);

/** 404 `Not Found Error`: `Not found: <what>`. */
export const notFound = (what: string) => new CkanError(404, { __type: 'Not Found Error', message: `Not found: ${what}` });

/** 409 `Validation Error` naming each bad parameter with its messages. */
export const validationError = (fields: Record<string, string[]>) => new CkanError(409, { __type: 'Validation Error', ...fields });

/** 400 `Search Query Error`: `Search Query is invalid: <detail>`. */
export const searchQueryError = (detail: string) => new CkanError(400, { __type: 'Search Query Error', message: `Search Query is invalid: ${detail}` });
