// ClipService: clips from upload to deletion.
//
// Life of a clip (docs/design/overview.md has the long form):
//  1. The camera's agent declares the clip: SHA-256, size, start and end (StartUpload). A clip
//     already stored for that camera and hash is returned as is (idempotent); an unfinished
//     upload of it is resumed.
//  2. The agent sends chunks at the offset the server reports (AppendChunk). Each chunk is
//     encrypted as it arrives (media::SegmentWriter: 1 MiB segments under a fresh per-clip key
//     wrapped by the master key) and fsynced before it is acknowledged, so plaintext never
//     touches the disk and an acknowledged offset survives a crash. Every chunk except the last
//     must be a whole number of segments.
//  3. At the last byte the hash is checked (mismatch: refused, upload discarded), the bytes are
//     probed with libavformat through the decrypting reader (not a video: refused, discarded),
//     the file is renamed to its content address under blobs/ and the clip row is committed
//     with its audit event.
//  4. Owners list, play (random access, decrypted on the fly) and delete clips.
//
// Files: <data_dir>/uploads/<upload id> (encrypted, partial), <data_dir>/blobs/aa/bb/<name>
// where name = hex HMAC-SHA-256(blob naming key, camera id ":" content hash).
//
// Thread-safety: safe for concurrent use; chunks of one upload are serialised.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "auth/principal.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/file_system.h"
#include "common/random.h"
#include "clips/inventory_listener.h"
#include "events/event_hub.h"
#include "media/clip_cipher.h"
#include "store/store.h"

namespace canvass {

struct UploadRequest {
  std::string content_sha256;  // lower-case hex
  int64_t size_bytes = 0;
  int64_t started_at_us = 0;
  int64_t ended_at_us = 0;
  bool e2ee = false;           // bytes are sealed to the owner's key (media/e2ee.h)
};

struct UploadState {
  std::string upload_id;          // empty when the clip already existed
  int64_t size_bytes = 0;
  int64_t received_bytes = 0;     // the offset to send next
  int64_t max_chunk_bytes = 0;
  std::optional<Clip> clip;       // set once the clip is stored
};

// An open clip for playback: metadata plus a decrypting random-access reader.
struct ClipContent {
  Clip clip;
  std::unique_ptr<media::ClipReader> reader;
};

class ClipService {
 public:
  ClipService(Store* store, FileSystem* fs, const Clock* clock, Random* random,
              const media::MasterKey& master_key, std::string data_dir,
              const ClipsConfig& config, EventHub* hub);
  ~ClipService();

  // Creates the directories. Call once before use.
  Status Init();
  // Told of every clip added or deleted from now on (set once, before serving).
  void SetListener(InventoryListener* listener) { listener_ = listener; }

  // --- device side ---
  StatusOr<UploadState> StartUpload(const Principal& device, const UploadRequest& req);
  StatusOr<UploadState> GetUpload(const Principal& device, const std::string& upload_id);
  // Appends `bytes` at `offset`. Aborted (with the expected offset in the message) when the
  // offset is not the current one: the agent asks GetUpload and resumes there.
  StatusOr<UploadState> AppendChunk(const Principal& device, const std::string& upload_id,
                                    int64_t offset, std::string_view bytes);
  // A motion event from the camera's agent: stored and pushed live to the owner.
  StatusOr<MotionEvent> ReportMotion(const Principal& device, int64_t at_us, double score);

  // --- owner side ---
  StatusOr<std::vector<Clip>> List(const Principal& owner, const ClipFilter& filter);
  StatusOr<Clip> Get(const Principal& owner, const std::string& id);
  // Opens a clip for playback or download; writes a clip.view audit event.
  StatusOr<ClipContent> Open(const Principal& owner, const std::string& id);
  Status Delete(const Principal& owner, const std::string& id);
  StatusOr<std::vector<MotionEvent>> ListMotion(const Principal& owner, int limit);

  // --- maintenance ---
  // Removes the files of a deleted camera's clips and uploads (best effort; leftovers are
  // orphans for `canvass check --repair`).
  void RemoveFilesOf(const Store::DeletedCamera& deleted);
  // After the store purged clips past retention (Store::PurgeClips): tells the listener and
  // removes their files. Returns the first removal that failed (the file stays an orphan for
  // `canvass check --repair`); a file already gone is not an error.
  Status RemovePurged(const std::vector<Clip>& purged);
  // Discards uploads past their expiry. Returns how many.
  StatusOr<int> ExpireUploads();
  // Opens a clip's blob without access checks or audit (for `canvass check`).
  StatusOr<std::unique_ptr<media::ClipReader>> OpenBlob(const Clip& clip);
  std::string BlobDir() const;
  std::string UploadDir() const;
  std::string BlobPath(const std::string& blob_name) const;
  std::string UploadPath(const std::string& upload_id) const;

 private:
  struct Active;  // In-memory state of an upload being received.

  StatusOr<Camera> DeviceCamera(const Principal& device);
  // The upload, if it belongs to the device's camera (NotFound otherwise).
  StatusOr<Upload> DeviceUpload(const Principal& device, const std::string& upload_id);
  StatusOr<std::shared_ptr<Active>> Activate(const Upload& upload);
  StatusOr<UploadState> Finish(const Principal& device, std::shared_ptr<Active> active);
  void Discard(const std::string& upload_id);
  StatusOr<media::ClipKey> KeyFor(const std::string& wrapped, const std::string& ad) const;
  std::string BlobNameFor(const std::string& camera_id, const std::string& sha256) const;
  UploadState StateOf(const Upload& u, int64_t received) const;

  Store* store_;
  FileSystem* fs_;
  const Clock* clock_;
  Random* random_;
  media::MasterKey master_key_;
  std::string naming_key_;
  std::string data_dir_;
  ClipsConfig config_;
  EventHub* hub_;
  InventoryListener* listener_ = nullptr;

  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Active>> active_;  // GUARDED_BY(mu_)
};

}  // namespace canvass
