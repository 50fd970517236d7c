// The edge agent's per-camera CPU cost: our whole camera pipeline (demux, decode every frame,
// motion detection at 5 frames a second, pre-roll ring, clip remuxing, outbox) against the
// named baseline of decoding the same video and nothing else, at 1080p and 720p, on one core.
//
// Figures: frames decoded per second per core (baseline), the pipeline's CPU per second of
// video, the motion pass's share (pipeline minus baseline), and how many such cameras one core
// can watch; then the same for an ALPR camera (the plate engine on every analysed frame while a
// vehicle is in view) on a demo-town ALPR lane at 720p. docs/benchmarks.md, "Edge agent".
//
//   agent_bench [--seconds 20] [--fps 15] [--runs 3] [--noise 0..32]
//
// --noise adds per-pixel sensor noise to the synthetic street (0: flat colours, which decode
// far faster than a real camera's stream); the bitrate of each input is printed beside it.
#include <filesystem>
#include <string>
#include <vector>

#include "agent/camera_runner.h"
#include "agent/engine_recognizer.h"
#include "agent/motion_detector.h"
#include "agent/outbox.h"
#include "bench/bench_util.h"
#include "media/libav_util.h"
#include "media/synthetic_video.h"
#include "media/town_sim.h"


namespace canvass::bench {
namespace {

// Baseline: demux and decode every frame, one thread. Returns frames decoded.
int64_t DecodeOnly(const std::string& path) {
  auto n = media::DecodeEveryFrame(path, [](const AVFrame*) {}, /*threads=*/1);
  return n.ok() ? *n : -1;
}

struct PipelineResult {
  agent::CameraStats stats;
};

PipelineResult Pipeline(const std::string& path, const std::string& outbox_dir,
                        agent::PlateRecognizer* recognizer = nullptr) {
  std::filesystem::remove_all(outbox_dir);
  auto box = agent::Outbox::Open(FileSystem::Posix(), outbox_dir, 8LL << 30);
  SimulatedClock clock(1'900'000'000'000'000);
  agent::SimulatedSleeper sleeper(&clock);
  agent::CameraRunnerOptions o;
  o.camera.name = "bench";
  o.camera.source = path;
  o.camera.device_token = "cvd_bench";
  if (recognizer != nullptr) {
    o.camera.kind = "alpr";
    o.camera.reader_token = "cvl_bench";
    o.camera.plate_state = "IL";
  }
  o.source = agent::SourceOptions{.url = path, .reconnect = false};
  agent::CameraRunner runner(o, box->get(), [] {}, &clock, &sleeper, recognizer);
  std::atomic<bool> stop{false};
  Status s = runner.Run(stop);
  if (!s.ok()) std::fprintf(stderr, "pipeline: %s\n", s.ToString().c_str());
  return {runner.stats()};
}

double Median(std::vector<double> v) { return Percentile(std::move(v), 0.5); }

double KbitPerS(const std::string& path, double video_s) {
  return static_cast<double>(std::filesystem::file_size(path)) * 8 / 1000 / video_s;
}

struct Row {
  double decode_cpu_s = 0, pipe_cpu_s = 0;
  int64_t frames = 0;
  agent::CameraStats stats;
};

// Median over `runs` of decode-only and of the pipeline, each in this thread's CPU time.
Row Measure(const std::string& path, const std::string& outbox, int runs,
            agent::PlateRecognizer* recognizer) {
  std::vector<double> decode_cpu, pipe_cpu;
  Row row;
  for (int r = 0; r < runs; ++r) {
    double c0 = ThreadCpuUs();
    row.frames = DecodeOnly(path);
    double c1 = ThreadCpuUs();
    row.stats = Pipeline(path, outbox, recognizer).stats;
    double c2 = ThreadCpuUs();
    decode_cpu.push_back((c1 - c0) / 1e6);
    pipe_cpu.push_back((c2 - c1) / 1e6);
  }
  row.decode_cpu_s = Median(decode_cpu);
  row.pipe_cpu_s = Median(pipe_cpu);
  return row;
}

void PrintRow(const char* name, const Row& r, int fps, double kbps) {
  const double video_s = static_cast<double>(r.frames) / fps;
  std::printf("%-6s %8.0f %12.0f %12.3f %12.3f %12.3f %10.2f %8lld %10.1f\n", name, kbps,
              r.frames / r.decode_cpu_s, r.pipe_cpu_s / video_s, r.decode_cpu_s / video_s,
              (r.pipe_cpu_s - r.decode_cpu_s) / video_s, r.pipe_cpu_s / r.decode_cpu_s,
              static_cast<long long>(r.stats.events), video_s / r.pipe_cpu_s);
}

}  // namespace
}  // namespace canvass::bench

int main(int argc, char** argv) {
  using namespace canvass;
  using namespace canvass::bench;
  int seconds = 20, fps = 15, runs = 3, noise = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--seconds") seconds = std::atoi(argv[i + 1]);
    if (a == "--fps") fps = std::atoi(argv[i + 1]);
    if (a == "--runs") runs = std::atoi(argv[i + 1]);
    if (a == "--noise") noise = std::atoi(argv[i + 1]);
  }
  const std::string dir = "/tmp/canvass-agent-bench";
  std::filesystem::create_directories(dir);
  std::printf("agent_bench: %d s of synthetic street at %d fps (noise %d), H.264, motion at 5 fps, "
              "median of %d runs, one thread\nCPU: %s\n\n",
              seconds, fps, noise, runs, CpuModel().c_str());
  std::printf("%-6s %8s %12s %12s %12s %12s %10s %8s %10s\n", "res", "kbit/s", "decode fps",
              "pipeline", "decode", "agent's own", "ratio", "events", "cams/core");
  std::printf("%-6s %8s %12s %12s %12s %12s %10s %8s %10s\n", "", "", "(per core)", "cpu/s video",
              "cpu/s video", "cpu/s video", "pipe/dec", "", "");
  for (auto [w, h, name] : {std::tuple{1920, 1080, "1080p"}, std::tuple{1280, 720, "720p"}}) {
    const std::string path =
        dir + "/street-" + name + "-" + std::to_string(fps) + "fps-n" + std::to_string(noise) + ".mp4";
    media::TownSceneOptions t{.width = w, .height = h, .fps = fps,
                              .duration_ms = seconds * 1000LL, .vehicles_per_minute = 12,
                              .people_per_minute = 6};
    if (!std::filesystem::exists(path)) {
      media::SyntheticVideoOptions v = media::TownScene(t);
      v.noise = noise;
      Status s = media::WriteSyntheticVideo(path, v);
      if (!s.ok()) return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
    }
    const Row row = Measure(path, dir + "/outbox", runs, nullptr);
    PrintRow(name, row, fps, KbitPerS(path, static_cast<double>(row.frames) / fps));
  }

  // An ALPR camera: a demo-town ALPR lane at 720p, a vehicle every few seconds, the plate
  // engine (committed models) on every analysed frame while one is in view.
  {
    media::TownSimOptions o;
    o.width = 1280;
    o.height = 720;
    o.fps = fps;
    o.loop_ms = seconds * 1000LL;
    media::TownSim sim = media::SimulateTown(o, {{"ALPR", 5, false, true}});
    // A busy lane: a vehicle every 5.5 s (each 5 s in the picture), back to back.
    sim.cameras[0].passes.clear();
    for (int64_t t = 500, v = 0; t + o.pass_ms <= o.loop_ms; t += o.pass_ms + 500, ++v) {
      sim.cameras[0].passes.push_back(
          {static_cast<int>(v % static_cast<int64_t>(sim.vehicles.size())), t, t + o.pass_ms,
           v % 2 == 0});
    }
    const std::string path = dir + "/alpr-720p-" + std::to_string(fps) + "fps-" +
                             std::to_string(seconds) + "s.mp4";
    if (!std::filesystem::exists(path)) {
      Status s = media::WriteSyntheticVideo(path, media::CameraVideo(sim, 0));
      if (!s.ok()) return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
    }
    auto recognizer = agent::EngineRecognizer::Open({});
    if (!recognizer.ok()) {
      return std::fprintf(stderr, "%s\n", recognizer.status().ToString().c_str()), 1;
    }
    const Row row = Measure(path, dir + "/outbox", runs, recognizer->get());
    std::printf("\nALPR camera, 720p lane seen along it, %zu vehicles coming or going in %d s:\n",
                sim.cameras[0].passes.size(), seconds);
    PrintRow("alpr", row, fps, KbitPerS(path, static_cast<double>(row.frames) / fps));
    std::printf("  plate reads sent: %lld (vehicles passing: %zu)\n",
                static_cast<long long>(row.stats.plate_reads), sim.cameras[0].passes.size());
  }
  // The motion detector alone, per analysed frame (320x180 grey, as the pipeline gives it).
  {
    agent::MotionDetector d({});
    std::vector<uint8_t> a(320 * 180), b(320 * 180);
    for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint8_t>(i * 7), b[i] = static_cast<uint8_t>(i * 7 + (i % 320 > 100 && i % 320 < 140 ? 80 : 0));
    const int n = 2000;
    double c0 = ThreadCpuUs();
    for (int i = 0; i < n; ++i) d.Process(i % 2 ? a.data() : b.data(), 320, 180, 320);
    double c1 = ThreadCpuUs();
    std::printf("\nmotion detector alone: %.1f us per analysed 320x180 frame\n", (c1 - c0) / n);
  }
  return 0;
}
