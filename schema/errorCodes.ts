import { GraphQLError } from 'graphql';

/**
 * Every error code Wharf puts in `extensions.code`, with what it means and
 * the HTTP status it maps to when it fails a whole request. The error table
 * in docs/api.md is this registry; a test keeps them equal.
 */
export const errorCodes = {
  BAD_USER_INPUT: { httpStatus: 400, description: 'An argument or variable has a value Wharf cannot use; the message names it.' },
  LIMIT_EXCEEDED: { httpStatus: 400, description: 'The operation is deeper, longer or costlier than the gateway allows, or the request body or batch is larger (413); the message names the limit and its value.' },
  GRAPHQL_VALIDATION_FAILED: { httpStatus: 400, description: 'The operation does not match the schema.' },
  GRAPHQL_PARSE_FAILED: { httpStatus: 400, description: 'The operation is not valid GraphQL syntax.' },
  NOT_FOUND: { httpStatus: 404, description: 'No endpoint of the gateway serves this path; every path and the credential it needs are listed in SECURITY.md.' },
  PERSISTED_QUERY_NOT_FOUND: { httpStatus: 404, description: 'The gateway does not know this persisted-query hash; send the operation text once with the same hash.' },
  PERSISTED_QUERY_MISMATCH: { httpStatus: 400, description: 'The operation text sent with a persisted-query hash does not hash to it (SHA-256 of the exact text).' },
  UNAUTHENTICATED: { httpStatus: 401, description: 'The bearer token or API key is missing a valid signature, has expired, or is for another issuer or audience; or the admin API was called without the admin token.' },
  RATE_LIMITED: { httpStatus: 429, description: 'The API key or client has made more requests than its limit allows; retry after the Retry-After header.' },
  ORIGIN_NOT_ALLOWED: { httpStatus: 403, description: 'A browser page from an origin other than the gateway\'s own and its `WHARF_CORS_ORIGINS` called `/mcp`; MCP clients outside a browser send no `Origin`.' },
  LINEAGE_NAMESPACE_FORBIDDEN: { httpStatus: 403, description: "An OpenLineage producer posted an event naming, as an output (or as an input where the region declares it), a namespace its entry in the region's lineage producers file does not grant; nothing was stored." },
  FORBIDDEN: { httpStatus: 200, description: 'The consumer may not see this field: the owning region\'s policies deny `read`; `Dataset.access` says what is missing.' },
  REGION_UNAVAILABLE: { httpStatus: 200, description: "A region did not answer in time or could not be reached; its entities are null and the other regions' data is still returned." },
  CATALOGUE_UNAVAILABLE: { httpStatus: 200, description: "The catalogue service (`wharf catalogue`, behind `--catalogue-url`) did not answer in time or could not be reached; the catalogue's fields are null and the rest of the answer is still returned." },
  UNKNOWN_REGION: { httpStatus: 200, description: 'A dataset id names a region the gateway does not route to.' },
  WRONG_REGION: { httpStatus: 200, description: 'A region was asked for a dataset that another region owns.' },
  REGION_ERROR: { httpStatus: 200, description: 'A region answered with an error for the whole fetch; its entities are null.' },
  NOT_PARTITIONABLE: { httpStatus: 200, description: 'An operation other than `_entities` was routed to the partitioned regions subgraph.' },
  CONTRACT_INCOMPATIBLE: { httpStatus: 422, description: 'A region serves another major version of the region contract, or lacks types or fields of it; it is not registered, routed to or harvested, and the message lists what differs.' },
  CONTRACT_UNAVAILABLE: { httpStatus: 422, description: "A region being registered could not be reached or did not answer `GET /contract` with its contract; one message for every cause (the gateway's log has it), and nothing was registered." },
  REGION_NOT_REGISTERED: { httpStatus: 404, description: 'The admin API was asked to remove a region that is not registered.' },
  WEBHOOK_REPLAYED: { httpStatus: 409, description: 'A harvest ping with this timestamp and body was already taken (by any gateway replica, with Redis) within its 5-minute window; sign a new ping with the current time.' },
  INTERNAL_SERVER_ERROR: { httpStatus: 500, description: 'Something unexpected failed; the message is masked and carries a request id to quote.' },
} as const satisfies Record<string, { httpStatus: number; description: string }>;

export type ErrorCode = keyof typeof errorCodes;

/**
 * A GraphQL error that always carries a registered code. Throw this (or let
 * the server mask anything else); never a bare `GraphQLError` without a code.
 */
export class WharfError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = 'WharfError';
  }
}
