#include "clips/master_key.h"

#include <cstring>

namespace canvass {

StatusOr<media::MasterKey> LoadOrCreateMasterKey(FileSystem* fs, const std::string& path,
                                                 Random& random) {
  media::MasterKey key;
  if (fs->Exists(path)) {
    CANVASS_ASSIGN_OR_RETURN(std::string raw, fs->ReadFile(path));
    if (raw.size() != key.size()) {
      return DataLossError("master key " + path + " is " + std::to_string(raw.size()) +
                           " bytes, expected 32; restore it from your backup");
    }
    std::memcpy(key.data(), raw.data(), key.size());
    return key;
  }
  CANVASS_RETURN_IF_ERROR(fs->CreateDirs(DirName(path)));
  random.Fill(key);
  CANVASS_RETURN_IF_ERROR(fs->WriteFileAtomic(
      path, std::string_view(reinterpret_cast<const char*>(key.data()), key.size())));
  return key;
}

}  // namespace canvass
