#include "store/sqlite/sqlite_store.h"

#include <boost/json.hpp>

#include "audit/leaf.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/internal.h"
#include "store/sqlite/migrations.h"

namespace canvass::sqlite {
namespace json = boost::json;

// ---- row mapping ----------------------------------------------------------------------------
namespace {

std::string BoundaryToJson(const std::vector<LatLng>& ring) {
  json::array a;
  for (const auto& p : ring) a.push_back(json::array{p.lat_deg, p.lng_deg});
  return json::serialize(a);
}

StatusOr<std::vector<LatLng>> BoundaryFromJson(const std::string& text) {
  std::vector<LatLng> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return DataLossError("agency boundary_json is corrupt");
  for (const auto& p : v.as_array()) {
    if (!p.is_array() || p.as_array().size() != 2) return DataLossError("bad boundary vertex");
    out.push_back({p.as_array()[0].to_number<double>(), p.as_array()[1].to_number<double>()});
  }
  return out;
}

std::string ZonesToJson(const std::vector<PrivacyZone>& zones) {
  json::array a;
  for (const auto& z : zones) {
    json::array poly;
    for (const auto& p : z) poly.push_back(json::array{p.x, p.y});
    a.push_back(std::move(poly));
  }
  return json::serialize(a);
}

StatusOr<std::vector<PrivacyZone>> ZonesFromJson(const std::string& text) {
  std::vector<PrivacyZone> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return DataLossError("camera privacy_zones_json is corrupt");
  for (const auto& z : v.as_array()) {
    if (!z.is_array()) return DataLossError("camera privacy zone is corrupt");
    PrivacyZone zone;
    for (const auto& p : z.as_array()) {
      if (!p.is_array() || p.as_array().size() != 2) return DataLossError("bad zone vertex");
      zone.push_back({p.as_array()[0].to_number<double>(), p.as_array()[1].to_number<double>()});
    }
    out.push_back(std::move(zone));
  }
  return out;
}

constexpr char kAccountCols[] =
    "id, username, display_name, role, agency_id, password_hash, e2ee_public_key, disabled, "
    "created_at_us";

StatusOr<Account> ReadAccount(const Statement& st) {
  Account a;
  a.id = st.Text(0);
  a.username = st.Text(1);
  a.display_name = st.Text(2);
  CANVASS_ASSIGN_OR_RETURN(a.role, ParseRole(st.Text(3)));
  a.agency_id = st.Text(4);
  a.password_hash = st.Text(5);
  a.e2ee_public_key = st.Blob(6);
  a.disabled = st.Int(7) != 0;
  a.created_at_us = st.Int(8);
  return a;
}

constexpr char kAgencyCols[] =
    "id, name, state, federal, boundary_json, verified_at_us, created_at_us";

StatusOr<Agency> ReadAgency(const Statement& st) {
  Agency a;
  a.id = st.Text(0);
  a.name = st.Text(1);
  a.state = st.Text(2);
  a.federal = st.Int(3) != 0;
  CANVASS_ASSIGN_OR_RETURN(a.boundary, BoundaryFromJson(st.Text(4)));
  a.verified = !st.IsNull(5);
  a.verified_at_us = st.Int(5);
  a.created_at_us = st.Int(6);
  return a;
}

constexpr char kCameraCols[] =
    "id, owner_id, name, kind, lat_deg, lng_deg, bearing_deg, privacy_zones_json, "
    "retention_days, sharing, device_token_hash, created_at_us, updated_at_us, last_seen_at_us";

StatusOr<Camera> ReadCamera(const Statement& st) {
  Camera c;
  c.id = st.Text(0);
  c.owner_id = st.Text(1);
  c.name = st.Text(2);
  CANVASS_ASSIGN_OR_RETURN(c.kind, ParseCameraKind(st.Text(3)));
  c.location = {st.Double(4), st.Double(5)};
  if (!st.IsNull(6)) c.bearing_deg = static_cast<int>(st.Int(6));
  CANVASS_ASSIGN_OR_RETURN(c.privacy_zones, ZonesFromJson(st.Text(7)));
  c.retention_days = static_cast<int>(st.Int(8));
  CANVASS_ASSIGN_OR_RETURN(c.sharing, ParseSharing(st.Text(9)));
  c.device_token_hash = st.Text(10);
  c.created_at_us = st.Int(11);
  c.updated_at_us = st.Int(12);
  c.last_seen_at_us = st.Int(13);
  return c;
}

constexpr char kUploadCols[] =
    "id, camera_id, owner_id, content_sha256, size_bytes, started_at_us, ended_at_us, e2ee, "
    "wrapped_key, created_at_us, expires_at_us";

Upload ReadUpload(const Statement& st) {
  Upload u;
  u.id = st.Text(0);
  u.camera_id = st.Text(1);
  u.owner_id = st.Text(2);
  u.content_sha256 = st.Text(3);
  u.size_bytes = st.Int(4);
  u.started_at_us = st.Int(5);
  u.ended_at_us = st.Int(6);
  u.e2ee = st.Int(7) != 0;
  u.wrapped_key = st.Blob(8);
  u.created_at_us = st.Int(9);
  u.expires_at_us = st.Int(10);
  return u;
}

constexpr char kAuditCols[] =
    "seq, type, actor_role, actor_agency_id, object_kind, reason_code, count, at_us, actor_id, "
    "object_id, details_json, case_number, salt, leaf, scope_agencies, scope_cameras";

Store::AuditRow ReadAuditRow(const Statement& st) {
  Store::AuditRow r;
  r.index = st.Int(0);
  AuditEvent& e = r.event;
  e.type = st.Text(1);
  e.actor_role = st.Text(2);
  e.actor_agency_id = st.Text(3);
  e.object_kind = st.Text(4);
  e.reason_code = st.Text(5);
  e.count = st.Int(6);
  e.at_us = st.Int(7);
  e.actor_id = st.Text(8);
  e.object_id = st.Text(9);
  e.details_json = st.Text(10);
  e.case_number = st.Text(11);
  r.salt = st.Blob(12);
  r.leaf = st.Blob(13);
  e.scope_agencies = st.Int(14);
  e.scope_cameras = st.Int(15);
  return r;
}

}  // namespace

// Shared with the other SqliteStore files (internal.h).
const char kClipCols[] =
    "id, camera_id, owner_id, content_sha256, size_bytes, started_at_us, ended_at_us, container, "
    "video_codec, width, height, duration_us, has_audio, e2ee, wrapped_key, blob_name, "
    "created_at_us";

std::string QualifiedClipCols(const std::string& table) {
  std::string out;
  std::string cols = kClipCols;
  size_t pos = 0;
  while (pos < cols.size()) {
    size_t comma = cols.find(',', pos);
    std::string col = cols.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    col.erase(0, col.find_first_not_of(' '));
    if (!out.empty()) out += ", ";
    out += table + "." + col;
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

Clip ReadClip(const Statement& st) {
  Clip c;
  c.id = st.Text(0);
  c.camera_id = st.Text(1);
  c.owner_id = st.Text(2);
  c.content_sha256 = st.Text(3);
  c.size_bytes = st.Int(4);
  c.started_at_us = st.Int(5);
  c.ended_at_us = st.Int(6);
  c.container = st.Text(7);
  c.video_codec = st.Text(8);
  c.width = static_cast<int>(st.Int(9));
  c.height = static_cast<int>(st.Int(10));
  c.duration_us = st.Int(11);
  c.has_audio = st.Int(12) != 0;
  c.e2ee = st.Int(13) != 0;
  c.wrapped_key = st.Blob(14);
  c.blob_name = st.Text(15);
  c.created_at_us = st.Int(16);
  return c;
}


// ---- connections ----------------------------------------------------------------------------

SqliteStore::SqliteStore(std::string path, std::unique_ptr<Connection> writer)
    : path_(std::move(path)), writer_(std::move(writer)) {}

Status SqliteStore::AppendAudit(Connection& c, const AuditEvent& e) {
  // Public records hold tokens only; refusing here keeps free text out of the public log
  // whatever a caller puts in them.
  CANVASS_RETURN_IF_ERROR(audit::ValidatePublicRecord(e));
  std::string salt = random_->Bytes(32);
  CANVASS_ASSIGN_OR_RETURN(
      Statement st,
      c.Prepare(
          "INSERT INTO audit_events (seq, type, actor_role, actor_agency_id, object_kind, "
          "reason_code, count, at_us, actor_id, object_id, details_json, case_number, "
          "salt, scope_agencies, scope_cameras) VALUES "
          "((SELECT COALESCE(MAX(seq) + 1, 0) FROM audit_events), ?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  st.Bind(1, e.type).Bind(2, e.actor_role).Bind(3, e.actor_agency_id).Bind(4, e.object_kind);
  st.Bind(5, e.reason_code).Bind(6, e.count).Bind(7, e.at_us).Bind(8, e.actor_id);
  st.Bind(9, e.object_id).Bind(10, e.details_json.empty() ? "{}" : e.details_json);
  st.Bind(11, e.case_number).BindBlob(12, salt).Bind(13, e.scope_agencies);
  st.Bind(14, e.scope_cameras);
  return st.Run();
}

SqliteStore::~SqliteStore() = default;

StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, int readers,
                                                         Random* random) {
  CANVASS_ASSIGN_OR_RETURN(auto writer, Connection::Open(path, /*read_only=*/false));
  CANVASS_RETURN_IF_ERROR(Migrate(*writer));
  std::unique_ptr<SqliteStore> store(new SqliteStore(path, std::move(writer)));
  store->random_ = random ? random : Random::System();
  for (int i = 0; i < readers; ++i) {
    CANVASS_ASSIGN_OR_RETURN(auto r, Connection::Open(path, /*read_only=*/true));
    store->readers_.push_back(std::move(r));
  }
  return store;
}

SqliteStore::ReaderLease SqliteStore::Reader() {
  {
    std::lock_guard lock(pool_mu_);
    if (!readers_.empty()) {
      auto c = std::move(readers_.back());
      readers_.pop_back();
      return ReaderLease(this, std::move(c), OkStatus());
    }
  }
  // Pool exhausted (more concurrent readers than connections): open one more; it joins the pool.
  auto c = Connection::Open(path_, /*read_only=*/true);
  if (!c.ok()) return ReaderLease(this, nullptr, c.status());
  return ReaderLease(this, std::move(c).value(), OkStatus());
}

struct SqliteStore::PendingWrite {
  const AuditEvent* audit;
  const std::function<Status(Connection&)>* fn;
  Status result;
  bool done = false;
  std::condition_variable cv;  // each waiter sleeps on its own: no thundering herd
};

Status SqliteStore::WriteTx(const AuditEvent* audit, const std::function<Status(Connection&)>& fn) {
  PendingWrite me{audit, &fn, Status(), false, {}};
  if (!group_commit_) {
    CommitGroup({&me});
    return me.result;
  }
  std::unique_lock lock(queue_mu_);
  queue_.push_back(&me);
  while (!me.done) {
    if (leader_active_) {
      me.cv.wait(lock);
      continue;
    }
    // Lead: take everything queued so far (including our own write) and commit it as one.
    leader_active_ = true;
    std::vector<PendingWrite*> group;
    group.swap(queue_);
    lock.unlock();
    CommitGroup(group);
    lock.lock();
    leader_active_ = false;
    for (PendingWrite* p : group) {
      p->done = true;
      if (p != &me) p->cv.notify_one();
    }
    // Whoever queued meanwhile leads the next group.
    if (!queue_.empty()) queue_.front()->cv.notify_one();
  }
  return me.result;
}

void SqliteStore::CommitGroup(const std::vector<PendingWrite*>& group) {
  std::lock_guard lock(write_mu_);
  Connection& c = *writer_;
  Status begin = c.Exec("BEGIN IMMEDIATE");
  if (!begin.ok()) {
    for (PendingWrite* p : group) p->result = begin;
    return;
  }
  const bool savepoints = group.size() > 1;
  for (PendingWrite* p : group) {
    if (savepoints) {
      Status sp = c.Exec("SAVEPOINT w");
      if (!sp.ok()) {
        p->result = sp;
        continue;
      }
    }
    Status s = (*p->fn)(c);
    if (s.ok() && p->audit && !p->audit->type.empty()) s = AppendAudit(c, *p->audit);
    if (savepoints) {
      if (!s.ok()) c.Exec("ROLLBACK TO w").IgnoreError();
      Status rel = c.Exec("RELEASE w");
      if (s.ok() && !rel.ok()) s = rel;
    }
    p->result = s;
  }
  bool any_ok = false;
  for (PendingWrite* p : group) any_ok = any_ok || p->result.ok();
  Status commit = any_ok ? c.Exec("COMMIT") : c.Exec("ROLLBACK");
  if (!commit.ok()) {
    c.Exec("ROLLBACK").IgnoreError();
    for (PendingWrite* p : group) {
      if (p->result.ok()) p->result = commit;
    }
  }
}

StatusOr<int> SqliteStore::SchemaVersion() {
  CANVASS_READER(c);
  return ReadSchemaVersion(c);
}

int SqliteStore::ExpectedSchemaVersion() const { return Migrations().back().version; }

// ---- accounts -------------------------------------------------------------------------------

Status SqliteStore::CreateAccount(const Account& a, const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(
        Statement st,
        c.Prepare("INSERT INTO accounts (id, username, display_name, role, agency_id, "
                  "password_hash, e2ee_public_key, disabled, created_at_us) "
                  "VALUES (?,?,?,?,?,?,?,?,?)"));
    st.Bind(1, a.id).Bind(2, a.username).Bind(3, a.display_name).Bind(4, RoleName(a.role));
    st.BindOrNull(5, a.agency_id).Bind(6, a.password_hash);
    if (a.e2ee_public_key.empty())
      st.BindNull(7);
    else
      st.BindBlob(7, a.e2ee_public_key);
    st.Bind(8, a.disabled).Bind(9, a.created_at_us);
    Status s = st.Run();
    if (s.code() == Code::kAlreadyExists) {
      return AlreadyExistsError("username '" + a.username + "' is taken");
    }
    if (s.code() == Code::kFailedPrecondition) {
      return NotFoundError("agency " + a.agency_id + " not found");
    }
    return s;
  });
}

StatusOr<Account> SqliteStore::GetAccount(const std::string& id) {
  CANVASS_READER(c);
  return QueryOne<Account>(c, std::string("SELECT ") + kAccountCols + " FROM accounts WHERE id=?",
                           id, "account " + id, ReadAccount);
}

StatusOr<Account> SqliteStore::FindAccountByUsername(const std::string& username) {
  CANVASS_READER(c);
  return QueryOne<Account>(
      c, std::string("SELECT ") + kAccountCols + " FROM accounts WHERE username=?", username,
      "account '" + username + "'", ReadAccount);
}

StatusOr<std::vector<Account>> SqliteStore::ListAccounts(const std::string& agency_id) {
  CANVASS_READER(c);
  std::string sql = std::string("SELECT ") + kAccountCols + " FROM accounts";
  if (!agency_id.empty()) sql += " WHERE agency_id=?";
  sql += " ORDER BY username";
  CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare(sql));
  if (!agency_id.empty()) st.Bind(1, agency_id);
  std::vector<Account> out;
  for (;;) {
    CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    CANVASS_ASSIGN_OR_RETURN(Account a, ReadAccount(st));
    out.push_back(std::move(a));
  }
  return out;
}

Status SqliteStore::SetAccountDisabled(const std::string& id, bool disabled,
                                       const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare("UPDATE accounts SET disabled=? WHERE id=?"));
    st.Bind(1, disabled).Bind(2, id);
    CANVASS_RETURN_IF_ERROR(st.Run());
    CANVASS_RETURN_IF_ERROR(ExpectOneChange(st, "account " + id));
    if (!disabled) return OkStatus();
    // A disabled account's browser sessions end with it.
    CANVASS_ASSIGN_OR_RETURN(Statement del, c.Prepare("DELETE FROM sessions WHERE account_id=?"));
    del.Bind(1, id);
    return del.Run();
  });
}

Status SqliteStore::SetPasswordHash(const std::string& id, const std::string& hash,
                                    const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(Statement st,
                             c.Prepare("UPDATE accounts SET password_hash=? WHERE id=?"));
    st.Bind(1, hash).Bind(2, id);
    CANVASS_RETURN_IF_ERROR(st.Run());
    return ExpectOneChange(st, "account " + id);
  });
}

Status SqliteStore::SetE2eePublicKey(const std::string& id, const std::string& key,
                                     const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(Statement st,
                             c.Prepare("UPDATE accounts SET e2ee_public_key=? WHERE id=?"));
    if (key.empty())
      st.BindNull(1);
    else
      st.BindBlob(1, key);
    st.Bind(2, id);
    CANVASS_RETURN_IF_ERROR(st.Run());
    return ExpectOneChange(st, "account " + id);
  });
}

// ---- sessions and tokens --------------------------------------------------------------------

Status SqliteStore::CreateSession(const Session& s, const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    // Expired sessions are swept on each login: cheap, and keeps the table small.
    CANVASS_ASSIGN_OR_RETURN(Statement sweep,
                             c.Prepare("DELETE FROM sessions WHERE expires_at_us <= ?"));
    sweep.Bind(1, s.created_at_us);
    CANVASS_RETURN_IF_ERROR(sweep.Run());
    CANVASS_ASSIGN_OR_RETURN(Statement st,
                             c.Prepare("INSERT INTO sessions (token_hash, account_id, csrf_token, "
                                       "created_at_us, expires_at_us) VALUES (?,?,?,?,?)"));
    st.Bind(1, s.token_hash).Bind(2, s.account_id).Bind(3, s.csrf_token);
    st.Bind(4, s.created_at_us).Bind(5, s.expires_at_us);
    return st.Run();
  });
}

StatusOr<Session> SqliteStore::FindSession(const std::string& token_hash) {
  CANVASS_READER(c);
  return QueryOne<Session>(
      c,
      "SELECT token_hash, account_id, csrf_token, created_at_us, expires_at_us FROM sessions "
      "WHERE token_hash=?",
      token_hash, "session", [](const Statement& st) -> StatusOr<Session> {
        return Session{st.Text(0), st.Text(1), st.Text(2), st.Int(3), st.Int(4)};
      });
}

Status SqliteStore::DeleteSession(const std::string& token_hash, const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare("DELETE FROM sessions WHERE token_hash=?"));
    st.Bind(1, token_hash);
    CANVASS_RETURN_IF_ERROR(st.Run());
    return ExpectOneChange(st, "session");
  });
}

Status SqliteStore::CreateApiToken(const ApiToken& t, const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(Statement st,
                             c.Prepare("INSERT INTO api_tokens (id, account_id, token_hash, label, "
                                       "created_at_us) VALUES (?,?,?,?,?)"));
    st.Bind(1, t.id).Bind(2, t.account_id).Bind(3, t.token_hash).Bind(4, t.label);
    st.Bind(5, t.created_at_us);
    return st.Run();
  });
}

StatusOr<ApiToken> SqliteStore::FindApiToken(const std::string& token_hash) {
  CANVASS_READER(c);
  return QueryOne<ApiToken>(
      c,
      "SELECT id, account_id, token_hash, label, created_at_us FROM api_tokens "
      "WHERE token_hash=?",
      token_hash, "API token", [](const Statement& st) -> StatusOr<ApiToken> {
        return ApiToken{st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Int(4)};
      });
}

// ---- agencies -------------------------------------------------------------------------------

Status SqliteStore::CreateAgency(const Agency& a, const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(
        Statement st, c.Prepare("INSERT INTO agencies (id, name, state, federal, boundary_json, "
                                "verified_at_us, created_at_us) VALUES (?,?,?,?,?,?,?)"));
    st.Bind(1, a.id).Bind(2, a.name).Bind(3, a.state).Bind(4, a.federal);
    st.Bind(5, BoundaryToJson(a.boundary));
    if (a.verified)
      st.Bind(6, a.verified_at_us);
    else
      st.BindNull(6);
    st.Bind(7, a.created_at_us);
    return st.Run();
  });
}

StatusOr<Agency> SqliteStore::GetAgency(const std::string& id) {
  CANVASS_READER(c);
  return QueryOne<Agency>(c, std::string("SELECT ") + kAgencyCols + " FROM agencies WHERE id=?", id,
                          "agency " + id, ReadAgency);
}

StatusOr<std::vector<Agency>> SqliteStore::ListAgencies() {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare(std::string("SELECT ") + kAgencyCols +
                                                   " FROM agencies ORDER BY name"));
  std::vector<Agency> out;
  for (;;) {
    CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    CANVASS_ASSIGN_OR_RETURN(Agency a, ReadAgency(st));
    out.push_back(std::move(a));
  }
  return out;
}

Status SqliteStore::SetAgencyVerified(const std::string& id, int64_t at_us,
                                      const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(Statement st,
                             c.Prepare("UPDATE agencies SET verified_at_us=? WHERE id=?"));
    st.Bind(1, at_us).Bind(2, id);
    CANVASS_RETURN_IF_ERROR(st.Run());
    return ExpectOneChange(st, "agency " + id);
  });
}

// ---- cameras --------------------------------------------------------------------------------

Status SqliteStore::CreateCamera(const Camera& cam, const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(
        Statement st,
        c.Prepare("INSERT INTO cameras (id, owner_id, name, kind, lat_deg, lng_deg, bearing_deg, "
                  "privacy_zones_json, retention_days, sharing, device_token_hash, "
                  "created_at_us, updated_at_us, last_seen_at_us) "
                  "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    st.Bind(1, cam.id).Bind(2, cam.owner_id).Bind(3, cam.name).Bind(4, CameraKindName(cam.kind));
    st.Bind(5, cam.location.lat_deg).Bind(6, cam.location.lng_deg);
    if (cam.bearing_deg)
      st.Bind(7, *cam.bearing_deg);
    else
      st.BindNull(7);
    st.Bind(8, ZonesToJson(cam.privacy_zones)).Bind(9, cam.retention_days);
    st.Bind(10, SharingName(cam.sharing)).Bind(11, cam.device_token_hash);
    st.Bind(12, cam.created_at_us).Bind(13, cam.updated_at_us).Bind(14, cam.last_seen_at_us);
    return st.Run();
  });
}

StatusOr<Camera> SqliteStore::GetCamera(const std::string& id) {
  CANVASS_READER(c);
  return QueryOne<Camera>(c, std::string("SELECT ") + kCameraCols + " FROM cameras WHERE id=?", id,
                          "camera " + id, ReadCamera);
}

StatusOr<std::vector<Camera>> SqliteStore::ListCamerasByOwner(const std::string& owner_id) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st,
                           c.Prepare(std::string("SELECT ") + kCameraCols +
                                     " FROM cameras WHERE owner_id=? ORDER BY created_at_us, id"));
  st.Bind(1, owner_id);
  std::vector<Camera> out;
  for (;;) {
    CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    CANVASS_ASSIGN_OR_RETURN(Camera cam, ReadCamera(st));
    out.push_back(std::move(cam));
  }
  return out;
}

Status SqliteStore::UpdateCamera(const Camera& cam, const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(
        Statement st,
        c.Prepare("UPDATE cameras SET name=?, kind=?, lat_deg=?, lng_deg=?, bearing_deg=?, "
                  "privacy_zones_json=?, retention_days=?, sharing=?, updated_at_us=? "
                  "WHERE id=?"));
    st.Bind(1, cam.name).Bind(2, CameraKindName(cam.kind));
    st.Bind(3, cam.location.lat_deg).Bind(4, cam.location.lng_deg);
    if (cam.bearing_deg)
      st.Bind(5, *cam.bearing_deg);
    else
      st.BindNull(5);
    st.Bind(6, ZonesToJson(cam.privacy_zones)).Bind(7, cam.retention_days);
    st.Bind(8, SharingName(cam.sharing)).Bind(9, cam.updated_at_us).Bind(10, cam.id);
    CANVASS_RETURN_IF_ERROR(st.Run());
    return ExpectOneChange(st, "camera " + cam.id);
  });
}

Status SqliteStore::SetDeviceTokenHash(const std::string& camera_id, const std::string& hash,
                                       const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(Statement st,
                             c.Prepare("UPDATE cameras SET device_token_hash=? WHERE id=?"));
    st.Bind(1, hash).Bind(2, camera_id);
    CANVASS_RETURN_IF_ERROR(st.Run());
    return ExpectOneChange(st, "camera " + camera_id);
  });
}

StatusOr<Camera> SqliteStore::FindCameraByDeviceToken(const std::string& token_hash) {
  CANVASS_READER(c);
  return QueryOne<Camera>(
      c, std::string("SELECT ") + kCameraCols + " FROM cameras WHERE device_token_hash=?",
      token_hash, "camera", ReadCamera);
}

Status SqliteStore::TouchCamera(const std::string& camera_id, int64_t at_us) {
  return WriteTx(nullptr, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(Statement st,
                             c.Prepare("UPDATE cameras SET last_seen_at_us=? WHERE id=?"));
    st.Bind(1, at_us).Bind(2, camera_id);
    return st.Run();
  });
}

StatusOr<Store::DeletedCamera> SqliteStore::DeleteCamera(const std::string& id,
                                                         const AuditEvent& audit) {
  DeletedCamera deleted;
  Status s = WriteTx(&audit, [&](Connection& c) -> Status {
    {
      CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare(std::string("SELECT ") + kClipCols +
                                                       " FROM clips WHERE camera_id=?"));
      st.Bind(1, id);
      for (;;) {
        CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        deleted.clips.push_back(ReadClip(st));
      }
    }
    {
      CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare(std::string("SELECT ") + kUploadCols +
                                                       " FROM uploads WHERE camera_id=?"));
      st.Bind(1, id);
      for (;;) {
        CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        deleted.uploads.push_back(ReadUpload(st));
      }
    }
    for (const char* sql :
         {"DELETE FROM clips WHERE camera_id=?", "DELETE FROM uploads WHERE camera_id=?",
          "DELETE FROM motion_events WHERE camera_id=?"}) {
      CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare(sql));
      st.Bind(1, id);
      CANVASS_RETURN_IF_ERROR(st.Run());
    }
    CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare("DELETE FROM cameras WHERE id=?"));
    st.Bind(1, id);
    CANVASS_RETURN_IF_ERROR(st.Run());
    return ExpectOneChange(st, "camera " + id);
  });
  if (!s.ok()) return s;
  return deleted;
}

// ---- uploads and clips ----------------------------------------------------------------------

Status SqliteStore::CreateUpload(const Upload& u) {
  return WriteTx(nullptr, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(
        Statement st,
        c.Prepare("INSERT INTO uploads (id, camera_id, owner_id, content_sha256, size_bytes, "
                  "started_at_us, ended_at_us, e2ee, wrapped_key, created_at_us, expires_at_us) "
                  "VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
    st.Bind(1, u.id).Bind(2, u.camera_id).Bind(3, u.owner_id).Bind(4, u.content_sha256);
    st.Bind(5, u.size_bytes).Bind(6, u.started_at_us).Bind(7, u.ended_at_us).Bind(8, u.e2ee);
    st.BindBlob(9, u.wrapped_key).Bind(10, u.created_at_us).Bind(11, u.expires_at_us);
    return st.Run();
  });
}

StatusOr<Upload> SqliteStore::GetUpload(const std::string& id) {
  CANVASS_READER(c);
  return QueryOne<Upload>(c, std::string("SELECT ") + kUploadCols + " FROM uploads WHERE id=?", id,
                          "upload " + id,
                          [](const Statement& st) -> StatusOr<Upload> { return ReadUpload(st); });
}

StatusOr<Upload> SqliteStore::FindUploadByContent(const std::string& camera_id,
                                                  const std::string& content_sha256) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st,
                           c.Prepare(std::string("SELECT ") + kUploadCols +
                                     " FROM uploads WHERE camera_id=? AND content_sha256=?"));
  st.Bind(1, camera_id).Bind(2, content_sha256);
  CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFoundError("upload not found");
  return ReadUpload(st);
}

Status SqliteStore::DeleteUpload(const std::string& id) {
  return WriteTx(nullptr, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare("DELETE FROM uploads WHERE id=?"));
    st.Bind(1, id);
    CANVASS_RETURN_IF_ERROR(st.Run());
    return ExpectOneChange(st, "upload " + id);
  });
}

StatusOr<std::vector<Upload>> SqliteStore::ListUploads() {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(
      Statement st, c.Prepare(std::string("SELECT ") + kUploadCols + " FROM uploads ORDER BY id"));
  std::vector<Upload> out;
  for (;;) {
    CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadUpload(st));
  }
  return out;
}

Status SqliteStore::CompleteUpload(const std::string& upload_id, const Clip& clip,
                                   const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    {
      CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare("DELETE FROM uploads WHERE id=?"));
      st.Bind(1, upload_id);
      CANVASS_RETURN_IF_ERROR(st.Run());
      CANVASS_RETURN_IF_ERROR(ExpectOneChange(st, "upload " + upload_id));
    }
    CANVASS_ASSIGN_OR_RETURN(Statement st,
                             c.Prepare(std::string("INSERT INTO clips (") + kClipCols +
                                       ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    st.Bind(1, clip.id).Bind(2, clip.camera_id).Bind(3, clip.owner_id);
    st.Bind(4, clip.content_sha256).Bind(5, clip.size_bytes).Bind(6, clip.started_at_us);
    st.Bind(7, clip.ended_at_us).Bind(8, clip.container).Bind(9, clip.video_codec);
    st.Bind(10, clip.width).Bind(11, clip.height).Bind(12, clip.duration_us);
    st.Bind(13, clip.has_audio).Bind(14, clip.e2ee).BindBlob(15, clip.wrapped_key);
    st.Bind(16, clip.blob_name).Bind(17, clip.created_at_us);
    return st.Run();
  });
}

StatusOr<Clip> SqliteStore::GetClip(const std::string& id) {
  CANVASS_READER(c);
  return QueryOne<Clip>(c, std::string("SELECT ") + kClipCols + " FROM clips WHERE id=?", id,
                        "clip " + id,
                        [](const Statement& st) -> StatusOr<Clip> { return ReadClip(st); });
}

StatusOr<Clip> SqliteStore::FindClipByContent(const std::string& camera_id,
                                              const std::string& content_sha256) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st,
                           c.Prepare(std::string("SELECT ") + kClipCols +
                                     " FROM clips WHERE camera_id=? AND content_sha256=?"));
  st.Bind(1, camera_id).Bind(2, content_sha256);
  CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFoundError("clip not found");
  return ReadClip(st);
}

StatusOr<std::vector<Clip>> SqliteStore::ListClips(const std::string& owner_id,
                                                   const ClipFilter& f) {
  CANVASS_READER(c);
  std::string sql = std::string("SELECT ") + kClipCols + " FROM clips WHERE owner_id=?1";
  if (!f.camera_id.empty()) sql += " AND camera_id=?2";
  if (f.from_us > 0) sql += " AND ended_at_us > ?3";
  if (f.to_us > 0) sql += " AND started_at_us < ?4";
  if (!f.after_id.empty()) {
    sql +=
        " AND (started_at_us, id) > (SELECT started_at_us, id FROM clips WHERE id=?5 AND "
        "owner_id=?1)";
  }
  sql += " ORDER BY started_at_us, id LIMIT ?6";
  CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare(sql));
  st.Bind(1, owner_id);
  if (!f.camera_id.empty()) st.Bind(2, f.camera_id);
  if (f.from_us > 0) st.Bind(3, f.from_us);
  if (f.to_us > 0) st.Bind(4, f.to_us);
  if (!f.after_id.empty()) st.Bind(5, f.after_id);
  st.Bind(6, f.limit);
  std::vector<Clip> out;
  for (;;) {
    CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadClip(st));
  }
  return out;
}

Status SqliteStore::DeleteClip(const std::string& id, const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(Statement st, c.Prepare("DELETE FROM clips WHERE id=?"));
    st.Bind(1, id);
    CANVASS_RETURN_IF_ERROR(st.Run());
    return ExpectOneChange(st, "clip " + id);
  });
}

Status SqliteStore::ForEachClip(const std::function<Status(const Clip&)>& fn) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(
      Statement st, c.Prepare(std::string("SELECT ") + kClipCols + " FROM clips ORDER BY id"));
  for (;;) {
    CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return OkStatus();
    CANVASS_RETURN_IF_ERROR(fn(ReadClip(st)));
  }
}

Status SqliteStore::ForEachCamera(const std::function<Status(const Camera&)>& fn) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(
      Statement st, c.Prepare(std::string("SELECT ") + kCameraCols + " FROM cameras ORDER BY id"));
  for (;;) {
    CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return OkStatus();
    CANVASS_ASSIGN_OR_RETURN(Camera cam, ReadCamera(st));
    CANVASS_RETURN_IF_ERROR(fn(cam));
  }
}

// ---- motion events --------------------------------------------------------------------------

Status SqliteStore::AddMotionEvent(const MotionEvent& e, const AuditEvent& audit) {
  return WriteTx(&audit, [&](Connection& c) -> Status {
    CANVASS_ASSIGN_OR_RETURN(Statement st,
                             c.Prepare("INSERT INTO motion_events (id, camera_id, owner_id, at_us, "
                                       "score, created_at_us) VALUES (?,?,?,?,?,?)"));
    st.Bind(1, e.id).Bind(2, e.camera_id).Bind(3, e.owner_id).Bind(4, e.at_us);
    st.Bind(5, e.score).Bind(6, e.created_at_us);
    return st.Run();
  });
}

StatusOr<std::vector<MotionEvent>> SqliteStore::ListMotionEvents(const std::string& owner_id,
                                                                 int limit) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(
      Statement st, c.Prepare("SELECT id, camera_id, owner_id, at_us, score, created_at_us FROM "
                              "motion_events WHERE owner_id=? ORDER BY at_us DESC, id LIMIT ?"));
  st.Bind(1, owner_id).Bind(2, limit);
  std::vector<MotionEvent> out;
  for (;;) {
    CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.Text(1), st.Text(2), st.Int(3), st.Double(4), st.Int(5)});
  }
  return out;
}

// ---- audit ----------------------------------------------------------------------------------

Status SqliteStore::RecordAccess(const AuditEvent& audit) {
  return WriteTx(&audit, [](Connection&) { return OkStatus(); });
}

StatusOr<int64_t> SqliteStore::AuditEventCount() {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st,
                           c.Prepare("SELECT COALESCE(MAX(seq) + 1, 0) FROM audit_events"));
  CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

StatusOr<std::vector<Store::AuditRow>> SqliteStore::ReadAuditRows(int64_t first, int limit) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st,
                           c.Prepare(std::string("SELECT ") + kAuditCols +
                                     " FROM audit_events WHERE seq >= ? ORDER BY seq LIMIT ?"));
  st.Bind(1, first).Bind(2, limit);
  std::vector<AuditRow> out;
  for (;;) {
    CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadAuditRow(st));
  }
  return out;
}

StatusOr<std::string> SqliteStore::ReadAuditTile(int level, int64_t index) {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(Statement st,
                           c.Prepare("SELECT data FROM audit_tiles WHERE level=? AND idx=?"));
  st.Bind(1, level).Bind(2, index);
  CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row)
    return NotFoundError("no audit tile " + std::to_string(level) + "/" + std::to_string(index));
  return st.Blob(0);
}

StatusOr<Store::AuditCheckpoint> SqliteStore::LatestAuditCheckpoint() {
  CANVASS_READER(c);
  CANVASS_ASSIGN_OR_RETURN(
      Statement st, c.Prepare("SELECT size, root, note, created_at_us FROM audit_checkpoints "
                              "ORDER BY size DESC LIMIT 1"));
  CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFoundError("no audit checkpoint yet");
  return AuditCheckpoint{st.Int(0), st.Blob(1), st.Text(2), st.Int(3)};
}

Status SqliteStore::CommitAuditIntegration(const AuditIntegration& in) {
  return WriteTx(nullptr, [&](Connection& c) -> Status {
    {
      CANVASS_ASSIGN_OR_RETURN(Statement st,
                               c.Prepare("SELECT COALESCE(MAX(size), 0) FROM audit_checkpoints"));
      CANVASS_ASSIGN_OR_RETURN(bool row, st.Step());
      int64_t latest = row ? st.Int(0) : 0;
      if (latest != in.first ||
          in.checkpoint.size != in.first + static_cast<int64_t>(in.leaves.size())) {
        return FailedPreconditionError("audit integration from " + std::to_string(in.first) +
                                       " does not extend the latest checkpoint (size " +
                                       std::to_string(latest) + ")");
      }
    }
    {
      for (size_t i = 0; i < in.leaves.size(); ++i) {
        CANVASS_ASSIGN_OR_RETURN(Statement up,
                                 c.Prepare("UPDATE audit_events SET leaf=? WHERE seq=?"));
        up.BindBlob(1, in.leaves[i]).Bind(2, in.first + static_cast<int64_t>(i));
        CANVASS_RETURN_IF_ERROR(up.Run());
        if (up.Changes() != 1) {
          return DataLossError("audit event " + std::to_string(in.first + static_cast<int64_t>(i)) +
                               " is missing");
        }
      }
    }
    for (const auto& t : in.tiles) {
      CANVASS_ASSIGN_OR_RETURN(
          Statement st, c.Prepare("INSERT INTO audit_tiles (level, idx, data) VALUES (?,?,?) "
                                  "ON CONFLICT (level, idx) DO UPDATE SET data=excluded.data"));
      st.Bind(1, t.level).Bind(2, t.index).BindBlob(3, t.data);
      CANVASS_RETURN_IF_ERROR(st.Run());
    }
    CANVASS_ASSIGN_OR_RETURN(
        Statement st, c.Prepare("INSERT INTO audit_checkpoints (size, root, note, created_at_us) "
                                "VALUES (?,?,?,?)"));
    st.Bind(1, in.checkpoint.size).BindBlob(2, in.checkpoint.root).Bind(3, in.checkpoint.note);
    st.Bind(4, in.checkpoint.created_at_us);
    return st.Run();
  });
}

}  // namespace canvass::sqlite
