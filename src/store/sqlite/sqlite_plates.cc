// SqliteStore: licence-plate readers, reads, hot lists, hits and sharing agreements
// (schema/0003_plates.sql).
#include <set>

#include "store/sqlite/internal.h"

namespace canvass::sqlite {

namespace {

constexpr char kReaderCols[] =
    "id, agency_id, name, lat_deg, lng_deg, bearing_deg, device_token_hash, created_at_us, "
    "last_seen_at_us, reads_total, misreads_total";

PlateReader ReadReader(const Statement& st) {
  PlateReader r;
  r.id = st.Text(0);
  r.agency_id = st.Text(1);
  r.name = st.Text(2);
  r.location = {st.Double(3), st.Double(4)};
  if (!st.IsNull(5)) r.bearing_deg = static_cast<int>(st.Int(5));
  r.device_token_hash = st.Text(6);
  r.created_at_us = st.Int(7);
  r.last_seen_at_us = st.Int(8);
  r.reads_total = st.Int(9);
  r.misreads_total = st.Int(10);
  return r;
}

constexpr char kReadCols[] =
    "seq, reader_id, read_uid, agency_id, plate, region, confidence, read_at_us, direction, "
    "vehicle_color, vehicle_type, crop_bytes, crop_pack, crop_offset, hold_case";

PlateRead ReadRead(const Statement& st) {
  PlateRead r;
  r.seq = st.Int(0);
  r.reader_id = st.Text(1);
  r.read_uid = st.Text(2);
  r.agency_id = st.Text(3);
  r.plate = st.Text(4);
  r.region = st.Text(5);
  r.confidence = st.Double(6);
  r.read_at_us = st.Int(7);
  r.direction = st.Text(8);
  r.vehicle_color = st.Text(9);
  r.vehicle_type = st.Text(10);
  r.crop_bytes = st.Int(11);
  r.crop_pack = st.Text(12);
  r.crop_offset = st.Int(13);
  r.hold_case = st.Text(14);
  return r;
}

// A read is kept while an unended legal hold (schema/0005_holds.sql) names its reader or its
// plate and its time lies in the hold's range (docs/design/retention.md).
constexpr char kNotHeldByHold[] =
    "NOT EXISTS (SELECT 1 FROM legal_hold_scope s JOIN legal_holds h ON h.id = s.hold_id "
    "WHERE h.ended_at_us = 0 "
    "AND ((s.kind = 'camera' AND s.value = plate_reads.reader_id) "
    "OR (s.kind = 'plate' AND s.value = plate_reads.plate)) "
    "AND (h.from_us = 0 OR plate_reads.read_at_us >= h.from_us) "
    "AND (h.to_us = 0 OR plate_reads.read_at_us <= h.to_us))";

constexpr char kHitCols[] =
    "id, read_seq, agency_id, list_id, entry_id, kind, status, decided_by, decided_at_us, "
    "created_at_us";

PlateHit ReadHit(const Statement& st) {
  return PlateHit{st.Text(0), st.Int(1),  st.Text(2), st.Text(3), st.Text(4),
                  st.Text(5), st.Text(6), st.Text(7), st.Int(8),  st.Int(9)};
}

constexpr char kEntryCols[] =
    "id, list_id, plate, region, reason, source, notes, expires_at_us, created_at_us";

HotListEntry ReadEntry(const Statement& st) {
  return HotListEntry{st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4),
                      st.Text(5), st.Text(6), st.Int(7),  st.Int(8)};
}

std::string JoinStates(const std::vector<std::string>& states) {
  std::string out;
  for (const auto& s : states) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> SplitStates(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    out.push_back(text.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

Status InsertEntry(Connection& c, const HotListEntry& e) {
  CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare(std::string("INSERT INTO hot_list_entries (") +
                                                   kEntryCols + ") VALUES (?,?,?,?,?,?,?,?,?)"));
  st.Bind(1, e.id).Bind(2, e.list_id).Bind(3, e.plate).Bind(4, e.region).Bind(5, e.reason);
  st.Bind(6, e.source).Bind(7, e.notes).Bind(8, e.expires_at_us).Bind(9, e.created_at_us);
  return st.Run();
}

}  // namespace

// ---- readers ---------------------------------------------------------------------------------

Status SqliteStore::CreatePlateReader(const PlateReader& r, const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(Statement st,
                             c.Prepare(std::string("INSERT INTO plate_readers (") + kReaderCols +
                                       ") VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
    st.Bind(1, r.id).Bind(2, r.agency_id).Bind(3, r.name).Bind(4, r.location.lat_deg);
    st.Bind(5, r.location.lng_deg);
    if (r.bearing_deg) {
      st.Bind(6, *r.bearing_deg);
    } else {
      st.BindNull(6);
    }
    st.Bind(7, r.device_token_hash).Bind(8, r.created_at_us).Bind(9, r.last_seen_at_us);
    st.Bind(10, r.reads_total).Bind(11, r.misreads_total);
    return st.Run();
  });
}

StatusOr<PlateReader> SqliteStore::GetPlateReader(const std::string& id) {
  CANVASS_READER(c);
  return QueryOne<PlateReader>(
      c, std::string("SELECT ") + kReaderCols + " FROM plate_readers WHERE id=?", id,
      "plate reader " + id, ReadReader);
}

StatusOr<std::vector<PlateReader>> SqliteStore::ListPlateReaders(const std::string& agency_id) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st,
                           c.Prepare(std::string("SELECT ") + kReaderCols +
                                     " FROM plate_readers WHERE ?1 = '' OR agency_id=?1 "
                                     "ORDER BY id"));
  st.Bind(1, agency_id);
  return QueryAll<PlateReader>(st, ReadReader);
}

StatusOr<PlateReader> SqliteStore::FindPlateReaderByToken(const std::string& hash) {
  CANVASS_READER(c);
  return QueryOne<PlateReader>(
      c, std::string("SELECT ") + kReaderCols + " FROM plate_readers WHERE device_token_hash=?",
      hash, "plate reader token", ReadReader);
}

// ---- reads -----------------------------------------------------------------------------------

StatusOr<std::vector<int64_t>> SqliteStore::AppendPlateReads(
    const std::vector<PlateRead>& reads, const std::vector<PlateHit>& hits,
    const AuditEvent& audit, const std::vector<AuditEvent>& hit_audit,
    std::vector<bool>* is_new_out) {
  if (hit_audit.size() != hits.size()) return InternalError("one audit event per hit, please");
  std::vector<int64_t> seqs(reads.size(), 0);
  std::vector<bool> is_new(reads.size(), false);
  int64_t fresh = 0;
  Status s = WriteTx(nullptr, [&](Connection& c) -> Status {
    fresh = 0;
    is_new.assign(reads.size(), false);
    for (size_t i = 0; i < reads.size(); ++i) {
      const PlateRead& r = reads[i];
      CANVASS_ASSIGN_OR_RETURN(
          Statement st,
          c.Prepare("INSERT INTO plate_reads (reader_id, read_uid, agency_id, plate, region, "
                    "confidence, read_at_us, direction, vehicle_color, vehicle_type, crop_bytes, "
                    "crop_pack, crop_offset, hold_case) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                    "ON CONFLICT (reader_id, read_uid) DO NOTHING"));
      st.Bind(1, r.reader_id).Bind(2, r.read_uid).Bind(3, r.agency_id).Bind(4, r.plate);
      st.Bind(5, r.region).Bind(6, r.confidence).Bind(7, r.read_at_us).Bind(8, r.direction);
      st.Bind(9, r.vehicle_color).Bind(10, r.vehicle_type).Bind(11, r.crop_bytes);
      st.Bind(12, r.crop_pack).Bind(13, r.crop_offset).Bind(14, r.hold_case);
      CANVASS_RETURN_IF_ERROR(st.Run());
      is_new[i] = st.Changes() > 0;
      CANVASS_ASSIGN_OR_RETURN(
          Statement q, c.Prepare("SELECT seq FROM plate_reads WHERE reader_id=? AND read_uid=?"));
      q.Bind(1, r.reader_id).Bind(2, r.read_uid);
      CANVASS_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) return InternalError("read " + r.read_uid + " vanished after its insert");
      seqs[i] = q.Int(0);
      fresh += is_new[i];
    }
    std::vector<const AuditEvent*> hit_events;  // of the hits stored, appended after `audit`
    for (size_t k = 0; k < hits.size(); ++k) {
      const PlateHit& h = hits[k];
      // h.read_seq holds the hit's index in `reads` until now.
      const size_t i = static_cast<size_t>(h.read_seq);
      if (i >= reads.size()) return InternalError("hit for a read outside the batch");
      if (!is_new[i]) continue;  // a retried batch: its hits were stored the first time
      hit_events.push_back(&hit_audit[k]);
      CANVASS_ASSIGN_OR_RETURN(Statement st,
                               c.Prepare(std::string("INSERT INTO plate_hits (") + kHitCols +
                                         ") VALUES (?,?,?,?,?,?,?,?,?,?)"));
      st.Bind(1, h.id).Bind(2, seqs[i]).Bind(3, h.agency_id).Bind(4, h.list_id);
      st.Bind(5, h.entry_id).Bind(6, h.kind).Bind(7, h.status).Bind(8, h.decided_by);
      st.Bind(9, h.decided_at_us).Bind(10, h.created_at_us);
      CANVASS_RETURN_IF_ERROR(st.Run());
    }
    if (!reads.empty()) {
      CANVASS_ASSIGN_OR_RETURN(Statement st,
                               c.Prepare("UPDATE plate_readers SET reads_total = reads_total + ?, "
                                         "last_seen_at_us = MAX(last_seen_at_us, ?) WHERE id=?"));
      st.Bind(1, fresh).Bind(2, audit.at_us).Bind(3, reads.front().reader_id);
      CANVASS_RETURN_IF_ERROR(st.Run());
    }
    AuditEvent ev = audit;
    ev.count = fresh;
    CANVASS_RETURN_IF_ERROR(AppendAudit(c, ev));
    for (const AuditEvent* hit : hit_events) CANVASS_RETURN_IF_ERROR(AppendAudit(c, *hit));
    return OkStatus();
  });
  if (!s.ok()) return s;
  if (is_new_out) *is_new_out = std::move(is_new);
  return seqs;
}

StatusOr<std::vector<PlateRead>> SqliteStore::GetPlateReads(const std::vector<int64_t>& seqs) {
  CANVASS_READER(c);
  std::vector<PlateRead> out;
  out.reserve(seqs.size());
  for (int64_t seq : seqs) {
    CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare(std::string("SELECT ") + kReadCols +
                                                     " FROM plate_reads WHERE seq=?"));
    st.Bind(1, seq);
    CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) out.push_back(ReadRead(st));
  }
  return out;
}

Status SqliteStore::ForEachPlateRead(const std::function<Status(const PlateRead&)>& fn) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare(std::string("SELECT ") + kReadCols +
                                                   " FROM plate_reads ORDER BY seq"));
  for (;;) {
    CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return OkStatus();
    CANVASS_RETURN_IF_ERROR(fn(ReadRead(st)));
  }
}

StatusOr<std::vector<PlateRead>> SqliteStore::PurgePlateReads(const std::string& agency_id,
                                                              int64_t cutoff_us, int limit,
                                                              AuditEvent audit,
                                                              std::vector<std::string>* freed) {
  std::vector<PlateRead> deleted;
  std::vector<std::string> packs;
  Status s = WriteTx(nullptr, [&](Connection& c) -> Status {
    deleted.clear();
    packs.clear();
    CANVASS_ASSIGN_OR_RETURN(
        Statement st, c.Prepare(std::string("SELECT ") + kReadCols +
                                " FROM plate_reads WHERE agency_id=? AND read_at_us < ? AND "
                                "hold_case = '' AND " +
                                std::string(kNotHeldByHold) + " ORDER BY read_at_us LIMIT ?"));
    st.Bind(1, agency_id).Bind(2, cutoff_us).Bind(3, limit);
    CANVASS_ASSIGN_OR_RETURN(deleted, QueryAll<PlateRead>(st, ReadRead));
    for (const auto& r : deleted) {
      CANVASS_ASSIGN_OR_RETURN(Statement h, c.Prepare("DELETE FROM plate_hits WHERE read_seq=?"));
      h.Bind(1, r.seq);
      CANVASS_RETURN_IF_ERROR(h.Run());
      CANVASS_ASSIGN_OR_RETURN(Statement d, c.Prepare("DELETE FROM plate_reads WHERE seq=?"));
      d.Bind(1, r.seq);
      CANVASS_RETURN_IF_ERROR(d.Run());
    }
    if (deleted.empty()) return OkStatus();
    std::set<std::string> touched;
    for (const auto& r : deleted) {
      if (!r.crop_pack.empty()) touched.insert(r.crop_pack);
    }
    for (const auto& pack : touched) {
      CANVASS_ASSIGN_OR_RETURN(Statement q,
                               c.Prepare("SELECT 1 FROM plate_reads WHERE crop_pack=? LIMIT 1"));
      q.Bind(1, pack);
      CANVASS_ASSIGN_OR_RETURN(bool used, q.Step());
      if (!used) packs.push_back(pack);
    }
    audit.count = static_cast<int64_t>(deleted.size());
    return AppendAudit(c, audit);
  });
  if (!s.ok()) return s;
  if (freed) *freed = std::move(packs);
  return deleted;
}

StatusOr<int64_t> SqliteStore::CountPlateReads(const std::string& agency_id, int64_t from_us,
                                               int64_t to_us) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st,
                           c.Prepare("SELECT COUNT(*) FROM plate_reads WHERE agency_id=? AND "
                                     "read_at_us >= ? AND read_at_us < ?"));
  st.Bind(1, agency_id).Bind(2, from_us).Bind(3, to_us);
  CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

// ---- hot lists -------------------------------------------------------------------------------

Status SqliteStore::CreateHotList(const HotList& l, const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(
        Statement st,
        c.Prepare("INSERT INTO hot_lists (id, agency_id, name, source, version, created_at_us, "
                  "updated_at_us) VALUES (?,?,?,?,?,?,?)"));
    st.Bind(1, l.id).Bind(2, l.agency_id).Bind(3, l.name).Bind(4, l.source).Bind(5, l.version);
    st.Bind(6, l.created_at_us).Bind(7, l.updated_at_us);
    return st.Run();
  });
}

namespace {
HotList ReadList(const Statement& st) {
  return HotList{st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Int(4), st.Int(5), st.Int(6)};
}
constexpr char kListCols[] = "id, agency_id, name, source, version, created_at_us, updated_at_us";
}  // namespace

StatusOr<HotList> SqliteStore::GetHotList(const std::string& id) {
  CANVASS_READER(c);
  return QueryOne<HotList>(c, std::string("SELECT ") + kListCols + " FROM hot_lists WHERE id=?", id,
                           "hot list " + id, ReadList);
}

StatusOr<std::vector<HotList>> SqliteStore::ListHotLists(const std::string& agency_id) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st,
                           c.Prepare(std::string("SELECT ") + kListCols +
                                     " FROM hot_lists WHERE ?1 = '' OR agency_id=?1 ORDER BY id"));
  st.Bind(1, agency_id);
  return QueryAll<HotList>(st, ReadList);
}

Status SqliteStore::ReplaceHotListEntries(const std::string& list_id,
                                          const std::vector<HotListEntry>& entries,
                                          const std::string& source, int64_t at_us,
                                          const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(Statement up,
                             c.Prepare("UPDATE hot_lists SET version = version + 1, source=?, "
                                       "updated_at_us=? WHERE id=?"));
    up.Bind(1, source).Bind(2, at_us).Bind(3, list_id);
    CANVASS_RETURN_IF_ERROR(up.Run());
    CANVASS_RETURN_IF_ERROR(ExpectOneChange(up, "hot list " + list_id));
    CANVASS_ASSIGN_OR_RETURN(Statement del,
                             c.Prepare("DELETE FROM hot_list_entries WHERE list_id=?"));
    del.Bind(1, list_id);
    CANVASS_RETURN_IF_ERROR(del.Run());
    for (const auto& e : entries) CANVASS_RETURN_IF_ERROR(InsertEntry(c, e));
    return OkStatus();
  });
}

Status SqliteStore::AddHotListEntry(const HotListEntry& e, const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) { return InsertEntry(c, e); });
}

Status SqliteStore::RemoveHotListEntry(const std::string& list_id, const std::string& entry_id,
                                       const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(Statement st,
                             c.Prepare("DELETE FROM hot_list_entries WHERE id=? AND list_id=?"));
    st.Bind(1, entry_id).Bind(2, list_id);
    CANVASS_RETURN_IF_ERROR(st.Run());
    return ExpectOneChange(st, "hot-list entry " + entry_id);
  });
}

StatusOr<std::vector<HotListEntry>> SqliteStore::ListHotListEntries(const std::string& list_id) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st,
                           c.Prepare(std::string("SELECT ") + kEntryCols +
                                     " FROM hot_list_entries WHERE list_id=? ORDER BY plate, id"));
  st.Bind(1, list_id);
  return QueryAll<HotListEntry>(st, ReadEntry);
}

// ---- hits ------------------------------------------------------------------------------------

StatusOr<PlateHit> SqliteStore::GetPlateHit(const std::string& id) {
  CANVASS_READER(c);
  return QueryOne<PlateHit>(c, std::string("SELECT ") + kHitCols + " FROM plate_hits WHERE id=?",
                            id, "hit " + id, ReadHit);
}

StatusOr<std::vector<PlateHit>> SqliteStore::ListPlateHits(const std::string& agency_id,
                                                           int limit) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare(std::string("SELECT ") + kHitCols +
                                                   " FROM plate_hits WHERE agency_id=? "
                                                   "ORDER BY created_at_us DESC, id LIMIT ?"));
  st.Bind(1, agency_id).Bind(2, limit);
  return QueryAll<PlateHit>(st, ReadHit);
}

Status SqliteStore::DecidePlateHit(const std::string& id, const std::string& status,
                                   const std::string& by, int64_t at_us, const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(
        Statement st, c.Prepare("UPDATE plate_hits SET status=?, decided_by=?, decided_at_us=? "
                                "WHERE id=? AND status='new'"));
    st.Bind(1, status).Bind(2, by).Bind(3, at_us).Bind(4, id);
    CANVASS_RETURN_IF_ERROR(st.Run());
    if (st.Changes() == 0) return FailedPreconditionError("hit " + id + " was already decided");
    if (status == "misread") {
      CANVASS_ASSIGN_OR_RETURN(
          Statement m, c.Prepare("UPDATE plate_readers SET misreads_total = misreads_total + 1 "
                                 "WHERE id = (SELECT reader_id FROM plate_reads WHERE seq = "
                                 "(SELECT read_seq FROM plate_hits WHERE id=?))"));
      m.Bind(1, id);
      CANVASS_RETURN_IF_ERROR(m.Run());
    }
    return OkStatus();
  });
}

// ---- sharing agreements ----------------------------------------------------------------------

Status SqliteStore::CreateSharingAgreement(const SharingAgreement& a, const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(
        Statement st,
        c.Prepare("INSERT INTO sharing_agreements (id, from_agency_id, scope, to_agency_id, "
                  "states, distance_m, created_by, created_at_us, revoked_at_us) "
                  "VALUES (?,?,?,?,?,?,?,?,?)"));
    st.Bind(1, a.id).Bind(2, a.from_agency_id).Bind(3, a.scope).Bind(4, a.to_agency_id);
    st.Bind(5, JoinStates(a.states)).Bind(6, a.distance_m).Bind(7, a.created_by);
    st.Bind(8, a.created_at_us).Bind(9, a.revoked_at_us);
    return st.Run();
  });
}

Status SqliteStore::RevokeSharingAgreement(const std::string& id, int64_t at_us,
                                           const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(Statement st,
                             c.Prepare("UPDATE sharing_agreements SET revoked_at_us=? WHERE id=? "
                                       "AND revoked_at_us = 0"));
    st.Bind(1, at_us).Bind(2, id);
    CANVASS_RETURN_IF_ERROR(st.Run());
    return ExpectOneChange(st, "agreement " + id);
  });
}

StatusOr<std::vector<SharingAgreement>> SqliteStore::ListSharingAgreements() {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(
      Statement st,
      c.Prepare("SELECT id, from_agency_id, scope, to_agency_id, states, distance_m, created_by, "
                "created_at_us, revoked_at_us FROM sharing_agreements WHERE revoked_at_us = 0 "
                "ORDER BY id"));
  return QueryAll<SharingAgreement>(st, [](const Statement& s) {
    return SharingAgreement{s.Text(0), s.Text(1), s.Text(2), s.Text(3), SplitStates(s.Text(4)),
                            s.Int(5),  s.Text(6), s.Int(7),  s.Int(8)};
  });
}

}  // namespace canvass::sqlite
