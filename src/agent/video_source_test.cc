#include "agent/video_source.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "agent/agent_test_util.h"
#include "media/synthetic_video.h"

namespace canvass::agent {
namespace {

using testing::TempDir;

// A camera on a TCP socket: serves an MPEG-TS stream, dropping the first connection half-way.
class FlakyCamera {
 public:
  explicit FlakyCamera(std::string bytes) : bytes_(std::move(bytes)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(fd_, 4);
    thread_ = std::thread([this] {
      for (int i = 0; i < 2; ++i) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        const size_t n = i == 0 ? bytes_.size() / 2 : bytes_.size();
        ::send(c, bytes_.data(), n, MSG_NOSIGNAL);
        ::close(c);  // the stream drops
        ++connections_;
      }
    });
  }
  ~FlakyCamera() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const { return "tcp://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string bytes_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> connections_{0};
};

TEST(VideoSource, ReconnectsAfterTheStreamDrops) {
  TempDir dir;
  media::SyntheticVideoOptions v;
  v.format = "mpegts";
  v.duration_ms = 4000;
  ASSERT_TRUE(media::WriteSyntheticVideo(dir.file("cam.ts"), v).ok());
  FlakyCamera camera(*FileSystem::Posix()->ReadFile(dir.file("cam.ts")));
  VideoSource src({.url = camera.url(),
                   .input_format = "mpegts",
                   .reconnect_min_ms = 10,
                   .reconnect_max_ms = 100,
                   .read_timeout_ms = 2000},
                  SystemClock::Get(), Sleeper::Real());
  std::atomic<bool> stop{false};
  int first_generation = 0, second_generation = 0;
  while (second_generation < 40) {
    auto p = src.Next(stop);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    (src.stream().generation == 1 ? first_generation : second_generation)++;
    ASSERT_LE(src.stream().generation, 2);
  }
  EXPECT_GT(first_generation, 5);
  EXPECT_EQ(src.reconnects(), 1);
  EXPECT_FALSE(src.last_error().ok());
}

TEST(VideoSource, RetriesWithBackOffUntilTheSourceAppears) {
  TempDir dir;
  SimulatedClock clock(testing::kT0us);
  SimulatedSleeper sleeper(&clock);
  VideoSource src({.url = dir.file("later.mp4"), .reconnect_min_ms = 100, .reconnect_max_ms = 800},
                  &clock, &sleeper);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    while (sleeper.total_us() < 3'000'000) std::this_thread::yield();
    media::SyntheticVideoOptions v;
    v.duration_ms = 1000;
    ASSERT_TRUE(media::WriteSyntheticVideo(dir.file("later.tmp.mp4"), v).ok());
    ::rename(dir.file("later.tmp.mp4").c_str(), dir.file("later.mp4").c_str());
  });
  auto p = src.Next(stop);
  writer.join();
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->key);
  // 100, 200, 400, 800, 800, ... ms: capped.
  EXPECT_GE(sleeper.total_us(), 3'000'000);
}

TEST(VideoSource, LoopedFileKeepsItsTimelineGoing) {
  TempDir dir;
  media::SyntheticVideoOptions v;
  v.duration_ms = 1000;
  ASSERT_TRUE(media::WriteSyntheticVideo(dir.file("loop.mp4"), v).ok());
  SimulatedClock clock(testing::kT0us);
  SimulatedSleeper sleeper(&clock);
  VideoSource src({.url = dir.file("loop.mp4"), .loop = true}, &clock, &sleeper);
  std::atomic<bool> stop{false};
  int64_t last_pts = -1;
  for (int i = 0; i < 35; ++i) {  // three and a half passes of 10 frames
    auto p = src.Next(stop);
    ASSERT_TRUE(p.ok());
    EXPECT_GT(p->av->pts, last_pts);
    last_pts = p->av->pts;
  }
  EXPECT_EQ(src.stream().generation, 1);
  EXPECT_NEAR(last_pts, 3'400'000, 1000);
}

}  // namespace
}  // namespace canvass::agent
