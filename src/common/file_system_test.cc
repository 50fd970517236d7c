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

TEST(PathHelpers, JoinAndDirName) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(DirName("a/b/c"), "a/b");
  EXPECT_EQ(DirName("c"), ".");
}

}  // namespace
}  // namespace canvass
