// The alpr path end to end with the real engine and the committed models: a rendered plate
// (src/recognize/testdata, never a real one) driven across a camera's picture must come out of
// CameraRunner as exactly one merged read, with its text and a crop, in the outbox.
#include "agent/engine_recognizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <boost/json.hpp>

#include "agent/agent_test_util.h"
#include "common/encoding.h"
#include "media/synthetic_video.h"
#include "media/town_sim.h"
#include "media/video_writer.h"
#include "recognize/image_file.h"

extern "C" {
#include <libavutil/frame.h>
}

namespace canvass::agent {
namespace {

using testing::RunPipeline;
using testing::TempDir;
using testing::TestCamera;

constexpr int kWidth = 640, kHeight = 360, kFps = 10;

// A BGR picture, rows packed.
struct Canvas {
  std::vector<uint8_t> bgr = std::vector<uint8_t>(size_t{kWidth} * kHeight * 3);
  void Fill(int x, int y, int w, int h, uint8_t b, uint8_t g, uint8_t r) {
    for (int j = std::max(0, y); j < std::min(kHeight, y + h); ++j) {
      for (int i = std::max(0, x); i < std::min(kWidth, x + w); ++i) {
        uint8_t* p = &bgr[(static_cast<size_t>(j) * kWidth + i) * 3];
        p[0] = b, p[1] = g, p[2] = r;
      }
    }
  }
  void Paste(const recognize::DecodedImage& img, int x, int y) {
    for (int j = 0; j < img.height; ++j) {
      for (int i = 0; i < img.width; ++i) {
        if (x + i < 0 || x + i >= kWidth || y + j < 0 || y + j >= kHeight) continue;
        std::copy_n(&img.bgr[(static_cast<size_t>(j) * img.width + i) * 3], 3,
                    &bgr[(static_cast<size_t>(y + j) * kWidth + x + i) * 3]);
      }
    }
  }
  // BT.601 limited range, 4:2:0, into the writer's frame.
  void ToYuv(AVFrame* f) const {
    for (int j = 0; j < kHeight; ++j) {
      for (int i = 0; i < kWidth; ++i) {
        const uint8_t* p = &bgr[(static_cast<size_t>(j) * kWidth + i) * 3];
        f->data[0][j * f->linesize[0] + i] =
            static_cast<uint8_t>(16 + (65.7 * p[2] + 129.1 * p[1] + 25.1 * p[0]) / 256);
        if (j % 2 == 0 && i % 2 == 0) {
          f->data[1][j / 2 * f->linesize[1] + i / 2] =
              static_cast<uint8_t>(128 + (-37.9 * p[2] - 74.5 * p[1] + 112.4 * p[0]) / 256);
          f->data[2][j / 2 * f->linesize[2] + i / 2] =
              static_cast<uint8_t>(128 + (112.4 * p[2] - 94.2 * p[1] - 18.2 * p[0]) / 256);
        }
      }
    }
  }
};

// 4 s at 10 fps: an empty grey street for 1 s, then a dark car whose rear plate (the rendered
// 240x120 PNG) creeps right 6 px a frame for 2 s, then the empty street again.
std::string WritePassingCar(const std::string& path, const std::string& plate_png) {
  auto plate = recognize::ReadImageFile(plate_png);
  EXPECT_TRUE(plate.ok()) << plate.status().ToString();
  if (!plate.ok()) return "";
  auto w =
      media::VideoFileWriter::Open({.path = path, .width = kWidth, .height = kHeight, .fps = kFps});
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  if (!w.ok()) return "";
  for (int n = 0; n < 4 * kFps; ++n) {
    Canvas c;
    c.Fill(0, 0, kWidth, kHeight, 110, 115, 120);
    if (n >= kFps && n < 3 * kFps) {
      const int x = 120 + 6 * (n - kFps);
      c.Fill(x - 60, 70, plate->width + 120, plate->height + 140, 60, 30, 25);
      c.Paste(*plate, x, 120);
    }
    c.ToYuv((*w)->frame());
    EXPECT_TRUE((*w)->WriteFrame(n).ok());
  }
  EXPECT_TRUE((*w)->Finish().ok());
  return path;
}

// Runs an alpr camera ("IL" plates) over `video` with the engine and the committed models.
testing::PipelineRun RunAlprCamera(const std::string& video, const TempDir& dir) {
  auto recognizer = EngineRecognizer::Open({});
  EXPECT_TRUE(recognizer.ok()) << recognizer.status().ToString();
  if (!recognizer.ok()) return {};
  CameraConfig cam = TestCamera(video);
  cam.kind = "alpr";
  cam.reader_token = "cvl_test";
  cam.plate_state = "IL";
  return RunPipeline(cam, dir.file("outbox"), recognizer->get());
}

TEST(EngineRecognizer, ReadsAPlatePassingAnAlprCameraOnce) {
  TempDir dir;
  const std::string video = WritePassingCar(
      dir.file("car.mp4"), std::string(CANVASS_RECOGNIZE_TESTDATA) + "/plate_us_7KQD418.png");
  ASSERT_FALSE(video.empty());
  auto run = RunAlprCamera(video, dir);

  std::vector<OutboxItem> batches;
  for (const OutboxItem& item : run.items) {
    if (item.kind == OutboxKind::kPlates) batches.push_back(item);
  }
  ASSERT_EQ(batches.size(), 1u);
  const boost::json::array reads = boost::json::parse(batches[0].body).at("reads").as_array();
  std::string summary;  // what was read, for the failure message
  for (const auto& r : reads) {
    summary += boost::json::serialize(r.at("plate")) + " " +
               boost::json::serialize(r.at("confidence")) + " at " +
               boost::json::serialize(r.at("read_at")) + "; ";
  }
  ASSERT_EQ(reads.size(), 1u) << summary;
  const boost::json::object& read = reads[0].as_object();
  EXPECT_EQ(read.at("plate").as_string(), "7KQD418");
  EXPECT_EQ(read.at("state").as_string(), "IL");  // the camera's plate_state: the engine gives none
  EXPECT_GT(read.at("confidence").as_double(), 0.5);
  ASSERT_TRUE(read.contains("crop_jpeg"));
  auto crop = Base64Decode(read.at("crop_jpeg").as_string());
  ASSERT_TRUE(crop.ok());
  auto decoded = recognize::DecodeImage(*crop, "the crop");
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_GE(decoded->width, 240);  // the plate and some margin
  EXPECT_EQ(run.stats.plate_reads, 1);
}

// The demo town's plate readers: every vehicle that passes an ALPR camera in the town's own
// synthetic video (media::PlatePainter's plates; vehicles coming toward the camera or going
// away) comes out as one read of its plate, with its colour and direction, and nothing else does.
TEST(EngineRecognizer, ReadsEveryPassOfTheTownsAlprVideo) {
  TempDir dir;
  // The first street segment on which, in 40 s, vehicles both come and go.
  media::TownSim sim;
  for (int segment = 0; segment < media::SegmentCount({}); ++segment) {
    sim = media::SimulateTown({.loop_ms = 40000}, {{"ALPR", segment, false, /*alpr=*/true}});
    const auto& p = sim.cameras[0].passes;
    if (std::any_of(p.begin(), p.end(), [](auto& x) { return x.rightwards; }) &&
        std::any_of(p.begin(), p.end(), [](auto& x) { return !x.rightwards; })) {
      break;
    }
  }
  std::multiset<std::string> passed;  // "PLATE colour direction"
  for (const media::CameraPass& p : sim.cameras[0].passes) {
    const media::SimVehicle& v = sim.vehicles.at(static_cast<size_t>(p.vehicle));
    passed.insert(v.plate + " " + v.color + " " + (p.rightwards ? "toward" : "away"));
  }
  ASSERT_GE(passed.size(), 2u) << "the camera should see traffic in 40 s";
  const auto& passes = sim.cameras[0].passes;
  ASSERT_TRUE(std::any_of(passes.begin(), passes.end(), [](auto& p) { return p.rightwards; }) &&
              std::any_of(passes.begin(), passes.end(), [](auto& p) { return !p.rightwards; }))
      << "the test should see vehicles come and go";
  const std::string video = dir.file("alpr.mp4");
  ASSERT_TRUE(media::WriteSyntheticVideo(video, media::CameraVideo(sim, 0)).ok());
  auto run = RunAlprCamera(video, dir);
  std::multiset<std::string> read;
  for (const OutboxItem& item : run.items) {
    if (item.kind != OutboxKind::kPlates) continue;
    const boost::json::value body = boost::json::parse(item.body);
    for (const auto& r : body.at("reads").as_array()) {
      read.insert(std::string(r.at("plate").as_string()) + " " +
                  std::string(r.at("vehicle_color").as_string()) + " " +
                  std::string(r.at("direction").as_string()));
    }
  }
  EXPECT_EQ(read, passed);
}

TEST(EngineRecognizer, AStreetWithoutPlatesGivesNoRead) {
  TempDir dir;
  auto recognizer = EngineRecognizer::Open({});
  ASSERT_TRUE(recognizer.ok()) << recognizer.status().ToString();
  Canvas c;
  c.Fill(0, 0, kWidth, kHeight, 110, 115, 120);
  c.Fill(200, 100, 200, 120, 60, 30, 25);  // a car without a plate
  auto plates = (*recognizer)->Recognize(BgrImage{c.bgr.data(), kWidth, kHeight, kWidth * 3}, 0);
  ASSERT_TRUE(plates.ok()) << plates.status().ToString();
  EXPECT_TRUE(plates->empty());
}

TEST(EngineRecognizer, ToEngineImageKeepsEveryField) {
  const uint8_t pixels[8] = {};
  const recognize::Image image = ToEngineImage(BgrImage{pixels, 2, 1, 8});
  EXPECT_EQ(image.bgr, pixels);
  EXPECT_EQ(image.width, 2);
  EXPECT_EQ(image.height, 1);
  EXPECT_EQ(image.stride, 8);
}

TEST(EngineRecognizer, OpenNamesWhatIsWrong) {
  auto region = EngineRecognizer::Open({.region = "mars"});
  EXPECT_EQ(region.status().code(), Code::kInvalidArgument);
  auto models = EngineRecognizer::Open({.model_dir = "/nonexistent/models"});
  EXPECT_EQ(models.status().code(), Code::kNotFound) << models.status().ToString();
}

}  // namespace
}  // namespace canvass::agent
