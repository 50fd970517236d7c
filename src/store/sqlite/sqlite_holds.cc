// SqliteStore: legal holds, the clip purge, plate reads attached to a case, and scrubbing
// deleted rows from the files (schema/0005_holds.sql; docs/design/retention.md).
#include "store/sqlite/internal.h"

#include "common/clock.h"

namespace canvass::sqlite {

namespace {

constexpr char kHoldCols[] =
    "id, demand_id, agency_id, reason, from_us, to_us, placed_by, placed_at_us, expires_at_us, "
    "ended_at_us, renewals, end_reason";

Hold ReadHold(const Statement& st) {
  Hold h;
  h.id = st.Text(0);
  h.demand_id = st.Text(1);
  h.agency_id = st.Text(2);
  h.reason = st.Text(3);
  h.scope.from_us = st.Int(4);
  h.scope.to_us = st.Int(5);
  h.placed_by = st.Text(6);
  h.placed_at_us = st.Int(7);
  h.expires_at_us = st.Int(8);
  h.ended_at_us = st.Int(9);
  h.renewals = static_cast<int>(st.Int(10));
  h.end_reason = st.Text(11);
  return h;
}

// Fills the account, camera and plate lists of each hold from legal_hold_scope.
Status LoadScopes(Connection& c, std::vector<Hold>* holds) {
  for (Hold& h : *holds) {
    CANVASS_ASSIGN_OR_RETURN(
        Statement st,
        c.Prepare("SELECT kind, value FROM legal_hold_scope WHERE hold_id=? ORDER BY kind, value"));
    st.Bind(1, h.id);
    for (;;) {
      CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      const std::string kind = st.Text(0);
      std::vector<std::string>* list = kind == "account"  ? &h.scope.account_ids
                                       : kind == "camera" ? &h.scope.camera_ids
                                                          : &h.scope.plates;
      list->push_back(st.Text(1));
    }
  }
  return OkStatus();
}

StatusOr<Hold> OneHold(Connection& c, const std::string& where, const std::string& key,
                       const std::string& what) {
  CANVASS_ASSIGN_OR_RETURN(
      Hold h,
      QueryOne<Hold>(c, std::string("SELECT ") + kHoldCols + " FROM legal_holds WHERE " + where,
                     key, what, ReadHold));
  std::vector<Hold> one{std::move(h)};
  CANVASS_RETURN_IF_ERROR(LoadScopes(c, &one));
  return std::move(one.front());
}


}  // namespace

// ---- holds -----------------------------------------------------------------------------------

Status SqliteStore::CreateHold(const Hold& h, const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(Statement st,
                             c.Prepare(std::string("INSERT INTO legal_holds (") + kHoldCols +
                                       ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"));
    st.Bind(1, h.id).Bind(2, h.demand_id).Bind(3, h.agency_id).Bind(4, h.reason);
    st.Bind(5, h.scope.from_us).Bind(6, h.scope.to_us).Bind(7, h.placed_by);
    st.Bind(8, h.placed_at_us).Bind(9, h.expires_at_us).Bind(10, h.ended_at_us);
    st.Bind(11, h.renewals).Bind(12, h.end_reason);
    Status s = st.Run();
    if (s.code() == Code::kAlreadyExists && !h.demand_id.empty()) {
      return AlreadyExistsError("demand " + h.demand_id + " has placed a hold already");
    }
    CANVASS_RETURN_IF_ERROR(s);
    auto insert = [&](const char* kind, const std::vector<std::string>& values) -> Status {
      for (const auto& v : values) {
        CANVASS_ASSIGN_OR_RETURN(Statement sc,
                                 c.Prepare("INSERT INTO legal_hold_scope (hold_id, kind, value) "
                                           "VALUES (?,?,?) ON CONFLICT DO NOTHING"));
        sc.Bind(1, h.id).Bind(2, std::string_view(kind)).Bind(3, v);
        CANVASS_RETURN_IF_ERROR(sc.Run());
      }
      return OkStatus();
    };
    CANVASS_RETURN_IF_ERROR(insert("account", h.scope.account_ids));
    CANVASS_RETURN_IF_ERROR(insert("camera", h.scope.camera_ids));
    return insert("plate", h.scope.plates);
  });
}

StatusOr<Hold> SqliteStore::GetHold(const std::string& id) {
  CANVASS_READER(c);
  return OneHold(c, "id=?", id, "hold " + id);
}

StatusOr<Hold> SqliteStore::FindHoldByDemand(const std::string& demand_id) {
  if (demand_id.empty()) return NotFoundError("no demand given");
  CANVASS_READER(c);
  return OneHold(c, "demand_id=?", demand_id, "hold of demand " + demand_id);
}

StatusOr<std::vector<Hold>> SqliteStore::ListHolds(bool active_only) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st,
                           c.Prepare(std::string("SELECT ") + kHoldCols +
                                     " FROM legal_holds WHERE ?1 = 0 OR ended_at_us = 0 "
                                     "ORDER BY placed_at_us, id"));
  st.Bind(1, active_only);
  CANVASS_ASSIGN_OR_RETURN(auto holds, QueryAll<Hold>(st, ReadHold));
  CANVASS_RETURN_IF_ERROR(LoadScopes(c, &holds));
  return holds;
}

Status SqliteStore::RenewHold(const std::string& id, int renewals_before, int64_t expires_at_us,
                              const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(
        Statement st, c.Prepare("UPDATE legal_holds SET expires_at_us=?, renewals=renewals+1 "
                                "WHERE id=? AND ended_at_us=0 AND renewals=?"));
    st.Bind(1, expires_at_us).Bind(2, id).Bind(3, renewals_before);
    CANVASS_RETURN_IF_ERROR(st.Run());
    if (st.Changes() == 0) {
      return FailedPreconditionError("hold " + id + " has ended or was renewed meanwhile");
    }
    return OkStatus();
  });
}

Status SqliteStore::EndHold(const std::string& id, int64_t at_us, const std::string& end_reason,
                            const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(Statement st,
                             c.Prepare("UPDATE legal_holds SET ended_at_us=?, end_reason=? "
                                       "WHERE id=? AND ended_at_us=0"));
    st.Bind(1, at_us).Bind(2, end_reason).Bind(3, id);
    CANVASS_RETURN_IF_ERROR(st.Run());
    if (st.Changes() == 0) return FailedPreconditionError("hold " + id + " has ended already");
    return OkStatus();
  });
}

// ---- the clip purge --------------------------------------------------------------------------

StatusOr<std::vector<Clip>> SqliteStore::PurgeClips(int64_t now_us, int limit, AuditEvent audit) {
  std::vector<Clip> deleted;
  Status s = WriteTx(nullptr, [&](Connection& c) -> Status {
    deleted.clear();
    // Camera by camera (CROSS JOIN keeps cameras outside), each camera's clips through
    // clips_by_camera_time: a clip that ended before the cutoff started before it too. A clip
    // is kept while an unended hold names its camera or its owner and meets its time.
    CANVASS_ASSIGN_OR_RETURN(
        Statement st, c.Prepare(std::string("SELECT ") + QualifiedClipCols("clips") +
                                " FROM cameras CROSS JOIN clips ON clips.camera_id = cameras.id"
                                " WHERE clips.started_at_us < ?1 - cameras.retention_days * ?2"
                                " AND clips.ended_at_us < ?1 - cameras.retention_days * ?2"
                                " AND NOT EXISTS (SELECT 1 FROM legal_hold_scope s"
                                "   JOIN legal_holds h ON h.id = s.hold_id"
                                "   WHERE h.ended_at_us = 0"
                                "   AND ((s.kind = 'camera' AND s.value = clips.camera_id)"
                                "     OR (s.kind = 'account' AND s.value = clips.owner_id))"
                                "   AND (h.from_us = 0 OR clips.ended_at_us >= h.from_us)"
                                "   AND (h.to_us = 0 OR clips.started_at_us <= h.to_us))"
                                " LIMIT ?3"));
    st.Bind(1, now_us).Bind(2, kDayUs).Bind(3, limit);
    CANVASS_ASSIGN_OR_RETURN(deleted, QueryAll<Clip>(st, ReadClip));
    for (const auto& clip : deleted) {
      CANVASS_ASSIGN_OR_RETURN(Statement d, c.Prepare("DELETE FROM clips WHERE id=?"));
      d.Bind(1, clip.id);
      CANVASS_RETURN_IF_ERROR(d.Run());
    }
    if (deleted.empty()) return OkStatus();
    audit.count = static_cast<int64_t>(deleted.size());
    return AppendAudit(c, audit);
  });
  if (!s.ok()) return s;
  return deleted;
}

// ---- plate reads attached to a case ----------------------------------------------------------

Status SqliteStore::SetPlateReadCase(int64_t seq, const std::string& case_number,
                                     const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(Statement q,
                             c.Prepare("SELECT hold_case FROM plate_reads WHERE seq=?"));
    q.Bind(1, seq);
    CANVASS_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return NotFoundError("read " + std::to_string(seq) + " not found");
    const std::string current = q.Text(0);
    if (!current.empty() && current != case_number) {
      return FailedPreconditionError("read " + std::to_string(seq) +
                                     " is evidence of another case already");
    }
    CANVASS_ASSIGN_OR_RETURN(Statement st,
                             c.Prepare("UPDATE plate_reads SET hold_case=? WHERE seq=?"));
    st.Bind(1, case_number).Bind(2, seq);
    return st.Run();
  });
}

// ---- scrubbing -------------------------------------------------------------------------------

Status SqliteStore::ScrubDeleted() {
  // Outside any transaction, on the writer (a checkpoint inside one is refused). TRUNCATE waits
  // (busy_timeout) for readers on older snapshots, copies every frame into the database and
  // truncates the WAL to zero bytes.
  std::lock_guard lock(write_mu_);
  Connection& c = *writer_;
  CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare("PRAGMA wal_checkpoint(TRUNCATE)"));
  CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return InternalError("PRAGMA wal_checkpoint returned nothing");
  if (st.Int(0) != 0) {
    return UnavailableError(
        "the WAL could not be emptied: readers held older snapshots (the next pass retries)");
  }
  return OkStatus();
}

}  // namespace canvass::sqlite
