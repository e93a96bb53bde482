/**
 * Who may call a region endpoint:
 * - `public`: anyone. Only what a region publishes to the world: the
 *   contract it serves, its liveness, and its DCAT-AP export (which applies
 *   the region's policies to the consumer the gateway signed for, or to an
 *   anonymous one).
 * - `gateway`: a request signed by the gateway for this region, this method,
 *   path and body (`schema/signedRequest.ts`), or the region operator's
 *   token (`Authorization: Bearer`).
 * - `harvester`: what `gateway` accepts, or a request signed the same way by
 *   a catalogue service's own harvest key (`harvesterPublicKey`) for no
 *   consumer: the harvest's reads, and nothing a consumer is served.
 * - `producer`: an OpenLineage producer's key, from the region's producer
 *   list.
 */
export type RegionCredential = 'public' | 'gateway' | 'harvester' | 'producer';

export interface RegionEndpoint {
  /** The exact path, or the path and everything under it when `subtree`. */
  path: string;
  subtree?: boolean;
  methods: readonly string[];
  credential: RegionCredential;
  description: string;
}

/**
 * Every path a region serves. The server routes only through this list and
 * checks each entry's credential before its handler runs, so an endpoint
 * cannot be added without saying who may call it; a test walks the list and
 * calls each protected entry unsigned.
 */
export const regionEndpoints = [
  { path: '/contract', methods: ['GET'], credential: 'public', description: 'The region contract SDL it serves and its version, which the gateway checks before routing to it.' },
  { path: '/health', methods: ['GET'], credential: 'public', description: 'Liveness: `{ status, region }`, nothing about the data.' },
  { path: '/dcat', subtree: true, methods: ['GET'], credential: 'public', description: 'DCAT-AP 3 of the datasets the caller may discover (anonymous unless the gateway signed for a consumer): the whole catalogue, a page of it (`?page=N`), or one dataset (`/dcat/<id>`); JSON-LD, Turtle or RDF/XML by `Accept` or extension.' },
  { path: '/dcat.jsonld', methods: ['GET'], credential: 'public', description: 'The DCAT-AP 3 catalogue as JSON-LD, as `/dcat`.' },
  { path: '/dcat.ttl', methods: ['GET'], credential: 'public', description: 'The DCAT-AP 3 catalogue as Turtle, as `/dcat`.' },
  { path: '/dcat.rdf', methods: ['GET'], credential: 'public', description: 'The DCAT-AP 3 catalogue as RDF/XML, as `/dcat`.' },
  { path: '/graphql', methods: ['GET', 'POST'], credential: 'gateway', description: 'The region contract: `_entities` fetches from the gateway, for the consumer it signed for.' },
  { path: '/changes', methods: ['GET'], credential: 'harvester', description: 'The change feed the catalogue harvests: every dataset in full, hidden ones included.' },
  { path: '/policies', methods: ['GET'], credential: 'harvester', description: "The region's Cedar policies, which the catalogue applies inside search." },
  { path: '/api/v1/lineage', methods: ['POST'], credential: 'producer', description: 'OpenLineage run events (the Marquez-compatible path).' },
  { path: '/api/v1/lineage/batch', methods: ['POST'], credential: 'producer', description: 'OpenLineage run events, several at once.' },
] as const satisfies readonly RegionEndpoint[];

export type RegionEndpointPath = (typeof regionEndpoints)[number]['path'];

/** The endpoint serving `pathname`, if any. */
export function regionEndpointOf(pathname: string): (typeof regionEndpoints)[number] | undefined {
  return regionEndpoints.find((endpoint) => pathname === endpoint.path || ('subtree' in endpoint && endpoint.subtree && pathname.startsWith(`${endpoint.path}/`)));
}
