#include "store/sqlite/migrations.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_store.h"

namespace canvass::sqlite {
namespace {

TEST(SqliteMigrations, NumberedFromOneWithoutGaps) {
  const auto& all = Migrations();
  ASSERT_FALSE(all.empty());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].version, static_cast<int>(i) + 1);
}

TEST(SqliteMigrations, RefusesADatabaseFromANewerVersion) {
  std::string path = ::testing::TempDir() + "/newer.db";
  std::filesystem::remove(path);
  {
    auto conn = Connection::Open(path, false);
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)->Exec("PRAGMA user_version = 999").ok());
  }
  auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("newer Canvass"), std::string::npos);
}

TEST(SqliteMigrations, OpeningTwiceIsANoOp) {
  std::string path = ::testing::TempDir() + "/twice.db";
  std::filesystem::remove(path);
  ASSERT_TRUE(SqliteStore::Open(path).ok());
  auto again = SqliteStore::Open(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*(*again)->SchemaVersion(), Migrations().back().version);
}

TEST(SqliteConnection, NotADatabaseIsDataLoss) {
  std::string path = ::testing::TempDir() + "/garbage.db";
  FILE* f = std::fopen(path.c_str(), "wb");
  std::string junk(4096, 'x');
  std::fwrite(junk.data(), 1, junk.size(), f);
  std::fclose(f);
  auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kDataLoss) << store.status().ToString();
}

}  // namespace
}  // namespace canvass::sqlite
