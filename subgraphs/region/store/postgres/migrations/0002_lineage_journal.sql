-- OpenLineage events a region accepted, in the order it accepted them;
-- replayed at start so ingested runs survive a restart.
CREATE TABLE lineage_events (
  region      text NOT NULL,
  position    bigserial,
  event       jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (region, position)
);
