// Plate recognition on real images, beside OpenALPR's published figures (docs/benchmarks.md,
// "Plate recognition").
//
//   recognize_bench [--datasets DIR] [--models DIR] [--threads N] [--reads R] [--verbose]
//                   [--min-confidence C]
//   (--reads, --min-confidence: the EngineOptions of the same names)
//
// DIR defaults to ../shared/datasets beside the source tree (see its README: the images are for
// measuring only). Skips, with a message, when the datasets are absent.
//  1. us-plate-crops: 751 crops, read with Engine::ReadCrop (region us); exact reads, and reads
//     where the truth is among the candidates.
//  2. eu-scenes: 108 whole scenes, Engine::Recognize (region eu); a plate counts as found when a
//     reported box overlaps the labelled one (IoU >= 0.3), and as read when that box's text is
//     exactly the label. The README's four O-for-0 label errors are scored as labelled, and the
//     reads that match the corrected label are counted beside.
//  3. Speed: every EU scene resized to 1280x720, Engine::Recognize on one thread; the median and
//     90th percentile of ms per frame (all plates in it), beside OpenALPR's 330 ms per image;
//     and the classical candidate finder's share (FindCandidates alone on the same frames).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "recognize/candidate_finder.h"
#include "recognize/engine.h"
#include "recognize/image_file.h"

namespace fs = std::filesystem;
using canvass::recognize::Box;
using canvass::recognize::DecodedImage;
using canvass::recognize::Engine;
using canvass::recognize::Image;
using canvass::recognize::Region;

namespace {

constexpr double kOpenAlprCropExact = 86.0;  // % of the 751 US crops, its published result
constexpr double kOpenAlprMsPerImage = 330;  // ms per image, its published speed

double Ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
      .count();
}

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))];
}

double Iou(const Box& a, const Box& b) {
  int x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
  int x1 = std::min(a.x + a.w, b.x + b.w), y1 = std::min(a.y + a.h, b.y + b.h);
  double inter = std::max(0, x1 - x0) * static_cast<double>(std::max(0, y1 - y0));
  double uni = static_cast<double>(a.w) * a.h + static_cast<double>(b.w) * b.h - inter;
  return uni > 0 ? inter / uni : 0;
}

void UsCrops(Engine& engine, const fs::path& dir, bool verbose) {
  std::ifstream csv(dir / "groundtruth.csv");
  std::string line;
  int n = 0, exact = 0, in_candidates = 0;
  std::vector<double> ms;
  while (std::getline(csv, line)) {
    std::stringstream ss(line);
    std::string file, state, plate;
    std::getline(ss, file, ',');
    std::getline(ss, state, ',');
    std::getline(ss, plate, ',');
    while (!plate.empty() && (plate.back() == '\r' || plate.back() == ' ')) plate.pop_back();
    auto img = canvass::recognize::ReadImageFile((dir / file).string());
    if (!img.ok()) {
      std::fprintf(stderr, "skip %s: %s\n", file.c_str(), img.status().message().c_str());
      continue;
    }
    auto t = std::chrono::steady_clock::now();
    auto r = engine.ReadCrop(img->view(), Region::kUs);
    ms.push_back(Ms(t));
    ++n;
    if (!r.ok()) continue;
    bool ok = r->text == plate;
    exact += ok;
    for (const auto& c : r->candidates) in_candidates += c.text == plate;
    if (verbose && !ok) {
      std::string others;
      for (size_t k = 1; k < std::min<size_t>(r->candidates.size(), 5); ++k) {
        char buf[48];
        std::snprintf(buf, sizeof buf, " %s %.3f", r->candidates[k].text.c_str(),
                      r->candidates[k].confidence);
        others += buf;
      }
      std::printf("  us miss %-14s truth %-10s read %-10s %.3f |%s\n", file.c_str(),
                  plate.c_str(), r->text.c_str(), r->confidence, others.c_str());
    }
  }
  double pct = n ? 100.0 * exact / n : 0;
  std::printf(
      "US plate crops (%d): exact %d = %.1f%%   [OpenALPR %.1f%%; target > 86.0%%, aim 95%%: %s]\n",
      n, exact, pct, kOpenAlprCropExact, pct > 86.0 ? "PASS" : "FAIL");
  std::printf("  truth among the candidates: %d = %.1f%%; read time median %.2f ms per crop\n",
              in_candidates, n ? 100.0 * in_candidates / n : 0, Percentile(ms, 0.5));
}

// The README's label errors: the label on the left is wrong, the plate says the right.
const std::map<std::string, std::string> kEuLabelFixes = {
    {"OYO9FEU", "OY09FEU"}, {"RK3OOAG", "RK300AG"}, {"RK6O5AB", "RK605AB"}, {"RKO26AJ", "RK026AJ"}};

void EuScenes(Engine& engine, const fs::path& dir, bool verbose) {
  std::vector<fs::path> labels;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".txt") labels.push_back(e.path());
  }
  std::sort(labels.begin(), labels.end());
  int n = 0, found = 0, read = 0, read_fixed_label = 0, others = 0;
  std::vector<double> frame_ms, finder_ms;
  for (const fs::path& label : labels) {
    std::ifstream in(label);
    std::string name, plate;
    Box truth;
    if (!std::getline(in, name, '\t') ||
        !(in >> truth.x >> truth.y >> truth.w >> truth.h >> plate)) {
      continue;
    }
    auto img = canvass::recognize::ReadImageFile((dir / name).string());
    if (!img.ok()) continue;
    ++n;
    auto plates = engine.Recognize(img->view(), Region::kEu);
    if (!plates.ok()) continue;
    bool f = false, ok = false;
    std::string got;
    Box got_box;
    for (const auto& p : *plates) {
      if (Iou(p.box, truth) < 0.3) {
        ++others;
        continue;
      }
      if (!f) got = p.text, got_box = p.box;
      f = true;
      if (p.text == plate) ok = true, got = p.text;
    }
    found += f;
    read += ok;
    auto fix = kEuLabelFixes.find(plate);
    if (!ok && fix != kEuLabelFixes.end() && got == fix->second) ++read_fixed_label;
    if (verbose && !ok) {
      if (f) {
        std::printf("  eu miss %-14s truth %-9s read %-9s box %d %d %d %d (truth %d %d %d %d)\n",
                    name.c_str(), plate.c_str(), got.c_str(), got_box.x, got_box.y, got_box.w,
                    got_box.h, truth.x, truth.y, truth.w, truth.h);
      } else {
        std::printf("  eu miss %-14s truth %-9s not found\n", name.c_str(), plate.c_str());
      }
    }
    // Speed on the same scene as a 1280x720 frame.
    cv::Mat m(img->height, img->width, CV_8UC3, img->bgr.data());
    cv::Mat frame;
    cv::resize(m, frame, cv::Size(1280, 720));
    Image view{frame.data, frame.cols, frame.rows, static_cast<int>(frame.step[0])};
    auto t = std::chrono::steady_clock::now();
    auto unused = engine.Recognize(view, Region::kEu);
    frame_ms.push_back(Ms(t));
    (void)unused;
    cv::Mat grey;
    cv::cvtColor(frame, grey, cv::COLOR_BGR2GRAY);
    t = std::chrono::steady_clock::now();
    auto proposals = canvass::recognize::FindCandidates(grey, {});
    finder_ms.push_back(Ms(t));
    (void)proposals;
  }
  double pct = n ? 100.0 * read / n : 0;
  std::printf(
      "EU scenes (%d): found %d = %.1f%%, found and read exactly %d = %.1f%%   [target >= 80%%: "
      "%s]\n",
      n, found, n ? 100.0 * found / n : 0, read, pct, pct >= 80.0 ? "PASS" : "FAIL");
  std::printf(
      "  other plates reported (not the labelled one: false finds, or unlabelled plates of "
      "other cars): %d\n",
      others);
  std::printf(
      "  reads matching the corrected label of the 4 known O/0 label errors: %d "
      "(scored as misses above)\n",
      read_fixed_label);
  double med = Percentile(frame_ms, 0.5);
  std::printf(
      "Speed, 1280x720 frames (%zu), one thread: median %.1f ms, p90 %.1f ms per frame, all plates "
      "in it   [target <= 100 ms: %s; OpenALPR: %.0f ms per image]\n",
      frame_ms.size(), med, Percentile(frame_ms, 0.9), med <= 100 ? "PASS" : "FAIL",
      kOpenAlprMsPerImage);
  std::printf("  of which the classical candidate finder alone: median %.1f ms, p90 %.1f ms\n",
              Percentile(finder_ms, 0.5), Percentile(finder_ms, 0.9));
}

}  // namespace

int main(int argc, char** argv) {
  std::string datasets = std::string(CANVASS_SOURCE_DIR) + "/../shared/datasets";
  std::string models;
  int threads = 1;
  int reads = canvass::recognize::EngineOptions{}.reads_per_plate;
  double min_confidence = canvass::recognize::EngineOptions{}.min_confidence;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--datasets" && i + 1 < argc) {
      datasets = argv[++i];
    } else if (a == "--models" && i + 1 < argc) {
      models = argv[++i];
    } else if (a == "--threads" && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else if (a == "--reads" && i + 1 < argc) {
      reads = std::atoi(argv[++i]);
    } else if (a == "--min-confidence" && i + 1 < argc) {
      min_confidence = std::atof(argv[++i]);
    } else if (a == "--verbose") {
      verbose = true;
    } else {
      std::fprintf(stderr,
                   "usage: recognize_bench [--datasets DIR] [--models DIR] [--threads N] [--reads "
                   "R] [--min-confidence C] [--verbose]\n");
      return 2;
    }
  }
  fs::path us = fs::path(datasets) / "us-plate-crops", eu = fs::path(datasets) / "eu-scenes";
  if (!fs::exists(us / "groundtruth.csv") && !fs::exists(eu)) {
    std::printf(
        "recognize_bench: no datasets in %s (us-plate-crops/, eu-scenes/); skipped. "
        "Pass --datasets DIR.\n",
        datasets.c_str());
    return 0;
  }
  canvass::recognize::SetInferenceThreads(threads);
  auto engine = Engine::Open(
      {.model_dir = models, .min_confidence = min_confidence, .reads_per_plate = reads});
  if (!engine.ok()) {
    std::fprintf(stderr, "error: %s\n", engine.status().message().c_str());
    return 1;
  }
  std::printf("Plate recognition, models %s, %d thread(s), %d read(s) per plate\n",
              models.empty() ? canvass::recognize::DefaultModelDir().c_str() : models.c_str(),
              threads, reads);
  if (fs::exists(us / "groundtruth.csv")) UsCrops(**engine, us, verbose);
  if (fs::exists(eu)) EuScenes(**engine, eu, verbose);
  std::printf(
      "Held-out US traffic scenes (target >= 75%% exact): not available here; judged "
      "separately.\n");
  return 0;
}
