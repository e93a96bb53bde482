import { createHash, timingSafeEqual } from 'node:crypto';
import type { ReplicationStatus } from './createReplication.ts';

/** A probe's answer: status and JSON body. */
export interface ProbeAnswer {
  status: number;
  body: Record<string, unknown>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether `authorization` carries `token` (compared in constant time); false when there is no token. */
export function bearerMatches(authorization: string | null | undefined, token: string | undefined): boolean {
  if (!token) return false;
  const given = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

/**
 * `/ready` and `/health` of a durable catalogue replica (the catalogue
 * service's, and a gateway's with the catalogue in its process).
 *
 * - `/ready`: 200 once the replica has applied the whole stored catalogue
 *   (a load balancer sends it traffic from then on, and it stays ready
 *   while the database is away: it serves the index it has); 503 before,
 *   with how much of it is applied.
 * - `/health`: 200 while the process runs (restarting it would not help a
 *   database that is away), with `status: degraded` and why when the
 *   database is unreachable and harvesting paused.
 *
 * Both are public, so they give proportions, never counts: a count of
 * stored changes would include hidden datasets. With the metrics token
 * (`Authorization: Bearer <WHARF_METRICS_TOKEN>`) they add the sequence
 * numbers, as `/metrics` has them.
 */
export function answerReplicationProbe(path: '/ready' | '/health', status: ReplicationStatus, authorization: string | null | undefined, metricsToken: string | undefined): ProbeAnswer {
  const detail = bearerMatches(authorization, metricsToken) ? { applied: status.applied, stored: status.stored, behind: status.behind, lastError: status.lastError } : {};
  const appliedShare = status.stored === 0 ? 1 : Math.min(1, status.applied / status.stored);
  const catalogue = {
    role: status.role,
    caughtUp: status.caughtUp,
    phase: status.phase,
    appliedPercent: Math.floor(appliedShare * 100),
    database: status.databaseReachable ? 'reachable' : 'unreachable',
    harvest: status.harvest,
    ...detail,
  };
  if (path === '/ready') {
    return status.caughtUp
      ? { status: 200, body: { ready: true, catalogue } }
      : {
          status: 503,
          body: {
            ready: false,
            reason:
              status.phase === 'loading snapshot'
                ? `loading the index snapshot; then catching up with the stored catalogue (${catalogue.appliedPercent}% applied so far)`
                : `catching up with the stored catalogue: ${catalogue.appliedPercent}% applied`,
            catalogue,
          },
        };
  }
  return { status: 200, body: { status: status.databaseReachable ? 'ok' : 'degraded', catalogue } };
}
