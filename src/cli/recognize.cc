// canvass recognize [--json] [--region us|eu] [--models DIR] [--crop] [--threads N] IMAGE...
//   Finds and reads the licence plates in each image (src/recognize). With --json, one line per
//   image:
//     {"image": PATH, "plates": [{"text", "confidence", "box": [x, y, w, h],
//                                 "candidates": [{"text", "confidence"}, ...]}], "ms": N}
//   An image that cannot be read gives {"image": PATH, "error": MESSAGE} (and the message on
//   stderr); the other images still run, and the exit status is then 1.
//   --crop: the images are plate crops already; read them without looking for plates.
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "recognize/engine.h"
#include "recognize/image_file.h"

namespace canvass::cli {

namespace {

struct RecognizeFlags {
  bool json = false;
  bool crop = false;
  std::string region = "us";
  std::string models;
  int threads = 1;
  std::vector<std::string> images;
};

// JSON written by hand so that numbers read naturally (Boost.JSON prints 0.5 as 5E-1).
std::string Quote(const std::string& s) { return boost::json::serialize(boost::json::value(s)); }

std::string Number(double v, const char* format) {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string PlateJson(const recognize::PlateResult& p) {
  std::string out = "{\"text\":" + Quote(p.text) +
                    ",\"confidence\":" + Number(p.confidence, "%.4f") + ",\"box\":[" +
                    std::to_string(p.box.x) + "," + std::to_string(p.box.y) + "," +
                    std::to_string(p.box.w) + "," + std::to_string(p.box.h) + "],\"candidates\":[";
  for (size_t i = 0; i < p.candidates.size(); ++i) {
    if (i > 0) out += ",";
    out += "{\"text\":" + Quote(p.candidates[i].text) +
           ",\"confidence\":" + Number(p.candidates[i].confidence, "%.4f") + "}";
  }
  return out + "]}";
}

int Run(const RecognizeFlags& f) {
  auto region = recognize::ParseRegion(f.region);
  if (!region.ok()) return Fail(region.status());
  recognize::SetInferenceThreads(f.threads);
  auto engine = recognize::Engine::Open({.model_dir = f.models});
  if (!engine.ok()) return Fail(engine.status());
  int failures = 0;
  for (const std::string& path : f.images) {
    auto started = std::chrono::steady_clock::now();
    StatusOr<std::vector<recognize::PlateResult>> plates =
        [&]() -> StatusOr<std::vector<recognize::PlateResult>> {
      CANVASS_ASSIGN_OR_RETURN(recognize::DecodedImage img, recognize::ReadImageFile(path));
      if (!f.crop) return (*engine)->Recognize(img.view(), *region);
      CANVASS_ASSIGN_OR_RETURN(recognize::PlateResult one,
                               (*engine)->ReadCrop(img.view(), *region));
      return std::vector<recognize::PlateResult>{std::move(one)};
    }();
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    if (!plates.ok()) {
      ++failures;
      std::fprintf(stderr, "error: %s\n", plates.status().message().c_str());
      if (f.json) {
        std::printf("{\"image\":%s,\"error\":%s}\n", Quote(path).c_str(),
                    Quote(plates.status().message()).c_str());
      }
      continue;
    }
    if (f.json) {
      std::string list;
      for (const recognize::PlateResult& p : *plates)
        list += (list.empty() ? "" : ",") + PlateJson(p);
      std::printf("{\"image\":%s,\"plates\":[%s],\"ms\":%.1f}\n", Quote(path).c_str(), list.c_str(),
                  ms);
    } else {
      std::printf("%s: %zu plate(s), %.1f ms\n", path.c_str(), plates->size(), ms);
      for (const recognize::PlateResult& p : *plates) {
        std::printf("  %-10s %.3f  at %d,%d %dx%d", p.text.c_str(), p.confidence, p.box.x, p.box.y,
                    p.box.w, p.box.h);
        for (size_t i = 1; i < p.candidates.size() && i < 4; ++i) {
          std::printf("  %s %.3f", p.candidates[i].text.c_str(), p.candidates[i].confidence);
        }
        std::printf("\n");
      }
    }
    std::fflush(stdout);
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

void AddRecognizeCommand(CLI::App& app, Runner* run) {
  auto f = std::make_shared<RecognizeFlags>();
  CLI::App* cmd = app.add_subcommand("recognize", "Find and read licence plates in images");
  cmd->add_flag("--json", f->json, "one JSON object per image and line");
  cmd->add_option("--region", f->region, "plate-format rules: us or eu (default us)");
  cmd->add_option("--models", f->models,
                  "directory of reader.onnx (reader2.onnx, ...) and finder.onnx (default: "
                  "$CANVASS_MODEL_DIR, else "
                  "the source tree's models/recognizer)");
  cmd->add_flag("--crop", f->crop, "the images are plate crops: read them, do not search");
  cmd->add_option("--threads", f->threads, "inference threads (default 1; 0: all cores)");
  cmd->add_option("images", f->images, "image files (JPEG, PNG, ...)")->required();
  cmd->callback([run, f] { *run = [f] { return Run(*f); }; });
}

}  // namespace canvass::cli
