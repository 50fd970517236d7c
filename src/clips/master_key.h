// The server's master key: 32 random bytes in <data_dir>/keys/master.key (mode 0600), created
// on first start. It wraps every per-clip key and names blobs. Losing it loses every
// server-encrypted clip: back it up apart from the data (docs/guide/operations.md).
#pragma once

#include <string>

#include "common/file_system.h"
#include "common/random.h"
#include "media/clip_cipher.h"

namespace canvass {

StatusOr<media::MasterKey> LoadOrCreateMasterKey(FileSystem* fs, const std::string& path,
                                                 Random& random);

}  // namespace canvass
