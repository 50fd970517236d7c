#include "common/toml_table_reader.h"

#include <gtest/gtest.h>

namespace canvass {
namespace {

toml::table Parse(std::string_view text) { return toml::parse(text); }

TEST(TomlTableReader, ReadsEveryTypeAndKeepsDefaultsForAbsentKeys) {
  toml::table t = Parse(R"(s = "x"
b = true
d = 0.5
n = 7
v = ["a", "b"]
)");
  TomlTableReader r(&t, "option", "agent", "docs/x.md");
  std::string s;
  bool b = false;
  double d = 0;
  int n = 0;
  std::vector<std::string> v;
  int absent = 42;
  r.Read("s", &s);
  r.Read("b", &b);
  r.Read("d", &d);
  r.Read("n", &n);
  r.Read("v", &v);
  r.Read("absent", &absent);
  ASSERT_TRUE(r.Finish().ok()) << r.Finish().ToString();
  EXPECT_EQ(s, "x");
  EXPECT_TRUE(b);
  EXPECT_EQ(d, 0.5);
  EXPECT_EQ(n, 7);
  EXPECT_EQ(v, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(absent, 42);
}

TEST(TomlTableReader, NamesWrongTypesRangesAndUnknownKeys) {
  toml::table t = Parse("n = \"seven\"\n");
  TomlTableReader wrong(&t, "config option", "server", "docs/x.md");
  int n = 0;
  wrong.Read("n", &n);
  EXPECT_EQ(wrong.Finish().message(), "config option server.n has the wrong type");

  toml::table big = Parse("n = 5000000000\nu = -1\n");
  TomlTableReader range(&big, "option", "camera[0]", "docs/x.md");
  range.Read("n", &n);
  EXPECT_EQ(range.Finish().message(), "option camera[0].n is out of range");
  TomlTableReader negative(&big, "option", "camera[0]", "docs/x.md");
  unsigned u = 0;
  negative.Skip("n");
  negative.Read("u", &u);
  EXPECT_EQ(negative.Finish().message(), "option camera[0].u is out of range");

  toml::table typo = Parse("pre_rol_ms = 1\n");
  TomlTableReader unknown(&typo, "option", "camera[0]", "docs/x.md");
  EXPECT_EQ(unknown.Finish().message(), "unknown option camera[0].pre_rol_ms (see docs/x.md)");

  TomlTableReader none(nullptr, "option", "agent", "docs/x.md");
  none.Read("n", &n);
  EXPECT_TRUE(none.Finish().ok());
}

}  // namespace
}  // namespace canvass
