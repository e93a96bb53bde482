import type { KeyObject } from 'node:crypto';
import type { Consumer } from '../../schema/consumer.ts';
import { signedRequestHeader, signRegionRequest } from '../../schema/signedRequest.ts';
import { fixtureGatewayKeys } from './fixtureRegions.ts';

export interface SignedRegionFetchOptions {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Whom the gateway signs for; none for its own requests (harvest). */
  consumer?: Consumer;
  /** @default the fixture gateway's private key */
  key?: KeyObject;
}

/**
 * A request to a region as its gateway makes it: signed for that region,
 * method, path and body (`x-wharf-request`).
 */
export function signedRegionFetch(region: { region: string; origin: string }, target: string, options: SignedRegionFetchOptions = {}): Promise<Response> {
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  const signature = signRegionRequest(options.key ?? fixtureGatewayKeys.privateKey, {
    region: region.region,
    method,
    target,
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.consumer ? { consumer: options.consumer } : {}),
  });
  return fetch(`${region.origin}${target}`, {
    method,
    headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers, [signedRequestHeader]: signature },
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
}
