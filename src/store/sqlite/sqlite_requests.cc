// SqliteStore: community footage requests, owners' answers and the evidence locker
// (schema/0002_requests.sql).
#include <boost/json.hpp>

#include "store/sqlite/internal.h"

namespace canvass::sqlite {
namespace json = boost::json;

namespace {

constexpr char kRequestCols[] =
    "id, agency_id, officer_id, case_number, incident_type, description, lat_deg, lng_deg, "
    "radius_m, from_us, to_us, status, decision_json, decided_by, decided_at_us, decision_note, "
    "cameras_notified, opened_at_us, created_at_us, expires_at_us, closed_at_us";

StatusOr<FootageRequest> ReadRequest(const Statement& st) {
  FootageRequest r;
  r.id = st.Text(0);
  r.agency_id = st.Text(1);
  r.officer_id = st.Text(2);
  r.case_number = st.Text(3);
  r.incident_type = st.Text(4);
  r.description = st.Text(5);
  r.center = {st.Double(6), st.Double(7)};
  r.radius_m = st.Double(8);
  r.from_us = st.Int(9);
  r.to_us = st.Int(10);
  CANVASS_ASSIGN_OR_RETURN(r.status, ParseRequestStatus(st.Text(11)));
  r.decision_json = st.Text(12);
  r.decided_by = st.Text(13);
  r.decided_at_us = st.Int(14);
  r.decision_note = st.Text(15);
  r.cameras_notified = st.Int(16);
  r.opened_at_us = st.Int(17);
  r.created_at_us = st.Int(18);
  r.expires_at_us = st.Int(19);
  r.closed_at_us = st.Int(20);
  return r;
}

std::string IdsToJson(const std::vector<std::string>& ids) {
  json::array a;
  for (const auto& id : ids) a.push_back(json::string(id));
  return json::serialize(a);
}

StatusOr<std::vector<std::string>> IdsFromJson(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return DataLossError("notification camera_ids_json is corrupt");
  std::vector<std::string> out;
  for (const auto& e : v.as_array()) {
    if (!e.is_string()) return DataLossError("notification camera id is corrupt");
    out.emplace_back(e.as_string());
  }
  return out;
}

constexpr char kNotificationCols[] =
    "request_id, owner_id, camera_ids_json, status, created_at_us, responded_at_us";

StatusOr<RequestNotification> ReadNotification(const Statement& st) {
  RequestNotification n;
  n.request_id = st.Text(0);
  n.owner_id = st.Text(1);
  CANVASS_ASSIGN_OR_RETURN(n.camera_ids, IdsFromJson(st.Text(2)));
  CANVASS_ASSIGN_OR_RETURN(n.status, ParseNotificationStatus(st.Text(3)));
  n.created_at_us = st.Int(4);
  n.responded_at_us = st.Int(5);
  return n;
}

constexpr char kEvidenceCols[] =
    "id, agency_id, request_id, case_number, content_sha256, size_bytes, container, "
    "started_at_us, ended_at_us, blur_faces, mute_audio, contact_json, wrapped_key, blob_name, "
    "created_at_us";

EvidenceItem ReadEvidence(const Statement& st) {
  EvidenceItem e;
  e.id = st.Text(0);
  e.agency_id = st.Text(1);
  e.request_id = st.Text(2);
  e.case_number = st.Text(3);
  e.content_sha256 = st.Text(4);
  e.size_bytes = st.Int(5);
  e.container = st.Text(6);
  e.started_at_us = st.Int(7);
  e.ended_at_us = st.Int(8);
  e.blur_faces = st.Int(9) != 0;
  e.mute_audio = st.Int(10) != 0;
  e.contact_json = st.Text(11);
  e.wrapped_key = st.Blob(12);
  e.blob_name = st.Text(13);
  e.created_at_us = st.Int(14);
  return e;
}

Status InsertNotifications(Connection& c, const std::vector<RequestNotification>& ns) {
  for (const auto& n : ns) {
    CANVASS_ASSIGN_OR_RETURN(
        Statement st,
        c.Prepare("INSERT INTO request_notifications (request_id, owner_id, camera_ids_json, "
                  "status, created_at_us, responded_at_us) VALUES (?,?,?,?,?,?)"));
    st.Bind(1, n.request_id).Bind(2, n.owner_id).Bind(3, IdsToJson(n.camera_ids));
    st.Bind(4, NotificationStatusName(n.status)).Bind(5, n.created_at_us);
    st.Bind(6, n.responded_at_us);
    CANVASS_RETURN_IF_ERROR(st.Run());
  }
  return OkStatus();
}

}  // namespace

Status SqliteStore::CreateRequest(const FootageRequest& r,
                                  const std::vector<RequestNotification>& notifications,
                                  const std::vector<AuditEvent>& audit) {
  return WriteTx(nullptr, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(
        Statement st, c.Prepare(std::string("INSERT INTO footage_requests (") + kRequestCols +
                                ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    st.Bind(1, r.id).Bind(2, r.agency_id).Bind(3, r.officer_id).Bind(4, r.case_number);
    st.Bind(5, r.incident_type).Bind(6, r.description).Bind(7, r.center.lat_deg);
    st.Bind(8, r.center.lng_deg).Bind(9, r.radius_m).Bind(10, r.from_us).Bind(11, r.to_us);
    st.Bind(12, RequestStatusName(r.status)).Bind(13, r.decision_json).Bind(14, r.decided_by);
    st.Bind(15, r.decided_at_us).Bind(16, r.decision_note).Bind(17, r.cameras_notified);
    st.Bind(18, r.opened_at_us).Bind(19, r.created_at_us).Bind(20, r.expires_at_us);
    st.Bind(21, r.closed_at_us);
    CANVASS_RETURN_IF_ERROR(st.Run());
    CANVASS_RETURN_IF_ERROR(InsertNotifications(c, notifications));
    for (const auto& e : audit) CANVASS_RETURN_IF_ERROR(AppendAudit(c, e));
    return OkStatus();
  });
}

StatusOr<FootageRequest> SqliteStore::GetRequest(const std::string& id) {
  CANVASS_READER(c);
  return QueryOne<FootageRequest>(
      c, std::string("SELECT ") + kRequestCols + " FROM footage_requests WHERE id=?", id,
      "request " + id, ReadRequest);
}

StatusOr<std::vector<FootageRequest>> SqliteStore::ListRequests(const std::string& agency_id,
                                                                int limit) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare(std::string("SELECT ") + kRequestCols +
                                                   " FROM footage_requests WHERE agency_id=? "
                                                   "ORDER BY created_at_us DESC, id LIMIT ?"));
  st.Bind(1, agency_id).Bind(2, limit);
  return QueryAll<FootageRequest>(st, ReadRequest);
}

StatusOr<std::vector<FootageRequest>> SqliteStore::ListPublicRequests(int64_t before_us,
                                                                      int limit) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(
      Statement st,
      c.Prepare(std::string("SELECT ") + kRequestCols +
                " FROM footage_requests WHERE opened_at_us > 0 "
                "AND (?1 = 0 OR created_at_us < ?1) ORDER BY created_at_us DESC, id LIMIT ?2"));
  st.Bind(1, before_us).Bind(2, limit);
  return QueryAll<FootageRequest>(st, ReadRequest);
}

StatusOr<int> SqliteStore::CountRequestsForCase(const std::string& agency_id,
                                                const std::string& case_number) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st,
                           c.Prepare("SELECT COUNT(*) FROM footage_requests WHERE agency_id=? AND "
                                     "case_number=? AND status != 'rejected'"));
  st.Bind(1, agency_id).Bind(2, case_number);
  CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return InternalError("COUNT returned no row");
  return static_cast<int>(st.Int(0));
}

Status SqliteStore::UpdateRequest(const FootageRequest& r, RequestStatus from,
                                  const std::vector<RequestNotification>& notifications,
                                  const std::vector<AuditEvent>& audit) {
  return WriteTx(nullptr, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(
        Statement st,
        c.Prepare("UPDATE footage_requests SET status=?, decided_by=?, decided_at_us=?, "
                  "decision_note=?, cameras_notified=?, opened_at_us=?, expires_at_us=?, "
                  "closed_at_us=? WHERE id=? AND status=?"));
    st.Bind(1, RequestStatusName(r.status)).Bind(2, r.decided_by).Bind(3, r.decided_at_us);
    st.Bind(4, r.decision_note).Bind(5, r.cameras_notified).Bind(6, r.opened_at_us);
    st.Bind(7, r.expires_at_us).Bind(8, r.closed_at_us);
    st.Bind(9, r.id).Bind(10, RequestStatusName(from));
    CANVASS_RETURN_IF_ERROR(st.Run());
    if (st.Changes() == 0) {
      CANVASS_ASSIGN_OR_RETURN(Statement q,
                               c.Prepare("SELECT status FROM footage_requests WHERE id=?"));
      q.Bind(1, r.id);
      CANVASS_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) return NotFoundError("request " + r.id + " not found");
      return FailedPreconditionError("request " + r.id + " is " + q.Text(0) + ", not " +
                                     std::string(RequestStatusName(from)));
    }
    CANVASS_RETURN_IF_ERROR(InsertNotifications(c, notifications));
    if (r.status != RequestStatus::kOpen && r.status != RequestStatus::kPendingApproval) {
      CANVASS_ASSIGN_OR_RETURN(
          Statement exp, c.Prepare("UPDATE request_notifications SET status='expired', "
                                   "responded_at_us=? WHERE request_id=? AND status='pending'"));
      exp.Bind(1, r.closed_at_us).Bind(2, r.id);
      CANVASS_RETURN_IF_ERROR(exp.Run());
    }
    for (const auto& e : audit) CANVASS_RETURN_IF_ERROR(AppendAudit(c, e));
    return OkStatus();
  });
}

StatusOr<std::vector<FootageRequest>> SqliteStore::ListExpiredRequests(int64_t now_us, int limit) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(
      Statement st, c.Prepare(std::string("SELECT ") + kRequestCols +
                              " FROM footage_requests WHERE status IN ('pending_approval', "
                              "'open') AND expires_at_us <= ? ORDER BY expires_at_us LIMIT ?"));
  st.Bind(1, now_us).Bind(2, limit);
  return QueryAll<FootageRequest>(st, ReadRequest);
}

StatusOr<RequestCounts> SqliteStore::GetRequestCounts(const std::string& request_id) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(
      Statement st, c.Prepare("SELECT cameras_notified, "
                              "(SELECT COUNT(*) FROM request_notifications WHERE request_id=?1 AND "
                              "status='shared'), "
                              "(SELECT COUNT(*) FROM evidence_items WHERE request_id=?1) "
                              "FROM footage_requests WHERE id=?1"));
  st.Bind(1, request_id);
  CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFoundError("request " + request_id + " not found");
  return RequestCounts{st.Int(0), st.Int(1), st.Int(2)};
}

StatusOr<std::vector<RequestNotification>> SqliteStore::ListNotifications(
    const std::string& owner_id, int limit) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st,
                           c.Prepare(std::string("SELECT ") + kNotificationCols +
                                     " FROM request_notifications WHERE owner_id=? "
                                     "ORDER BY created_at_us DESC, request_id LIMIT ?"));
  st.Bind(1, owner_id).Bind(2, limit);
  return QueryAll<RequestNotification>(st, ReadNotification);
}

StatusOr<RequestNotification> SqliteStore::GetNotification(const std::string& request_id,
                                                           const std::string& owner_id) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(
      Statement st, c.Prepare(std::string("SELECT ") + kNotificationCols +
                              " FROM request_notifications WHERE request_id=? AND owner_id=?"));
  st.Bind(1, request_id).Bind(2, owner_id);
  CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFoundError("request " + request_id + " not found");
  return ReadNotification(st);
}

Status SqliteStore::RecordAnswer(const RequestNotification& n,
                                 const std::vector<EvidenceItem>& items,
                                 const std::vector<Share>& shares,
                                 const std::vector<CustodyEvent>& custody,
                                 const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    const bool share = n.status == NotificationStatus::kShared;
    CANVASS_ASSIGN_OR_RETURN(
        Statement st,
        c.Prepare(std::string("UPDATE request_notifications SET status=?, responded_at_us=? "
                              "WHERE request_id=? AND owner_id=? AND ") +
                  (share ? "status IN ('pending', 'shared')" : "status='pending'") +
                  " AND (SELECT status FROM footage_requests WHERE id=request_id) = 'open'"));
    st.Bind(1, NotificationStatusName(n.status)).Bind(2, n.responded_at_us);
    st.Bind(3, n.request_id).Bind(4, n.owner_id);
    CANVASS_RETURN_IF_ERROR(st.Run());
    if (st.Changes() == 0) {
      return FailedPreconditionError("request " + n.request_id +
                                     " is no longer open for an answer from you");
    }
    for (const auto& e : items) {
      CANVASS_ASSIGN_OR_RETURN(
          Statement ins, c.Prepare(std::string("INSERT INTO evidence_items (") + kEvidenceCols +
                                   ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
      ins.Bind(1, e.id).Bind(2, e.agency_id).Bind(3, e.request_id).Bind(4, e.case_number);
      ins.Bind(5, e.content_sha256).Bind(6, e.size_bytes).Bind(7, e.container);
      ins.Bind(8, e.started_at_us).Bind(9, e.ended_at_us).Bind(10, e.blur_faces);
      ins.Bind(11, e.mute_audio).Bind(12, e.contact_json).BindBlob(13, e.wrapped_key);
      ins.Bind(14, e.blob_name).Bind(15, e.created_at_us);
      CANVASS_RETURN_IF_ERROR(ins.Run());
    }
    for (const auto& s : shares) {
      CANVASS_ASSIGN_OR_RETURN(
          Statement ins,
          c.Prepare("INSERT INTO shares (id, request_id, owner_id, clip_id, camera_id, "
                    "evidence_id, created_at_us) VALUES (?,?,?,?,?,?,?)"));
      ins.Bind(1, s.id).Bind(2, s.request_id).Bind(3, s.owner_id).Bind(4, s.clip_id);
      ins.Bind(5, s.camera_id).Bind(6, s.evidence_id).Bind(7, s.created_at_us);
      Status ran = ins.Run();
      if (ran.code() == Code::kAlreadyExists) {
        return AlreadyExistsError("clip " + s.clip_id + " is already shared with request " +
                                  s.request_id);
      }
      CANVASS_RETURN_IF_ERROR(ran);
    }
    return InsertCustody(c, custody);
  });
}

Status SqliteStore::InsertCustody(Connection& c, const std::vector<CustodyEvent>& events) {
  for (const auto& e : events) {
    CANVASS_ASSIGN_OR_RETURN(
        Statement st,
        c.Prepare("INSERT INTO custody_events (evidence_id, at_us, action, actor_role, actor_id, "
                  "actor_agency_id) VALUES (?,?,?,?,?,?)"));
    st.Bind(1, e.evidence_id).Bind(2, e.at_us).Bind(3, e.action).Bind(4, e.actor_role);
    st.Bind(5, e.actor_id).Bind(6, e.actor_agency_id);
    CANVASS_RETURN_IF_ERROR(st.Run());
  }
  return OkStatus();
}

StatusOr<std::vector<Share>> SqliteStore::ListShares(const std::string& owner_id, int limit) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(
      Statement st,
      c.Prepare("SELECT id, request_id, owner_id, clip_id, camera_id, evidence_id, created_at_us "
                "FROM shares WHERE owner_id=? ORDER BY created_at_us DESC, id LIMIT ?"));
  st.Bind(1, owner_id).Bind(2, limit);
  return QueryAll<Share>(st, [](const Statement& s) {
    return Share{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Int(6)};
  });
}

StatusOr<EvidenceItem> SqliteStore::GetEvidence(const std::string& id) {
  CANVASS_READER(c);
  return QueryOne<EvidenceItem>(
      c, std::string("SELECT ") + kEvidenceCols + " FROM evidence_items WHERE id=?", id,
      "evidence item " + id, ReadEvidence);
}

StatusOr<std::vector<EvidenceItem>> SqliteStore::ListEvidence(const std::string& agency_id,
                                                              const std::string& case_number,
                                                              const std::string& request_id,
                                                              int limit) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st,
                           c.Prepare(std::string("SELECT ") + kEvidenceCols +
                                     " FROM evidence_items WHERE agency_id=?1 AND (?2 = '' OR "
                                     "case_number=?2) AND (?3 = '' OR request_id=?3) "
                                     "ORDER BY created_at_us, id LIMIT ?4"));
  st.Bind(1, agency_id).Bind(2, case_number).Bind(3, request_id).Bind(4, limit);
  return QueryAll<EvidenceItem>(st, ReadEvidence);
}

Status SqliteStore::ForEachEvidence(const std::function<Status(const EvidenceItem&)>& fn) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare(std::string("SELECT ") + kEvidenceCols +
                                                   " FROM evidence_items ORDER BY id"));
  for (;;) {
    CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return OkStatus();
    CANVASS_RETURN_IF_ERROR(fn(ReadEvidence(st)));
  }
}

Status SqliteStore::AddCustodyEvents(const std::vector<CustodyEvent>& events,
                                     const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) { return InsertCustody(c, events); });
}

StatusOr<std::vector<CustodyEvent>> SqliteStore::ListCustodyEvents(const std::string& evidence_id) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st,
                           c.Prepare("SELECT evidence_id, at_us, action, actor_role, actor_id, "
                                     "actor_agency_id FROM custody_events WHERE evidence_id=? "
                                     "ORDER BY seq"));
  st.Bind(1, evidence_id);
  return QueryAll<CustodyEvent>(st, [](const Statement& s) {
    return CustodyEvent{s.Text(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5)};
  });
}

}  // namespace canvass::sqlite
