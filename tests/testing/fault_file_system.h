// FaultInjectingFileSystem: the real file system, except that chosen operations fail. For
// tests that prove an interrupted operation leaves nothing half-written.
#pragma once

#include <atomic>
#include <string>

#include "common/file_system.h"

namespace canvass::testing {

class FaultInjectingFileSystem final : public FileSystem {
 public:
  explicit FaultInjectingFileSystem(FileSystem* base) : base_(base) {}

  // After `bytes` more bytes have been appended (to any file), appends write only what fits and
  // then fail with an I/O error, like a disk that fills or a process killed mid-write.
  void FailAppendsAfter(int64_t bytes) { append_budget_ = bytes; }
  void FailNextSync() { fail_sync_ = true; }
  void FailRenames(bool fail) { fail_rename_ = fail; }
  void Heal() {
    append_budget_ = -1;
    fail_sync_ = false;
    fail_rename_ = false;
  }

  StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  StatusOr<std::unique_ptr<WritableFile>> OpenAppendable(const std::string& path) override;
  StatusOr<std::unique_ptr<RandomAccessFile>> OpenRandomAccess(const std::string& p) override {
    return base_->OpenRandomAccess(p);
  }
  StatusOr<std::string> ReadFile(const std::string& p) override { return base_->ReadFile(p); }
  StatusOr<int64_t> FileSize(const std::string& p) override { return base_->FileSize(p); }
  bool Exists(const std::string& p) override { return base_->Exists(p); }
  Status Truncate(const std::string& p, int64_t n) override { return base_->Truncate(p, n); }
  Status Rename(const std::string& a, const std::string& b) override;
  Status RemoveFile(const std::string& p) override { return base_->RemoveFile(p); }
  Status CreateDirs(const std::string& p) override { return base_->CreateDirs(p); }
  Status SyncDir(const std::string& p) override { return base_->SyncDir(p); }
  StatusOr<std::vector<std::string>> ListFilesRecursive(const std::string& d) override {
    return base_->ListFilesRecursive(d);
  }

 private:
  class File;
  StatusOr<std::unique_ptr<WritableFile>> Wrap(StatusOr<std::unique_ptr<WritableFile>> f);

  FileSystem* base_;
  std::atomic<int64_t> append_budget_{-1};
  std::atomic<bool> fail_sync_{false};
  std::atomic<bool> fail_rename_{false};
};

// A fresh empty directory under the test temp dir, named after the running test.
std::string FreshTestDir(const std::string& suffix = "");

}  // namespace canvass::testing
