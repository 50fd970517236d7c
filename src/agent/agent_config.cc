#include "agent/agent_config.h"

#include <toml++/toml.h>

#include <set>

#include "common/file_system.h"
#include "common/state_code.h"
#include "common/toml_table_reader.h"

namespace canvass::agent {
namespace {

constexpr const char* kDocs = "docs/ref/agent-config.md";

StatusOr<std::vector<Polygon>> ReadZones(const toml::node* node, const std::string& where) {
  std::vector<Polygon> zones;
  if (!node) return zones;
  const toml::array* polys = node->as_array();
  auto bad = [&] {
    return InvalidArgumentError(where +
                                " must be a list of polygons [[x, y], ...] with x, y in [0, 1]");
  };
  if (!polys) return bad();
  for (const auto& poly : *polys) {
    const toml::array* pts = poly.as_array();
    if (!pts || pts->size() < 3) return bad();
    Polygon p;
    for (const auto& pt : *pts) {
      const toml::array* xy = pt.as_array();
      if (!xy || xy->size() != 2) return bad();
      auto x = (*xy)[0].value<double>();
      auto y = (*xy)[1].value<double>();
      if (!x || !y || *x < 0 || *x > 1 || *y < 0 || *y > 1) return bad();
      p.push_back({*x, *y});
    }
    zones.push_back(std::move(p));
  }
  return zones;
}

Status CheckCamera(const CameraConfig& c, const std::string& where) {
  if (c.name.empty()) return InvalidArgumentError(where + ".name is required");
  if (c.source.empty()) return InvalidArgumentError(where + ".source is required");
  if (c.device_token.rfind("cvd_", 0) != 0) {
    return InvalidArgumentError(where + ".device_token must be the camera's token (cvd_...)");
  }
  static const std::set<std::string> kKinds = {"doorbell", "outdoor", "indoor", "alpr"};
  if (!kKinds.count(c.kind)) {
    return InvalidArgumentError(where + ".kind must be doorbell, outdoor, indoor or alpr");
  }
  if (c.kind == "alpr" && c.reader_token.rfind("cvl_", 0) != 0) {
    return InvalidArgumentError(where + ".reader_token (cvl_...) is required for kind alpr");
  }
  if (c.kind == "alpr" && !IsStateCode(c.plate_state)) {
    return InvalidArgumentError(where +
                                ".plate_state (two upper-case letters, the state the camera's "
                                "plates are recorded as, e.g. \"IL\") is required for kind alpr");
  }
  if (c.plate_region != "us" && c.plate_region != "eu") {
    return InvalidArgumentError(where + ".plate_region must be us or eu");
  }
  if (c.pre_roll_ms < 0 || c.pre_roll_ms > 60000) {
    return InvalidArgumentError(where + ".pre_roll_ms must be 0 to 60000");
  }
  if (c.post_roll_ms < 0 || c.post_roll_ms > 60000) {
    return InvalidArgumentError(where + ".post_roll_ms must be 0 to 60000");
  }
  if (c.max_clip_ms < 1000 || c.max_clip_ms > 600000) {
    return InvalidArgumentError(where + ".max_clip_ms must be 1000 to 600000");
  }
  const MotionConfig& m = c.motion;
  if (m.analysis_fps < 1 || m.analysis_fps > 30) {
    return InvalidArgumentError(where + ".analysis_fps must be 1 to 30");
  }
  if (m.analysis_height < 32 || m.analysis_height > 1080) {
    return InvalidArgumentError(where + ".analysis_height must be 32 to 1080");
  }
  if (m.threshold < 1 || m.threshold > 255) {
    return InvalidArgumentError(where + ".motion_threshold must be 1 to 255");
  }
  if (m.min_area <= 0 || m.min_area >= 1) {
    return InvalidArgumentError(where + ".min_area must be between 0 and 1");
  }
  if (m.background_alpha <= 0 || m.background_alpha > 1) {
    return InvalidArgumentError(where + ".background_alpha must be in (0, 1]");
  }
  if (m.start_frames < 1 || m.start_frames > 100) {
    return InvalidArgumentError(where + ".start_frames must be 1 to 100");
  }
  return OkStatus();
}

}  // namespace

StatusOr<AgentConfig> ParseAgentConfig(const std::string& text) {
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error& e) {
    return InvalidArgumentError("agent config is not valid TOML: " + std::string(e.description()) +
                                " at line " + std::to_string(e.source().begin.line));
  }
  AgentConfig c;
  TomlTableReader top(&root, "option", "config", kDocs);
  top.Skip("agent");
  top.Skip("camera");
  CANVASS_RETURN_IF_ERROR(top.Finish());

  TomlTableReader a(root["agent"].as_table(), "option", "agent", kDocs);
  a.Read("server", &c.server);
  a.Read("data_dir", &c.data_dir);
  a.Read("quota_bytes", &c.quota_bytes);
  a.Read("heartbeat_interval_s", &c.heartbeat_interval_s);
  a.Read("backoff_min_ms", &c.backoff_min_ms);
  a.Read("backoff_max_ms", &c.backoff_max_ms);
  a.Read("reconnect_min_ms", &c.reconnect_min_ms);
  a.Read("reconnect_max_ms", &c.reconnect_max_ms);
  a.Read("read_timeout_ms", &c.read_timeout_ms);
  a.Read("plate_batch_max", &c.plate_batch_max);
  a.Read("plate_batch_interval_ms", &c.plate_batch_interval_ms);
  a.Read("model_dir", &c.model_dir);
  a.Read("plate_reads_per_plate", &c.plate_reads_per_plate);
  CANVASS_RETURN_IF_ERROR(a.Finish());
  if (c.server.rfind("http://", 0) != 0) {
    return InvalidArgumentError("agent.server must be an http:// URL such as http://127.0.0.1:8080");
  }
  if (c.data_dir.empty()) return InvalidArgumentError("agent.data_dir is required");
  if (c.quota_bytes < (16LL << 20)) return InvalidArgumentError("agent.quota_bytes must be at least 16 MiB");
  if (c.heartbeat_interval_s < 1 || c.heartbeat_interval_s > 240) {
    return InvalidArgumentError("agent.heartbeat_interval_s must be 1 to 240 (the server calls a "
                                "camera offline after 300 s without one)");
  }
  if (c.backoff_min_ms < 1 || c.backoff_max_ms < c.backoff_min_ms) {
    return InvalidArgumentError("agent.backoff_min_ms must be positive and at most backoff_max_ms");
  }
  if (c.reconnect_min_ms < 1 || c.reconnect_max_ms < c.reconnect_min_ms) {
    return InvalidArgumentError(
        "agent.reconnect_min_ms must be positive and at most reconnect_max_ms");
  }
  if (c.plate_batch_max < 1 || c.plate_batch_max > 1000) {
    return InvalidArgumentError("agent.plate_batch_max must be 1 to 1000");
  }
  if (c.plate_reads_per_plate < 1 || c.plate_reads_per_plate > 4) {
    return InvalidArgumentError("agent.plate_reads_per_plate must be 1 to 4");
  }

  const toml::array* cams = root["camera"].as_array();
  if (!cams || cams->empty()) {
    return InvalidArgumentError("the config names no camera: add a [[camera]] table");
  }
  std::set<std::string> names;
  for (size_t i = 0; i < cams->size(); ++i) {
    const std::string where = "camera[" + std::to_string(i) + "]";
    const toml::table* t = (*cams)[i].as_table();
    if (!t) return InvalidArgumentError(where + " must be a table");
    CameraConfig cam;
    TomlTableReader r(t, "option", where, kDocs);
    r.Read("name", &cam.name);
    r.Read("source", &cam.source);
    r.Read("input_format", &cam.input_format);
    r.Read("device_token", &cam.device_token);
    r.Read("kind", &cam.kind);
    r.Read("reader_token", &cam.reader_token);
    r.Read("plate_region", &cam.plate_region);
    r.Read("plate_state", &cam.plate_state);
    r.Read("loop", &cam.loop);
    r.Read("realtime", &cam.realtime);
    r.Read("e2ee", &cam.e2ee);
    r.Read("pre_roll_ms", &cam.pre_roll_ms);
    r.Read("post_roll_ms", &cam.post_roll_ms);
    r.Read("max_clip_ms", &cam.max_clip_ms);
    r.Read("analysis_fps", &cam.motion.analysis_fps);
    r.Read("analysis_height", &cam.motion.analysis_height);
    r.Read("motion_threshold", &cam.motion.threshold);
    r.Read("min_area", &cam.motion.min_area);
    r.Read("background_alpha", &cam.motion.background_alpha);
    r.Read("start_frames", &cam.motion.start_frames);
    r.Skip("privacy_zones");
    CANVASS_RETURN_IF_ERROR(r.Finish());
    CANVASS_ASSIGN_OR_RETURN(cam.privacy_zones,
                             ReadZones(t->get("privacy_zones"), where + ".privacy_zones"));
    CANVASS_RETURN_IF_ERROR(CheckCamera(cam, where));
    if (!names.insert(cam.name).second) {
      return InvalidArgumentError(where + ": two cameras are named '" + cam.name + "'");
    }
    c.cameras.push_back(std::move(cam));
  }
  return c;
}

StatusOr<AgentConfig> LoadAgentConfig(const std::string& path) {
  auto text = FileSystem::Posix()->ReadFile(path);
  if (!text.ok()) return text.status().WithContext("reading agent config " + path);
  auto c = ParseAgentConfig(*text);
  if (!c.ok()) return c.status().WithContext(path);
  return c;
}

}  // namespace canvass::agent
