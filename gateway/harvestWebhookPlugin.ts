import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { verifyWebhook, webhookPath, type WebhookVerifier } from '../schema/harvestWebhook.ts';
import type { Harvester } from '../subgraphs/catalogue/createHarvester.ts';

export interface HarvestWebhookOptions {
  harvester: Harvester;
  /** How a region's pings are verified (its shared secret or public key), or undefined when it may not ping. */
  verifierOf(region: string): WebhookVerifier | undefined;
  /** Largest ping body read, in bytes. @default 4096 */
  maxBodyBytes?: number;
}


/**
 * Serves `POST /hooks/harvest` on the gateway's own server: a region's signed
 * ping (see `schema/harvestWebhook.ts`) starts a harvest of that region at
 * once, answered 202 without waiting for it.
 */
export function harvestWebhookPlugin(options: HarvestWebhookOptions): GatewayPlugin {
  const { harvester, verifierOf, maxBodyBytes = 4096 } = options;
  async function handle(request: Request, ResponseClass: typeof Response): Promise<Response> {
    const json = (status: number, value: unknown) =>
      new ResponseClass(JSON.stringify(value), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
    if (request.method !== 'POST') return json(405, { error: `Use POST ${webhookPath}.` });
    const body = await request.text();
    if (body.length > maxBodyBytes) return json(413, { error: `The body is larger than ${maxBodyBytes} bytes.` });
    let region: unknown;
    try {
      region = (JSON.parse(body) as { region?: unknown }).region;
    } catch {
      return json(400, { error: 'The body must be JSON: {"region":"<code>"}.' });
    }
    if (typeof region !== 'string') return json(400, { error: 'The body must name the region: {"region":"<code>"}.' });
    const verifier = verifierOf(region);
    const signed = verifier !== undefined && verifyWebhook(verifier, body, request.headers.get('x-wharf-timestamp'), request.headers.get('x-wharf-signature'));
    // One answer for an unknown region and a bad signature: the hook does not reveal which regions exist.
    if (!signed) return json(401, { error: 'The ping is not signed with the region\'s secret, or its timestamp is not within 5 minutes.' });
    void harvester.harvest(region).catch(() => undefined);
    return json(202, { region, harvest: 'started' });
  }
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== webhookPath) return;
      return handle(request, fetchAPI.Response).then(endResponse);
    },
  };
}
