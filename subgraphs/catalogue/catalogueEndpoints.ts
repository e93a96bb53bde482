/**
 * The audience a gateway signs catalogue requests for (`schema/signedRequest.ts`):
 * not a region code, so a signature meant for the catalogue opens no region,
 * and one meant for a region opens no catalogue.
 */
export const catalogueAudience = 'catalogue';

/**
 * Who may call a catalogue service endpoint (`wharf catalogue`):
 * - `public`: anyone; liveness and readiness, as proportions (see `answerReplicationProbe`).
 * - `gateway`: a request the gateway signed for the audience `catalogue`,
 *   this method, path and body, and the consumer it is for; the catalogue
 *   answers as that consumer.
 * - `metrics`: `Authorization: Bearer <WHARF_METRICS_TOKEN>`.
 */
export type CatalogueCredential = 'public' | 'gateway' | 'metrics';

export interface CatalogueEndpoint {
  path: string;
  methods: readonly string[];
  credential: CatalogueCredential;
  description: string;
}

/**
 * Every path a catalogue service serves. The server routes only through
 * this list and checks each entry's credential before its handler runs; a
 * test calls each protected entry without its credential.
 */
export const catalogueEndpoints = [
  { path: '/graphql', methods: ['POST'], credential: 'gateway', description: "The catalogue subgraph (search, datasets, regions, lineage), answered for the consumer the gateway signed for." },
  { path: '/health', methods: ['GET'], credential: 'public', description: 'Liveness, with `status: degraded` and why while the catalogue database is unreachable (proportions only; counts with the metrics token).' },
  { path: '/ready', methods: ['GET'], credential: 'public', description: '200 once the replica has applied the whole stored catalogue, 503 with how much of it before.' },
  { path: '/metrics', methods: ['GET'], credential: 'metrics', description: 'Prometheus metrics: replication (sequence applied and stored, lag, leader, database up) and harvests.' },
] as const satisfies readonly CatalogueEndpoint[];

export type CatalogueEndpointPath = (typeof catalogueEndpoints)[number]['path'];
