// canvass e2ee: the owner's side of end-to-end encryption.
//   canvass e2ee keygen --out PREFIX        writes PREFIX.pub and PREFIX.key (base64)
//   canvass e2ee open --key PREFIX IN OUT   decrypts a downloaded sealed clip
#include <cstdio>

#include "cli/cli.h"
#include "common/encoding.h"
#include "common/file_system.h"
#include "media/e2ee.h"

namespace canvass::cli {

namespace {

StatusOr<std::string> ReadKey(const std::string& path) {
  CANVASS_ASSIGN_OR_RETURN(std::string text, FileSystem::Posix()->ReadFile(path));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  auto raw = Base64Decode(text);
  if (!raw.ok()) return InvalidArgumentError(path + " is not a base64 key");
  return raw;
}

}  // namespace

void AddE2eeCommands(CLI::App& app, Runner* run) {
  CLI::App* e2ee = app.add_subcommand("e2ee", "End-to-end encryption keys and sealed clips");
  e2ee->require_subcommand(1);
  {
    auto out = std::make_shared<std::string>();
    CLI::App* cmd = e2ee->add_subcommand("keygen", "Make a key pair: PREFIX.pub and PREFIX.key");
    cmd->add_option("--out", *out, "file prefix")->required();
    cmd->callback([run, out] {
      *run = [out]() -> int {
        InitCrypto();
        media::E2eeKeyPair kp = media::NewE2eeKeyPair();
        FileSystem* fs = FileSystem::Posix();
        Status s = fs->WriteFileAtomic(*out + ".key", Base64Encode(kp.secret_key) + "\n");
        if (s.ok()) s = fs->WriteFileAtomic(*out + ".pub", Base64Encode(kp.public_key) + "\n");
        if (!s.ok()) return Fail(s);
        std::printf("public key (give it to Canvass with PUT /api/v1/me/e2ee-key): %s\n",
                    Base64Encode(kp.public_key).c_str());
        return 0;
      };
    });
  }
  {
    auto prefix = std::make_shared<std::string>();
    auto in = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    CLI::App* cmd = e2ee->add_subcommand("open", "Decrypt a sealed clip with your key pair");
    cmd->add_option("--key", *prefix, "key file prefix (PREFIX.pub, PREFIX.key)")->required();
    cmd->add_option("in", *in, "sealed clip")->required();
    cmd->add_option("out", *out, "where to write the video")->required();
    cmd->callback([run, prefix, in, out] {
      *run = [prefix, in, out]() -> int {
        InitCrypto();
        auto pk = ReadKey(*prefix + ".pub");
        if (!pk.ok()) return Fail(pk.status());
        auto sk = ReadKey(*prefix + ".key");
        if (!sk.ok()) return Fail(sk.status());
        auto sealed = FileSystem::Posix()->ReadFile(*in);
        if (!sealed.ok()) return Fail(sealed.status());
        auto plain = media::OpenSealed(*pk, *sk, *sealed);
        if (!plain.ok()) return Fail(plain.status());
        Status s = FileSystem::Posix()->WriteFileAtomic(*out, *plain);
        if (!s.ok()) return Fail(s);
        return 0;
      };
    });
  }
}

}  // namespace canvass::cli
