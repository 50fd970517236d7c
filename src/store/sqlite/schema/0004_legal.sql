-- Legal demands (docs/design/legal.md): the demand, its documents and the notices owed to the
-- owners it touches. Demands are never deleted.

CREATE TABLE legal_demands (
  id                      TEXT PRIMARY KEY,          -- "dem_..."
  type                    TEXT NOT NULL CHECK (type IN
                            ('subpoena', 'court_order', 'search_warrant', 'emergency', 'preservation')),
  status                  TEXT NOT NULL CHECK (status IN ('recorded', 'accepted', 'rejected', 'produced')),
  agency_id               TEXT NOT NULL REFERENCES agencies(id),
  issuing_authority       TEXT NOT NULL,
  docket_number           TEXT NOT NULL,
  case_number             TEXT NOT NULL DEFAULT '',
  scope_json              TEXT NOT NULL,             -- as asked
  authorized_json         TEXT NOT NULL,             -- as the documents allow
  decided_json            TEXT NOT NULL DEFAULT '{}',  -- as accepted
  narrowed                INTEGER NOT NULL DEFAULT 0,
  decision_reason         TEXT NOT NULL DEFAULT '',
  decided_by              TEXT NOT NULL DEFAULT '',
  decided_at_us           INTEGER NOT NULL DEFAULT 0,
  issued_at_us            INTEGER NOT NULL DEFAULT 0,
  nondisclosure_until_us  INTEGER NOT NULL DEFAULT 0,
  attestation             TEXT NOT NULL DEFAULT '',
  attested_by             TEXT NOT NULL DEFAULT '',
  attestation_signature   TEXT NOT NULL DEFAULT '',
  attested_at_us          INTEGER NOT NULL DEFAULT 0,
  followup_due_us         INTEGER NOT NULL DEFAULT 0,
  followup_demand_id      TEXT NOT NULL DEFAULT '',
  flagged_at_us           INTEGER NOT NULL DEFAULT 0,
  follows_demand_id       TEXT NOT NULL DEFAULT '',
  users_affected          INTEGER NOT NULL DEFAULT 0,
  produced_at_us          INTEGER NOT NULL DEFAULT 0,
  production_name         TEXT NOT NULL DEFAULT '',
  production_sha256       TEXT NOT NULL DEFAULT '',
  production_items        INTEGER NOT NULL DEFAULT 0,
  production_withheld     INTEGER NOT NULL DEFAULT 0,
  recorded_by             TEXT NOT NULL,
  created_at_us           INTEGER NOT NULL,
  version                 INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX demands_by_agency ON legal_demands(agency_id, created_at_us);
CREATE INDEX demands_by_status ON legal_demands(status, created_at_us);
CREATE INDEX demands_followup_due ON legal_demands(followup_due_us) WHERE followup_due_us > 0;

-- Documents (PDF) attached to a demand; the bytes are files under legal/documents/.
CREATE TABLE legal_documents (
  id              TEXT PRIMARY KEY,                  -- "doc_..."
  demand_id       TEXT NOT NULL REFERENCES legal_demands(id),
  filename        TEXT NOT NULL,
  sha256          TEXT NOT NULL,
  size_bytes      INTEGER NOT NULL,
  uploaded_by     TEXT NOT NULL,
  uploaded_at_us  INTEGER NOT NULL
) STRICT;
CREATE INDEX documents_by_demand ON legal_documents(demand_id);

-- One row per owner owed notice of a demand.
CREATE TABLE legal_notices (
  demand_id   TEXT NOT NULL REFERENCES legal_demands(id),
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  status      TEXT NOT NULL CHECK (status IN ('pending', 'deferred', 'sent')),
  due_at_us   INTEGER NOT NULL DEFAULT 0,
  sent_at_us  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (demand_id, account_id)
) STRICT;
CREATE INDEX notices_by_account ON legal_notices(account_id, sent_at_us);
CREATE INDEX notices_due ON legal_notices(status, due_at_us);
