import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ReplicationStatus } from './createReplication.ts';

export interface ReplicationMetrics {
  /** Observes one change's lag from the leader's write to this replica's index, in milliseconds. */
  applied(lagMs: number): void;
  /** Counts a change of this replica's role. */
  roleChanged(role: 'leader' | 'follower'): void;
}

/**
 * The durable catalogue's metrics, registered on `registry` (the one
 * `/metrics` serves), every label from a fixed set:
 *
 * - `wharf_catalogue_sequence_applied` / `_stored`: the last change applied
 *   here, and the last one known written;
 * - `wharf_catalogue_changes_behind`: the difference;
 * - `wharf_catalogue_caught_up`, `wharf_catalogue_database_up`,
 *   `wharf_catalogue_leader`: 0 or 1;
 * - `wharf_catalogue_replica_lag_seconds`: from the leader's write of a
 *   change to this replica's index (after the first catch-up);
 * - `wharf_catalogue_role_changes_total{role}`: times this replica became
 *   leader or follower.
 */
export function createReplicationMetrics(registry: Registry, status: () => ReplicationStatus | undefined): ReplicationMetrics {
  const gauge = (name: string, help: string, read: (state: ReplicationStatus) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const state = status();
        if (state) this.set(read(state));
      },
    });
  gauge('wharf_catalogue_sequence_applied', 'The last stored change this replica has applied to its index', (state) => state.applied);
  gauge('wharf_catalogue_sequence_stored', 'The last change this replica knows was stored', (state) => state.stored);
  gauge('wharf_catalogue_changes_behind', 'Stored changes not yet in this replica\'s index', (state) => state.behind);
  gauge('wharf_catalogue_caught_up', '1 once this replica has applied the whole stored catalogue', (state) => (state.caughtUp ? 1 : 0));
  gauge('wharf_catalogue_database_up', '1 while the catalogue database answers this replica', (state) => (state.databaseReachable ? 1 : 0));
  gauge('wharf_catalogue_leader', '1 while this replica leads (harvests)', (state) => (state.role === 'leader' ? 1 : 0));
  const lag = new Histogram({
    name: 'wharf_catalogue_replica_lag_seconds',
    help: "From the leader's write of a change to this replica's index, in seconds",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  });
  const roles = new Counter({ name: 'wharf_catalogue_role_changes_total', help: 'Times this replica became leader or follower', labelNames: ['role'], registers: [registry] });
  return {
    applied: (lagMs) => lag.observe(Math.max(0, lagMs) / 1000),
    roleChanged: (role) => roles.inc({ role }),
  };
}
