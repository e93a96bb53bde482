/** A region as the gateway and the catalogue know it: where its subgraph is. */
export interface RegionEntry {
  /** Region code, the prefix of its dataset ids (`CN-GX`). */
  code: string;
  /** Human name (`Guangxi Zhuang Autonomous Region`). */
  name: string;
  /** The region's subgraph endpoint (`http://127.0.0.1:4001/graphql`); its change feed is `/changes` beside it. */
  url: string;
  /** Secret the region signs harvest pings with; undefined: the region cannot ping. */
  webhookSecret?: string;
  /** PEM Ed25519 public key the region may sign harvest pings with instead of a shared secret. */
  webhookPublicKey?: string;
}

/** The change feed URL beside a region's `/graphql` endpoint. */
export function changeFeedUrlOf(region: RegionEntry): URL {
  return new URL('changes', region.url);
}
