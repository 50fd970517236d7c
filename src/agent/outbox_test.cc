#include "agent/outbox.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "agent/agent_test_util.h"
#include "media/probe.h"
#include "media/synthetic_video.h"

namespace canvass::agent {
namespace {

using testing::TempDir;

std::string Recording(Outbox& box, const std::string& bytes) {
  const std::string path = box.TempPath(".mp4");
  EXPECT_TRUE(FileSystem::Posix()->WriteFileAtomic(path, bytes).ok());
  return path;
}

TEST(Outbox, ItemsSurviveAReopen) {
  TempDir dir;
  {
    auto box = *Outbox::Open(FileSystem::Posix(), dir.path(), 1 << 30);
    ASSERT_TRUE(box->EnqueueClip("porch", Recording(*box, "clip-1"), 1, 2, false).ok());
    ASSERT_TRUE(box->EnqueueMessage(OutboxKind::kMotion, "porch", R"({"at":"x"})").ok());
    // A recording in progress when the process dies.
    ASSERT_TRUE(FileSystem::Posix()->WriteFileAtomic(box->TempPath(".mp4"), "half").ok());
  }  // no clean shutdown: nothing is written at destruction
  auto box = *Outbox::Open(FileSystem::Posix(), dir.path(), 1 << 30);
  EXPECT_EQ(box->pending(), 2u);
  auto first = box->Next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->kind, OutboxKind::kMotion);  // motion goes first
  ASSERT_TRUE(box->Complete(*first).ok());
  auto clip = box->Next();
  ASSERT_TRUE(clip);
  EXPECT_EQ(clip->kind, OutboxKind::kClip);
  EXPECT_EQ(*FileSystem::Posix()->ReadFile(box->PayloadPath(*clip)), "clip-1");
  EXPECT_EQ(clip->size_bytes, 6);
  auto tmp = *FileSystem::Posix()->ListFilesRecursive(dir.file("tmp"));
  EXPECT_TRUE(tmp.empty());
}

// kill -9 or a power cut in the middle of a motion event: the fragmented recording is cut
// anywhere; at the next start what was written of it is queued as a clip, not lost.
TEST(Outbox, ARecordingCutShortByACrashIsRecoveredAndQueued) {
  TempDir dir;
  {
    auto box = *Outbox::Open(FileSystem::Posix(), dir.path(), 1 << 30);
    const std::string rec = box->TempPath(".mp4");
    ASSERT_TRUE(media::WriteSyntheticVideo(rec, media::FragmentedRecording()).ok());
    std::filesystem::resize_file(rec, std::filesystem::file_size(rec) * 6 / 10);
    ASSERT_TRUE(box->NoteRecording(rec, "porch", testing::kT0us, /*e2ee=*/true).ok());
    // A recording whose first packet never reached the disk: nothing to recover.
    ASSERT_TRUE(box->NoteRecording(box->TempPath(".mp4"), "porch", testing::kT0us, false).ok());
  }  // the process dies here
  auto box = *Outbox::Open(FileSystem::Posix(), dir.path(), 1 << 30);
  ASSERT_EQ(box->pending(), 1u);
  auto clip = box->Next();
  ASSERT_TRUE(clip);
  EXPECT_EQ(clip->kind, OutboxKind::kClip);
  EXPECT_EQ(clip->camera, "porch");
  EXPECT_TRUE(clip->e2ee);
  EXPECT_EQ(clip->started_at_us, testing::kT0us);
  EXPECT_GT(clip->ended_at_us, testing::kT0us + 500'000);
  EXPECT_LT(clip->ended_at_us, testing::kT0us + 4'000'000);
  auto info = media::ProbeVideoFile(box->PayloadPath(*clip));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->duration_us, clip->ended_at_us - clip->started_at_us);
  EXPECT_TRUE(FileSystem::Posix()->ListFilesRecursive(dir.file("tmp"))->empty());
}

TEST(Outbox, APayloadWithoutMetadataIsAnOrphanFromACrash) {
  TempDir dir;
  { auto box = *Outbox::Open(FileSystem::Posix(), dir.path(), 1 << 30); }
  ASSERT_TRUE(FileSystem::Posix()->WriteFileAtomic(dir.file("queue/000000000007.mp4"), "x").ok());
  auto box = *Outbox::Open(FileSystem::Posix(), dir.path(), 1 << 30);
  EXPECT_EQ(box->pending(), 0u);
  EXPECT_FALSE(FileSystem::Posix()->Exists(dir.file("queue/000000000007.mp4")));
  // Sequence numbers never go back, even past orphans.
  auto seq = box->EnqueueMessage(OutboxKind::kMotion, "porch", "{}");
  ASSERT_TRUE(seq.ok());
  EXPECT_GE(*seq, 1);
}

TEST(Outbox, ACrashInTheMiddleOfCompleteFinishesAtOpen) {
  TempDir dir;
  {
    auto box = *Outbox::Open(FileSystem::Posix(), dir.path(), 1 << 30);
    ASSERT_TRUE(box->EnqueueClip("porch", Recording(*box, "abc"), 1, 2, false).ok());
  }
  // The metadata moved to sent/, the payload did not.
  ASSERT_TRUE(FileSystem::Posix()
                  ->Rename(dir.file("queue/000000000001.json"), dir.file("sent/000000000001.json"))
                  .ok());
  auto box = *Outbox::Open(FileSystem::Posix(), dir.path(), 1 << 30);
  EXPECT_EQ(box->pending(), 0u);
  EXPECT_TRUE(FileSystem::Posix()->Exists(dir.file("sent/000000000001.mp4")));
  EXPECT_EQ(box->sent_seqs(), std::vector<int64_t>{1});
}

TEST(Outbox, QuotaEvictsUploadedClipsOldestFirstButNeverPendingOnes) {
  TempDir dir;
  const std::string mib(1 << 20, 'x');
  auto box = *Outbox::Open(FileSystem::Posix(), dir.path(), 3 << 20);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(box->EnqueueClip("porch", Recording(*box, mib), 1, 2, false).ok());
    ASSERT_TRUE(box->Complete(*box->Next()).ok());
  }
  EXPECT_EQ(box->sent_seqs(), (std::vector<int64_t>{1, 2, 3}));
  ASSERT_TRUE(box->EnqueueClip("porch", Recording(*box, mib), 1, 2, false).ok());
  EXPECT_EQ(box->sent_seqs(), (std::vector<int64_t>{2, 3}));  // the oldest went
  ASSERT_TRUE(box->EnqueueClip("porch", Recording(*box, mib), 1, 2, false).ok());
  ASSERT_TRUE(box->EnqueueClip("porch", Recording(*box, mib), 1, 2, false).ok());
  EXPECT_TRUE(box->sent_seqs().empty());
  // Three pending clips fill the quota: a fourth is refused, the three stay.
  auto refused = box->EnqueueClip("porch", Recording(*box, mib), 1, 2, false);
  EXPECT_EQ(refused.status().code(), Code::kResourceExhausted);
  EXPECT_EQ(box->pending(), 3u);
}

TEST(Outbox, RefusedItemsMoveToFailed) {
  TempDir dir;
  auto box = *Outbox::Open(FileSystem::Posix(), dir.path(), 1 << 30);
  ASSERT_TRUE(box->EnqueueMessage(OutboxKind::kMotion, "porch", "{}").ok());
  ASSERT_TRUE(box->Fail(*box->Next(), "motion time must be within the last day").ok());
  EXPECT_EQ(box->pending(), 0u);
  EXPECT_TRUE(FileSystem::Posix()->Exists(dir.file("failed/000000000001.json")));
  auto reopened = *Outbox::Open(FileSystem::Posix(), dir.path(), 1 << 30);
  EXPECT_EQ(reopened->pending(), 0u);
}

}  // namespace
}  // namespace canvass::agent
