#include "auditlog/audit_log.h"

#include <cstring>
#include <map>

#include "audit/leaf.h"
#include "common/encoding.h"
#include "common/sha256.h"

namespace canvass {
namespace {

constexpr int kRowsPerRead = 4096;
constexpr size_t kHashBytes = 32;

std::string HashBytes(const audit::Hash& h) {
  return std::string(reinterpret_cast<const char*>(h.data()), h.size());
}

}  // namespace

AuditLog::AuditLog(Store* store, const Clock* clock, audit::Signer signer, std::string case_key)
    : store_(store),
      clock_(clock),
      signer_(std::move(signer)),
      origin_(signer_.name()),
      case_key_(std::move(case_key)) {}

std::string AuditLog::LeafFor(const Store::AuditRow& row) const {
  std::string commitment = audit::Commitment(row.salt, audit::PrivateDetails(row.event));
  std::string case_hmac =
      row.event.case_number.empty() ? "" : DigestHex(HmacSha256(case_key_, row.event.case_number));
  return audit::EncodeLeaf(row.event, commitment, case_hmac);
}

audit::TileFetcher AuditLog::LocalFetcher() {
  return [this](const std::string& path) -> StatusOr<std::string> {
    if (path == "checkpoint") {
      CANVASS_ASSIGN_OR_RETURN(auto cp, Latest());
      return cp.note;
    }
    return FetchStored(path);
  };
}

StatusOr<std::string> AuditLog::FetchStored(const std::string& path) {
  CANVASS_ASSIGN_OR_RETURN(audit::ParsedTilePath p, audit::ParseTilePath(path));
  return ReadTile(p);
}

StatusOr<std::string> AuditLog::ReadTile(const audit::ParsedTilePath& p) {
  const size_t width = p.partial_width == 0 ? audit::kTileWidth : p.partial_width;
  if (p.entries) {
    const int64_t first = static_cast<int64_t>(p.index) * audit::kTileWidth;
    CANVASS_ASSIGN_OR_RETURN(auto rows, store_->ReadAuditRows(first, static_cast<int>(width)));
    std::vector<std::string> entries;
    for (const auto& r : rows) {
      if (r.leaf.empty()) break;  // not integrated yet
      entries.push_back(r.leaf);
    }
    if (entries.size() < width) return NotFoundError("no such entry bundle yet");
    return audit::EncodeEntryBundle(entries);
  }
  auto data = store_->ReadAuditTile(p.level, static_cast<int64_t>(p.index));
  if (!data.ok()) return data.status();
  if (data->size() < width * kHashBytes) return NotFoundError("no such tile yet");
  if (p.partial_width == 0 && data->size() != audit::kFullTileBytes) {
    return NotFoundError("tile is not full yet");
  }
  return data->substr(0, width * kHashBytes);
}

Status AuditLog::Init() {
  auto latest = store_->LatestAuditCheckpoint();
  if (!latest.ok() && latest.status().code() != Code::kNotFound) return latest.status();
  std::lock_guard lock(mu_);
  have_checkpoint_ = latest.ok();
  if (latest.ok()) {
    audit::TileNodeReader reader(static_cast<uint64_t>(latest->size),
                                 [this](const std::string& path) { return FetchStored(path); });
    CANVASS_ASSIGN_OR_RETURN(
        range_,
        audit::CompactRange::FromNodes(static_cast<uint64_t>(latest->size), reader.AsNodeReader()));
    if (HashBytes(range_.Root()) != latest->root) {
      return DataLossError("the stored audit tiles do not reproduce the root of checkpoint " +
                           std::to_string(latest->size) + "; run `canvass check`");
    }
  }
  return IntegrateLocked().status();
}

StatusOr<int64_t> AuditLog::Integrate() {
  std::lock_guard lock(mu_);
  return IntegrateLocked();
}

StatusOr<int64_t> AuditLog::IntegrateLocked() {
  const int64_t first = static_cast<int64_t>(range_.size());
  audit::CompactRange next = range_;
  Store::AuditIntegration in;
  in.first = first;
  std::map<std::pair<int, uint64_t>, std::string> tiles;  // tiles this batch touches
  Status visit_status;
  auto visit = [&](int level, uint64_t index, const audit::Hash& hash) {
    auto slot = audit::TileSlotForNode(level, index);
    if (!slot) return;
    auto key = std::make_pair(slot->tile_level, slot->tile_index);
    auto it = tiles.find(key);
    if (it == tiles.end()) {
      auto stored = store_->ReadAuditTile(slot->tile_level, static_cast<int64_t>(slot->tile_index));
      std::string data = stored.ok() ? *stored : std::string();
      if (!stored.ok() && stored.status().code() != Code::kNotFound) visit_status = stored.status();
      it = tiles.emplace(key, std::move(data)).first;
    }
    if (it->second.size() != static_cast<size_t>(slot->position) * kHashBytes) {
      visit_status = DataLossError("audit tile " + std::to_string(slot->tile_level) + "/" +
                                   std::to_string(slot->tile_index) + " has " +
                                   std::to_string(it->second.size() / kHashBytes) +
                                   " hashes, expected " + std::to_string(slot->position));
      return;
    }
    it->second.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  };
  for (;;) {
    CANVASS_ASSIGN_OR_RETURN(
        auto rows,
        store_->ReadAuditRows(first + static_cast<int64_t>(in.leaves.size()), kRowsPerRead));
    for (const auto& row : rows) {
      std::string leaf = LeafFor(row);
      CANVASS_RETURN_IF_ERROR(next.Append(audit::LeafHash(leaf), visit));
      CANVASS_RETURN_IF_ERROR(visit_status);
      in.leaves.push_back(std::move(leaf));
    }
    if (rows.size() < static_cast<size_t>(kRowsPerRead)) break;
  }
  if (in.leaves.empty() && have_checkpoint_) return first;

  for (auto& [key, data] : tiles) {
    in.tiles.push_back({key.first, static_cast<int64_t>(key.second), std::move(data)});
  }
  audit::Checkpoint cp;
  cp.origin = origin_;
  cp.size = next.size();
  cp.root = next.Root();
  CANVASS_ASSIGN_OR_RETURN(std::string body, audit::FormatCheckpoint(cp));
  CANVASS_ASSIGN_OR_RETURN(std::string note, audit::SignNote(body, signer_));
  in.checkpoint = {static_cast<int64_t>(cp.size), HashBytes(cp.root), note, clock_->NowMicros()};
  CANVASS_RETURN_IF_ERROR(store_->CommitAuditIntegration(in));
  range_ = next;
  have_checkpoint_ = true;
  return static_cast<int64_t>(range_.size());
}

StatusOr<Store::AuditCheckpoint> AuditLog::Latest() { return store_->LatestAuditCheckpoint(); }

StatusOr<std::vector<audit::Hash>> AuditLog::WithReader(
    uint64_t size,
    const std::function<StatusOr<std::vector<audit::Hash>>(const audit::NodeReader&)>& fn) {
  // One long-lived reader: its tile cache stays warm across requests (full tiles never change).
  std::lock_guard lock(reader_mu_);
  if (!reader_) {
    reader_.emplace(size, [this](const std::string& path) { return FetchStored(path); });
  }
  reader_->set_tree_size(size);
  return fn(reader_->AsNodeReader());
}

StatusOr<std::vector<audit::Hash>> AuditLog::InclusionProof(uint64_t index, uint64_t size) {
  CANVASS_ASSIGN_OR_RETURN(auto latest, store_->LatestAuditCheckpoint());
  if (size == 0 || size > static_cast<uint64_t>(latest.size) || index >= size) {
    return InvalidArgumentError("need index < size <= " + std::to_string(latest.size) +
                                " (the latest checkpoint)");
  }
  return WithReader(size, [&](const audit::NodeReader& read) {
    return audit::InclusionProof(index, size, read);
  });
}

StatusOr<std::vector<audit::Hash>> AuditLog::ConsistencyProof(uint64_t old_size,
                                                              uint64_t new_size) {
  CANVASS_ASSIGN_OR_RETURN(auto latest, store_->LatestAuditCheckpoint());
  if (old_size > new_size || new_size > static_cast<uint64_t>(latest.size)) {
    return InvalidArgumentError("need from <= to <= " + std::to_string(latest.size) +
                                " (the latest checkpoint)");
  }
  return WithReader(new_size, [&](const audit::NodeReader& read) {
    return audit::ConsistencyProof(old_size, new_size, read);
  });
}

StatusOr<Store::AuditRow> AuditLog::OpenLeaf(const Principal& actor, int64_t index) {
  if (!actor.HasRole(Role::kAuditor) && !actor.HasRole(Role::kLegal)) {
    return PermissionDeniedError("only auditors and legal staff open audit leaves");
  }
  CANVASS_ASSIGN_OR_RETURN(auto rows, store_->ReadAuditRows(index, 1));
  if (rows.empty() || rows[0].index != index) {
    return NotFoundError("no audit leaf " + std::to_string(index));
  }
  AuditEvent ev = MakeAuditEvent(actor, *clock_, "audit.open", "leaf", std::to_string(index));
  CANVASS_RETURN_IF_ERROR(store_->RecordAccess(ev));
  return rows[0];
}

StatusOr<audit::Signer> LoadOrCreateSigner(FileSystem* fs, const std::string& path,
                                           const std::string& origin, Random& random) {
  if (fs->Exists(path)) {
    CANVASS_ASSIGN_OR_RETURN(std::string text, fs->ReadFile(path));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    CANVASS_ASSIGN_OR_RETURN(audit::Signer signer, audit::Signer::Parse(text));
    if (!origin.empty() && signer.name() != origin) {
      return FailedPreconditionError(
          "the audit log's signing key " + path + " is for origin '" + signer.name() +
          "' but deployment.name is '" + origin +
          "'; a log's origin never changes (restore the name, or start a new data directory)");
    }
    return signer;
  }
  CANVASS_ASSIGN_OR_RETURN(
      audit::Signer signer,
      audit::Signer::Generate(origin.empty() ? "canvass.local" : origin, random));
  CANVASS_RETURN_IF_ERROR(fs->CreateDirs(DirName(path)));
  CANVASS_RETURN_IF_ERROR(fs->WriteFileAtomic(path, signer.ToString() + "\n"));
  return signer;
}

}  // namespace canvass
