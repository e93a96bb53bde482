import { createHash, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { anonymousConsumer, type Consumer } from '../../schema/consumer.ts';
import { createReplayGuard, signedRequestHeader, SignedRequestError, verifyRegionRequest, type ReplayGuard } from '../../schema/signedRequest.ts';

export interface RegionAuthenticatorOptions {
  region: string;
  /** The gateway's Ed25519 public key; without it only the operator token opens `gateway` endpoints. */
  gatewayPublicKey?: KeyObject;
  /** The region operator's bearer token; without it only the gateway's signature does. */
  operatorToken?: string;
  /** @default a guard of its own */
  replay?: ReplayGuard;
  /** @default Date.now */
  now?: () => number;
}

/** A request as a region received it: what a signature must match. */
export interface ReceivedRequest {
  method: string;
  /** Path and query as received (`request.url`). */
  target: string;
  headers: IncomingHttpHeaders;
  body?: string;
}

/** Why a region refused a request: always HTTP 401, with a message that says what to send. */
export class RegionAuthError extends Error {
  readonly status = 401;
  constructor(message: string) {
    super(message);
    this.name = 'RegionAuthError';
  }
}

export interface RegionAuthenticator {
  /**
   * The consumer of a request to a `gateway` endpoint: the one the gateway
   * signed for (anonymous for its own requests and for the operator's
   * token). Throws `RegionAuthError` for anything else.
   */
  gateway(request: ReceivedRequest): Consumer;
  /**
   * The consumer of a request to a `public` endpoint that applies policies:
   * anonymous without a signature, the signed consumer with a valid one; a
   * signature that does not verify is refused rather than ignored.
   */
  optional(request: ReceivedRequest): Consumer;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** Checks the credentials of region endpoints (see `regionEndpoints.ts`). */
export function createRegionAuthenticator(options: RegionAuthenticatorOptions): RegionAuthenticator {
  const { region, gatewayPublicKey, now = Date.now } = options;
  const replay = options.replay ?? createReplayGuard();
  const operatorHash = options.operatorToken ? sha256(options.operatorToken) : undefined;

  function verifySigned(header: string | string[], request: ReceivedRequest): Consumer {
    if (typeof header !== 'string') throw new RegionAuthError(`Send one ${signedRequestHeader} header.`);
    if (!gatewayPublicKey) throw new RegionAuthError(`Region ${region} has no gateway key configured, so it accepts no signed requests.`);
    try {
      const { consumer } = verifyRegionRequest(header, gatewayPublicKey, { region, method: request.method, target: request.target, ...(request.body !== undefined ? { body: request.body } : {}) }, replay, now());
      return consumer ?? anonymousConsumer;
    } catch (error) {
      if (error instanceof SignedRequestError) throw new RegionAuthError(`Region ${region} refused the request signature: ${error.message}`);
      throw error;
    }
  }

  function isOperator(headers: IncomingHttpHeaders): boolean {
    const authorization = headers.authorization;
    if (!operatorHash || typeof authorization !== 'string' || !authorization.startsWith('Bearer ')) return false;
    // Hashing first gives equal lengths, so the comparison takes the same time for every token.
    return timingSafeEqual(sha256(authorization.slice('Bearer '.length)), operatorHash);
  }

  return {
    gateway(request) {
      const header = request.headers[signedRequestHeader];
      if (header !== undefined) return verifySigned(header, request);
      if (isOperator(request.headers)) return anonymousConsumer;
      if (request.headers.authorization !== undefined) throw new RegionAuthError(`Region ${region} does not accept that bearer token.`);
      throw new RegionAuthError(
        `Region ${region} serves ${request.target.split('?')[0]} only to its gateway: send a request signed with the gateway's key (${signedRequestHeader}) or the region operator's bearer token.`,
      );
    },
    optional(request) {
      const header = request.headers[signedRequestHeader];
      return header === undefined ? anonymousConsumer : verifySigned(header, request);
    },
  };
}
