// Layering rules, checked on the sources (tessera-style): lower layers never include upper ones,
// and SQL stays in the SQLite store.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

namespace {

namespace fs = std::filesystem;

std::string SourceDir() {
  const char* env = std::getenv("CANVASS_SOURCE_DIR");
  return env ? env : ".";
}

// Every #include "x/..." in files under src/<dir>.
std::vector<std::pair<std::string, std::string>> Includes(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> out;
  std::regex inc(R"(^\s*#include\s+"([a-z_]+)/)");
  for (const auto& e : fs::recursive_directory_iterator(SourceDir() + "/src/" + dir)) {
    if (!e.is_regular_file() || e.path().string().ends_with("_test.cc")) continue;
    std::ifstream in(e.path());
    std::string line;
    while (std::getline(in, line)) {
      std::smatch m;
      if (std::regex_search(line, m, inc)) out.emplace_back(e.path().string(), m[1]);
    }
  }
  return out;
}

// Which top-level folders each subsystem may include.
const std::map<std::string, std::set<std::string>> kAllowed = {
    {"common", {"common"}},
    {"geo", {"common", "geo"}},
    {"policy", {"common", "geo", "policy"}},
    {"plates", {"common", "geo", "audit", "store", "auth", "events", "policy", "media", "plates"}},
    {"audit", {"common", "audit"}},
    {"events", {"events"}},
    {"media", {"common", "media"}},
    {"evidence", {"common", "evidence"}},
    {"store", {"common", "geo", "audit", "store"}},
    {"auth", {"common", "geo", "audit", "store", "auth"}},
    {"accounts", {"common", "geo", "audit", "store", "auth", "accounts"}},
    {"clips", {"common", "geo", "audit", "store", "auth", "media", "events", "clips"}},
    {"cameras", {"common", "geo", "audit", "store", "auth", "clips", "cameras", "media", "events"}},
    {"requests", {"common", "geo", "audit", "store", "auth", "media", "events", "clips",
                  "cameras", "accounts", "policy", "evidence", "requests"}},
    {"legal", {"common", "geo", "audit", "store", "auth", "media", "events", "clips", "cameras",
               "plates", "policy", "evidence", "retention", "legal"}},
    {"retention", {"common", "geo", "audit", "store", "auth", "media", "events", "clips",
                   "cameras", "plates", "retention"}},
    // agent: the edge agent talks to the server over HTTP only (api/http_client.h); alpr
    // cameras read plates with the recognition engine (agent/engine_recognizer.h)
    {"agent", {"common", "media", "api", "recognize", "agent"}},
    {"report", {"common", "audit", "auditlog", "store", "report"}},
    // recognize: plate recognition sees only common (OpenCV stays inside it)
    {"recognize", {"common", "recognize"}},
};

TEST(Layering, SubsystemsIncludeOnlyTheLayersBelowThem) {
  for (const auto& [dir, allowed] : kAllowed) {
    for (const auto& [file, target] : Includes(dir)) {
      EXPECT_TRUE(allowed.count(target)) << file << " includes " << target << "/";
    }
  }
}

TEST(Layering, OnlyTheStoreAndTheCommandLineTouchSqlite) {
  for (const char* dir : {"api", "accounts", "cameras", "clips", "auth", "media", "agent"}) {
    for (const auto& e : fs::recursive_directory_iterator(SourceDir() + "/src/" + dir)) {
      if (!e.is_regular_file() || e.path().string().ends_with("_test.cc")) continue;
      std::ifstream in(e.path());
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      EXPECT_EQ(text.find("sqlite3"), std::string::npos) << e.path();
      bool is_app = e.path().filename() == "app.cc";  // composition root opens the store
      if (!is_app) {
        EXPECT_EQ(text.find("store/sqlite/"), std::string::npos) << e.path();
      }
    }
  }
}

TEST(Layering, BeastStaysInTheHttpFiles) {
  for (const auto& e : fs::recursive_directory_iterator(SourceDir() + "/src")) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string name = e.path().filename().string();
    if (text.find("boost/beast") != std::string::npos) {
      EXPECT_TRUE(name == "http_server.cc" || name == "http_client.cc") << e.path();
    }
  }
}

}  // namespace
