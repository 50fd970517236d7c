// canvass e2ee: the owner's side of end-to-end encryption.
//   canvass e2ee keygen --out PREFIX        writes PREFIX.pub and PREFIX.key (base64)
//   canvass e2ee open --key PREFIX IN OUT   decrypts a downloaded sealed clip
//   canvass share --url URL --key PREFIX --request REQ --clip CLP [--blur-faces] [--mute-audio]
//                                           shares a sealed clip with a request (token from
//                                           $CANVASS_TOKEN or --token)
#include "media/e2ee.h"

#include <cstdio>
#include <cstdlib>

#include "agent/owner_share.h"
#include "cli/cli.h"
#include "common/encoding.h"
#include "common/file_system.h"

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

void AddShareCommand(CLI::App& app, Runner* run) {
  auto o = std::make_shared<agent::OwnerShareOptions>();
  auto prefix = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "share", "Share an end-to-end encrypted clip with a request: opened here, sent to police");
  cmd->add_option("--url", o->server_url, "the server, http://HOST:PORT")->required();
  cmd->add_option("--token", o->token, "your API token (default: $CANVASS_TOKEN)");
  cmd->add_option("--key", *prefix, "key file prefix (PREFIX.pub, PREFIX.key)")->required();
  cmd->add_option("--request", o->request_id, "the request (req_...)")->required();
  cmd->add_option("--clip", o->clip_id, "the clip (clp_...)")->required();
  cmd->add_flag("--blur-faces", o->blur_faces, "blur faces before sharing");
  cmd->add_flag("--mute-audio", o->mute_audio, "leave the audio out");
  cmd->callback([run, o, prefix] {
    *run = [o, prefix]() -> int {
      InitCrypto();
      if (o->token.empty()) {
        const char* env = std::getenv("CANVASS_TOKEN");
        if (!env || !*env) return Fail(InvalidArgumentError("give --token or set CANVASS_TOKEN"));
        o->token = env;
      }
      auto pk = ReadKey(*prefix + ".pub");
      if (!pk.ok()) return Fail(pk.status());
      auto sk = ReadKey(*prefix + ".key");
      if (!sk.ok()) return Fail(sk.status());
      o->public_key = *pk;
      o->secret_key = *sk;
      auto shared = agent::ShareSealedClip(*o);
      if (!shared.ok()) return Fail(shared.status());
      std::printf("%s\n", shared->c_str());
      return 0;
    };
  });
}

}  // namespace canvass::cli
