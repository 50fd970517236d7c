// The engine with the committed models, on plates rendered by tools/recognizer (testdata/,
// regenerated with `generate.py --testdata`; never real plates). Limits tested here are the
// ones stated in docs/design/recognize.md.
#include "recognize/engine.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace canvass::recognize {
namespace {

namespace fs = std::filesystem;

struct Fixture {
  std::string text;
  Region region;
  cv::Mat bgr;
};

std::vector<Fixture> Plates() {
  std::vector<Fixture> out;
  for (const auto& e : fs::directory_iterator(CANVASS_RECOGNIZE_TESTDATA)) {
    std::string name = e.path().filename().string();  // plate_us_ABC1234.png
    if (!name.starts_with("plate_")) continue;
    Fixture f;
    f.region = name.substr(6, 2) == "us" ? Region::kUs : Region::kEu;
    f.text = name.substr(9, name.size() - 9 - 4);
    f.bgr = cv::imread(e.path().string(), cv::IMREAD_COLOR);
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(),
            [](const Fixture& a, const Fixture& b) { return a.text < b.text; });
  return out;
}

Image View(const cv::Mat& m) { return Image{m.data, m.cols, m.rows, static_cast<int>(m.step[0])}; }

// The plate, turned by `degrees` and scaled to `width` px, pasted at the middle of a plate-free
// 1280x720 scene.
cv::Mat Scene(const cv::Mat& plate, double degrees, int width, double blur_sigma = 0) {
  cv::Mat bg =
      cv::imread(std::string(CANVASS_RECOGNIZE_TESTDATA) + "/empty_0.jpg", cv::IMREAD_COLOR);
  cv::Mat scene;
  cv::resize(bg, scene, cv::Size(1280, 720));
  cv::Mat p;
  cv::resize(plate, p, cv::Size(width, plate.rows * width / plate.cols), 0, 0, cv::INTER_AREA);
  cv::Point2f centre(640, 400);
  cv::Mat m = cv::getRotationMatrix2D(cv::Point2f(p.cols / 2.0f, p.rows / 2.0f), degrees, 1.0);
  m.at<double>(0, 2) += centre.x - p.cols / 2.0;
  m.at<double>(1, 2) += centre.y - p.rows / 2.0;
  cv::warpAffine(p, scene, m, scene.size(), cv::INTER_LINEAR, cv::BORDER_TRANSPARENT);
  if (blur_sigma > 0) cv::GaussianBlur(scene, scene, cv::Size(), blur_sigma);
  return scene;
}

class EngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    SetInferenceThreads(1);
    auto e = Engine::Open({});  // DefaultModelDir(): the committed models
    ASSERT_TRUE(e.ok()) << e.status().message();
    engine_ = std::move(e).value().release();
  }
  static void TearDownTestSuite() { delete engine_; }

  // The best text of the plate found nearest the scene's middle; empty when none.
  static std::string FindAndRead(const cv::Mat& scene, Region region) {
    auto plates = engine_->Recognize(View(scene), region);
    EXPECT_TRUE(plates.ok()) << plates.status().message();
    if (!plates.ok()) return "";
    for (const PlateResult& r : *plates) {
      if (r.box.x < 640 && r.box.x + r.box.w > 640 && r.box.y < 400 && r.box.y + r.box.h > 400) {
        return r.text;
      }
    }
    return "";
  }

  static Engine* engine_;
};
Engine* EngineTest::engine_ = nullptr;

TEST_F(EngineTest, ReadsRenderedPlateCropsExactly) {
  for (const Fixture& f : Plates()) {
    auto r = engine_->ReadCrop(View(f.bgr), f.region);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->text, f.text);
    EXPECT_GT(r->confidence, 0.3) << f.text;
    ASSERT_FALSE(r->candidates.empty());
    EXPECT_EQ(r->candidates[0].text, r->text);
    EXPECT_EQ(r->box.w, f.bgr.cols);
  }
}

// Real crops often end right at the last character, which the stage-2 reader used to drop. Both
// ReadCrop's padding and the stage-3 reader's training cuts deal with it; this fixture is read
// with either alone (the padding's own gain, 2 points, shows on the real crops of the
// benchmark only).
TEST_F(EngineTest, ReadsCropsCutRightAtTheirFirstAndLastCharacters) {
  for (const Fixture& f : Plates()) {
    cv::Mat grey;
    cv::cvtColor(f.bgr, grey, cv::COLOR_BGR2GRAY);
    // The text's columns: dark pixels in the middle third of the rows (the characters).
    const cv::Mat band = grey.rowRange(grey.rows / 3, grey.rows * 2 / 3);
    int first = -1, last = -1;
    for (int x = 0; x < band.cols; ++x) {
      double lo;
      cv::minMaxLoc(band.col(x), &lo);
      if (lo < 90 && x > band.cols / 20 && x < band.cols * 19 / 20) {
        if (first < 0) first = x;
        last = x;
      }
    }
    ASSERT_GT(last, first) << f.text;
    const cv::Mat tight = f.bgr.colRange(first, last + 1).clone();
    auto r = engine_->ReadCrop(View(tight), f.region);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->text, f.text) << "cut to columns " << first << "-" << last;
  }
}

TEST_F(EngineTest, FindsAndReadsPlatesInAFrame) {
  for (const Fixture& f : Plates()) {
    EXPECT_EQ(FindAndRead(Scene(f.bgr, 0, 200), f.region), f.text);
  }
}

// Stated limits (docs/design/recognize.md): turned up to 12 degrees either way, plates down to
// 90 px wide, Gaussian blur up to sigma 2 px on a 200 px plate.
TEST_F(EngineTest, ReadsTurnedPlates) {
  for (const Fixture& f : Plates()) {
    for (double deg : {-12.0, -6.0, 6.0, 12.0}) {
      EXPECT_EQ(FindAndRead(Scene(f.bgr, deg, 200), f.region), f.text) << deg << " degrees";
    }
  }
}

TEST_F(EngineTest, ReadsSmallPlates) {
  for (const Fixture& f : Plates()) {
    EXPECT_EQ(FindAndRead(Scene(f.bgr, 0, 90), f.region), f.text);
  }
}

TEST_F(EngineTest, ReadsBlurredPlates) {
  for (const Fixture& f : Plates()) {
    EXPECT_EQ(FindAndRead(Scene(f.bgr, 0, 200, 2.0), f.region), f.text);
  }
}

TEST_F(EngineTest, ReportsNoPlateOnPlateFreeScenes) {
  for (const auto& e : fs::directory_iterator(CANVASS_RECOGNIZE_TESTDATA)) {
    if (!e.path().filename().string().starts_with("empty_")) continue;
    cv::Mat img = cv::imread(e.path().string(), cv::IMREAD_COLOR);
    for (Region region : {Region::kUs, Region::kEu}) {
      auto plates = engine_->Recognize(View(img), region);
      ASSERT_TRUE(plates.ok());
      EXPECT_TRUE(plates->empty()) << e.path() << ": " << (*plates)[0].text;
    }
  }
}

TEST_F(EngineTest, RejectsEmptyImages) {
  EXPECT_EQ(engine_->Recognize(Image{}, Region::kUs).status().code(), Code::kInvalidArgument);
  uint8_t px[3] = {0, 0, 0};
  EXPECT_EQ(engine_->ReadCrop(Image{px, 1, 1, 1}, Region::kUs).status().code(),
            Code::kInvalidArgument);
}

TEST_F(EngineTest, TinyImagesGiveNoPlateAndNoError) {
  for (int size : {1, 2, 7, 31}) {
    cv::Mat img(size, size, CV_8UC3, cv::Scalar(128, 128, 128));
    auto plates = engine_->Recognize(View(img), Region::kUs);
    ASSERT_TRUE(plates.ok()) << size;
    EXPECT_TRUE(plates->empty());
    EXPECT_TRUE(engine_->ReadCrop(View(img), Region::kUs).ok()) << size;
  }
}

TEST(EngineOpen, MissingModelSaysHowToMakeIt) {
  auto e = Engine::Open({.model_dir = "/nonexistent-model-dir"});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), Code::kNotFound);
  EXPECT_NE(e.status().message().find("make train-recognizer"), std::string::npos);
}

// More readers in the model directory (reader2.onnx, ...) are loaded and read with: a broken one
// stops Open with a message naming it; a good one reads like the first.
TEST(EngineOpen, LoadsEveryReaderOfTheModelDirectory) {
  fs::path dir = fs::path(testing::TempDir()) / "recognize-two-readers";
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const char* name : {"reader.onnx", "finder.onnx"}) {
    fs::copy_file(fs::path(DefaultModelDir()) / name, dir / name);
  }
  {
    std::ofstream broken(dir / "reader2.onnx", std::ios::binary);
    broken << "not a network";
  }
  auto bad = Engine::Open({.model_dir = dir.string()});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("reader2.onnx"), std::string::npos)
      << bad.status().message();

  fs::remove(dir / "reader2.onnx");
  fs::copy_file(dir / "reader.onnx", dir / "reader2.onnx");
  auto two = Engine::Open({.model_dir = dir.string()});
  ASSERT_TRUE(two.ok()) << two.status().message();
  for (const Fixture& f : Plates()) {
    auto r = (*two)->ReadCrop(View(f.bgr), f.region);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->text, f.text);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace canvass::recognize
