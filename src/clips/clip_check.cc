#include "clips/clip_check.h"

#include <set>

namespace canvass {

StatusOr<CheckReport> CheckClips(Store& store, ClipService& clips, FileSystem& fs, bool repair) {
  CheckReport report;
  std::set<std::string> known_blobs;
  CANVASS_RETURN_IF_ERROR(store.ForEachClip([&](const Clip& clip) -> Status {
    ++report.clips_checked;
    known_blobs.insert(clip.blob_name);
    auto reader = clips.OpenBlob(clip);
    if (!reader.ok()) {
      report.problems.push_back("clip " + clip.id + ": " + reader.status().message());
      return OkStatus();
    }
    auto hash = media::PlaintextSha256Hex(**reader);
    if (!hash.ok()) {
      report.problems.push_back("clip " + clip.id + ": " + hash.status().message());
    } else if (*hash != clip.content_sha256) {
      report.problems.push_back("clip " + clip.id + ": content hashes to " + *hash +
                                ", the row says " + clip.content_sha256);
    }
    report.bytes_checked += clip.size_bytes;
    return OkStatus();
  }));

  CANVASS_ASSIGN_OR_RETURN(auto blob_files, fs.ListFilesRecursive(clips.BlobDir()));
  for (const auto& f : blob_files) {
    if (known_blobs.count(f)) continue;
    if (repair && fs.RemoveFile(clips.BlobPath(f)).ok()) {
      ++report.orphans_removed;
    } else {
      report.problems.push_back("orphan blob " + f + " (no clip row; `canvass check --repair` "
                                "removes it)");
    }
  }

  CANVASS_ASSIGN_OR_RETURN(auto uploads, store.ListUploads());
  std::set<std::string> known_uploads;
  for (const auto& u : uploads) {
    known_uploads.insert(u.id);
    auto size = fs.FileSize(clips.UploadPath(u.id));
    if (size.ok() && *size > media::CiphertextSizeFor(u.size_bytes)) {
      report.problems.push_back("upload " + u.id + ": partial file is longer than the clip");
    }
  }
  CANVASS_ASSIGN_OR_RETURN(auto upload_files, fs.ListFilesRecursive(clips.UploadDir()));
  for (const auto& f : upload_files) {
    if (known_uploads.count(f)) continue;
    if (repair && fs.RemoveFile(clips.UploadPath(f)).ok()) {
      ++report.orphans_removed;
    } else {
      report.problems.push_back("orphan upload file " + f +
                                " (no upload row; `canvass check --repair` removes it)");
    }
  }
  return report;
}

}  // namespace canvass
