-- Licence-plate reads (docs/design/plates.md): agency-owned readers, their reads and crops, hot
-- lists with their hits, and the agreements that let one agency search another's reads.

-- An automated licence-plate reader, owned by an agency (never by a resident).
CREATE TABLE plate_readers (
  id                 TEXT PRIMARY KEY,                 -- "lpr_..."
  agency_id          TEXT NOT NULL REFERENCES agencies(id),
  name               TEXT NOT NULL,
  lat_deg            REAL NOT NULL,
  lng_deg            REAL NOT NULL,
  bearing_deg        INTEGER,                          -- NULL: not set
  device_token_hash  TEXT NOT NULL UNIQUE,             -- hex SHA-256 of the reader's token
  created_at_us      INTEGER NOT NULL,
  last_seen_at_us    INTEGER NOT NULL DEFAULT 0,
  reads_total        INTEGER NOT NULL DEFAULT 0,       -- for misread rates
  misreads_total     INTEGER NOT NULL DEFAULT 0        -- hits marked misread by a person
) STRICT;
CREATE INDEX readers_by_agency ON plate_readers(agency_id);

-- One plate observation. seq is dense and orders reads by arrival; the in-memory index refers
-- to reads by seq.
CREATE TABLE plate_reads (
  seq                INTEGER PRIMARY KEY,
  reader_id          TEXT NOT NULL REFERENCES plate_readers(id),
  read_uid           TEXT NOT NULL,                    -- the reader's own id: idempotency
  agency_id          TEXT NOT NULL,
  plate              TEXT NOT NULL,                    -- normalised: A-Z0-9, 2 to 8
  region             TEXT NOT NULL,                    -- two-letter state or province
  confidence         REAL NOT NULL,                    -- 0..1
  read_at_us         INTEGER NOT NULL,
  direction          TEXT NOT NULL DEFAULT '',         -- '', 'toward', 'away'
  vehicle_color      TEXT NOT NULL DEFAULT '',
  vehicle_type       TEXT NOT NULL DEFAULT '',
  crop_bytes         INTEGER NOT NULL DEFAULT 0,       -- 0: no crop
  crop_pack          TEXT NOT NULL DEFAULT '',         -- crops/<pack>: one file per batch
  crop_offset        INTEGER NOT NULL DEFAULT 0,       -- where this read's sealed crop starts
  hold_case          TEXT NOT NULL DEFAULT '',         -- set: evidence of a case, kept past retention
  UNIQUE (reader_id, read_uid)
) STRICT;
CREATE INDEX reads_by_time ON plate_reads(read_at_us);
CREATE INDEX reads_by_pack ON plate_reads(crop_pack) WHERE crop_pack != '';

-- Hot lists: an agency's plates of interest. A list is replaced whole by an import.
CREATE TABLE hot_lists (
  id                 TEXT PRIMARY KEY,                 -- "hot_..."
  agency_id          TEXT NOT NULL REFERENCES agencies(id),
  name               TEXT NOT NULL,
  source             TEXT NOT NULL,                    -- 'manual', 'csv', 'ncic'
  version            INTEGER NOT NULL DEFAULT 1,       -- bumped by every import
  created_at_us      INTEGER NOT NULL,
  updated_at_us      INTEGER NOT NULL
) STRICT;

CREATE TABLE hot_list_entries (
  id                 TEXT PRIMARY KEY,                 -- "hle_..."
  list_id            TEXT NOT NULL REFERENCES hot_lists(id),
  plate              TEXT NOT NULL,
  region             TEXT NOT NULL,                    -- '' : any state
  reason             TEXT NOT NULL,                    -- e.g. 'stolen_vehicle'
  source             TEXT NOT NULL,
  notes              TEXT NOT NULL,
  expires_at_us      INTEGER NOT NULL,                 -- 0: no expiry
  created_at_us      INTEGER NOT NULL
) STRICT;
CREATE INDEX entries_by_list ON hot_list_entries(list_id);

-- A read that matched a hot-list entry; a person confirms it against the crop or marks it a
-- misread.
CREATE TABLE plate_hits (
  id                 TEXT PRIMARY KEY,                 -- "hit_..."
  read_seq           INTEGER NOT NULL,
  agency_id          TEXT NOT NULL,                    -- whose list matched
  list_id            TEXT NOT NULL,
  entry_id           TEXT NOT NULL,
  kind               TEXT NOT NULL CHECK (kind IN ('exact', 'confusable')),
  status             TEXT NOT NULL CHECK (status IN ('new', 'confirmed', 'misread')),
  decided_by         TEXT NOT NULL DEFAULT '',
  decided_at_us      INTEGER NOT NULL DEFAULT 0,
  created_at_us      INTEGER NOT NULL
) STRICT;
CREATE INDEX hits_by_agency ON plate_hits(agency_id, created_at_us);

-- Sharing agreements: `from` lets `to` search its reads and match them against its lists.
-- scope: 'agency' (one to one), 'in_state' (every agency of the same state that agreed
-- likewise), 'states' (agencies of the named states), 'distance' (agencies whose jurisdiction
-- lies within distance_m).
CREATE TABLE sharing_agreements (
  id                 TEXT PRIMARY KEY,                 -- "agr_..."
  from_agency_id     TEXT NOT NULL REFERENCES agencies(id),
  scope              TEXT NOT NULL CHECK (scope IN ('agency', 'in_state', 'states', 'distance')),
  to_agency_id       TEXT NOT NULL DEFAULT '',         -- scope 'agency'
  states             TEXT NOT NULL DEFAULT '',         -- scope 'states': comma-separated codes
  distance_m         INTEGER NOT NULL DEFAULT 0,       -- scope 'distance'
  created_by         TEXT NOT NULL,
  created_at_us      INTEGER NOT NULL,
  revoked_at_us      INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX agreements_by_from ON sharing_agreements(from_agency_id);

-- The public scope of a search leaf (docs/design/audit.md, "The leaf"): how many agencies' and
-- cameras' data a search reached; -1 for every other event.
ALTER TABLE audit_events ADD COLUMN scope_agencies INTEGER NOT NULL DEFAULT -1;
ALTER TABLE audit_events ADD COLUMN scope_cameras INTEGER NOT NULL DEFAULT -1;
