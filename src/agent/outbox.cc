#include "agent/outbox.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <cinttypes>
#include <cstdio>
#include <set>
#include <utility>

#include "common/sha256.h"
#include "common/time_format.h"
#include "media/remux.h"

namespace canvass::agent {
namespace json = boost::json;
namespace {

std::string SeqName(int64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%012" PRId64, seq);
  return buf;
}

// "000000000012.json" -> 12; -1 when the name is not ours.
int64_t SeqOf(const std::string& name) {
  if (name.size() < 13 || name[12] != '.') return -1;
  int64_t v = 0;
  for (int i = 0; i < 12; ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
    v = v * 10 + (name[i] - '0');
  }
  return v;
}

OutboxKind KindFrom(std::string_view s) {
  return s == "motion" ? OutboxKind::kMotion : s == "plates" ? OutboxKind::kPlates
                                                             : OutboxKind::kClip;
}

std::string Serialize(const OutboxItem& i) {
  json::object o{{"seq", i.seq},         {"kind", OutboxKindName(i.kind)},
                 {"camera", i.camera},   {"body", i.body},
                 {"payload", i.payload}, {"sha256", i.sha256},
                 {"size_bytes", i.size_bytes}, {"started_at_us", i.started_at_us},
                 {"ended_at_us", i.ended_at_us}, {"e2ee", i.e2ee},
                 {"sealed", i.sealed}};
  return json::serialize(o) + "\n";
}

// `read` takes the fields out of the JSON object in `text`; text that is not a JSON object, or a
// field missing or of the wrong type, is DataLoss naming `what`.
template <typename F>
auto FromJsonObject(const std::string& text, const std::string& what, F read)
    -> StatusOr<decltype(read(std::declval<const json::object&>()))> {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return DataLossError(what + " is not a JSON object");
  try {
    return read(v.as_object());
  } catch (const std::exception& e) {
    return DataLossError(what + " is malformed: " + e.what());
  }
}

StatusOr<OutboxItem> Parse(const std::string& text) {
  return FromJsonObject(text, "outbox item", [](const json::object& o) {
    OutboxItem i;
    i.seq = o.at("seq").to_number<int64_t>();
    i.kind = KindFrom(o.at("kind").as_string());
    i.camera = o.at("camera").as_string();
    i.body = o.at("body").as_string();
    i.payload = o.at("payload").as_string();
    i.sha256 = o.at("sha256").as_string();
    i.size_bytes = o.at("size_bytes").to_number<int64_t>();
    i.started_at_us = o.at("started_at_us").to_number<int64_t>();
    i.ended_at_us = o.at("ended_at_us").to_number<int64_t>();
    i.e2ee = o.at("e2ee").as_bool();
    i.sealed = o.at("sealed").as_bool();
    return i;
  });
}

// What NoteRecording wrote beside a recording.
struct RecordingNote {
  std::string camera;
  int64_t started_at_us = 0;
  bool e2ee = false;
};

StatusOr<RecordingNote> ParseRecordingNote(const std::string& text) {
  return FromJsonObject(text, "recording note", [](const json::object& o) {
    return RecordingNote{std::string(o.at("camera").as_string()),
                         o.at("started_at_us").to_number<int64_t>(), o.at("e2ee").as_bool()};
  });
}

}  // namespace

std::string OutboxKindName(OutboxKind kind) {
  switch (kind) {
    case OutboxKind::kMotion: return "motion";
    case OutboxKind::kPlates: return "plates";
    case OutboxKind::kClip: return "clip";
  }
  return "clip";
}

std::string Outbox::Path(const std::string& subdir, const std::string& name) const {
  return JoinPath(JoinPath(dir_, subdir), name);
}

StatusOr<std::unique_ptr<Outbox>> Outbox::Open(FileSystem* fs, const std::string& dir,
                                               int64_t quota_bytes) {
  std::unique_ptr<Outbox> box(new Outbox(fs, dir, quota_bytes));
  for (const char* sub : {"queue", "sent", "failed", "tmp"}) {
    CANVASS_RETURN_IF_ERROR(fs->CreateDirs(JoinPath(dir, sub)));
  }
  CANVASS_RETURN_IF_ERROR(box->Load());
  return box;
}

Status Outbox::Load() {
  for (const char* sub : {"sent", "failed"}) {
    CANVASS_ASSIGN_OR_RETURN(auto files, fs_->ListFilesRecursive(JoinPath(dir_, sub)));
    for (const auto& f : files) {
      const int64_t seq = SeqOf(f);
      if (seq < 0) continue;
      Kept& k = kept_[seq];
      k.subdir = sub;
      k.seq = seq;
      k.files.push_back(f);
      auto size = fs_->FileSize(Path(sub, f));
      k.bytes += size.ok() ? *size : 0;
      next_seq_ = std::max(next_seq_, seq + 1);
    }
  }
  CANVASS_ASSIGN_OR_RETURN(auto files, fs_->ListFilesRecursive(JoinPath(dir_, "queue")));
  std::set<std::string> named;
  for (const auto& f : files) {
    const int64_t seq = SeqOf(f);
    if (seq < 0 || !f.ends_with(".json")) continue;
    next_seq_ = std::max(next_seq_, seq + 1);
    auto text = fs_->ReadFile(Path("queue", f));
    if (!text.ok()) return text.status();
    auto item = Parse(*text);
    if (!item.ok() || item->seq != seq) {
      spdlog::error("outbox: {} is damaged ({}); moving it to failed/", f,
                    item.ok() ? "wrong seq" : item.status().message());
      CANVASS_RETURN_IF_ERROR(fs_->Rename(Path("queue", f), Path("failed", f)));
      continue;
    }
    if (item->kind == OutboxKind::kClip && !fs_->Exists(Path("queue", item->payload))) {
      spdlog::error("outbox: the clip of item {} is missing; dropping it", seq);
      CANVASS_RETURN_IF_ERROR(fs_->Rename(Path("queue", f), Path("failed", f)));
      continue;
    }
    if (item->kind == OutboxKind::kClip) named.insert(item->payload);
    queue_[seq] = *item;
  }
  for (const auto& f : files) {  // payloads no pending item names
    if (f.ends_with(".json") || named.count(f)) continue;
    const int64_t seq = SeqOf(f);
    if (seq >= 0 && kept_.count(seq)) {  // a crash in the middle of Complete
      CANVASS_RETURN_IF_ERROR(fs_->Rename(Path("queue", f), Path(kept_[seq].subdir, f)));
      kept_[seq].files.push_back(f);
      continue;
    }
    fs_->RemoveFile(Path("queue", f)).IgnoreError();
  }
  for (const auto& [seq, k] : kept_) used_bytes_ += k.bytes;
  for (const auto& [seq, i] : queue_) used_bytes_ += i.size_bytes;
  CANVASS_RETURN_IF_ERROR(fs_->SyncDir(JoinPath(dir_, "queue")));
  return RecoverRecordings();
}

Status Outbox::NoteRecording(const std::string& file, const std::string& camera,
                             int64_t started_at_us, bool e2ee) {
  json::object o{{"camera", camera}, {"started_at_us", started_at_us}, {"e2ee", e2ee}};
  return fs_->WriteFileAtomic(file + ".json", json::serialize(o));
}

Status Outbox::RecoverRecordings() {
  CANVASS_ASSIGN_OR_RETURN(auto tmp, fs_->ListFilesRecursive(JoinPath(dir_, "tmp")));
  for (const auto& f : tmp) {
    if (!f.ends_with(".mp4.json")) continue;
    const std::string note = Path("tmp", f);
    const std::string recording = note.substr(0, note.size() - 5);
    if (!fs_->Exists(recording)) continue;  // its first packet never reached the disk
    auto text = fs_->ReadFile(note);
    auto parsed = text.ok() ? ParseRecordingNote(*text) : StatusOr<RecordingNote>(text.status());
    if (!parsed.ok()) {
      spdlog::error("outbox: the note of the interrupted recording {} is damaged ({}); it is lost",
                    f, parsed.status().message());
      continue;
    }
    const auto& [camera, started_at_us, e2ee] = *parsed;
    const std::string whole = recording + ".recovered.mp4";
    auto remuxed = media::RemuxToMp4(recording, whole);
    if (!remuxed.ok()) {
      spdlog::error("outbox: camera '{}': the recording interrupted by a crash holds nothing "
                    "readable ({}); it is lost", camera, remuxed.status().message());
      continue;
    }
    auto seq = EnqueueClip(camera, whole, started_at_us, started_at_us + remuxed->duration_us, e2ee);
    if (!seq.ok()) {
      spdlog::error("outbox: camera '{}': cannot queue the recovered recording: {}", camera,
                    seq.status().message());
      continue;
    }
    spdlog::warn("outbox: camera '{}': recovered the recording a crash interrupted, {} to {} "
                 "({} ms), as clip {}", camera, FormatRfc3339(started_at_us),
                 FormatRfc3339(started_at_us + remuxed->duration_us), remuxed->duration_us / 1000,
                 *seq);
  }
  CANVASS_ASSIGN_OR_RETURN(auto left, fs_->ListFilesRecursive(JoinPath(dir_, "tmp")));
  for (const auto& f : left) fs_->RemoveFile(Path("tmp", f)).IgnoreError();
  return OkStatus();
}

std::string Outbox::TempPath(const std::string& suffix) {
  std::lock_guard lock(mu_);
  return Path("tmp", "rec-" + std::to_string(++next_tmp_) + suffix);
}

Status Outbox::WriteMetaLocked(const std::string& subdir, const OutboxItem& item) {
  return fs_->WriteFileAtomic(Path(subdir, SeqName(item.seq) + ".json"), Serialize(item));
}

Status Outbox::MakeRoomLocked(int64_t bytes) {
  while (used_bytes_ + bytes > quota_bytes_) {
    // failed/ first, then sent/, oldest first.
    auto victim = kept_.end();
    for (auto it = kept_.begin(); it != kept_.end(); ++it) {
      if (it->second.subdir == "failed") {
        victim = it;
        break;
      }
    }
    if (victim == kept_.end()) victim = kept_.begin();
    if (victim == kept_.end()) {
      return ResourceExhaustedError(
          "the outbox is full of clips not yet uploaded (agent.quota_bytes = " +
          std::to_string(quota_bytes_) + "); the new clip is dropped");
    }
    for (const auto& f : victim->second.files) {
      CANVASS_RETURN_IF_ERROR(fs_->RemoveFile(Path(victim->second.subdir, f)));
    }
    used_bytes_ -= victim->second.bytes;
    kept_.erase(victim);
  }
  return OkStatus();
}

StatusOr<int64_t> Outbox::EnqueueClip(const std::string& camera, const std::string& file,
                                      int64_t started_at_us, int64_t ended_at_us, bool e2ee) {
  CANVASS_ASSIGN_OR_RETURN(std::string bytes, fs_->ReadFile(file));
  {  // The recording's bytes must be durable before the rename makes them part of the queue.
    CANVASS_ASSIGN_OR_RETURN(auto f, fs_->OpenAppendable(file));
    CANVASS_RETURN_IF_ERROR(f->Sync());
    CANVASS_RETURN_IF_ERROR(f->Close());
  }
  std::lock_guard lock(mu_);
  Status room = MakeRoomLocked(static_cast<int64_t>(bytes.size()));
  if (!room.ok()) {
    fs_->RemoveFile(file).IgnoreError();
    return room;
  }
  OutboxItem item;
  item.seq = next_seq_++;
  item.kind = OutboxKind::kClip;
  item.camera = camera;
  item.payload = SeqName(item.seq) + ".mp4";
  item.sha256 = Sha256Hex(bytes);
  item.size_bytes = static_cast<int64_t>(bytes.size());
  item.started_at_us = started_at_us;
  item.ended_at_us = ended_at_us;
  item.e2ee = e2ee;
  CANVASS_RETURN_IF_ERROR(fs_->Rename(file, Path("queue", item.payload)));
  fs_->RemoveFile(file + ".json").IgnoreError();  // its recording note, if it was noted
  CANVASS_RETURN_IF_ERROR(WriteMetaLocked("queue", item));  // syncs queue/ too
  queue_[item.seq] = item;
  used_bytes_ += item.size_bytes;
  return item.seq;
}

StatusOr<int64_t> Outbox::EnqueueMessage(OutboxKind kind, const std::string& camera,
                                         const std::string& json_body) {
  std::lock_guard lock(mu_);
  OutboxItem item;
  item.seq = next_seq_++;
  item.kind = kind;
  item.camera = camera;
  item.body = json_body;
  CANVASS_RETURN_IF_ERROR(WriteMetaLocked("queue", item));
  queue_[item.seq] = item;
  return item.seq;
}

std::optional<OutboxItem> Outbox::Next(const std::vector<std::string>& skip) {
  std::lock_guard lock(mu_);
  const OutboxItem* best = nullptr;
  for (const auto& [seq, item] : queue_) {
    if (std::find(skip.begin(), skip.end(), item.camera) != skip.end()) continue;
    if (best == nullptr || item.kind < best->kind) best = &item;
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

std::string Outbox::PayloadPath(const OutboxItem& item) const {
  return Path("queue", item.payload);
}

StatusOr<std::string> Outbox::ReadPayload(const OutboxItem& item) const {
  return fs_->ReadFile(PayloadPath(item));
}

Status Outbox::StoreSealed(const OutboxItem& item, const std::string& sealed) {
  std::lock_guard lock(mu_);
  auto it = queue_.find(item.seq);
  if (it == queue_.end()) return NotFoundError("outbox item " + std::to_string(item.seq) + " is gone");
  OutboxItem next = it->second;
  next.payload = SeqName(item.seq) + ".sealed";
  next.sha256 = Sha256Hex(sealed);
  next.size_bytes = static_cast<int64_t>(sealed.size());
  next.sealed = true;
  CANVASS_RETURN_IF_ERROR(fs_->WriteFileAtomic(Path("queue", next.payload), sealed));
  CANVASS_RETURN_IF_ERROR(WriteMetaLocked("queue", next));
  // The plaintext is no longer named by any item; removing it is best effort (Open would).
  fs_->RemoveFile(Path("queue", it->second.payload)).IgnoreError();
  used_bytes_ += next.size_bytes - it->second.size_bytes;
  next.attempts = it->second.attempts;
  it->second = next;
  return OkStatus();
}

void Outbox::NoteAttempt(int64_t seq) {
  std::lock_guard lock(mu_);
  auto it = queue_.find(seq);
  if (it != queue_.end()) ++it->second.attempts;
}

Status Outbox::Complete(const OutboxItem& item) {
  std::lock_guard lock(mu_);
  auto it = queue_.find(item.seq);
  if (it == queue_.end()) return NotFoundError("outbox item " + std::to_string(item.seq) + " is gone");
  const OutboxItem current = it->second;
  const std::string meta = SeqName(item.seq) + ".json";
  if (current.kind != OutboxKind::kClip) {
    CANVASS_RETURN_IF_ERROR(fs_->RemoveFile(Path("queue", meta)));
    queue_.erase(it);
    return fs_->SyncDir(JoinPath(dir_, "queue"));
  }
  // Metadata first: a crash after it leaves a payload that Load moves to sent/ as well.
  CANVASS_RETURN_IF_ERROR(fs_->Rename(Path("queue", meta), Path("sent", meta)));
  CANVASS_RETURN_IF_ERROR(fs_->Rename(Path("queue", current.payload), Path("sent", current.payload)));
  CANVASS_RETURN_IF_ERROR(fs_->SyncDir(JoinPath(dir_, "sent")));
  CANVASS_RETURN_IF_ERROR(fs_->SyncDir(JoinPath(dir_, "queue")));
  Kept& k = kept_[item.seq];
  k.subdir = "sent";
  k.seq = item.seq;
  k.files = {meta, current.payload};
  k.bytes = current.size_bytes;
  queue_.erase(it);
  return OkStatus();
}

Status Outbox::Fail(const OutboxItem& item, const std::string& reason) {
  std::lock_guard lock(mu_);
  auto it = queue_.find(item.seq);
  if (it == queue_.end()) return NotFoundError("outbox item " + std::to_string(item.seq) + " is gone");
  const OutboxItem current = it->second;
  const std::string meta = SeqName(item.seq) + ".json";
  spdlog::error("outbox: the server refused {} {} of camera '{}' for good: {}",
                OutboxKindName(current.kind), item.seq, current.camera, reason);
  CANVASS_RETURN_IF_ERROR(fs_->Rename(Path("queue", meta), Path("failed", meta)));
  Kept& k = kept_[item.seq];
  k.subdir = "failed";
  k.seq = item.seq;
  k.files = {meta};
  if (current.kind == OutboxKind::kClip) {
    CANVASS_RETURN_IF_ERROR(
        fs_->Rename(Path("queue", current.payload), Path("failed", current.payload)));
    k.files.push_back(current.payload);
    k.bytes = current.size_bytes;
  }
  fs_->WriteFileAtomic(Path("failed", SeqName(item.seq) + ".reason"), reason + "\n").IgnoreError();
  k.files.push_back(SeqName(item.seq) + ".reason");
  queue_.erase(it);
  return fs_->SyncDir(JoinPath(dir_, "failed"));
}

size_t Outbox::pending() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

int64_t Outbox::used_bytes() const {
  std::lock_guard lock(mu_);
  return used_bytes_;
}

std::vector<int64_t> Outbox::sent_seqs() const {
  std::lock_guard lock(mu_);
  std::vector<int64_t> out;
  for (const auto& [seq, k] : kept_) {
    if (k.subdir == "sent") out.push_back(seq);
  }
  return out;
}

}  // namespace canvass::agent
