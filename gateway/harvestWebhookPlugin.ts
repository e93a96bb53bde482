import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { ErrorCode } from '../schema/errorCodes.ts';
import { verifyWebhook, webhookPath, webhookReplayKey, type WebhookVerifier } from '../schema/harvestWebhook.ts';
import type { Harvester } from '../subgraphs/catalogue/createHarvester.ts';
import type { RedisClient } from '../subgraphs/shared/cache/createRedisClient.ts';
import { createWebhookReplayGuard, type WebhookReplayGuard } from './webhookReplayGuard.ts';

export interface HarvestWebhookOptions {
  harvester: Pick<Harvester, 'harvest'>;
  /** How a region's pings are verified (its shared secret or public key), or undefined when it may not ping. */
  verifierOf(region: string): WebhookVerifier | undefined;
  /** Largest ping body read, in bytes. @default 4096 */
  maxBodyBytes?: number;
  /** Redis shared by the gateway replicas: pings seen are remembered there, so a ping one replica took is a replay at every other. @default none (this process only) */
  redis?: RedisClient;
  /** Pings remembered in this process, at most. @default 10000 */
  maxRememberedPings?: number;
  /**
   * Shortest pause between two harvests of one region that pings start, in
   * milliseconds. A ping within it is answered 202 and folded into one
   * harvest at the pause's end. @default 10000
   */
  minHarvestIntervalMs?: number;
  /** The clock, in epoch milliseconds (tests pass their own). @default Date.now */
  now?: () => number;
  /** Called when Redis could not check a ping and this process decided alone. */
  onRedisError?: () => void;
}

/** What the hook does for one region's pings: when its last ping harvest started, and the one waiting, if any. */
interface RegionPings {
  lastStartMs: number;
  pending?: ReturnType<typeof setTimeout>;
}

/**
 * Serves `POST /hooks/harvest` on the gateway's own server: a region's signed
 * ping (see `schema/harvestWebhook.ts`) makes the catalogue harvest it,
 * answered 202 without waiting for the harvest.
 *
 * A ping is taken once: the same signed ping again within its 5-minute
 * window (a capture replayed by anyone who saw it) is refused 409
 * `WEBHOOK_REPLAYED`, on every replica when the gateway has Redis. And pings
 * cannot drive harvests faster than one per region every
 * `minHarvestIntervalMs`: a ping sooner than that is folded into one
 * harvest when the interval ends.
 */
export function harvestWebhookPlugin(options: HarvestWebhookOptions): GatewayPlugin {
  const { harvester, verifierOf, maxBodyBytes = 4096, minHarvestIntervalMs = 10_000, now = Date.now } = options;
  const replays: WebhookReplayGuard = createWebhookReplayGuard({
    ...(options.redis ? { redis: options.redis } : {}),
    ...(options.maxRememberedPings !== undefined ? { maxEntries: options.maxRememberedPings } : {}),
    ...(options.onRedisError ? { onRedisError: options.onRedisError } : {}),
  });
  // One entry per region that has sent a valid ping: bounded by the registered regions.
  const pings = new Map<string, RegionPings>();

  function harvestSoon(region: string): { harvest: 'started' } | { harvest: 'scheduled'; inMs: number } {
    const at = now();
    let state = pings.get(region);
    if (!state) pings.set(region, (state = { lastStartMs: Number.NEGATIVE_INFINITY }));
    const dueMs = state.lastStartMs + minHarvestIntervalMs;
    if (state.pending) return { harvest: 'scheduled', inMs: Math.max(0, dueMs - at) };
    if (at >= dueMs) {
      state.lastStartMs = at;
      void harvester.harvest(region).catch(() => undefined);
      return { harvest: 'started' };
    }
    const waiting = state;
    waiting.pending = setTimeout(() => {
      waiting.pending = undefined;
      waiting.lastStartMs = now();
      void harvester.harvest(region).catch(() => undefined);
    }, dueMs - at);
    waiting.pending.unref();
    return { harvest: 'scheduled', inMs: dueMs - at };
  }

  async function handle(request: Request, ResponseClass: typeof Response): Promise<Response> {
    const json = (status: number, value: unknown) =>
      new ResponseClass(JSON.stringify(value), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
    const refuse = (status: number, code: ErrorCode, error: string, extra: Record<string, unknown> = {}) => json(status, { code, error, ...extra });
    if (request.method !== 'POST') return refuse(405, 'BAD_USER_INPUT', `Use POST ${webhookPath}.`);
    const body = await request.text();
    if (Buffer.byteLength(body) > maxBodyBytes) {
      return refuse(413, 'LIMIT_EXCEEDED', `The ping body is larger than the hook's maxBodyBytes of ${maxBodyBytes} bytes.`, { limit: 'maxBodyBytes', max: maxBodyBytes });
    }
    let region: unknown;
    try {
      region = (JSON.parse(body) as { region?: unknown } | null)?.region;
    } catch {
      return refuse(400, 'BAD_USER_INPUT', 'The body must be JSON: {"region":"<code>"}.');
    }
    if (typeof region !== 'string') return refuse(400, 'BAD_USER_INPUT', 'The body must name the region: {"region":"<code>"}.');
    const verifier = verifierOf(region);
    const timestamp = request.headers.get('x-wharf-timestamp');
    const nowMs = now();
    const signed = verifier !== undefined && verifyWebhook(verifier, body, timestamp, request.headers.get('x-wharf-signature'), nowMs);
    // One answer for an unknown region and a bad signature: the hook does not reveal which regions exist.
    if (!signed) return refuse(401, 'UNAUTHENTICATED', "The ping is not signed with the region's secret, or its timestamp is not within 5 minutes.");
    // Only a ping that verified is remembered, so nobody without a region's secret can fill the memory.
    const { key, expiresAtMs } = webhookReplayKey(body, timestamp!);
    if (!(await replays.claim(key, expiresAtMs, nowMs))) {
      return refuse(409, 'WEBHOOK_REPLAYED', `This ping (timestamp ${timestamp}) was already received; a region signs every ping anew, with the current time.`);
    }
    return json(202, { region, ...harvestSoon(region) });
  }

  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== webhookPath) return;
      return handle(request, fetchAPI.Response).then(endResponse);
    },
    onDispose() {
      for (const state of pings.values()) clearTimeout(state.pending);
      pings.clear();
    },
  };
}
