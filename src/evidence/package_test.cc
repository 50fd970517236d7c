#include "evidence/package.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/sha256.h"

namespace canvass::evidence {
namespace {

namespace stdfs = std::filesystem;
using ::testing::HasSubstr;

SigningKey TestKey(uint64_t seed) {
  DeterministicRandom random(seed);
  return GenerateSigningKey(random);
}

// Clip-like bytes: binary, distinct per seed, with a marker to find them inside a tar.
std::string FakeClip(char seed, size_t n) {
  std::string out = std::string("CLIP-") + seed + "-";
  for (size_t i = 0; out.size() < n; ++i) out += static_cast<char>((i * 131 + seed) & 0xFF);
  return out;
}

std::vector<PackageFile> SampleFiles() {
  return {
      {"manifest.json", R"({"export":"exp_1","clips":["evd_a","evd_b"]})"},
      {"clips/evd_a.mp4", FakeClip('a', 5000)},
      {"clips/evd_b.mp4", FakeClip('b', 70000)},
  };
}

constexpr char kComment[] = "canvass evidence package exp_1 exported 2025-01-31T12:00:00Z";

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

int Sh(const std::string& command) {
  int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// ---- Hand-made ustar members, for archives our writer would never produce. ----

std::string UstarMember(const std::string& name, char type, const std::string& data = "",
                        const std::string& link = "") {
  std::string h(512, '\0');
  auto put = [&](size_t off, size_t len, const std::string& v) {
    std::memcpy(&h[off], v.data(), std::min(len, v.size()));
  };
  auto octal = [&](size_t off, size_t len, unsigned long long v) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%0*llo", static_cast<int>(len - 1), v);
    put(off, len - 1, buf);
  };
  put(0, 100, name);
  octal(100, 8, type == '5' ? 0755 : 0644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, type == '0' ? data.size() : 0);
  octal(136, 12, 0);
  std::memset(&h[148], ' ', 8);
  h[156] = type;
  put(157, 100, link);
  put(257, 6, std::string("ustar\0", 6));
  put(263, 2, "00");
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%06o", sum);
  put(148, 6, buf);
  h[154] = '\0';
  h[155] = ' ';
  std::string out = h;
  if (type == '0') {
    out += data;
    out.append((512 - data.size() % 512) % 512, '\0');
  }
  return out;
}

// `tar` with `members` added after its last member.
std::string AppendMembers(const std::string& tar, const std::string& members) {
  size_t end = tar.find_last_not_of('\0');
  end = end == std::string::npos ? 0 : (end / 512 + 1) * 512;
  return tar.substr(0, end) + members + std::string(1024, '\0');
}

class PackageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = ::testing::TempDir() + "/canvass_package_" + info->name();
    stdfs::remove_all(dir_);
    stdfs::create_directories(dir_);
    pub_ = PublicKeyFile(key_);
  }

  std::string Build(std::vector<PackageFile> files = SampleFiles()) {
    auto tar = BuildPackage("exp_1", std::move(files), key_, kComment);
    EXPECT_TRUE(tar.ok()) << tar.status().ToString();
    return tar.ok() ? *tar : "";
  }

  // Writes `tar` to dir_/pkg.tar and returns its path.
  std::string WriteTar(const std::string& tar) {
    WriteText(dir_ + "/pkg.tar", tar);
    return dir_ + "/pkg.tar";
  }

  // Extracts with the system tar into dir_/x; returns the package folder.
  std::string Extract(const std::string& tar) {
    stdfs::remove_all(dir_ + "/x");
    stdfs::create_directories(dir_ + "/x");
    EXPECT_EQ(Sh("tar xf " + WriteTar(tar) + " -C " + dir_ + "/x"), 0);
    return dir_ + "/x/exp_1";
  }

  Status VerifyAt(const std::string& path) { return VerifyPackage(path, pub_).status(); }

  SigningKey key_ = TestKey(1);
  std::string pub_;
  std::string dir_;
};

TEST_F(PackageTest, BuildsAndVerifiesATar) {
  auto report = VerifyPackage(WriteTar(Build()), pub_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->name, "exp_1");
  EXPECT_EQ(report->files_checked, 4);  // Three files and README.txt.
  EXPECT_EQ(report->trusted_comment, kComment);
  EXPECT_EQ(report->key_id, KeyIdHex(key_.key_id));
}

TEST_F(PackageTest, SameInputsGiveTheSameBytes) { EXPECT_EQ(Build(), Build()); }

TEST_F(PackageTest, VerifiesAnUnpackedFolderOrTheFolderAboveIt) {
  const std::string folder = Extract(Build());
  auto report = VerifyPackage(folder, pub_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->name, "exp_1");
  EXPECT_EQ(report->files_checked, 4);
  EXPECT_TRUE(VerifyAt(folder + "/").ok());
  EXPECT_TRUE(VerifyAt(dir_ + "/x").ok());
}

TEST_F(PackageTest, LayoutAndSha256SumsFormat) {
  const std::string folder = Extract(Build());
  std::vector<std::string> found;
  for (const auto& e : stdfs::recursive_directory_iterator(folder)) {
    if (e.is_regular_file()) found.push_back(e.path().lexically_relative(folder).string());
  }
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found,
            (std::vector<std::string>{"README.txt", "SHA256SUMS", "SHA256SUMS.minisig",
                                      "clips/evd_a.mp4", "clips/evd_b.mp4", "manifest.json"}));
  const std::string readme = ReadText(folder + "/README.txt");
  EXPECT_EQ(ReadText(folder + "/SHA256SUMS"),
            Sha256Hex(readme) + "  README.txt\n" + Sha256Hex(FakeClip('a', 5000)) +
                "  clips/evd_a.mp4\n" + Sha256Hex(FakeClip('b', 70000)) + "  clips/evd_b.mp4\n" +
                Sha256Hex(SampleFiles()[0].bytes) + "  manifest.json\n");
  EXPECT_THAT(readme, HasSubstr("minisign -Vm SHA256SUMS -p deployment.pub"));
  EXPECT_THAT(readme, HasSubstr("sha256sum -c SHA256SUMS"));
  EXPECT_THAT(readme, HasSubstr(KeyIdHex(key_.key_id)));
  EXPECT_TRUE(
      Verify(pub_, ReadText(folder + "/SHA256SUMS"), ReadText(folder + "/SHA256SUMS.minisig"))
          .ok());
}

TEST_F(PackageTest, AFlippedByteInAClipInTheTarNamesTheClip) {
  std::string tar = Build();
  size_t at = tar.find("CLIP-a-");
  ASSERT_NE(at, std::string::npos);
  tar[at + 1000] ^= 0x01;
  Status s = VerifyAt(WriteTar(tar));
  EXPECT_EQ(s.code(), Code::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("exp_1/clips/evd_a.mp4 does not match SHA256SUMS"));
}

TEST_F(PackageTest, AFlippedByteInAnUnpackedClipNamesTheClip) {
  const std::string folder = Extract(Build());
  std::string clip = ReadText(folder + "/clips/evd_b.mp4");
  clip[clip.size() - 1] ^= 0x80;
  WriteText(folder + "/clips/evd_b.mp4", clip);
  Status s = VerifyAt(folder);
  EXPECT_EQ(s.code(), Code::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("clips/evd_b.mp4"));
}

TEST_F(PackageTest, AnExtraFileIsRefused) {
  const std::string folder = Extract(Build());
  WriteText(folder + "/clips/evd_planted.mp4", "planted");
  Status s = VerifyAt(folder);
  EXPECT_EQ(s.code(), Code::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("clips/evd_planted.mp4 is not listed in SHA256SUMS"));

  std::string tar = AppendMembers(Build(), UstarMember("exp_1/extra.txt", '0', "extra"));
  s = VerifyAt(WriteTar(tar));
  EXPECT_EQ(s.code(), Code::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("exp_1/extra.txt is not listed"));
}

TEST_F(PackageTest, AMissingFileIsNamed) {
  const std::string folder = Extract(Build());
  stdfs::remove(folder + "/clips/evd_b.mp4");
  Status s = VerifyAt(folder);
  EXPECT_EQ(s.code(), Code::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("clips/evd_b.mp4 is listed in SHA256SUMS but missing"));
}

TEST_F(PackageTest, AnEditedSha256SumsBreaksTheSignature) {
  // A forger swaps a clip and updates its line in SHA256SUMS to match.
  const std::string folder = Extract(Build());
  WriteText(folder + "/clips/evd_a.mp4", "forged");
  std::string sums = ReadText(folder + "/SHA256SUMS");
  const std::string old_hash = Sha256Hex(FakeClip('a', 5000));
  sums.replace(sums.find(old_hash), 64, Sha256Hex("forged"));
  WriteText(folder + "/SHA256SUMS", sums);
  Status s = VerifyAt(folder);
  EXPECT_EQ(s.code(), Code::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("SHA256SUMS.minisig"));
  EXPECT_THAT(s.message(), HasSubstr("bad signature"));
}

TEST_F(PackageTest, ASignatureByAnotherKeyIsRefused) {
  // The forger rebuilds the whole package with their own key.
  SigningKey forger = TestKey(2);
  std::vector<PackageFile> files = SampleFiles();
  files[1].bytes = "forged";
  auto tar = BuildPackage("exp_1", files, forger, kComment);
  ASSERT_TRUE(tar.ok());
  Status s = VerifyAt(WriteTar(*tar));
  EXPECT_EQ(s.code(), Code::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("made by key " + KeyIdHex(forger.key_id)));
  // And with the deployment's key id copied, the signature itself fails.
  forger.key_id = key_.key_id;
  tar = BuildPackage("exp_1", files, forger, kComment);
  ASSERT_TRUE(tar.ok());
  s = VerifyAt(WriteTar(*tar));
  EXPECT_EQ(s.code(), Code::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("bad signature"));
}

TEST_F(PackageTest, AnEditedTrustedCommentIsRefused) {
  const std::string folder = Extract(Build());
  std::string sig = ReadText(folder + "/SHA256SUMS.minisig");
  sig.replace(sig.find("2025-01-31"), 10, "2024-01-31");
  WriteText(folder + "/SHA256SUMS.minisig", sig);
  Status s = VerifyAt(folder);
  EXPECT_EQ(s.code(), Code::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("trusted comment"));
}

TEST_F(PackageTest, AnUnsignedPackageIsRefused) {
  const std::string folder = Extract(Build());
  stdfs::remove(folder + "/SHA256SUMS.minisig");
  Status s = VerifyAt(folder);
  EXPECT_EQ(s.code(), Code::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("not signed"));
  stdfs::remove(folder + "/SHA256SUMS");
  EXPECT_THAT(VerifyAt(folder).message(), HasSubstr("no exp_1/SHA256SUMS"));
}

TEST_F(PackageTest, UnsafeTarMembersAreRefused) {
  const std::string good = UstarMember("exp_1/", '5') + UstarMember("exp_1/a.txt", '0', "a");
  struct Case {
    std::string member;
    std::string expected;
  };
  const Case cases[] = {
      {UstarMember("exp_1/../evil", '0', "x"), "\"..\" component"},
      {UstarMember("exp_1/clips/../../evil", '0', "x"), "\"..\" component"},
      {UstarMember("../evil", '0', "x"), "\"..\" component"},
      {UstarMember("/etc/cron.d/evil", '0', "x"), "absolute"},
      {UstarMember("./exp_1/b", '0', "x"), "\".\" component"},
      {UstarMember("exp_1//b", '0', "x"), "empty component"},
      {UstarMember("exp_1/link", '2', "", "/etc/passwd"), "symbolic link"},
      {UstarMember("exp_1/hard", '1', "", "exp_1/a.txt"), "hard link"},
      {UstarMember("exp_1/tty", '3'), "device"},
      {UstarMember("exp_1/disk", '4'), "device"},
      {UstarMember("exp_1/fifo", '6'), "FIFO"},
      {UstarMember("other/b", '0', "x"), "outside the package folder"},
      {UstarMember("exp_1/a.txt", '0', "again"), "appears twice"},
      {UstarMember("exp_1/a b", '0', "x"), "outside [A-Za-z0-9._/-]"},
      {UstarMember("exp_1/a.txt/b", '0', "x"), "which is a file"},
  };
  for (const Case& c : cases) {
    std::string tar = good + c.member + std::string(1024, '\0');
    Status s = VerifyAt(WriteTar(tar));
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << c.expected << ": " << s.ToString();
    EXPECT_THAT(s.message(), HasSubstr(c.expected));
  }
  // The same members appended to a correctly signed package are refused too.
  Status s = VerifyAt(WriteTar(AppendMembers(Build(), UstarMember("exp_1/../evil", '0', "x"))));
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("exp_1/../evil"));
}

TEST_F(PackageTest, ASymlinkInAnUnpackedFolderIsRefused) {
  const std::string folder = Extract(Build());
  stdfs::remove(folder + "/clips/evd_a.mp4");
  WriteText(dir_ + "/outside.mp4", FakeClip('a', 5000));
  stdfs::create_symlink(dir_ + "/outside.mp4", folder + "/clips/evd_a.mp4");
  Status s = VerifyAt(folder);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("clips/evd_a.mp4"));
  EXPECT_THAT(s.message(), HasSubstr("symbolic link"));
}

TEST_F(PackageTest, NotAPackage) {
  EXPECT_EQ(VerifyAt(dir_ + "/absent.tar").code(), Code::kNotFound);
  WriteText(dir_ + "/junk.tar", std::string(3000, 'j'));
  EXPECT_EQ(VerifyAt(dir_ + "/junk.tar").code(), Code::kInvalidArgument);
  WriteText(dir_ + "/empty.tar", std::string(10240, '\0'));
  EXPECT_EQ(VerifyAt(dir_ + "/empty.tar").code(), Code::kInvalidArgument);
}

TEST_F(PackageTest, BuildRefusesBadInput) {
  struct Case {
    std::string name;
    std::vector<PackageFile> files;
    std::string comment;
  };
  const Case cases[] = {
      {"exp_1", {{"../x", "x"}}, "c"},
      {"exp_1", {{"/abs", "x"}}, "c"},
      {"exp_1", {{"a//b", "x"}}, "c"},
      {"exp_1", {{"a/./b", "x"}}, "c"},
      {"exp_1", {{"a b", "x"}}, "c"},
      {"exp_1", {{"a\\b", "x"}}, "c"},
      {"exp_1", {{"", "x"}}, "c"},
      {"exp_1", {{"dir/", "x"}}, "c"},
      {"exp_1", {{"SHA256SUMS", "x"}}, "c"},
      {"exp_1", {{"SHA256SUMS.minisig", "x"}}, "c"},
      {"exp_1", {{"README.txt", "x"}}, "c"},
      {"exp_1", {{"a", "x"}, {"a", "y"}}, "c"},
      {"exp_1", {{"a", "x"}, {"a/b", "y"}}, "c"},
      {"exp_1", {{std::string(kMaxPathBytes + 1, 'a'), "x"}}, "c"},
      {"", {{"a", "x"}}, "c"},
      {"..", {{"a", "x"}}, "c"},
      {"a/b", {{"a", "x"}}, "c"},
      {"exp_1", {{"a", "x"}}, "two\nlines"},
  };
  for (const Case& c : cases) {
    auto tar = BuildPackage(c.name, c.files, key_, c.comment);
    EXPECT_EQ(tar.status().code(), Code::kInvalidArgument)
        << c.name << " " << c.files[0].path << " " << c.comment;
  }
  // Subfolders, dots and dashes are fine, and an empty list still gives a README.
  EXPECT_TRUE(BuildPackage("exp-1.v2", {{"a/b-c/.d_e", "x"}}, key_, "").ok());
  EXPECT_TRUE(BuildPackage("exp_1", {}, key_, "").ok());
  EXPECT_TRUE(ValidatePackagePath("clips/evd_x.mp4").ok());
}

// ---- Interoperability with standard tools: tar, minisign, sha256sum. ----

bool HaveTools() {
  return Sh("minisign -v >/dev/null 2>&1") == 0 && Sh("sha256sum --version >/dev/null 2>&1") == 0 &&
         Sh("tar --version >/dev/null 2>&1") == 0;
}

TEST_F(PackageTest, StandardToolsVerifyThePackage) {
  if (!HaveTools()) GTEST_SKIP() << "minisign, sha256sum or tar is not installed";
  // Long paths take pax/ustar extensions; GNU tar and sha256sum must still agree.
  std::vector<PackageFile> files = SampleFiles();
  const std::string deep =
      std::string(60, 'd') + "/" + std::string(60, 'e') + "/" + std::string(90, 'f') + ".json";
  files.push_back({deep, "deep"});
  const std::string folder = Extract(Build(files));
  WriteText(dir_ + "/deployment.pub", pub_);
  const std::string cd = "cd " + folder + " && ";
  const std::string minisign = cd + "minisign -Vm SHA256SUMS -p " + dir_ + "/deployment.pub";
  const std::string sha256sum = cd + "sha256sum -c SHA256SUMS";
  EXPECT_EQ(Sh(minisign + " >" + dir_ + "/out 2>&1"), 0) << ReadText(dir_ + "/out");
  EXPECT_THAT(ReadText(dir_ + "/out"), HasSubstr(kComment));
  EXPECT_EQ(Sh(sha256sum + " >" + dir_ + "/out 2>&1"), 0) << ReadText(dir_ + "/out");
  EXPECT_THAT(ReadText(dir_ + "/out"), HasSubstr(deep + ": OK"));
  EXPECT_TRUE(VerifyAt(folder).ok());

  // The README's check for added files prints nothing, then names a planted file.
  const std::string added =
      cd + "cut -c67- SHA256SUMS > " + dir_ +
      "/signed-paths && find . -type f ! -path ./SHA256SUMS ! -path ./SHA256SUMS.minisig | "
      "cut -c3- | LC_ALL=C sort | LC_ALL=C comm -23 - " +
      dir_ + "/signed-paths > " + dir_ + "/added";
  ASSERT_EQ(Sh(added), 0);
  EXPECT_EQ(ReadText(dir_ + "/added"), "");
  WriteText(folder + "/clips/planted.mp4", "planted");
  ASSERT_EQ(Sh(added), 0);
  EXPECT_EQ(ReadText(dir_ + "/added"), "clips/planted.mp4\n");
  stdfs::remove(folder + "/clips/planted.mp4");

  // A tampered clip: the signature still holds, sha256sum -c fails.
  std::string clip = ReadText(folder + "/clips/evd_a.mp4");
  clip[100] ^= 0x01;
  WriteText(folder + "/clips/evd_a.mp4", clip);
  EXPECT_EQ(Sh(minisign + " >/dev/null 2>&1"), 0);
  EXPECT_NE(Sh(sha256sum + " >/dev/null 2>&1"), 0);

  // SHA256SUMS edited to match: sha256sum -c passes, minisign fails.
  std::string sums = ReadText(folder + "/SHA256SUMS");
  sums.replace(sums.find(Sha256Hex(FakeClip('a', 5000))), 64, Sha256Hex(clip));
  WriteText(folder + "/SHA256SUMS", sums);
  EXPECT_EQ(Sh(sha256sum + " >/dev/null 2>&1"), 0);
  EXPECT_NE(Sh(minisign + " >/dev/null 2>&1"), 0);
  EXPECT_FALSE(VerifyAt(folder).ok());
}

}  // namespace
}  // namespace canvass::evidence
