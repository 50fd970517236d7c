// Outbox: the agent's durable queue of things to send (clips, motion events, plate-read
// batches), so that nothing recorded is lost when the server or the network is down for hours
// or the agent is killed (kill -9 and power cuts included).
//
// On disk, under `dir`:
//   queue/<seq>.json     one pending item: its metadata. The item exists iff this file does.
//   queue/<seq>.mp4      a pending clip's bytes (".sealed" once sealed for end-to-end encryption)
//   sent/<seq>.json|mp4  uploaded clips, kept for local playback until the quota needs room
//   failed/<seq>.*       items the server refused for good (kept for inspection, evicted first)
//   tmp/rec-<n>.mp4      recordings in progress (fragmented MP4, see ClipWriter), each with
//   tmp/rec-<n>.mp4.json  its camera, start time and e2ee choice (NoteRecording). At Open, a
//                        recording cut short by a crash is recovered up to its last readable
//                        packet (remuxed to an ordinary MP4) and queued like any clip; then
//                        tmp/ is emptied.
// <seq> is a 12-digit sequence number, increasing.
//
// Durability: a clip's file is fsynced and renamed into queue/ first, then its metadata is
// written with FileSystem::WriteFileAtomic (temp file, fsync, rename, directory fsync). Open
// removes payloads that no metadata names (a crash between the two steps), and completes a
// crash in the middle of Complete. An item is acknowledged (Enqueue returns) only once durable.
//
// Idempotency: items are sent at least once. A clip sent twice is stored once (the server
// deduplicates by SHA-256 per camera); plate reads carry their own ids; a motion event may be
// repeated after a crash at the wrong moment.
//
// Quota: queue + sent + failed bytes stay under quota_bytes. To make room for a new clip the
// oldest failed, then the oldest sent clips are deleted; pending items are never evicted, and a
// new clip that still does not fit is refused (ResourceExhausted).
//
// Thread-safety: all methods are safe to call from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/file_system.h"
#include "common/status.h"

namespace canvass::agent {

enum class OutboxKind { kMotion, kPlates, kClip };  // sending order: motion first

struct OutboxItem {
  int64_t seq = 0;
  OutboxKind kind = OutboxKind::kClip;
  std::string camera;        // the camera's name in the agent config
  // kMotion, kPlates: the JSON body to send.
  std::string body;
  // kClip.
  std::string payload;       // file name in queue/
  std::string sha256;        // of the payload
  int64_t size_bytes = 0;
  int64_t started_at_us = 0;
  int64_t ended_at_us = 0;
  bool e2ee = false;         // to be sealed for the owner
  bool sealed = false;       // the payload is sealed already
  int attempts = 0;          // failed sends so far (not durable)
};

class Outbox {
 public:
  static StatusOr<std::unique_ptr<Outbox>> Open(FileSystem* fs, const std::string& dir,
                                                int64_t quota_bytes);

  // A fresh path under tmp/ for a recording in progress.
  std::string TempPath(const std::string& suffix);
  // Records, durably, what the recording at `file` (from TempPath) is, so that Open can queue
  // it if the agent dies before EnqueueClip. Call once its first packet is written.
  Status NoteRecording(const std::string& file, const std::string& camera, int64_t started_at_us,
                       bool e2ee);

  // Moves the finished clip at `file` (under tmp/) into the queue. Its SHA-256 is computed here.
  StatusOr<int64_t> EnqueueClip(const std::string& camera, const std::string& file,
                                int64_t started_at_us, int64_t ended_at_us, bool e2ee);
  StatusOr<int64_t> EnqueueMessage(OutboxKind kind, const std::string& camera,
                                   const std::string& json_body);

  // The next item to send: motion events first, then plate batches, then clips, each oldest
  // first. Items whose camera is in `skip` are passed over.
  std::optional<OutboxItem> Next(const std::vector<std::string>& skip = {});
  std::string PayloadPath(const OutboxItem& item) const;
  // A clip's payload, read through the outbox's file system.
  StatusOr<std::string> ReadPayload(const OutboxItem& item) const;

  // Replaces a clip's payload with its sealed bytes (durably, before anything is sent).
  Status StoreSealed(const OutboxItem& item, const std::string& sealed_bytes);
  // The item was delivered: clips move to sent/, messages are deleted.
  Status Complete(const OutboxItem& item);
  // The server refused the item for good: it moves to failed/.
  Status Fail(const OutboxItem& item, const std::string& reason);
  void NoteAttempt(int64_t seq);

  size_t pending() const;
  int64_t used_bytes() const;
  std::vector<int64_t> sent_seqs() const;

 private:
  Outbox(FileSystem* fs, std::string dir, int64_t quota_bytes)
      : fs_(fs), dir_(std::move(dir)), quota_bytes_(quota_bytes) {}
  Status Load();
  // Queues the recordings a crash left in tmp/ (see the file comment), then empties tmp/.
  Status RecoverRecordings();
  Status MakeRoomLocked(int64_t bytes);
  Status WriteMetaLocked(const std::string& subdir, const OutboxItem& item);
  std::string Path(const std::string& subdir, const std::string& name) const;

  struct Kept {  // an item in sent/ or failed/
    std::string subdir;
    int64_t seq;
    std::vector<std::string> files;
    int64_t bytes;
  };

  FileSystem* fs_;
  const std::string dir_;
  const int64_t quota_bytes_;
  mutable std::mutex mu_;
  std::map<int64_t, OutboxItem> queue_;  // GUARDED_BY(mu_)
  std::map<int64_t, Kept> kept_;         // GUARDED_BY(mu_)
  int64_t used_bytes_ = 0;               // GUARDED_BY(mu_)
  int64_t next_seq_ = 1;                 // GUARDED_BY(mu_)
  int64_t next_tmp_ = 0;                 // GUARDED_BY(mu_)
};

std::string OutboxKindName(OutboxKind kind);

}  // namespace canvass::agent
