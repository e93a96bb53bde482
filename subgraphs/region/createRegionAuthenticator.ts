import { createHash, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { anonymousConsumer, type Consumer } from '../../schema/consumer.ts';
import { createReplayGuard, signedBy, signedRequestHeader, SignedRequestError, verifyRegionRequest, type ReplayGuard } from '../../schema/signedRequest.ts';

export interface RegionAuthenticatorOptions {
  region: string;
  /** The gateway's Ed25519 public key; without it only the operator token opens `gateway` endpoints. */
  gatewayPublicKey?: KeyObject;
  /** The region operator's bearer token; without it only the gateway's signature does. */
  operatorToken?: string;
  /**
   * A catalogue service's own Ed25519 public key: requests it signs open the
   * `harvester` endpoints (`/changes`, `/policies`) and nothing else, and
   * only when they carry no consumer.
   */
  harvesterPublicKey?: KeyObject;
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
   * A request to a `harvester` endpoint: what `gateway` accepts, or one the
   * catalogue's harvest key signed for no consumer. Throws `RegionAuthError`
   * for anything else.
   */
  harvester(request: ReceivedRequest): void;
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
  const { region, gatewayPublicKey, harvesterPublicKey, now = Date.now } = options;
  const replay = options.replay ?? createReplayGuard();
  const operatorHash = options.operatorToken ? sha256(options.operatorToken) : undefined;

  function verifySigned(header: string | string[], request: ReceivedRequest, alsoHarvester = false): Consumer {
    if (typeof header !== 'string') throw new RegionAuthError(`Send one ${signedRequestHeader} header.`);
    if (!gatewayPublicKey && !(alsoHarvester && harvesterPublicKey)) throw new RegionAuthError(`Region ${region} has no gateway key configured, so it accepts no signed requests.`);
    const received = { region, method: request.method, target: request.target, ...(request.body !== undefined ? { body: request.body } : {}) };
    try {
      // The signature is checked before the nonce is claimed, so trying the gateway's key first spends nothing.
      if (gatewayPublicKey && (!alsoHarvester || !harvesterPublicKey || signedBy(header, gatewayPublicKey))) {
        return verifyRegionRequest(header, gatewayPublicKey, received, replay, now()).consumer ?? anonymousConsumer;
      }
      const { consumer } = verifyRegionRequest(header, harvesterPublicKey!, received, replay, now());
      // The harvest key reads feeds; it never speaks for a consumer.
      if (consumer !== undefined) throw new SignedRequestError('A harvester signature may not carry a consumer.');
      return anonymousConsumer;
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
    harvester(request) {
      const header = request.headers[signedRequestHeader];
      if (header !== undefined) {
        verifySigned(header, request, true);
        return;
      }
      if (isOperator(request.headers)) return;
      if (request.headers.authorization !== undefined) throw new RegionAuthError(`Region ${region} does not accept that bearer token.`);
      throw new RegionAuthError(
        `Region ${region} serves ${request.target.split('?')[0]} only to its gateway or its catalogue's harvester: send a request signed with the gateway's or the harvester's key (${signedRequestHeader}) or the region operator's bearer token.`,
      );
    },
    optional(request) {
      const header = request.headers[signedRequestHeader];
      return header === undefined ? anonymousConsumer : verifySigned(header, request);
    },
  };
}
