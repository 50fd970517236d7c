// SqliteStore: legal demands, their documents and the notices owed to owners
// (schema/0004_legal.sql).
#include "store/sqlite/internal.h"

namespace canvass::sqlite {

namespace {

constexpr char kDemandCols[] =
    "id, type, status, agency_id, issuing_authority, docket_number, case_number, scope_json, "
    "authorized_json, decided_json, narrowed, decision_reason, decided_by, decided_at_us, "
    "issued_at_us, nondisclosure_until_us, attestation, attested_by, attestation_signature, "
    "attested_at_us, followup_due_us, followup_demand_id, flagged_at_us, follows_demand_id, "
    "users_affected, produced_at_us, production_name, production_sha256, production_items, "
    "production_withheld, recorded_by, created_at_us, version";

StatusOr<Demand> ReadDemand(const Statement& st) {
  Demand d;
  d.id = st.Text(0);
  CANVASS_ASSIGN_OR_RETURN(d.type, ParseDemandType(st.Text(1)));
  CANVASS_ASSIGN_OR_RETURN(d.status, ParseDemandStatus(st.Text(2)));
  d.agency_id = st.Text(3);
  d.issuing_authority = st.Text(4);
  d.docket_number = st.Text(5);
  d.case_number = st.Text(6);
  CANVASS_ASSIGN_OR_RETURN(d.scope, ScopeFromJson(st.Text(7)));
  CANVASS_ASSIGN_OR_RETURN(d.authorized, ScopeFromJson(st.Text(8)));
  CANVASS_ASSIGN_OR_RETURN(d.decided, ScopeFromJson(st.Text(9)));
  d.narrowed = st.Int(10) != 0;
  d.decision_reason = st.Text(11);
  d.decided_by = st.Text(12);
  d.decided_at_us = st.Int(13);
  d.issued_at_us = st.Int(14);
  d.nondisclosure_until_us = st.Int(15);
  d.attestation = st.Text(16);
  d.attested_by = st.Text(17);
  d.attestation_signature = st.Text(18);
  d.attested_at_us = st.Int(19);
  d.followup_due_us = st.Int(20);
  d.followup_demand_id = st.Text(21);
  d.flagged_at_us = st.Int(22);
  d.follows_demand_id = st.Text(23);
  d.users_affected = st.Int(24);
  d.produced_at_us = st.Int(25);
  d.production_name = st.Text(26);
  d.production_sha256 = st.Text(27);
  d.production_items = st.Int(28);
  d.production_withheld = st.Int(29);
  d.recorded_by = st.Text(30);
  d.created_at_us = st.Int(31);
  d.version = st.Int(32);
  return d;
}

DemandDocument ReadDocument(const Statement& st) {
  DemandDocument d;
  d.id = st.Text(0);
  d.demand_id = st.Text(1);
  d.filename = st.Text(2);
  d.sha256 = st.Text(3);
  d.size_bytes = st.Int(4);
  d.uploaded_by = st.Text(5);
  d.uploaded_at_us = st.Int(6);
  return d;
}

StatusOr<DemandNotice> ReadNotice(const Statement& st) {
  DemandNotice n;
  n.demand_id = st.Text(0);
  n.account_id = st.Text(1);
  CANVASS_ASSIGN_OR_RETURN(n.status, ParseNoticeStatus(st.Text(2)));
  n.due_at_us = st.Int(3);
  n.sent_at_us = st.Int(4);
  return n;
}

constexpr char kNoticeCols[] = "demand_id, account_id, status, due_at_us, sent_at_us";

}  // namespace

Status SqliteStore::CreateDemand(const Demand& d, const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(
        Statement st,
        c.Prepare(std::string("INSERT INTO legal_demands (") + kDemandCols +
                  ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    st.Bind(1, d.id).Bind(2, DemandTypeName(d.type)).Bind(3, DemandStatusName(d.status));
    st.Bind(4, d.agency_id).Bind(5, d.issuing_authority).Bind(6, d.docket_number);
    st.Bind(7, d.case_number).Bind(8, ScopeToJson(d.scope)).Bind(9, ScopeToJson(d.authorized));
    st.Bind(10, ScopeToJson(d.decided)).Bind(11, d.narrowed).Bind(12, d.decision_reason);
    st.Bind(13, d.decided_by).Bind(14, d.decided_at_us).Bind(15, d.issued_at_us);
    st.Bind(16, d.nondisclosure_until_us).Bind(17, d.attestation).Bind(18, d.attested_by);
    st.Bind(19, d.attestation_signature).Bind(20, d.attested_at_us).Bind(21, d.followup_due_us);
    st.Bind(22, d.followup_demand_id).Bind(23, d.flagged_at_us).Bind(24, d.follows_demand_id);
    st.Bind(25, d.users_affected).Bind(26, d.produced_at_us).Bind(27, d.production_name);
    st.Bind(28, d.production_sha256).Bind(29, d.production_items).Bind(30, d.production_withheld);
    st.Bind(31, d.recorded_by).Bind(32, d.created_at_us).Bind(33, int64_t{0});
    return st.Run();
  });
}

StatusOr<Demand> SqliteStore::GetDemand(const std::string& id) {
  CANVASS_READER(c);
  return QueryOne<Demand>(c, std::string("SELECT ") + kDemandCols + " FROM legal_demands WHERE id=?",
                          id, "demand " + id, ReadDemand);
}

StatusOr<std::vector<Demand>> SqliteStore::ListDemands(const std::string& agency_id,
                                                       const std::string& type_filter,
                                                       const std::string& status_filter,
                                                       int limit) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(
      Statement st,
      c.Prepare(std::string("SELECT ") + kDemandCols +
                " FROM legal_demands WHERE (?1 = '' OR agency_id=?1) AND (?2 = '' OR type=?2) "
                "AND (?3 = '' OR status=?3) ORDER BY created_at_us DESC, id LIMIT ?4"));
  st.Bind(1, agency_id).Bind(2, type_filter).Bind(3, status_filter).Bind(4, limit);
  return QueryAll<Demand>(st, ReadDemand);
}

Status SqliteStore::UpdateDemand(const Demand& d, const std::vector<DemandNotice>& notices,
                                 const std::vector<AuditEvent>& audit) {
  return WriteTx(nullptr, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(
        Statement st,
        c.Prepare("UPDATE legal_demands SET status=?, decided_json=?, narrowed=?, "
                  "decision_reason=?, decided_by=?, decided_at_us=?, nondisclosure_until_us=?, "
                  "followup_due_us=?, followup_demand_id=?, flagged_at_us=?, follows_demand_id=?, "
                  "users_affected=?, produced_at_us=?, production_name=?, production_sha256=?, "
                  "production_items=?, production_withheld=?, version=version+1 "
                  "WHERE id=? AND version=?"));
    st.Bind(1, DemandStatusName(d.status)).Bind(2, ScopeToJson(d.decided)).Bind(3, d.narrowed);
    st.Bind(4, d.decision_reason).Bind(5, d.decided_by).Bind(6, d.decided_at_us);
    st.Bind(7, d.nondisclosure_until_us).Bind(8, d.followup_due_us).Bind(9, d.followup_demand_id);
    st.Bind(10, d.flagged_at_us).Bind(11, d.follows_demand_id).Bind(12, d.users_affected);
    st.Bind(13, d.produced_at_us).Bind(14, d.production_name).Bind(15, d.production_sha256);
    st.Bind(16, d.production_items).Bind(17, d.production_withheld);
    st.Bind(18, d.id).Bind(19, d.version);
    CANVASS_RETURN_IF_ERROR(st.Run());
    if (st.Changes() == 0) {
      CANVASS_ASSIGN_OR_RETURN(Statement q, c.Prepare("SELECT 1 FROM legal_demands WHERE id=?"));
      q.Bind(1, d.id);
      CANVASS_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) return NotFoundError("demand " + d.id + " not found");
      return FailedPreconditionError("demand " + d.id +
                                     " was changed by someone else; reload it and try again");
    }
    for (const auto& n : notices) {
      CANVASS_ASSIGN_OR_RETURN(
          Statement ins,
          c.Prepare("INSERT INTO legal_notices (demand_id, account_id, status, due_at_us, "
                    "sent_at_us) VALUES (?,?,?,?,?) ON CONFLICT (demand_id, account_id) DO "
                    "UPDATE SET status=excluded.status, due_at_us=excluded.due_at_us, "
                    "sent_at_us=excluded.sent_at_us"));
      ins.Bind(1, n.demand_id).Bind(2, n.account_id).Bind(3, NoticeStatusName(n.status));
      ins.Bind(4, n.due_at_us).Bind(5, n.sent_at_us);
      CANVASS_RETURN_IF_ERROR(ins.Run());
    }
    for (const auto& e : audit) CANVASS_RETURN_IF_ERROR(AppendAudit(c, e));
    return OkStatus();
  });
}

StatusOr<std::vector<Demand>> SqliteStore::ListOverdueEmergencies(int64_t now_us, int limit) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(
      Statement st,
      c.Prepare(std::string("SELECT ") + kDemandCols +
                " FROM legal_demands WHERE followup_due_us > 0 AND followup_due_us <= ?1 AND "
                "followup_demand_id = '' AND flagged_at_us = 0 ORDER BY followup_due_us LIMIT ?2"));
  st.Bind(1, now_us).Bind(2, limit);
  return QueryAll<Demand>(st, ReadDemand);
}

Status SqliteStore::AddDemandDocument(const DemandDocument& d, const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(
        Statement st,
        c.Prepare("INSERT INTO legal_documents (id, demand_id, filename, sha256, size_bytes, "
                  "uploaded_by, uploaded_at_us) VALUES (?,?,?,?,?,?,?)"));
    st.Bind(1, d.id).Bind(2, d.demand_id).Bind(3, d.filename).Bind(4, d.sha256);
    st.Bind(5, d.size_bytes).Bind(6, d.uploaded_by).Bind(7, d.uploaded_at_us);
    return st.Run();
  });
}

StatusOr<std::vector<DemandDocument>> SqliteStore::ListDemandDocuments(const std::string& id) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(
      Statement st,
      c.Prepare("SELECT id, demand_id, filename, sha256, size_bytes, uploaded_by, uploaded_at_us "
                "FROM legal_documents WHERE demand_id=? ORDER BY uploaded_at_us, id"));
  st.Bind(1, id);
  return QueryAll<DemandDocument>(st, ReadDocument);
}

StatusOr<std::vector<DemandNotice>> SqliteStore::ListDemandNotices(const std::string& id) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st,
                           c.Prepare(std::string("SELECT ") + kNoticeCols +
                                     " FROM legal_notices WHERE demand_id=? ORDER BY account_id"));
  st.Bind(1, id);
  return QueryAll<DemandNotice>(st, ReadNotice);
}

StatusOr<std::vector<DemandNotice>> SqliteStore::ListNoticesForAccount(const std::string& account,
                                                                       int limit) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(
      Statement st, c.Prepare(std::string("SELECT ") + kNoticeCols +
                              " FROM legal_notices WHERE account_id=? AND status='sent' "
                              "ORDER BY sent_at_us DESC, demand_id LIMIT ?"));
  st.Bind(1, account).Bind(2, limit);
  return QueryAll<DemandNotice>(st, ReadNotice);
}

StatusOr<std::vector<DemandNotice>> SqliteStore::ListDueNotices(int64_t now_us, int limit) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(
      Statement st, c.Prepare(std::string("SELECT ") + kNoticeCols +
                              " FROM legal_notices WHERE status='deferred' AND due_at_us <= ? "
                              "ORDER BY due_at_us, demand_id, account_id LIMIT ?"));
  st.Bind(1, now_us).Bind(2, limit);
  return QueryAll<DemandNotice>(st, ReadNotice);
}

}  // namespace canvass::sqlite
