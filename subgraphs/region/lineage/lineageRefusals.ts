import type { ErrorCode } from '../../../schema/errorCodes.ts';
import type { LineageLimits } from './lineageLimits.ts';

/**
 * Why a lineage request was refused; nothing of it was stored. Each carries
 * its HTTP status and registered error code, and the JSON body to answer
 * with (always `code` and `error`).
 */
export abstract class LineageRefusal extends Error {
  abstract readonly status: number;
  abstract readonly code: ErrorCode;
  body(): Record<string, unknown> {
    return { code: this.code, error: this.message };
  }
}

/** A request over one of the `LineageLimits`. */
export class LineageLimitError extends LineageRefusal {
  readonly code = 'LIMIT_EXCEEDED' as const;
  constructor(
    readonly limit: keyof LineageLimits,
    readonly max: number,
    message: string,
    /** 413 for the size of the request itself, 400 for what it asks. */
    readonly status: 400 | 413 = 400,
    /** Which event (index in the request) or dataset went over, when it is one. */
    readonly where: { event?: number; dataset?: string } = {},
  ) {
    super(message);
    this.name = 'LineageLimitError';
  }
  override body() {
    return { ...super.body(), limit: this.limit, max: this.max, ...this.where };
  }
}

/** Events that are not valid OpenLineage RunEvents, or that give names Wharf does not take. */
export class InvalidLineageEventsError extends LineageRefusal {
  readonly status = 400;
  readonly code = 'BAD_USER_INPUT' as const;
  constructor(readonly problems: { index: number; errors: string[] }[]) {
    super(`${problems.length} event(s) are not valid OpenLineage RunEvents; nothing was stored.`);
    this.name = 'InvalidLineageEventsError';
  }
  override body() {
    return { ...super.body(), events: this.problems };
  }
}

/** A producer wrote, or read from one of the region's own namespaces, a namespace its entry does not grant. */
export class NamespaceNotGrantedError extends LineageRefusal {
  readonly status = 403;
  readonly code = 'LINEAGE_NAMESPACE_FORBIDDEN' as const;
  constructor(
    readonly producer: string,
    readonly namespace: string,
    readonly event: number,
    role: 'output' | 'input',
  ) {
    super(
      `Producer "${producer}" may not name ${JSON.stringify(namespace)} as an ${role} (event ${event}); ` +
        `add the namespace to its "namespaces" in the region's lineage producers file. Nothing was stored.`,
    );
    this.name = 'NamespaceNotGrantedError';
  }
  override body() {
    return { ...super.body(), producer: this.producer, namespace: this.namespace, event: this.event };
  }
}
