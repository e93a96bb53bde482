-- The catalogue's durable state. Every change the leader (or the admin API)
-- writes takes the next numbers of one sequence, kept in `catalogue_state.head`;
-- each row carries the number of the change that last wrote it, so a replica
-- at position N catches up by reading every row with `seq > N`, in order.
-- Rows are never deleted: a removal is a row with a NULL payload (a tombstone),
-- so a replica that was away still learns of it.

CREATE TABLE catalogue_state (
  singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  -- The last sequence number written. Every writing transaction locks this
  -- row first, so changes commit in the order of their numbers.
  head         bigint NOT NULL DEFAULT 0,
  -- Fencing token: each new leader increments it, and a harvest write of an
  -- older leader (one that lost its lock but does not know yet) is refused.
  leader_epoch bigint NOT NULL DEFAULT 0,
  leader_name  text,
  leader_since timestamptz,
  -- Whether the region registry has been seeded from a registry file once.
  registry_seeded boolean NOT NULL DEFAULT false,
  -- Tombstones up to this number have been deleted: a replica that had
  -- applied less than it cannot learn of those removals one by one and
  -- compares what it holds with the live rows instead.
  purged_through bigint NOT NULL DEFAULT 0
);
INSERT INTO catalogue_state DEFAULT VALUES;

-- Every dataset harvested, as the harvester validated it, as JSON text (jsonb measured slower to
-- write and to read back, and replicas only ever read records whole); NULL record: deleted.
CREATE TABLE datasets (
  id         text PRIMARY KEY,
  region     text NOT NULL,
  revision   text NOT NULL,
  record     text,
  seq        bigint NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE UNIQUE INDEX datasets_seq ON datasets (seq);
CREATE INDEX datasets_live_by_region ON datasets (region) WHERE record IS NOT NULL;

-- Each region's Cedar policies as last harvested (texts by @id); NULL texts: the region was removed.
CREATE TABLE region_policies (
  region  text PRIMARY KEY,
  version text NOT NULL,
  texts   jsonb,
  seq     bigint NOT NULL
);
CREATE UNIQUE INDEX region_policies_seq ON region_policies (seq);

-- Where each region's harvest stands: the feed cursor (written in the same
-- transaction as the changes it follows), the last full reconcile, and the
-- last harvest's outcome. `url`: the region address these were read from.
CREATE TABLE region_harvest (
  region          text PRIMARY KEY,
  url             text NOT NULL,
  cursor          text,
  reconciled_at   timestamptz,
  status          jsonb,
  removed         boolean NOT NULL DEFAULT false,
  seq             bigint NOT NULL
);
CREATE UNIQUE INDEX region_harvest_seq ON region_harvest (seq);

-- The region registry: entries as a registry file writes them (secrets by
-- variable name only); NULL entry: removed.
CREATE TABLE regions (
  code       text PRIMARY KEY,
  entry      jsonb,
  seq        bigint NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE UNIQUE INDEX regions_seq ON regions (seq);
