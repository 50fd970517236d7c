#include "requests/evidence_locker.h"

#include <set>

#include "common/sha256.h"

namespace canvass::requests {

EvidenceLocker::EvidenceLocker(FileSystem* fs, Random* random, const media::MasterKey& master_key,
                               std::string data_dir)
    : fs_(fs), random_(random), master_key_(master_key), data_dir_(std::move(data_dir)) {}

Status EvidenceLocker::Init() {
  CANVASS_RETURN_IF_ERROR(fs_->CreateDirs(data_dir_ + "/evidence"));
  CANVASS_RETURN_IF_ERROR(fs_->CreateDirs(ScratchDir()));
  // Scratch files are plaintext of a redaction that did not finish: never keep them.
  CANVASS_ASSIGN_OR_RETURN(auto leftovers, fs_->ListFilesRecursive(ScratchDir()));
  for (const auto& f : leftovers) fs_->RemoveFile(ScratchDir() + "/" + f).IgnoreError();
  return OkStatus();
}

std::string EvidenceLocker::PathOf(const std::string& blob_name) const {
  return data_dir_ + "/evidence/" + blob_name;
}

Status EvidenceLocker::Store(std::string_view plaintext, EvidenceItem* item) {
  if (plaintext.empty()) return InvalidArgumentError("an evidence item cannot be empty");
  media::ClipKey key = media::NewClipKey(*random_);
  item->content_sha256 = Sha256Hex(plaintext);
  item->size_bytes = static_cast<int64_t>(plaintext.size());
  item->wrapped_key = media::WrapKey(master_key_, key, item->id, *random_);
  item->blob_name = item->id.substr(4, 2) + "/" + item->id;
  const std::string path = PathOf(item->blob_name);
  const std::string dir = path.substr(0, path.rfind('/'));
  CANVASS_RETURN_IF_ERROR(fs_->CreateDirs(dir));
  CANVASS_ASSIGN_OR_RETURN(auto file, fs_->NewWritableFile(path + ".tmp"));
  media::SegmentWriter writer(key, item->size_bytes, 0, file.get());
  Status s = writer.Append(plaintext);
  if (s.ok()) s = file->Sync();
  if (s.ok()) s = file->Close();
  if (s.ok()) s = fs_->Rename(path + ".tmp", path);
  if (s.ok()) s = fs_->SyncDir(dir);
  if (!s.ok()) {
    fs_->RemoveFile(path + ".tmp").IgnoreError();
    return s.WithContext("storing evidence item " + item->id);
  }
  return OkStatus();
}

void EvidenceLocker::Discard(const EvidenceItem& item) {
  if (!item.blob_name.empty()) fs_->RemoveFile(PathOf(item.blob_name)).IgnoreError();
}

StatusOr<std::unique_ptr<media::ClipReader>> EvidenceLocker::Open(const EvidenceItem& item) const {
  CANVASS_ASSIGN_OR_RETURN(media::ClipKey key,
                           media::UnwrapKey(master_key_, item.wrapped_key, item.id));
  CANVASS_ASSIGN_OR_RETURN(auto file, fs_->OpenRandomAccess(PathOf(item.blob_name)));
  return media::ClipReader::Open(std::move(file), key, item.size_bytes);
}

StatusOr<std::string> EvidenceLocker::ReadAll(const EvidenceItem& item) const {
  CANVASS_ASSIGN_OR_RETURN(auto reader, Open(item));
  CANVASS_ASSIGN_OR_RETURN(std::string out,
                           reader->ReadAt(0, static_cast<size_t>(item.size_bytes)));
  if (Sha256Hex(out) != item.content_sha256) {
    return DataLossError("evidence item " + item.id + " does not match its recorded SHA-256");
  }
  return out;
}

StatusOr<EvidenceLocker::CheckReport> EvidenceLocker::Check(canvass::Store& store,
                                                            bool repair) const {
  CheckReport report;
  std::set<std::string> known;
  CANVASS_RETURN_IF_ERROR(store.ForEachEvidence([&](const EvidenceItem& item) {
    known.insert(item.blob_name);
    auto bytes = ReadAll(item);
    if (bytes.ok()) {
      ++report.items_checked;
      report.bytes_checked += item.size_bytes;
    } else {
      report.problems.push_back("evidence item " + item.id + ": " + bytes.status().message());
    }
    return OkStatus();
  }));
  CANVASS_ASSIGN_OR_RETURN(auto files, fs_->ListFilesRecursive(data_dir_ + "/evidence"));
  for (const auto& f : files) {
    if (known.count(f)) continue;
    if (repair && fs_->RemoveFile(PathOf(f)).ok()) {
      ++report.orphans_removed;
    } else {
      report.problems.push_back("orphan evidence file evidence/" + f);
    }
  }
  return report;
}

}  // namespace canvass::requests
