-- One change feed per region: its epoch (the cursor prefix; a new epoch
-- tells consumers the feed was rebuilt) and the last feed position given out.
CREATE TABLE region_feeds (
  region   text PRIMARY KEY,
  epoch    text NOT NULL,
  last_seq bigint NOT NULL DEFAULT 0
);

-- A region's datasets, live ones and tombstones. `seq` is the dataset's
-- position in its region's feed, bumped on every change; a deletion keeps the
-- row as a tombstone (record, source and revision null) so the feed can send it.
CREATE TABLE datasets (
  region           text NOT NULL REFERENCES region_feeds (region),
  id               text NOT NULL,
  seq              bigint NOT NULL,
  revision         text,
  -- json, not jsonb: records are kept byte for byte (jsonb reorders keys), so a
  -- record read back hashes to the revision it was written with.
  -- The record as it was written (an import, a file), without ingested lineage.
  source           json,
  -- Lineage edges ingested from OpenLineage runs.
  ingested_lineage json NOT NULL DEFAULT '[]',
  -- What is served: the source with the ingested edges, under `revision`.
  record           json,
  changed_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (region, id),
  CONSTRAINT datasets_id_in_region CHECK (starts_with(id, region || ':')),
  CONSTRAINT datasets_record_of_region CHECK (record IS NULL OR (record ->> 'region' = region AND record ->> 'id' = id)),
  CONSTRAINT datasets_tombstone CHECK ((record IS NULL) = (revision IS NULL) AND (record IS NULL) = (source IS NULL))
);

CREATE UNIQUE INDEX datasets_feed_position ON datasets (region, seq);
CREATE INDEX datasets_live ON datasets (region) WHERE record IS NOT NULL;
