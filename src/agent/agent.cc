#include "agent/agent.h"

#include <spdlog/spdlog.h>

#include "agent/device_api.h"
#include "agent/engine_recognizer.h"

namespace canvass::agent {

Agent::Agent(AgentConfig config, const Clock* clock, Sleeper* sleeper, Random* random,
             FileSystem* fs)
    : config_(std::move(config)), clock_(clock), sleeper_(sleeper), random_(random), fs_(fs) {}

Agent::~Agent() { Stop(); }

void Agent::RefreshDevice(DeviceApi& api, CameraRunner& runner, const CameraConfig& cam) {
  const std::string cache = JoinPath(JoinPath(config_.data_dir, "devices"), cam.name + ".json");
  auto fresh = api.GetDevice(cam.device_token);
  std::string text;
  if (fresh.ok()) {
    text = *fresh;
    fs_->WriteFileAtomic(cache, text).IgnoreError();
  } else {
    auto cached = fs_->ReadFile(cache);
    if (!cached.ok()) {
      spdlog::warn("camera '{}': cannot fetch its record ({}) and none is cached; only the "
                   "config's privacy zones apply until the server answers",
                   cam.name, fresh.status().message());
      return;
    }
    text = *cached;
  }
  auto info = ParseDeviceInfo(text);
  if (!info.ok()) return;
  if (!info->kind.empty() && info->kind != cam.kind) {
    spdlog::warn("camera '{}' is of kind '{}' on the server but '{}' in the agent config",
                 cam.name, info->kind, cam.kind);
  }
  runner.SetServerZones(info->privacy_zones);
}

PlateRecognizer* Agent::OpenRecognizer(const CameraConfig& cam) {
  if (models_failed_) return nullptr;
  auto r = EngineRecognizer::Open({.model_dir = config_.model_dir,
                                   .region = cam.plate_region,
                                   .reads_per_plate = config_.plate_reads_per_plate});
  if (!r.ok()) {
    models_failed_ = true;
    spdlog::error("plate recognition is off: {}; the alpr cameras record motion clips only "
                  "(agent.model_dir in the agent config also sets the model directory)",
                  r.status().message());
    return nullptr;
  }
  spdlog::info("camera '{}': reading plates ({} plate rules)", cam.name, cam.plate_region);
  recognizers_.push_back(std::move(*r));
  return recognizers_.back().get();
}

Status Agent::Start() {
  CANVASS_RETURN_IF_ERROR(fs_->CreateDirs(JoinPath(config_.data_dir, "devices")));
  CANVASS_ASSIGN_OR_RETURN(outbox_, Outbox::Open(fs_, JoinPath(config_.data_dir, "outbox"),
                                                 config_.quota_bytes));
  UploaderOptions u;
  u.server_url = config_.server;
  u.backoff_min_ms = config_.backoff_min_ms;
  u.backoff_max_ms = config_.backoff_max_ms;
  for (const CameraConfig& c : config_.cameras) u.cameras[c.name] = {c.device_token, c.reader_token};
  uploader_ = std::make_unique<Uploader>(outbox_.get(), u, sleeper_, random_);
  DeviceApi api(config_.server);
  for (const CameraConfig& c : config_.cameras) {
    CameraRunnerOptions o;
    o.camera = c;
    o.source = SourceOptions{.url = c.source,
                             .input_format = c.input_format,
                             .loop = c.loop,
                             .realtime = c.realtime,
                             .reconnect_min_ms = config_.reconnect_min_ms,
                             .reconnect_max_ms = config_.reconnect_max_ms,
                             .read_timeout_ms = config_.read_timeout_ms};
    o.plate_batch_max = config_.plate_batch_max;
    o.plate_batch_interval_ms = config_.plate_batch_interval_ms;
    PlateRecognizer* recognizer = c.kind == "alpr" ? OpenRecognizer(c) : nullptr;
    cameras_.push_back(std::make_unique<CameraRunner>(
        o, outbox_.get(), [this] { uploader_->Notify(); }, clock_, sleeper_, recognizer));
    RefreshDevice(api, *cameras_.back(), c);
  }
  spdlog::info("agent: {} cameras, {} items waiting in the outbox", cameras_.size(),
               outbox_->pending());
  threads_.emplace_back([this] { uploader_->Run(stop_); });
  threads_.emplace_back([this] { HeartbeatLoop(); });
  for (auto& cam : cameras_) {
    CameraRunner* runner = cam.get();
    threads_.emplace_back([this, runner] {
      Status s = runner->Run(stop_);
      if (!s.ok()) spdlog::error("camera '{}' stopped: {}", runner->name(), s.message());
    });
  }
  return OkStatus();
}

void Agent::HeartbeatLoop() {
  DeviceApi api(config_.server);
  const int64_t interval_us = config_.heartbeat_interval_s * 1'000'000;
  for (int64_t beat = 0; !stop_.load(); ++beat) {
    for (size_t i = 0; i < cameras_.size(); ++i) {
      CameraRunner& cam = *cameras_[i];
      const int64_t last = cam.last_packet_wall_us();
      if (last == 0 || clock_->NowMicros() - last > interval_us) continue;  // stream down
      Status s = api.Heartbeat(config_.cameras[i].device_token);
      if (!s.ok()) spdlog::debug("camera '{}': heartbeat failed: {}", cam.name(), s.message());
      if (beat % 10 == 9) RefreshDevice(api, cam, config_.cameras[i]);
    }
    if (!sleeper_->SleepUs(beat == 0 ? 1'000'000 : interval_us, stop_)) return;
  }
}

void Agent::Stop() {
  stop_ = true;
  if (uploader_) uploader_->Notify();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

}  // namespace canvass::agent
