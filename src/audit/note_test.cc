#include "audit/note.h"

#include <gtest/gtest.h>

#include "common/encoding.h"
#include "common/sha256.h"

namespace canvass::audit {
namespace {

// The example key and note of Go's golang.org/x/mod/sumdb/note documentation: our encoding must
// match the reference implementation byte for byte.
constexpr char kGoVerifierKey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kGoSignerKey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr char kGoText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr char kGoSignatureLine[] =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

Signer NewSigner(const std::string& name, uint64_t seed) {
  DeterministicRandom random(seed);
  StatusOr<Signer> s = Signer::Generate(name, random);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

std::string LastLine(const std::string& note) {
  size_t start = note.rfind('\n', note.size() - 2);
  return note.substr(start + 1);
}

TEST(NoteKeys, ReferenceKeysParseAndSignLikeGo) {
  StatusOr<Signer> signer = Signer::Parse(kGoSignerKey);
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  StatusOr<Verifier> verifier = Verifier::Parse(kGoVerifierKey);
  ASSERT_TRUE(verifier.ok()) << verifier.status().ToString();
  EXPECT_EQ(signer->name(), "PeterNeumann");
  EXPECT_EQ(signer->key_id(), 0xc74f20a3u);
  EXPECT_EQ(signer->ToString(), kGoSignerKey);
  EXPECT_EQ(signer->verifier().ToString(), kGoVerifierKey);
  EXPECT_EQ(verifier->ToString(), kGoVerifierKey);
  EXPECT_EQ(verifier->public_key(), signer->public_key());

  StatusOr<std::string> note = SignNote(kGoText, *signer);
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(*note, std::string(kGoText) + "\n" + kGoSignatureLine);
  StatusOr<std::string> text = OpenNote(*note, *verifier);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, kGoText);
}

TEST(NoteKeys, KeyIdIsTheSpecHash) {
  Signer s = NewSigner("example.com/log", 7);
  std::string input =
      "example.com/log\n\x01" + std::string(s.public_key().begin(), s.public_key().end());
  Sha256Digest d = Sha256Of(input);
  uint32_t want = uint32_t{d[0]} << 24 | uint32_t{d[1]} << 16 | uint32_t{d[2]} << 8 | d[3];
  EXPECT_EQ(s.key_id(), want);
  EXPECT_EQ(Ed25519KeyId("example.com/log", s.public_key()), want);
}

TEST(NoteKeys, GeneratedKeysRoundTripThroughTheirStrings) {
  Signer s = NewSigner("example.com/log", 42);
  std::string skey = s.ToString();
  EXPECT_TRUE(skey.starts_with("PRIVATE+KEY+example.com/log+"));
  StatusOr<Signer> parsed = Signer::Parse(skey);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->public_key(), s.public_key());
  EXPECT_EQ(parsed->key_id(), s.key_id());
  StatusOr<Verifier> v = Verifier::Parse(s.verifier().ToString());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->key_id(), s.key_id());
  EXPECT_EQ(v->name(), "example.com/log");
  // The same seed gives the same key; another seed another key.
  EXPECT_EQ(NewSigner("example.com/log", 42).public_key(), s.public_key());
  EXPECT_NE(NewSigner("example.com/log", 43).public_key(), s.public_key());
}

TEST(NoteKeys, MalformedKeyStringsAreRefused) {
  const std::string good_v = kGoVerifierKey;
  struct Case {
    std::string key;
    std::string message_part;
  } verifier_cases[] = {
      {"", "three '+'-separated fields"},
      {"PeterNeumann", "three '+'-separated fields"},
      {"PeterNeumann+c74f20a3", "three '+'-separated fields"},
      {good_v + "+extra", "not valid base64"},
      {"+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "key name is empty"},
      {"Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "white space"},
      {"PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "8 hex digits"},
      {"PeterNeumann+c74f20ag+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "8 hex digits"},
      {"PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match"},
      {"PeterNeumann2+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match"},
      {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T", "not valid base64"},
      {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW==", "not valid base64"},
      {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy", "must be 33 bytes"},
      {"PeterNeumann+c74f20a3+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "unsupported key type"},
  };
  for (const Case& c : verifier_cases) {
    StatusOr<Verifier> v = Verifier::Parse(c.key);
    ASSERT_FALSE(v.ok()) << "accepted " << c.key;
    EXPECT_EQ(v.status().code(), Code::kInvalidArgument) << c.key;
    EXPECT_NE(v.status().message().find(c.message_part), std::string::npos)
        << c.key << ": " << v.status().message();
    EXPECT_TRUE(v.status().message().starts_with("malformed verifier key")) << v.status().message();
  }

  const std::string good_s = kGoSignerKey;
  for (const std::string& key : {
           std::string(""),
           std::string(kGoVerifierKey),  // A verifier key is not a signer key.
           std::string("PRIVATE+KEY+PeterNeumann+c74f20a3"),
           std::string(
               "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"),
           std::string(
               "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKD"),
           std::string(
               "private+key+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"),
           good_s + "+x",
       }) {
    StatusOr<Signer> s = Signer::Parse(key);
    ASSERT_FALSE(s.ok()) << "accepted " << key;
    EXPECT_EQ(s.status().code(), Code::kInvalidArgument);
    EXPECT_TRUE(s.status().message().starts_with("malformed signer key")) << s.status().message();
    // A signer key is a secret: its base64 part never appears in messages.
    EXPECT_EQ(s.status().message().find("AYEKFALV"), std::string::npos);
  }
}

TEST(NoteKeys, KeyNamesFollowTheSpec) {
  EXPECT_TRUE(ValidateKeyName("example.com/log42").ok());
  EXPECT_TRUE(ValidateKeyName("caf\xC3\xA9.example").ok());
  EXPECT_FALSE(ValidateKeyName("").ok());
  EXPECT_FALSE(ValidateKeyName("a+b").ok());
  EXPECT_FALSE(ValidateKeyName("a b").ok());
  EXPECT_FALSE(ValidateKeyName("a\tb").ok());
  EXPECT_FALSE(ValidateKeyName("a\xC2\xA0"
                               "b")
                   .ok());  // U+00A0 NO-BREAK SPACE
  EXPECT_FALSE(ValidateKeyName("a\xE3\x80\x80"
                               "b")
                   .ok());                         // U+3000 IDEOGRAPHIC SPACE
  EXPECT_FALSE(ValidateKeyName("a\xC3").ok());     // truncated UTF-8
  EXPECT_FALSE(ValidateKeyName("\xC0\xAF").ok());  // overlong
  DeterministicRandom random(1);
  EXPECT_EQ(Signer::Generate("bad name", random).status().code(), Code::kInvalidArgument);
}

// ---- Notes ----

TEST(Notes, SignAndOpen) {
  Signer s = NewSigner("example.com/log", 1);
  const std::string text = "hello\n\nworld\n";  // Texts may contain blank lines.
  StatusOr<std::string> note = SignNote(text, s);
  ASSERT_TRUE(note.ok());
  EXPECT_TRUE(note->starts_with(text + "\n\xE2\x80\x94 example.com/log "));
  // base64 of 4 + 64 bytes is 92 characters.
  EXPECT_EQ(LastLine(*note).size(), std::string("\xE2\x80\x94 example.com/log ").size() + 92 + 1);
  StatusOr<std::string> opened = OpenNote(*note, s.verifier());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, text);
}

TEST(Notes, SignRefusesBadTexts) {
  Signer s = NewSigner("example.com/log", 1);
  EXPECT_EQ(SignNote("", s).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(SignNote("no newline", s).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(SignNote("tab\there\n", s).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(SignNote("bad \xFF utf8\n", s).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(SignNote("cr\r\n", s).status().code(), Code::kInvalidArgument);
}

TEST(Notes, AnotherKeyDoesNotOpen) {
  Signer a = NewSigner("example.com/log", 1);
  Signer b = NewSigner("example.com/log", 2);  // Same name, another key (and key ID).
  StatusOr<std::string> note = SignNote("text\n", b);
  StatusOr<std::string> opened = OpenNote(*note, a.verifier());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Code::kUnauthenticated);
  EXPECT_TRUE(opened.status().message().starts_with("note is not signed by example.com/log+"))
      << opened.status().message();
}

TEST(Notes, UnknownSignaturesAreIgnored) {
  Signer log = NewSigner("example.com/log", 1);
  Signer witness = NewSigner("witness.example/w1", 2);
  const std::string text = "checkpoint\n";
  std::string note = *SignNote(text, log) + LastLine(*SignNote(text, witness));
  EXPECT_EQ(*OpenNote(note, log.verifier()), text);
  EXPECT_EQ(*OpenNote(note, witness.verifier()), text);
  // A signature line with the right name but another key ID is someone else's: ignored.
  Signer impostor = NewSigner("example.com/log", 3);
  std::string with_impostor = *SignNote(text, impostor) + LastLine(*SignNote(text, log));
  EXPECT_EQ(*OpenNote(with_impostor, log.verifier()), text);
}

TEST(Notes, TamperingFails) {
  Signer s = NewSigner("example.com/log", 1);
  const std::string text = "origin\n42\nbody\n";
  const std::string note = *SignNote(text, s);

  // A flipped byte in the text.
  std::string bad_text = note;
  bad_text[3] ^= 0x01;
  StatusOr<std::string> r = OpenNote(bad_text, s.verifier());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
  EXPECT_NE(r.status().message().find("does not verify"), std::string::npos);

  // A flipped byte in the signature (inside the base64, re-encoded properly).
  std::string line = LastLine(note);
  size_t space = line.rfind(' ');
  std::string blob = *Base64Decode(line.substr(space + 1, line.size() - space - 2));
  for (size_t i : {size_t{4}, size_t{30}, blob.size() - 1}) {
    std::string bad_blob = blob;
    bad_blob[i] ^= 0x40;
    std::string bad_sig = text + "\n" + line.substr(0, space + 1) + Base64Encode(bad_blob) + "\n";
    r = OpenNote(bad_sig, s.verifier());
    ASSERT_FALSE(r.ok()) << i;
    EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
    EXPECT_NE(r.status().message().find("does not verify"), std::string::npos);
  }
  // A flipped key ID byte makes it someone else's signature: no signature by the key remains.
  std::string bad_id = blob;
  bad_id[0] ^= 0x01;
  r = OpenNote(text + "\n" + line.substr(0, space + 1) + Base64Encode(bad_id) + "\n", s.verifier());
  EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
  // A truncated signature by the key.
  r = OpenNote(text + "\n" + line.substr(0, space + 1) + Base64Encode(blob.substr(0, 40)) + "\n",
               s.verifier());
  EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
  // A good signature by the key next to a bad one by the same key fails the note.
  std::string bad_blob = blob;
  bad_blob[10] ^= 1;
  r = OpenNote(note + line.substr(0, space + 1) + Base64Encode(bad_blob) + "\n", s.verifier());
  EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
}

TEST(Notes, MalformedNotesAreRefused) {
  Signer s = NewSigner("example.com/log", 1);
  const std::string text = "text\n";
  const std::string note = *SignNote(text, s);
  const std::string line = LastLine(note);
  struct Case {
    std::string note;
    std::string message_part;
  } cases[] = {
      {"", "does not end with a newline"},
      {note.substr(0, note.size() - 1), "does not end with a newline"},
      {text + line, "no blank line"},
      {text + "\n", "no signature lines"},
      {text + "\n" + line.substr(4), "em dash"},                     // Dash missing.
      {text + "\n- example.com/log " + line.substr(20), "em dash"},  // ASCII hyphen.
      {text + "\n\xE2\x80\x94 example.com/log\n", "no space"},
      {text + "\n\xE2\x80\x94 example.com/log !!!!\n", "not valid base64"},
      {text + "\n\xE2\x80\x94 example.com/log AAAA\n", "shorter than a key ID"},
      {text + "\n" + line + "\n", "no signature lines"},  // Blank line after signatures.
      {"te\x01xt\n\n" + line, "control character"},
      {"te\xFFxt\n\n" + line, "not valid UTF-8"},
      {std::string(kMaxNoteBytes + 1, 'a'), "more than the limit"},
  };
  for (const Case& c : cases) {
    StatusOr<std::string> r = OpenNote(c.note, s.verifier());
    ASSERT_FALSE(r.ok()) << c.message_part;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << r.status().message();
    EXPECT_NE(r.status().message().find(c.message_part), std::string::npos)
        << c.message_part << " vs " << r.status().message();
  }
  std::string many = note;
  for (int i = 0; i < 100; ++i) many += line;
  EXPECT_EQ(OpenNote(many, s.verifier()).status().code(), Code::kInvalidArgument);
  std::string sixteen = text + "\n";
  for (int i = 0; i < 15; ++i)
    sixteen +=
        LastLine(*SignNote(text, NewSigner(std::string("w").append(std::to_string(i)), 100 + i)));
  sixteen += line;
  EXPECT_TRUE(OpenNote(sixteen, s.verifier()).ok());  // The spec requires accepting 16.
}

// ---- Checkpoints ----

Checkpoint Example() {
  Checkpoint c;
  c.origin = "canvass.example/audit";
  c.size = 20852163;
  c.root = LeafHash("root");
  return c;
}

TEST(Checkpoints, FormatAndParse) {
  Checkpoint c = Example();
  std::string body = *FormatCheckpoint(c);
  EXPECT_EQ(body, "canvass.example/audit\n20852163\n" +
                      Base64Encode(std::string(c.root.begin(), c.root.end())) + "\n");
  EXPECT_EQ(*ParseCheckpoint(body), c);

  c.extensions = {"ext one", "ext-two"};
  body = *FormatCheckpoint(c);
  EXPECT_TRUE(body.ends_with("\next one\next-two\n"));
  EXPECT_EQ(*ParseCheckpoint(body), c);

  c = Example();
  c.size = 0;
  c.root = EmptyRoot();
  EXPECT_EQ(*ParseCheckpoint(*FormatCheckpoint(c)), c);
  c.size = UINT64_MAX;
  EXPECT_EQ(*ParseCheckpoint(*FormatCheckpoint(c)), c);
}

TEST(Checkpoints, TheSpecExampleParses) {
  StatusOr<Checkpoint> c = ParseCheckpoint(
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(c->size, 20852163u);
  EXPECT_EQ(HashHex(c->root),
            HexEncode(*Base64Decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")));
}

TEST(Checkpoints, MalformedBodiesAreRefused) {
  const std::string root = Base64Encode(std::string(32, 'r'));
  struct Case {
    std::string body;
    std::string message_part;
  } cases[] = {
      {"", "does not end with a newline"},
      {"o\n1\n" + root, "does not end with a newline"},
      {"o\n1\n", "has 2 lines"},
      {"\n1\n" + root + "\n", "line 1 is empty"},
      {"o\n1\n" + root + "\n\n", "line 4 is empty"},
      {"o\n\n" + root + "\n", "line 2 is empty"},
      {"o\n01\n" + root + "\n", "tree size"},
      {"o\n-1\n" + root + "\n", "tree size"},
      {"o\n1 \n" + root + "\n", "tree size"},
      {"o\n18446744073709551616\n" + root + "\n", "tree size"},
      {"o\n0x10\n" + root + "\n", "tree size"},
      {"o\n1\n" + Base64Encode(std::string(31, 'r')) + "\n", "root hash"},
      {"o\n1\n" + root.substr(0, 43) + "\n", "root hash"},
      {"o\n1\n" + Base64UrlEncode(std::string(32, '\xff')) + "\n", "root hash"},
      {"o\n1\n" + root + " \n", "root hash"},
      {"o\r\n1\n" + root + "\n", "control character"},
  };
  for (const Case& c : cases) {
    StatusOr<Checkpoint> r = ParseCheckpoint(c.body);
    ASSERT_FALSE(r.ok()) << c.message_part;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.message_part), std::string::npos)
        << c.message_part << " vs " << r.status().message();
  }
}

TEST(Checkpoints, FormatRefusesFieldsThatWouldNotParse) {
  Checkpoint c = Example();
  c.origin = "";
  EXPECT_EQ(FormatCheckpoint(c).status().code(), Code::kInvalidArgument);
  c.origin = "a\nb";
  EXPECT_EQ(FormatCheckpoint(c).status().message(), "checkpoint origin contains a newline");
  c = Example();
  c.extensions = {""};
  EXPECT_EQ(FormatCheckpoint(c).status().message(), "checkpoint extension line 1 is empty");
}

TEST(Checkpoints, SignedCheckpointRoundTrip) {
  Signer s = NewSigner("canvass.example/audit", 9);
  Checkpoint c = Example();
  std::string note = *SignNote(*FormatCheckpoint(c), s);
  StatusOr<Checkpoint> opened = OpenCheckpoint(note, s.verifier(), "canvass.example/audit");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, c);
  StatusOr<Checkpoint> other = OpenCheckpoint(note, s.verifier(), "other.example/log");
  EXPECT_EQ(other.status().code(), Code::kUnauthenticated);
  EXPECT_NE(other.status().message().find("expected \"other.example/log\""), std::string::npos);
}

}  // namespace
}  // namespace canvass::audit
