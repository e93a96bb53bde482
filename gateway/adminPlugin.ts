import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { regionCodePattern } from '../schema/datasetId.ts';
import type { ErrorCode } from '../schema/errorCodes.ts';
import { ContractRefusedError, RegionHostNotAllowedError, type RegionRegistry } from './createRegionRegistry.ts';
import { regionFileEntrySchema } from './readRegionEntries.ts';

export interface AdminOptions {
  registry: RegionRegistry;
  /** The admin credential (`WHARF_ADMIN_TOKEN`); undefined turns the admin API off. */
  token: string | undefined;
  /** Largest admin request body read, in bytes. @default 65536 */
  maxBodyBytes?: number;
  /** A region's harvest status in detail (why its last harvest failed, what it skipped), listed with it. */
  harvestStatus?: (code: string) => unknown | Promise<unknown>;
}

export const adminRegionsPath = '/admin/regions';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The operator's API, behind `Authorization: Bearer <WHARF_ADMIN_TOKEN>`:
 *
 * - `GET /admin/regions` lists the registered regions, each with its harvest
 *   status in detail (`harvest`: why the last harvest failed, what it skipped);
 * - `POST /admin/regions` with `{ code, name, url, webhookSecretEnv?, webhookPublicKey? }`
 *   registers a region (or replaces its entry) once its `/contract` passes:
 *   an http(s) URL without credentials, on a host `WHARF_REGION_HOSTS`
 *   allows when it is set, and a secret variable named
 *   `WHARF_REGION_SECRET_…`. A region that cannot be reached or read
 *   answers one `CONTRACT_UNAVAILABLE` message, whatever the cause;
 * - `DELETE /admin/regions/<code>` removes one.
 *
 * Every refusal is JSON `{ code, error }` with a code from the registry, and
 * changes nothing.
 */
export function adminPlugin(options: AdminOptions): GatewayPlugin {
  const { registry, maxBodyBytes = 65_536 } = options;
  // Compared as digests: equal length whatever was sent, so timingSafeEqual never throws and the time says nothing.
  const expected = options.token === undefined ? undefined : digest(options.token);

  async function handle(request: Request, url: URL, ResponseClass: typeof Response): Promise<Response> {
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
      new ResponseClass(JSON.stringify(value), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
    const refuse = (status: number, code: ErrorCode, error: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
      json(status, { code, error, ...extra }, headers);

    if (!expected) return refuse(401, 'UNAUTHENTICATED', 'The admin API is off: start the gateway with WHARF_ADMIN_TOKEN or WHARF_ADMIN_TOKEN_FILE.');
    const given = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      return refuse(401, 'UNAUTHENTICATED', 'The admin API needs "Authorization: Bearer <admin token>" with the gateway\'s admin token.', {}, { 'www-authenticate': 'Bearer' });
    }

    const rest = url.pathname.slice(adminRegionsPath.length);
    if (rest === '' || rest === '/') {
      if (request.method === 'GET') {
        const regions = await Promise.all(
          registry.fileEntries().map(async (entry) => ({ ...entry, contractVerified: registry.isVerified(entry.code), harvest: (await options.harvestStatus?.(entry.code)) ?? null })),
        );
        return json(200, { regions });
      }
      if (request.method !== 'POST') return refuse(405, 'BAD_USER_INPUT', `Use GET or POST ${adminRegionsPath}, or DELETE ${adminRegionsPath}/<code>.`);
      if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? '')) {
        return refuse(415, 'BAD_USER_INPUT', 'Send the region as JSON with "content-type: application/json".');
      }
      const text = await request.text();
      if (Buffer.byteLength(text) > maxBodyBytes) {
        return refuse(413, 'LIMIT_EXCEEDED', `The body is larger than the admin API's ${maxBodyBytes} bytes.`, { limit: 'maxBodyBytes', max: maxBodyBytes });
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return refuse(400, 'BAD_USER_INPUT', 'The body is not valid JSON; send {"code":"MO","name":"Macao","url":"http://…/graphql"}.');
      }
      const parsed = regionFileEntrySchema.safeParse(body);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
        return refuse(400, 'BAD_USER_INPUT', `The region is not valid: ${problems.join('; ')}.`, { problems });
      }
      try {
        const { region, contractVersion, replaced } = await registry.register(parsed.data);
        return json(replaced ? 200 : 201, { region: { code: region.code, name: region.name, url: region.url }, contractVersion, replaced });
      } catch (error) {
        if (error instanceof ContractRefusedError) return refuse(422, error.code, error.message, error.problems.length > 0 ? { problems: error.problems } : {});
        if (error instanceof RegionHostNotAllowedError) return refuse(400, error.code, `The region is not valid: ${error.message}`, { problems: [error.message] });
        throw error;
      }
    }
    const code = decodeURIComponentSafe(rest.slice(1));
    if (code === undefined || !regionCodePattern.test(code)) return refuse(404, 'BAD_USER_INPUT', `No admin route ${url.pathname.slice(0, 200)}; use ${adminRegionsPath} or ${adminRegionsPath}/<code>.`);
    if (request.method !== 'DELETE') return refuse(405, 'BAD_USER_INPUT', `Use DELETE ${adminRegionsPath}/${code}.`);
    if (!(await registry.remove(code))) return refuse(404, 'REGION_NOT_REGISTERED', `No region ${code} is registered.`);
    return json(200, { removed: code });
  }

  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== adminRegionsPath && !url.pathname.startsWith(`${adminRegionsPath}/`)) return;
      return handle(request, url, fetchAPI.Response).then(endResponse, (error: unknown) => {
        const requestId = randomUUID();
        console.error(JSON.stringify({ level: 'error', msg: 'admin request failed', requestId, error: error instanceof Error ? error.message : String(error) }));
        endResponse(
          new fetchAPI.Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', error: `The admin request failed; quote request id ${requestId} when reporting it.`, requestId }), {
            status: 500,
            headers: { 'content-type': 'application/json; charset=utf-8' },
          }),
        );
      });
    },
  };
}

function decodeURIComponentSafe(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
