// CheckClips: the clip half of `canvass check`, an fsck for rows and bytes.
//  - every clip row has its blob, of the size its plaintext size implies, decrypting (every
//    segment authenticated) to bytes whose SHA-256 is the row's content hash;
//  - every file under blobs/ belongs to a clip row, every file under uploads/ to an upload row
//    (else: an orphan, left by a crash between deleting a row and its file);
//  - every upload row's partial file, if any, is no longer than the upload.
// With repair, orphan files are removed (rows are never touched: a row without its bytes is
// data loss for a person to look at).
#pragma once

#include <string>
#include <vector>

#include "clips/clip_service.h"

namespace canvass {

struct CheckReport {
  int64_t clips_checked = 0;
  int64_t bytes_checked = 0;
  std::vector<std::string> problems;
  int64_t orphans_removed = 0;
};

StatusOr<CheckReport> CheckClips(Store& store, ClipService& clips, FileSystem& fs, bool repair);

}  // namespace canvass
