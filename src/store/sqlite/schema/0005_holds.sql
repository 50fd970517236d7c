-- Legal holds (docs/design/retention.md): a hold keeps clips and plate reads past their
-- retention while it is in force. Holds are never deleted; an ended hold keeps its row as the
-- record of what was preserved, for whom and until when.

CREATE TABLE legal_holds (
  id             TEXT PRIMARY KEY,                  -- "hold_..."
  demand_id      TEXT NOT NULL DEFAULT '',          -- the legal demand that placed it; '' none
  agency_id      TEXT NOT NULL REFERENCES agencies(id),  -- the requesting agency
  reason         TEXT NOT NULL CHECK (reason IN ('preservation', 'demand')),
  from_us        INTEGER NOT NULL DEFAULT 0,        -- scope's time range; 0: unbounded
  to_us          INTEGER NOT NULL DEFAULT 0,        -- inclusive; 0: unbounded
  placed_by      TEXT NOT NULL,                     -- the legal staff account
  placed_at_us   INTEGER NOT NULL,
  expires_at_us  INTEGER NOT NULL DEFAULT 0,        -- 0: until released
  ended_at_us    INTEGER NOT NULL DEFAULT 0,        -- 0: in force (keeps its scope)
  renewals       INTEGER NOT NULL DEFAULT 0,
  end_reason     TEXT NOT NULL DEFAULT '' CHECK (end_reason IN ('', 'expired', 'released'))
) STRICT;
-- Placing a hold is idempotent per demand.
CREATE UNIQUE INDEX holds_by_demand ON legal_holds(demand_id) WHERE demand_id != '';
CREATE INDEX holds_in_force ON legal_holds(ended_at_us);

-- The scope of a hold, one row per account, camera (or plate reader) or plate it names.
CREATE TABLE legal_hold_scope (
  hold_id        TEXT NOT NULL REFERENCES legal_holds(id),
  kind           TEXT NOT NULL CHECK (kind IN ('account', 'camera', 'plate')),
  value          TEXT NOT NULL,                     -- account id, camera/reader id, or plate
  PRIMARY KEY (hold_id, kind, value)
) STRICT;
-- The purges look up, for each candidate clip or read, whether a hold names it.
CREATE INDEX hold_scope_by_value ON legal_hold_scope(kind, value);
