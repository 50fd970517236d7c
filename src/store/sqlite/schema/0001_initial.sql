-- Canvass schema, version 1. Migrations are one-way and numbered; never edit a migration that
-- has shipped, add the next one. Times are microseconds since the Unix epoch (UTC), *_us.
-- Ids are opaque random strings with a type prefix ("acc_", "cam_", ...).

-- People and service accounts. One role each.
CREATE TABLE accounts (
  id              TEXT PRIMARY KEY,
  username        TEXT NOT NULL UNIQUE,    -- login name, [a-z0-9._-]{3,64}
  display_name    TEXT NOT NULL,           -- never shown to police
  role            TEXT NOT NULL CHECK (role IN ('resident','officer','supervisor',
                     'agency_admin','legal','auditor','admin')),
  agency_id       TEXT REFERENCES agencies(id),  -- set iff officer/supervisor/agency_admin
  password_hash   TEXT NOT NULL,           -- argon2id, libsodium crypto_pwhash_str format
  e2ee_public_key BLOB,                    -- X25519 key for end-to-end encrypted clips
  disabled        INTEGER NOT NULL DEFAULT 0,
  created_at_us   INTEGER NOT NULL
) STRICT;
CREATE INDEX accounts_by_agency ON accounts(agency_id) WHERE agency_id IS NOT NULL;

-- Law-enforcement agencies, created and verified by an admin.
CREATE TABLE agencies (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  state           TEXT NOT NULL,           -- two-letter code, upper case
  federal         INTEGER NOT NULL,        -- 1: federal agency (stricter rules apply)
  boundary_json   TEXT NOT NULL,           -- jurisdiction polygon: [[lat,lng],...]
  verified_at_us  INTEGER,                 -- NULL until an admin verifies it
  created_at_us   INTEGER NOT NULL
) STRICT;

-- Browser sessions (cookie) and bearer API tokens. Only hashes of the secrets are kept.
CREATE TABLE sessions (
  token_hash      TEXT PRIMARY KEY,        -- hex SHA-256 of the cookie value
  account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  csrf_token      TEXT NOT NULL,
  created_at_us   INTEGER NOT NULL,
  expires_at_us   INTEGER NOT NULL
) STRICT;

CREATE TABLE api_tokens (
  id              TEXT PRIMARY KEY,
  account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  token_hash      TEXT NOT NULL UNIQUE,    -- hex SHA-256 of the bearer token
  label           TEXT NOT NULL,
  created_at_us   INTEGER NOT NULL
) STRICT;

-- Residents' cameras.
CREATE TABLE cameras (
  id                 TEXT PRIMARY KEY,
  owner_id           TEXT NOT NULL REFERENCES accounts(id),
  name               TEXT NOT NULL,
  kind               TEXT NOT NULL CHECK (kind IN ('doorbell','outdoor','indoor','alpr')),
  lat_deg            REAL NOT NULL,        -- exact location: never public, never to police
  lng_deg            REAL NOT NULL,
  bearing_deg        INTEGER,              -- 0-359 clockwise from north, NULL if none
  privacy_zones_json TEXT NOT NULL,        -- [[[x,y],...],...] normalised image coordinates
  retention_days     INTEGER NOT NULL,
  sharing            TEXT NOT NULL CHECK (sharing IN ('never','ask')),
  device_token_hash  TEXT NOT NULL UNIQUE, -- hex SHA-256 of the agent's bearer token
  created_at_us      INTEGER NOT NULL,
  updated_at_us      INTEGER NOT NULL,
  last_seen_at_us    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX cameras_by_owner ON cameras(owner_id);

-- Uploads in progress. Their bytes are in <data>/uploads/<id>, already encrypted.
CREATE TABLE uploads (
  id              TEXT PRIMARY KEY,
  camera_id       TEXT NOT NULL REFERENCES cameras(id),
  owner_id        TEXT NOT NULL REFERENCES accounts(id),
  content_sha256  TEXT NOT NULL,           -- declared hex SHA-256 of the whole clip
  size_bytes      INTEGER NOT NULL,
  started_at_us   INTEGER NOT NULL,
  ended_at_us     INTEGER NOT NULL,
  e2ee            INTEGER NOT NULL,
  wrapped_key     BLOB NOT NULL,           -- per-clip key wrapped by the master key
  created_at_us   INTEGER NOT NULL,
  expires_at_us   INTEGER NOT NULL,
  UNIQUE (camera_id, content_sha256)
) STRICT;

-- Stored clips. Their bytes are in <data>/blobs/<blob_name>, encrypted (docs/design/clip-format.md).
CREATE TABLE clips (
  id              TEXT PRIMARY KEY,
  camera_id       TEXT NOT NULL REFERENCES cameras(id),
  owner_id        TEXT NOT NULL REFERENCES accounts(id),
  content_sha256  TEXT NOT NULL,           -- hex SHA-256 of the uploaded bytes
  size_bytes      INTEGER NOT NULL,
  started_at_us   INTEGER NOT NULL,
  ended_at_us     INTEGER NOT NULL,
  container       TEXT NOT NULL,           -- from probing; '' for end-to-end encrypted clips
  video_codec     TEXT NOT NULL,
  width           INTEGER NOT NULL,
  height          INTEGER NOT NULL,
  duration_us     INTEGER NOT NULL,
  has_audio       INTEGER NOT NULL,
  e2ee            INTEGER NOT NULL,
  wrapped_key     BLOB NOT NULL,
  blob_name       TEXT NOT NULL UNIQUE,
  created_at_us   INTEGER NOT NULL,
  UNIQUE (camera_id, content_sha256)       -- uploads are idempotent by content
) STRICT;
CREATE INDEX clips_by_owner_time ON clips(owner_id, started_at_us, id);
CREATE INDEX clips_by_camera_time ON clips(camera_id, started_at_us);

-- Motion events sent by agents, for the owner's live alerts and recent history.
CREATE TABLE motion_events (
  id              TEXT PRIMARY KEY,
  camera_id       TEXT NOT NULL REFERENCES cameras(id),
  owner_id        TEXT NOT NULL REFERENCES accounts(id),
  at_us           INTEGER NOT NULL,
  score           REAL NOT NULL,
  created_at_us   INTEGER NOT NULL
) STRICT;
CREATE INDEX motion_by_owner ON motion_events(owner_id, at_us);

-- Audit events, appended in the same transaction as the change they describe. seq is the leaf
-- index in the public Merkle log (docs/design/audit.md). Public columns first; the private ones
-- are for the auditor and legal roles, who check them against the leaf's commitment.
CREATE TABLE audit_events (
  seq             INTEGER PRIMARY KEY,     -- 0-based leaf index, dense, in commit order
  type            TEXT NOT NULL,
  actor_role      TEXT NOT NULL,
  actor_agency_id TEXT NOT NULL,
  object_kind     TEXT NOT NULL,
  reason_code     TEXT NOT NULL,
  count           INTEGER NOT NULL,
  at_us           INTEGER NOT NULL,
  actor_id        TEXT NOT NULL,           -- private
  object_id       TEXT NOT NULL,           -- private
  details_json    TEXT NOT NULL,           -- private
  case_number     TEXT NOT NULL,           -- private; public only as an HMAC
  salt            BLOB NOT NULL,           -- 32 random bytes of the commitment
  leaf            BLOB                     -- the public leaf, set when integrated into the tree
) STRICT;

-- Tiles of the Merkle tree (C2SP tlog-tiles, height 8): hashes of tree level 8*level, 256 per
-- full tile; the last tile of a level may be partial and grows in place.
CREATE TABLE audit_tiles (
  level           INTEGER NOT NULL,
  idx             INTEGER NOT NULL,
  data            BLOB NOT NULL,           -- concatenated 32-byte hashes
  PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;

-- Signed checkpoints (C2SP tlog-checkpoint signed notes), one per integration.
CREATE TABLE audit_checkpoints (
  size            INTEGER PRIMARY KEY,     -- tree size
  root            BLOB NOT NULL,           -- 32-byte root hash
  note            TEXT NOT NULL,           -- the signed note as served at /audit/checkpoint
  created_at_us   INTEGER NOT NULL
) STRICT;
