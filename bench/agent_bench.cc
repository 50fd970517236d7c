// The edge agent's per-camera CPU cost: our whole camera pipeline (demux, decode every frame,
// motion detection at 5 frames a second, pre-roll ring, clip remuxing, outbox) against the
// named baseline of decoding the same video and nothing else, at 1080p and 720p, on one core.
//
// Figures: frames decoded per second per core (baseline), the pipeline's CPU per second of
// video, the motion pass's share (pipeline minus baseline), and how many such cameras one core
// can watch. docs/benchmarks.md, "Edge agent".
//
//   agent_bench [--seconds 20] [--fps 15] [--runs 3]
#include <filesystem>
#include <string>
#include <vector>

#include "agent/camera_runner.h"
#include "agent/motion_detector.h"
#include "agent/outbox.h"
#include "bench/bench_util.h"
#include "media/synthetic_video.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

namespace canvass::bench {
namespace {

// Baseline: demux and decode every frame, one thread. Returns frames decoded.
int64_t DecodeOnly(const std::string& path) {
  AVFormatContext* fmt = nullptr;
  if (avformat_open_input(&fmt, path.c_str(), nullptr, nullptr) < 0) return -1;
  avformat_find_stream_info(fmt, nullptr);
  const int si = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  const AVCodec* codec = avcodec_find_decoder(fmt->streams[si]->codecpar->codec_id);
  AVCodecContext* dec = avcodec_alloc_context3(codec);
  avcodec_parameters_to_context(dec, fmt->streams[si]->codecpar);
  dec->thread_count = 1;
  avcodec_open2(dec, codec, nullptr);
  AVPacket* pkt = av_packet_alloc();
  AVFrame* frame = av_frame_alloc();
  int64_t n = 0;
  while (av_read_frame(fmt, pkt) >= 0) {
    if (pkt->stream_index == si) avcodec_send_packet(dec, pkt);
    av_packet_unref(pkt);
    while (avcodec_receive_frame(dec, frame) == 0) ++n;
  }
  avcodec_send_packet(dec, nullptr);
  while (avcodec_receive_frame(dec, frame) == 0) ++n;
  av_frame_free(&frame);
  av_packet_free(&pkt);
  avcodec_free_context(&dec);
  avformat_close_input(&fmt);
  return n;
}

struct PipelineResult {
  agent::CameraStats stats;
};

PipelineResult Pipeline(const std::string& path, const std::string& outbox_dir) {
  std::filesystem::remove_all(outbox_dir);
  auto box = agent::Outbox::Open(FileSystem::Posix(), outbox_dir, 8LL << 30);
  SimulatedClock clock(1'900'000'000'000'000);
  agent::SimulatedSleeper sleeper(&clock);
  agent::CameraRunnerOptions o;
  o.camera.name = "bench";
  o.camera.source = path;
  o.camera.device_token = "cvd_bench";
  o.source = agent::SourceOptions{.url = path, .reconnect = false};
  agent::CameraRunner runner(o, box->get(), [] {}, &clock, &sleeper, nullptr);
  std::atomic<bool> stop{false};
  Status s = runner.Run(stop);
  if (!s.ok()) std::fprintf(stderr, "pipeline: %s\n", s.ToString().c_str());
  return {runner.stats()};
}

double Median(std::vector<double> v) { return Percentile(std::move(v), 0.5); }

}  // namespace
}  // namespace canvass::bench

int main(int argc, char** argv) {
  using namespace canvass;
  using namespace canvass::bench;
  int seconds = 20, fps = 15, runs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--seconds") seconds = std::atoi(argv[i + 1]);
    if (a == "--fps") fps = std::atoi(argv[i + 1]);
    if (a == "--runs") runs = std::atoi(argv[i + 1]);
  }
  const std::string dir = "/tmp/canvass-agent-bench";
  std::filesystem::create_directories(dir);
  std::printf("agent_bench: %d s of synthetic street at %d fps, H.264, motion at 5 fps, "
              "median of %d runs, one thread\nCPU: %s\n\n",
              seconds, fps, runs, CpuModel().c_str());
  std::printf("%-6s %12s %12s %12s %12s %10s %8s %10s\n", "res", "decode fps", "pipeline",
              "decode", "motion pass", "ratio", "events", "cams/core");
  std::printf("%-6s %12s %12s %12s %12s %10s %8s %10s\n", "", "(per core)", "cpu/s video",
              "cpu/s video", "cpu/s video", "pipe/dec", "", "");
  for (auto [w, h, name] : {std::tuple{1920, 1080, "1080p"}, std::tuple{1280, 720, "720p"}}) {
    const std::string path = dir + "/street-" + name + ".mp4";
    media::TownSceneOptions t{.width = w, .height = h, .fps = fps,
                              .duration_ms = seconds * 1000LL, .vehicles_per_minute = 12,
                              .people_per_minute = 6};
    if (!std::filesystem::exists(path)) {
      Status s = media::WriteSyntheticVideo(path, media::TownScene(t));
      if (!s.ok()) return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
    }
    std::vector<double> decode_cpu, pipe_cpu;
    int64_t frames = 0;
    agent::CameraStats stats;
    for (int r = 0; r < runs; ++r) {
      double c0 = ThreadCpuUs();
      frames = DecodeOnly(path);
      double c1 = ThreadCpuUs();
      stats = Pipeline(path, dir + "/outbox").stats;
      double c2 = ThreadCpuUs();
      decode_cpu.push_back((c1 - c0) / 1e6);
      pipe_cpu.push_back((c2 - c1) / 1e6);
    }
    const double dec = Median(decode_cpu), pipe = Median(pipe_cpu);
    const double video_s = static_cast<double>(frames) / fps;
    std::printf("%-6s %12.0f %12.3f %12.3f %12.3f %10.2f %8lld %10.1f\n", name, frames / dec,
                pipe / video_s, dec / video_s, (pipe - dec) / video_s, pipe / dec,
                static_cast<long long>(stats.events), video_s / pipe);
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
