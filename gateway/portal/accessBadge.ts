/**
 * What an access decision means to a reader, in one badge: the decision
 * codes (`ALLOW`, `CONDITIONAL`, `DENY`) say how the policy engine decided,
 * not what the reader may do. Shared by the search component and the pages.
 */
import type { Messages } from './messages.ts';

export type AccessOutcome = 'ALLOW' | 'CONDITIONAL' | 'DENY';

/** The parts of `Dataset.access` a badge is made from (the search asks for exactly these). */
export interface AccessForBadge {
  decision: AccessOutcome;
  obligations?: readonly string[] | null;
  missing?: readonly { kind: string }[] | null;
}

/** A badge: its kind (a CSS class and `::part` name) and the `Messages` key of its words. */
export interface AccessBadge {
  kind: 'open' | 'attribution' | 'conditional' | 'mechanism' | 'restricted';
  text: keyof Messages;
}

/**
 * - ALLOW: open;
 * - CONDITIONAL with attribution its only condition: open with attribution
 *   (the usual open-data licence, not a restriction);
 * - CONDITIONAL otherwise: open on conditions;
 * - DENY for want of a transfer mechanism: says so (an organisation can get one);
 * - DENY otherwise: restricted.
 */
export function accessBadge(access: AccessForBadge): AccessBadge {
  switch (access.decision) {
    case 'ALLOW':
      return { kind: 'open', text: 'open' };
    case 'CONDITIONAL': {
      const obligations = access.obligations ?? [];
      return obligations.length > 0 && obligations.every((item) => item === 'attribution') ? { kind: 'attribution', text: 'openAttribution' } : { kind: 'conditional', text: 'openConditions' };
    }
    default:
      return (access.missing ?? []).some((item) => item.kind === 'MECHANISM') ? { kind: 'mechanism', text: 'needsMechanism' } : { kind: 'restricted', text: 'restricted' };
  }
}
