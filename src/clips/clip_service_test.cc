#include "clips/clip_service.h"

#include "clips/clip_check.h"

#include <gtest/gtest.h>

#include "accounts/account_service.h"
#include "cameras/camera_service.h"
#include "common/sha256.h"
#include "media/e2ee.h"
#include "media/test_video.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/fault_file_system.h"

namespace canvass {
namespace {

constexpr int64_t kNow = 1'800'000'000'000'000;
constexpr int64_t kMiB = 1 << 20;

class ClipServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir();
    store_ = std::move(sqlite::SqliteStore::Open(dir_ + "/db").value());
    AuthConfig auth;
    auth.password_cost = "minimum";
    accounts_ = std::make_unique<AccountService>(store_.get(), &clock_, &random_, auth);
    master_.fill(7);
    Restart();
    auto owner = accounts_->CreateAccount(Principal::Anonymous(),
                                          {"owner", "", "password123", Role::kResident, ""});
    owner_ = *accounts_->Authenticate("", *accounts_->CreateApiToken(As(*owner), "t"));
    CameraInput in;
    in.name = "porch";
    in.location = LatLng{39.8, -89.65};
    auto cam = cameras_->Create(owner_, in);
    ASSERT_TRUE(cam.ok()) << cam.status().ToString();
    device_ = *accounts_->Authenticate("", cam->device_token);
    ASSERT_TRUE(device_.is_device());
  }

  // A new ClipService over the same disk and database: what a server restart does.
  void Restart() {
    clips_ = std::make_unique<ClipService>(store_.get(), &fs_, &clock_, &random_, master_, dir_,
                                           ClipsConfig{}, &hub_);
    ASSERT_TRUE(clips_->Init().ok());
    cameras_ = std::make_unique<CameraService>(store_.get(), clips_.get(), &clock_, &random_,
                                               ClipsConfig{});
  }

  Principal As(const Account& a) {
    Principal p;
    p.kind = Principal::Kind::kAccount;
    p.account = a;
    return p;
  }

  UploadRequest RequestFor(const std::string& bytes, bool e2ee = false) {
    return {Sha256Hex(bytes), static_cast<int64_t>(bytes.size()), kNow - 60'000'000,
            kNow - 30'000'000, e2ee};
  }

  // Uploads `bytes` in chunks of `chunk` bytes; returns the final state.
  StatusOr<UploadState> Upload(const std::string& bytes, int64_t chunk = kMiB, bool e2ee = false) {
    CANVASS_ASSIGN_OR_RETURN(UploadState s, clips_->StartUpload(device_, RequestFor(bytes, e2ee)));
    while (!s.clip) {
      int64_t n = std::min<int64_t>(chunk, s.size_bytes - s.received_bytes);
      CANVASS_ASSIGN_OR_RETURN(
          s, clips_->AppendChunk(device_, s.upload_id, s.received_bytes,
                                 std::string_view(bytes).substr(s.received_bytes, n)));
    }
    return s;
  }

  std::string Video(int64_t duration_ms = 2000) {
    media::TestVideoOptions o;
    o.duration_ms = duration_ms;
    return *media::MakeTestVideoBytes(o);
  }
  // A clip of several MiB (noisy frames barely compress), for multi-segment tests.
  std::string BigVideo() {
    media::TestVideoOptions o;
    o.width = 640;
    o.height = 480;
    o.duration_ms = 4000;
    o.noise = true;
    static const std::string bytes = *media::MakeTestVideoBytes(o);
    return bytes;
  }

  std::string ReadAll(const Clip& clip) {
    auto content = clips_->Open(owner_, clip.id);
    EXPECT_TRUE(content.ok()) << content.status().ToString();
    return *content->reader->ReadAt(0, clip.size_bytes);
  }

  size_t FilesUnder(const std::string& sub) {
    return FileSystem::Posix()->ListFilesRecursive(dir_ + "/" + sub)->size();
  }

  std::string dir_;
  SimulatedClock clock_{kNow};
  DeterministicRandom random_{1};
  testing::FaultInjectingFileSystem fs_{FileSystem::Posix()};
  media::MasterKey master_;
  EventHub hub_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<ClipService> clips_;
  std::unique_ptr<CameraService> cameras_;
  Principal owner_, device_;
};

TEST_F(ClipServiceTest, UploadProbesEncryptsAndPlaysBack) {
  std::string video = Video();
  auto live = hub_.Subscribe(owner_.id());
  auto s = Upload(video);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_TRUE(s->clip.has_value());
  EXPECT_EQ(s->clip->width, 320);
  EXPECT_NEAR(s->clip->duration_us, 2'000'000, 200'000);
  EXPECT_FALSE(s->clip->video_codec.empty());
  EXPECT_EQ(ReadAll(*s->clip), video);
  // Encrypted at rest: the blob does not contain the plaintext.
  std::string blob = *FileSystem::Posix()->ReadFile(clips_->BlobPath(s->clip->blob_name));
  EXPECT_EQ(blob.find(video.substr(0, 64)), std::string::npos);
  EXPECT_EQ(FilesUnder("uploads"), 0u);
  std::vector<LiveEvent> events;
  live->Take(&events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "clip");
}

TEST_F(ClipServiceTest, RepeatUploadIsANoOp) {
  std::string video = Video();
  auto first = Upload(video);
  ASSERT_TRUE(first.ok());
  auto again = clips_->StartUpload(device_, RequestFor(video));
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(again->clip.has_value());
  EXPECT_EQ(again->clip->id, first->clip->id);
  EXPECT_EQ(clips_->List(owner_, ClipFilter{})->size(), 1u);
}

TEST_F(ClipServiceTest, WrongHashIsRefusedAndLeavesNothing) {
  std::string video = Video();
  UploadRequest r = RequestFor(video);
  r.content_sha256 = Sha256Hex("something else");
  auto s = clips_->StartUpload(device_, r);
  ASSERT_TRUE(s.ok());
  auto done = clips_->AppendChunk(device_, s->upload_id, 0, video);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.status().code(), Code::kInvalidArgument);
  EXPECT_NE(done.status().message().find("hash"), std::string::npos);
  EXPECT_EQ(FilesUnder("uploads"), 0u);
  EXPECT_EQ(FilesUnder("blobs"), 0u);
  EXPECT_TRUE(store_->ListUploads()->empty());
  EXPECT_TRUE(clips_->List(owner_, ClipFilter{})->empty());
}

TEST_F(ClipServiceTest, NonVideoIsRefusedAndLeavesNothing) {
  std::string text(5000, 'x');
  auto s = Upload(text);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kInvalidArgument);
  EXPECT_NE(s.status().message().find("not a video"), std::string::npos) << s.status().ToString();
  EXPECT_EQ(FilesUnder("uploads") + FilesUnder("blobs"), 0u);
}

TEST_F(ClipServiceTest, VideoLongerThanItsDeclaredWindowIsRefused) {
  std::string video = Video(5000);
  UploadRequest r = RequestFor(video);
  r.ended_at_us = r.started_at_us + 1'000'000;
  auto s = clips_->StartUpload(device_, r);
  ASSERT_TRUE(s.ok());
  auto done = clips_->AppendChunk(device_, s->upload_id, 0, video);
  EXPECT_EQ(done.status().code(), Code::kInvalidArgument);
}

TEST_F(ClipServiceTest, DeclarationIsValidated) {
  std::string video = Video();
  UploadRequest r = RequestFor(video);
  r.ended_at_us = kNow + 3600'000'000LL;
  EXPECT_EQ(clips_->StartUpload(device_, r).status().code(), Code::kInvalidArgument);
  r = RequestFor(video);
  r.ended_at_us = r.started_at_us;
  EXPECT_EQ(clips_->StartUpload(device_, r).status().code(), Code::kInvalidArgument);
  r = RequestFor(video);
  r.content_sha256 = "../../etc/passwd";
  EXPECT_EQ(clips_->StartUpload(device_, r).status().code(), Code::kInvalidArgument);
  r = RequestFor(video);
  r.size_bytes = 0;
  EXPECT_EQ(clips_->StartUpload(device_, r).status().code(), Code::kInvalidArgument);
  r = RequestFor(video);
  r.started_at_us = kNow - 400LL * 86400 * 1'000'000;
  r.ended_at_us = r.started_at_us + 1'000'000;
  EXPECT_EQ(clips_->StartUpload(device_, r).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(clips_->StartUpload(owner_, RequestFor(video)).status().code(),
            Code::kPermissionDenied);
}

TEST_F(ClipServiceTest, ChunkRulesAndOffsetsAreEnforced) {
  std::string video = BigVideo();
  ASSERT_GT(video.size(), static_cast<size_t>(2 * kMiB)) << "test needs a multi-segment clip";
  auto s = clips_->StartUpload(device_, RequestFor(video));
  ASSERT_TRUE(s.ok());
  auto misaligned = clips_->AppendChunk(device_, s->upload_id, 0, video.substr(0, 1000));
  EXPECT_EQ(misaligned.status().code(), Code::kInvalidArgument);
  auto wrong_offset = clips_->AppendChunk(device_, s->upload_id, kMiB, video.substr(0, kMiB));
  EXPECT_EQ(wrong_offset.status().code(), Code::kAborted);
  EXPECT_NE(wrong_offset.status().message().find("offset 0"), std::string::npos);
  auto past_end = clips_->AppendChunk(device_, s->upload_id, 0, video + "x");
  EXPECT_EQ(past_end.status().code(), Code::kInvalidArgument);
}

TEST_F(ClipServiceTest, ResumesAfterRestartAndAfterATornWrite) {
  std::string video = BigVideo();
  ASSERT_GT(video.size(), static_cast<size_t>(3 * kMiB));
  auto s = clips_->StartUpload(device_, RequestFor(video));
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(clips_->AppendChunk(device_, s->upload_id, 0, video.substr(0, kMiB)).ok());
  // The next chunk dies half-way through writing (process killed, disk error).
  fs_.FailAppendsAfter(kMiB / 2);
  EXPECT_FALSE(clips_->AppendChunk(device_, s->upload_id, kMiB, video.substr(kMiB, kMiB)).ok());
  fs_.Heal();
  Restart();  // the in-memory state is gone
  auto state = clips_->GetUpload(device_, s->upload_id);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->received_bytes, kMiB) << "resumes after the last whole segment";
  auto done = Upload(video, 2 * kMiB);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(ReadAll(*done->clip), video);
}

TEST_F(ClipServiceTest, FailedSyncIsNotAcknowledged) {
  std::string video = Video();
  auto s = clips_->StartUpload(device_, RequestFor(video));
  ASSERT_TRUE(s.ok());
  fs_.FailNextSync();
  EXPECT_FALSE(clips_->AppendChunk(device_, s->upload_id, 0, video).ok());
  EXPECT_TRUE(clips_->List(owner_, ClipFilter{})->empty());
  auto done = Upload(video);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
}

TEST_F(ClipServiceTest, EndToEndEncryptedClipsAreStoredUnopened) {
  media::E2eeKeyPair keys = media::NewE2eeKeyPair();
  ASSERT_TRUE(accounts_->SetE2eePublicKey(owner_, keys.public_key).ok());
  std::string video = Video();
  std::string sealed = *media::SealForOwner(keys.public_key, video, random_);
  auto s = Upload(sealed, kMiB, /*e2ee=*/true);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->clip->e2ee);
  EXPECT_TRUE(s->clip->video_codec.empty()) << "the server cannot probe what it cannot open";
  std::string back = ReadAll(*s->clip);
  EXPECT_EQ(back, sealed);
  EXPECT_EQ(*media::OpenSealed(keys.public_key, keys.secret_key, back), video);
}

TEST_F(ClipServiceTest, E2eeNeedsTheOwnersKey) {
  std::string video = Video();
  EXPECT_EQ(clips_->StartUpload(device_, RequestFor(video, true)).status().code(),
            Code::kFailedPrecondition);
}

TEST_F(ClipServiceTest, OwnerOnlyAccessAndDeleteRemovesBytes) {
  auto s = Upload(Video());
  ASSERT_TRUE(s.ok());
  auto other = accounts_->CreateAccount(Principal::Anonymous(),
                                        {"other", "", "password123", Role::kResident, ""});
  Principal intruder = As(*other);
  EXPECT_EQ(clips_->Get(intruder, s->clip->id).status().code(), Code::kNotFound);
  EXPECT_EQ(clips_->Open(intruder, s->clip->id).status().code(), Code::kNotFound);
  EXPECT_EQ(clips_->Delete(intruder, s->clip->id).code(), Code::kNotFound);
  ASSERT_TRUE(clips_->Delete(owner_, s->clip->id).ok());
  EXPECT_EQ(FilesUnder("blobs"), 0u);
  EXPECT_EQ(clips_->Get(owner_, s->clip->id).status().code(), Code::kNotFound);
}

TEST_F(ClipServiceTest, DeletingACameraDeletesItsClipsAndUploads) {
  ASSERT_TRUE(Upload(Video()).ok());
  std::string other = Video(3000);
  auto pending = clips_->StartUpload(device_, RequestFor(other));
  ASSERT_TRUE(pending.ok());
  ASSERT_TRUE(cameras_->Delete(owner_, device_.camera->id).ok());
  EXPECT_EQ(FilesUnder("blobs") + FilesUnder("uploads"), 0u);
  EXPECT_TRUE(store_->ListUploads()->empty());
}

TEST_F(ClipServiceTest, UnfinishedUploadsExpire) {
  auto s = clips_->StartUpload(device_, RequestFor(BigVideo()));
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(clips_->AppendChunk(device_, s->upload_id, 0, std::string(kMiB, 'a')).ok());
  EXPECT_EQ(*clips_->ExpireUploads(), 0);
  clock_.AdvanceSeconds(ClipsConfig{}.upload_ttl_s);
  EXPECT_EQ(*clips_->ExpireUploads(), 1);
  EXPECT_EQ(FilesUnder("uploads"), 0u);
}

TEST_F(ClipServiceTest, MotionIsStoredAndPushedLive) {
  auto live = hub_.Subscribe(owner_.id());
  auto m = clips_->ReportMotion(device_, kNow - 1'000'000, 0.4);
  ASSERT_TRUE(m.ok());
  std::vector<LiveEvent> events;
  live->Take(&events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "motion");
  EXPECT_NE(events[0].data_json.find("porch"), std::string::npos);
  EXPECT_EQ(clips_->ListMotion(owner_, 10)->size(), 1u);
  EXPECT_FALSE(clips_->ReportMotion(device_, kNow, 1.5).ok());
}

TEST_F(ClipServiceTest, CheckFindsCorruptMissingAndOrphanFilesAndRepairsOrphans) {
  auto a = Upload(Video());
  auto b = Upload(Video(3000));
  ASSERT_TRUE(a.ok() && b.ok());
  auto clean = CheckClips(*store_, *clips_, fs_, false);
  ASSERT_TRUE(clean.ok());
  EXPECT_TRUE(clean->problems.empty());
  EXPECT_EQ(clean->clips_checked, 2);

  // Flip one byte of a's blob, delete b's, and leave an orphan in each directory.
  std::string path_a = clips_->BlobPath(a->clip->blob_name);
  std::string bytes = *FileSystem::Posix()->ReadFile(path_a);
  bytes[bytes.size() / 2] ^= 1;
  ASSERT_TRUE(FileSystem::Posix()->WriteFileAtomic(path_a, bytes).ok());
  ASSERT_TRUE(FileSystem::Posix()->RemoveFile(clips_->BlobPath(b->clip->blob_name)).ok());
  ASSERT_TRUE(FileSystem::Posix()->WriteFileAtomic(clips_->BlobDir() + "/stray", "x").ok());
  ASSERT_TRUE(FileSystem::Posix()->WriteFileAtomic(clips_->UploadDir() + "/upl_gone", "x").ok());

  auto bad = CheckClips(*store_, *clips_, fs_, false);
  ASSERT_TRUE(bad.ok());
  ASSERT_EQ(bad->problems.size(), 4u);
  std::string all;
  for (const auto& p : bad->problems) all += p + "\n";
  EXPECT_NE(all.find("clip " + a->clip->id), std::string::npos) << all;
  EXPECT_NE(all.find("clip " + b->clip->id), std::string::npos) << all;
  EXPECT_NE(all.find("orphan blob stray"), std::string::npos) << all;
  EXPECT_NE(all.find("orphan upload file upl_gone"), std::string::npos) << all;

  auto repaired = CheckClips(*store_, *clips_, fs_, true);
  ASSERT_TRUE(repaired.ok());
  EXPECT_EQ(repaired->orphans_removed, 2);
  EXPECT_EQ(repaired->problems.size(), 2u) << "rows without good bytes are never repaired away";
}

}  // namespace
}  // namespace canvass
