#include "testing/fault_file_system.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace canvass::testing {

class FaultInjectingFileSystem::File final : public WritableFile {
 public:
  File(FaultInjectingFileSystem* fs, std::unique_ptr<WritableFile> base)
      : fs_(fs), base_(std::move(base)) {}
  Status Append(std::string_view data) override {
    int64_t budget = fs_->append_budget_.load();
    if (budget >= 0 && static_cast<int64_t>(data.size()) > budget) {
      CANVASS_RETURN_IF_ERROR(base_->Append(data.substr(0, static_cast<size_t>(budget))));
      fs_->append_budget_ = 0;
      return InternalError("injected write failure");
    }
    if (budget >= 0) fs_->append_budget_ -= static_cast<int64_t>(data.size());
    return base_->Append(data);
  }
  Status Sync() override {
    if (fs_->fail_sync_.exchange(false)) return InternalError("injected fsync failure");
    return base_->Sync();
  }
  Status Close() override { return base_->Close(); }

 private:
  FaultInjectingFileSystem* fs_;
  std::unique_ptr<WritableFile> base_;
};

StatusOr<std::unique_ptr<WritableFile>> FaultInjectingFileSystem::Wrap(
    StatusOr<std::unique_ptr<WritableFile>> f) {
  if (!f.ok()) return f.status();
  return std::unique_ptr<WritableFile>(new File(this, std::move(f).value()));
}

StatusOr<std::unique_ptr<WritableFile>> FaultInjectingFileSystem::NewWritableFile(
    const std::string& path) {
  return Wrap(base_->NewWritableFile(path));
}

StatusOr<std::unique_ptr<WritableFile>> FaultInjectingFileSystem::OpenAppendable(
    const std::string& path) {
  return Wrap(base_->OpenAppendable(path));
}

Status FaultInjectingFileSystem::Rename(const std::string& a, const std::string& b) {
  if (fail_rename_) return InternalError("injected rename failure");
  return base_->Rename(a, b);
}

std::string FreshTestDir(const std::string& suffix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string dir = ::testing::TempDir() + "/canvass_" + info->test_suite_name() + "_" +
                    info->name() + suffix;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace canvass::testing
