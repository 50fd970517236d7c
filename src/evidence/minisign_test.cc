#include "evidence/minisign.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/encoding.h"
#include "common/file_system.h"

namespace canvass::evidence {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

SigningKey TestKey(uint64_t seed) {
  DeterministicRandom random(seed);
  return GenerateSigningKey(random);
}

// The four lines of a .minisig, without their newlines.
std::vector<std::string> SigLines(const std::string& sig) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t nl; (nl = sig.find('\n', start)) != std::string::npos; start = nl + 1) {
    out.push_back(sig.substr(start, nl - start));
  }
  return out;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

TEST(Minisign, SignThenVerify) {
  SigningKey key = TestKey(1);
  std::string sig = Sign(key, "hello evidence\n", "timestamp:1700000000\tfile:SHA256SUMS");
  auto v = VerifySignature(PublicKeyFile(key), "hello evidence\n", sig);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->trusted_comment, "timestamp:1700000000\tfile:SHA256SUMS");
  EXPECT_EQ(v->key_id, key.key_id);
  EXPECT_TRUE(Verify(PublicKeyFile(key), "hello evidence\n", sig).ok());
}

TEST(Minisign, KeySizes) {
  SigningKey key = TestKey(2);
  EXPECT_EQ(key.key_id.size(), 8u);
  EXPECT_EQ(key.secret_key.size(), 64u);
  EXPECT_EQ(key.public_key.size(), 32u);
  EXPECT_EQ(key.secret_key.substr(32), key.public_key);
}

TEST(Minisign, PublicKeyFileFormat) {
  SigningKey key = TestKey(3);
  std::vector<std::string> lines = SigLines(PublicKeyFile(key));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "untrusted comment: minisign public key " + KeyIdHex(key.key_id));
  auto raw = Base64Decode(lines[1]);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(*raw, "Ed" + key.key_id + key.public_key);
}

TEST(Minisign, SignatureFileFormatIsPrehashed) {
  SigningKey key = TestKey(4);
  std::vector<std::string> lines = SigLines(Sign(key, "m", "tc"));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_THAT(lines[0], StartsWith("untrusted comment: "));
  auto raw = Base64Decode(lines[1]);
  ASSERT_TRUE(raw.ok());
  ASSERT_EQ(raw->size(), 74u);
  EXPECT_EQ(raw->substr(0, 2), "ED");
  EXPECT_EQ(raw->substr(2, 8), key.key_id);
  EXPECT_EQ(lines[2], "trusted comment: tc");
  // The signature is over BLAKE2b-512 of the message.
  unsigned char h[64];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>("m"), 1, nullptr, 0);
  EXPECT_EQ(crypto_sign_verify_detached(
                reinterpret_cast<const unsigned char*>(raw->data() + 10), h, sizeof h,
                reinterpret_cast<const unsigned char*>(key.public_key.data())),
            0);
}

TEST(Minisign, KeyIdHexIsLittleEndianWithoutLeadingZeros) {
  EXPECT_EQ(KeyIdHex(std::string("\x01\0\0\0\0\0\0\0", 8)), "1");
  EXPECT_EQ(KeyIdHex(std::string("\xef\xcd\xab\x89\x67\x45\x23\x01", 8)), "123456789ABCDEF");
}

TEST(Minisign, AcceptsTheBareBase64Key) {
  SigningKey key = TestKey(5);
  std::string sig = Sign(key, "m", "tc");
  std::string bare = SigLines(PublicKeyFile(key))[1];
  EXPECT_TRUE(Verify(bare, "m", sig).ok());
  EXPECT_TRUE(Verify(bare + "\n", "m", sig).ok());
}

TEST(Minisign, AcceptsCrLfLineEndings) {
  SigningKey key = TestKey(6);
  std::string sig;
  for (const auto& l : SigLines(Sign(key, "m", "tc"))) sig += l + "\r\n";
  EXPECT_TRUE(Verify(PublicKeyFile(key), "m", sig).ok());
}

TEST(Minisign, AcceptsLegacySignatures) {
  SigningKey key = TestKey(7);
  unsigned char sig[64];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>("m"), 1,
                       reinterpret_cast<const unsigned char*>(key.secret_key.data()));
  std::string sig_s(reinterpret_cast<char*>(sig), 64);
  unsigned char global[64];
  std::string signed_comment = sig_s + "tc";
  crypto_sign_detached(
      global, nullptr, reinterpret_cast<const unsigned char*>(signed_comment.data()),
      signed_comment.size(), reinterpret_cast<const unsigned char*>(key.secret_key.data()));
  std::string file = "untrusted comment: legacy\n" + Base64Encode("Ed" + key.key_id + sig_s) +
                     "\ntrusted comment: tc\n" +
                     Base64Encode(std::string(reinterpret_cast<char*>(global), 64)) + "\n";
  EXPECT_TRUE(Verify(PublicKeyFile(key), "m", file).ok());
  EXPECT_FALSE(Verify(PublicKeyFile(key), "n", file).ok());
}

TEST(Minisign, RefusesAChangedMessage) {
  SigningKey key = TestKey(8);
  Status s = Verify(PublicKeyFile(key), "hello!", Sign(key, "hello", "tc"));
  EXPECT_EQ(s.code(), Code::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("bad signature"));
}

TEST(Minisign, RefusesAnotherKeysSignature) {
  SigningKey key = TestKey(9);
  SigningKey other = TestKey(10);
  Status s = Verify(PublicKeyFile(key), "m", Sign(other, "m", "tc"));
  EXPECT_EQ(s.code(), Code::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("made by key " + KeyIdHex(other.key_id)));
  EXPECT_THAT(s.message(), HasSubstr("public key given is key " + KeyIdHex(key.key_id)));
}

TEST(Minisign, RefusesAForgerWhoCopiesTheKeyId) {
  SigningKey key = TestKey(11);
  SigningKey forger = TestKey(12);
  forger.key_id = key.key_id;
  Status s = Verify(PublicKeyFile(key), "m", Sign(forger, "m", "tc"));
  EXPECT_EQ(s.code(), Code::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("bad signature"));
}

TEST(Minisign, RefusesAnEditedTrustedComment) {
  SigningKey key = TestKey(13);
  std::vector<std::string> lines = SigLines(Sign(key, "m", "exported 2025-01-01"));
  lines[2] = "trusted comment: exported 2024-01-01";
  Status s = Verify(PublicKeyFile(key), "m", JoinLines(lines));
  EXPECT_EQ(s.code(), Code::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("trusted comment"));
}

TEST(Minisign, TheUntrustedCommentIsNotSigned) {
  SigningKey key = TestKey(14);
  std::vector<std::string> lines = SigLines(Sign(key, "m", "tc"));
  lines[0] = "untrusted comment: anything at all";
  EXPECT_TRUE(Verify(PublicKeyFile(key), "m", JoinLines(lines)).ok());
}

TEST(Minisign, RefusesMalformedFiles) {
  SigningKey key = TestKey(15);
  const std::string pub = PublicKeyFile(key);
  const std::vector<std::string> good = SigLines(Sign(key, "m", "tc"));
  struct Case {
    const char* what;
    std::string pub;
    std::string sig;
  };
  std::vector<std::string> no_prefix = good;
  no_prefix[0] = "comment: x";
  std::vector<std::string> bad_b64 = good;
  bad_b64[1] = "!!!!";
  std::vector<std::string> short_sig = good;
  short_sig[1] = Base64Encode("ED" + key.key_id);
  std::vector<std::string> no_trusted = good;
  no_trusted[2] = "tc";
  std::vector<std::string> bad_global = good;
  bad_global[3] = Base64Encode("short");
  std::vector<std::string> bad_alg = good;
  auto raw = *Base64Decode(good[1]);
  raw[0] = 'X';
  bad_alg[1] = Base64Encode(raw);
  std::vector<std::string> cr_comment = good;
  cr_comment[2] = "trusted comment: tc\rhidden";
  const Case cases[] = {
      {"empty signature", pub, ""},
      {"three lines", pub, JoinLines({good[0], good[1], good[2]})},
      {"no untrusted prefix", pub, JoinLines(no_prefix)},
      {"bad base64", pub, JoinLines(bad_b64)},
      {"short signature", pub, JoinLines(short_sig)},
      {"no trusted prefix", pub, JoinLines(no_trusted)},
      {"short global signature", pub, JoinLines(bad_global)},
      {"unknown algorithm", pub, JoinLines(bad_alg)},
      {"CR inside the trusted comment", pub, JoinLines(cr_comment)},
      {"empty public key", "", JoinLines(good)},
      {"public key with three lines", pub + "extra\n", JoinLines(good)},
      {"public key not base64", "untrusted comment: x\n%%%\n", JoinLines(good)},
      {"public key of another algorithm",
       "untrusted comment: x\n" + Base64Encode("XX" + key.key_id + key.public_key) + "\n",
       JoinLines(good)},
  };
  for (const Case& c : cases) {
    Status s = Verify(c.pub, "m", c.sig);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << c.what << ": " << s.ToString();
  }
}

TEST(Minisign, SignKeepsTheCommentOnOneLine) {
  SigningKey key = TestKey(16);
  std::string sig = Sign(key, "m", std::string_view("line one\nline two\r\0x", 20));
  EXPECT_EQ(SigLines(sig).size(), 4u);
  auto v = VerifySignature(PublicKeyFile(key), "m", sig);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->trusted_comment, "line one line two  x");
  EXPECT_FALSE(ValidateTrustedComment("a\nb").ok());
  EXPECT_FALSE(ValidateTrustedComment(std::string(kMaxTrustedCommentBytes + 1, 'a')).ok());
  EXPECT_TRUE(ValidateTrustedComment("timestamp:1\tfile:x").ok());
}

class MinisignFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = ::testing::TempDir() + "/canvass_evidence_" + info->name();
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
};

TEST_F(MinisignFileTest, CreatesThenLoadsTheSameKey) {
  FileSystem* fs = FileSystem::Posix();
  const std::string path = dir_ + "/keys/evidence.key";
  DeterministicRandom random(42);
  auto created = LoadOrCreateSigningKey(fs, path, random);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = LoadOrCreateSigningKey(fs, path, random);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->key_id, created->key_id);
  EXPECT_EQ(loaded->secret_key, created->secret_key);
  EXPECT_EQ(loaded->public_key, created->public_key);
  EXPECT_TRUE(Verify(PublicKeyFile(*created), "m", Sign(*loaded, "m", "tc")).ok());
}

TEST_F(MinisignFileTest, RefusesAMalformedFileAndKeepsIt) {
  FileSystem* fs = FileSystem::Posix();
  ASSERT_TRUE(fs->CreateDirs(dir_).ok());
  const std::string path = dir_ + "/evidence.key";
  for (const std::string& text :
       {std::string("garbage"), std::string("canvass-evidence-key-v1\nnot base64!\n"),
        "canvass-evidence-key-v1\n" + Base64Encode("short") + "\n",
        "other-header\n" + Base64Encode(std::string(40, 'x')) + "\n"}) {
    ASSERT_TRUE(fs->WriteFileAtomic(path, text).ok());
    auto key = LoadOrCreateSigningKey(fs, path);
    EXPECT_EQ(key.status().code(), Code::kDataLoss) << text;
    EXPECT_THAT(key.status().message(), HasSubstr(path));
    EXPECT_EQ(*fs->ReadFile(path), text);
  }
}

// ---- Interoperability with the real minisign tool (Debian's minisign 0.11). ----

bool HaveMinisign() { return std::system("minisign -v >/dev/null 2>&1") == 0; }

int Sh(const std::string& command) {
  int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST_F(MinisignFileTest, MinisignVerifiesOurSignatures) {
  if (!HaveMinisign()) GTEST_SKIP() << "minisign is not installed";
  std::filesystem::create_directories(dir_);
  SigningKey key = TestKey(17);
  const std::string message = "the bytes that matter\n";
  WriteText(dir_ + "/key.pub", PublicKeyFile(key));
  WriteText(dir_ + "/msg", message);
  WriteText(dir_ + "/msg.minisig", Sign(key, message, "timestamp:1700000000\tfile:msg"));
  const std::string v = "cd " + dir_ + " && minisign -V -p key.pub -m msg";
  EXPECT_EQ(Sh(v + " >out 2>&1"), 0) << ReadText(dir_ + "/out");
  EXPECT_THAT(ReadText(dir_ + "/out"), HasSubstr("timestamp:1700000000\tfile:msg"));
  // -H: minisign insists on the pre-hashed algorithm, which is what we write.
  EXPECT_EQ(Sh("cd " + dir_ + " && minisign -V -H -p key.pub -m msg >/dev/null 2>&1"), 0);
  // The bare key with -P.
  EXPECT_EQ(Sh("cd " + dir_ + " && minisign -V -P " + SigLines(PublicKeyFile(key))[1] +
               " -m msg >/dev/null 2>&1"),
            0);

  WriteText(dir_ + "/msg", message + "x");
  EXPECT_NE(Sh(v + " >/dev/null 2>&1"), 0);
  WriteText(dir_ + "/msg", message);
  WriteText(dir_ + "/other.pub", PublicKeyFile(TestKey(18)));
  EXPECT_NE(Sh("cd " + dir_ + " && minisign -V -p other.pub -m msg >/dev/null 2>&1"), 0);
  std::vector<std::string> lines = SigLines(Sign(key, message, "original"));
  lines[2] = "trusted comment: edited";
  WriteText(dir_ + "/msg.minisig", JoinLines(lines));
  EXPECT_NE(Sh(v + " >/dev/null 2>&1"), 0);
}

TEST_F(MinisignFileTest, WeVerifyMinisignsSignatures) {
  if (!HaveMinisign()) GTEST_SKIP() << "minisign is not installed";
  std::filesystem::create_directories(dir_);
  const std::string cd = "cd " + dir_ + " && ";
  ASSERT_EQ(Sh(cd + "minisign -G -W -p mk.pub -s mk.key >/dev/null 2>&1"), 0);
  WriteText(dir_ + "/msg", "signed by the real tool\n");
  ASSERT_EQ(Sh(cd + "minisign -S -W -s mk.key -t 'real tool' -m msg >/dev/null 2>&1"), 0);
  ASSERT_EQ(Sh(cd + "minisign -S -l -W -s mk.key -t 'legacy' -x msg.legacy -m msg "
                    ">/dev/null 2>&1"),
            0);
  const std::string pub = ReadText(dir_ + "/mk.pub");
  auto v = VerifySignature(pub, "signed by the real tool\n", ReadText(dir_ + "/msg.minisig"));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->trusted_comment, "real tool");
  EXPECT_THAT(SigLines(pub)[0], HasSubstr(KeyIdHex(v->key_id)));
  auto legacy = VerifySignature(pub, "signed by the real tool\n", ReadText(dir_ + "/msg.legacy"));
  ASSERT_TRUE(legacy.ok()) << legacy.status().ToString();
  EXPECT_EQ(legacy->trusted_comment, "legacy");
  EXPECT_FALSE(Verify(pub, "signed by someone else\n", ReadText(dir_ + "/msg.minisig")).ok());
}

}  // namespace
}  // namespace canvass::evidence
