-- Community footage requests (docs/design/requests.md): the request, who was asked, what each
-- owner shared, and the agency's evidence locker with its chain of custody.

-- A request filed by an officer. Refused requests are not stored (their audit leaf is);
-- requests are closed or expire, never deleted.
CREATE TABLE footage_requests (
  id                TEXT PRIMARY KEY,                 -- "req_..."
  agency_id         TEXT NOT NULL REFERENCES agencies(id),
  officer_id        TEXT NOT NULL REFERENCES accounts(id),
  case_number       TEXT NOT NULL,                    -- the agency's own; public only as an HMAC
  incident_type     TEXT NOT NULL,                    -- from policy::kIncidentTypes
  description       TEXT NOT NULL,                    -- public
  lat_deg           REAL NOT NULL,
  lng_deg           REAL NOT NULL,
  radius_m          REAL NOT NULL,
  from_us           INTEGER NOT NULL,
  to_us             INTEGER NOT NULL,
  status            TEXT NOT NULL CHECK (status IN
                      ('pending_approval', 'open', 'rejected', 'closed', 'expired')),
  decision_json     TEXT NOT NULL,                    -- the policy decision with every rule
  decided_by        TEXT NOT NULL DEFAULT '',         -- the supervisor who approved or rejected
  decided_at_us     INTEGER NOT NULL DEFAULT 0,
  decision_note     TEXT NOT NULL DEFAULT '',         -- the supervisor's reason
  cameras_notified  INTEGER NOT NULL DEFAULT 0,
  opened_at_us      INTEGER NOT NULL DEFAULT 0,       -- when owners were asked; 0: never
  created_at_us     INTEGER NOT NULL,
  expires_at_us     INTEGER NOT NULL,
  closed_at_us      INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX requests_by_agency ON footage_requests(agency_id, created_at_us);
CREATE INDEX requests_by_case ON footage_requests(agency_id, case_number);
CREATE INDEX requests_by_status ON footage_requests(status, expires_at_us);

-- One row per owner asked: the owner's inbox. Never shown to police.
CREATE TABLE request_notifications (
  request_id        TEXT NOT NULL REFERENCES footage_requests(id),
  owner_id          TEXT NOT NULL REFERENCES accounts(id),
  camera_ids_json   TEXT NOT NULL,                    -- the owner's matched cameras
  status            TEXT NOT NULL CHECK (status IN ('pending', 'shared', 'declined', 'expired')),
  created_at_us     INTEGER NOT NULL,
  responded_at_us   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (request_id, owner_id)
) STRICT;
CREATE INDEX notifications_by_owner ON request_notifications(owner_id, created_at_us);

-- Evidence items: the agency's own copy of each shared clip, encrypted under its own key.
CREATE TABLE evidence_items (
  id                TEXT PRIMARY KEY,                 -- "evd_..."
  agency_id         TEXT NOT NULL REFERENCES agencies(id),
  request_id        TEXT NOT NULL REFERENCES footage_requests(id),
  case_number       TEXT NOT NULL,
  content_sha256    TEXT NOT NULL,                    -- of the delivered (redacted) bytes
  size_bytes        INTEGER NOT NULL,
  container         TEXT NOT NULL,
  started_at_us     INTEGER NOT NULL,
  ended_at_us       INTEGER NOT NULL,
  blur_faces        INTEGER NOT NULL,
  mute_audio        INTEGER NOT NULL,
  contact_json      TEXT NOT NULL DEFAULT '',         -- only if the owner chose to share it
  wrapped_key       BLOB NOT NULL,
  blob_name         TEXT NOT NULL UNIQUE,
  created_at_us     INTEGER NOT NULL
) STRICT;
CREATE INDEX evidence_by_agency ON evidence_items(agency_id, case_number, created_at_us);
CREATE INDEX evidence_by_request ON evidence_items(request_id);

-- What each owner shared, for the owner's own history. Never shown to police.
CREATE TABLE shares (
  id                TEXT PRIMARY KEY,                 -- "shr_..."
  request_id        TEXT NOT NULL REFERENCES footage_requests(id),
  owner_id          TEXT NOT NULL REFERENCES accounts(id),
  clip_id           TEXT NOT NULL,                    -- the original may be deleted later
  camera_id         TEXT NOT NULL,
  evidence_id       TEXT NOT NULL REFERENCES evidence_items(id),
  created_at_us     INTEGER NOT NULL
) STRICT;
CREATE INDEX shares_by_owner ON shares(owner_id, created_at_us);
CREATE UNIQUE INDEX shares_once ON shares(request_id, clip_id);

-- Chain of custody of each evidence item: received, viewed, downloaded, exported.
CREATE TABLE custody_events (
  seq               INTEGER PRIMARY KEY,
  evidence_id       TEXT NOT NULL REFERENCES evidence_items(id),
  at_us             INTEGER NOT NULL,
  action            TEXT NOT NULL CHECK (action IN ('received', 'viewed', 'downloaded',
                                                    'exported')),
  actor_role        TEXT NOT NULL,
  actor_id          TEXT NOT NULL,                    -- '' for the sharing resident
  actor_agency_id   TEXT NOT NULL
) STRICT;
CREATE INDEX custody_by_item ON custody_events(evidence_id, seq);
