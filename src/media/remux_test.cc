#include "media/remux.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "media/probe.h"
#include "media/synthetic_video.h"

namespace canvass::media {
namespace {

class RemuxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string p = "/tmp/canvass-remux-test-XXXXXX";
    dir_ = ::mkdtemp(p.data());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string File(const std::string& name) const { return dir_ + "/" + name; }

  // 4 s at 10 fps, a key frame a second, fragmented as the agent records.
  std::string WriteFragmented(const std::string& name) {
    Status s = WriteSyntheticVideo(File(name), FragmentedRecording());
    EXPECT_TRUE(s.ok()) << s.ToString();
    return File(name);
  }

  std::string dir_;
};

TEST_F(RemuxTest, AFinishedFragmentedRecordingBecomesAnOrdinaryMp4) {
  const std::string in = WriteFragmented("rec.mp4");
  auto r = RemuxToMp4(in, File("out.mp4"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->packets, 40);
  EXPECT_NEAR(r->duration_us, 4'000'000, 100'001);
  auto info = ProbeVideoFile(File("out.mp4"));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_NEAR(info->duration_us, 4'000'000, 100'001);
}

// A crash mid-recording leaves the file cut anywhere: what was whole is kept.
TEST_F(RemuxTest, ARecordingCutShortKeepsWhatWasWritten) {
  const std::string in = WriteFragmented("rec.mp4");
  const auto size = std::filesystem::file_size(in);
  std::filesystem::resize_file(in, size * 6 / 10);
  auto r = RemuxToMp4(in, File("out.mp4"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->packets, 5);
  EXPECT_LT(r->packets, 40);
  auto info = ProbeVideoFile(File("out.mp4"));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_GT(info->duration_us, 500'000);
  EXPECT_LT(info->duration_us, 4'000'000);
}

TEST_F(RemuxTest, NothingReadableIsAClearErrorAndLeavesNoFile) {
  std::ofstream(File("junk.mp4")) << "not a video at all";
  auto junk = RemuxToMp4(File("junk.mp4"), File("out.mp4"));
  EXPECT_EQ(junk.status().code(), Code::kInvalidArgument) << junk.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(File("out.mp4")));

  const std::string in = WriteFragmented("rec.mp4");  // cut where the first fragment begins
  std::string bytes;
  {
    std::ifstream f(in, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  const size_t moof = bytes.find("moof");
  ASSERT_NE(moof, std::string::npos);
  std::filesystem::resize_file(in, moof - 4);  // the header only
  auto cut = RemuxToMp4(in, File("out.mp4"));
  EXPECT_EQ(cut.status().code(), Code::kFailedPrecondition) << cut.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(File("out.mp4")));
}

}  // namespace
}  // namespace canvass::media
