#include "common/file_system.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace canvass {
namespace {

TEST(PosixFileSystem, AtomicWriteListAndRemove) {
  FileSystem* fs = FileSystem::Posix();
  std::string dir = ::testing::TempDir() + "/fs_test";
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(fs->CreateDirs(dir + "/a/b").ok());
  ASSERT_TRUE(fs->WriteFileAtomic(dir + "/a/b/f", "hello").ok());
  EXPECT_FALSE(fs->Exists(dir + "/a/b/f.tmp"));
  EXPECT_EQ(*fs->ReadFile(dir + "/a/b/f"), "hello");
  EXPECT_EQ(*fs->FileSize(dir + "/a/b/f"), 5);
  auto files = fs->ListFilesRecursive(dir);
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(*files, std::vector<std::string>{"a/b/f"});
  auto f = fs->OpenRandomAccess(dir + "/a/b/f");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*(*f)->ReadAt(1, 3), "ell");
  EXPECT_EQ(*(*f)->ReadAt(4, 10), "o");
  ASSERT_TRUE(fs->RemoveFile(dir + "/a/b/f").ok());
  EXPECT_EQ(fs->ReadFile(dir + "/a/b/f").status().code(), Code::kNotFound);
}

// ZeroRange destroys exactly the range asked, keeps the size, and refuses a range past the end.
// Posix punches a hole (or overwrites); the base class's default rewrites the file.
class RewritingFileSystem final : public FileSystem {
 public:
  StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& p) override {
    return base_->NewWritableFile(p);
  }
  StatusOr<std::unique_ptr<WritableFile>> OpenAppendable(const std::string& p) override {
    return base_->OpenAppendable(p);
  }
  StatusOr<std::unique_ptr<RandomAccessFile>> OpenRandomAccess(const std::string& p) override {
    return base_->OpenRandomAccess(p);
  }
  StatusOr<std::string> ReadFile(const std::string& p) override { return base_->ReadFile(p); }
  StatusOr<int64_t> FileSize(const std::string& p) override { return base_->FileSize(p); }
  bool Exists(const std::string& p) override { return base_->Exists(p); }
  Status Truncate(const std::string& p, int64_t n) override { return base_->Truncate(p, n); }
  Status Rename(const std::string& a, const std::string& b) override { return base_->Rename(a, b); }
  Status RemoveFile(const std::string& p) override { return base_->RemoveFile(p); }
  Status CreateDirs(const std::string& p) override { return base_->CreateDirs(p); }
  Status SyncDir(const std::string& p) override { return base_->SyncDir(p); }
  StatusOr<std::vector<std::string>> ListFilesRecursive(const std::string& d) override {
    return base_->ListFilesRecursive(d);
  }

 private:
  FileSystem* base_ = FileSystem::Posix();
};

TEST(FileSystem, ZeroRangeDestroysExactlyTheRange) {
  RewritingFileSystem rewriting;
  for (FileSystem* fs : {FileSystem::Posix(), static_cast<FileSystem*>(&rewriting)}) {
    std::string dir = ::testing::TempDir() + "/fs_zero";
    std::filesystem::remove_all(dir);
    ASSERT_TRUE(fs->CreateDirs(dir).ok());
    const std::string path = dir + "/pack";
    std::string data(3 * 4096, 'a');
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 26);
    ASSERT_TRUE(fs->WriteFileAtomic(path, data).ok());
    ASSERT_TRUE(fs->ZeroRange(path, 100, 5000).ok());  // not block-aligned at either end
    std::string after = *fs->ReadFile(path);
    ASSERT_EQ(after.size(), data.size());
    EXPECT_EQ(after.substr(0, 100), data.substr(0, 100));
    EXPECT_EQ(after.substr(100, 5000), std::string(5000, '\0'));
    EXPECT_EQ(after.substr(5100), data.substr(5100));
    EXPECT_EQ(fs->ZeroRange(path, 12000, 1000).code(), Code::kInvalidArgument);
  }
}

TEST(PathHelpers, JoinAndDirName) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(DirName("a/b/c"), "a/b");
  EXPECT_EQ(DirName("c"), ".");
}

}  // namespace
}  // namespace canvass
