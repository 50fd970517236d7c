// DeviceApi: the small calls an agent makes besides uploading clips, each one HTTP request
// with the camera's device token (or, for plate reads, the reader token):
//   POST /api/v1/motion, POST /api/v1/device/heartbeat, GET /api/v1/device,
//   POST /api/v1/plates/reads.
// HTTP answers become Status codes once, here (StatusFromHttp, which clip_uploader.cc uses too):
// 5xx, 429, 409 and connection failures are Unavailable or Aborted (retry); 400/413 InvalidArgument
// (refused for good); 401 Unauthenticated; 403 PermissionDenied; 404 NotFound; 422
// FailedPrecondition.
//
// Not thread-safe: one DeviceApi per thread (it keeps one keep-alive connection).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "agent/geometry.h"
#include "common/status.h"

namespace canvass::api {
class HttpClient;
}

namespace canvass::agent {

// What GET /api/v1/device says about the camera, as far as the agent cares.
struct DeviceInfo {
  std::string camera_id;
  std::string kind;
  std::vector<Polygon> privacy_zones;
  std::string owner_public_key;  // raw 32 bytes; empty when the owner has none
};

// Parses the JSON of GET /api/v1/device (also as cached on disk by the agent).
StatusOr<DeviceInfo> ParseDeviceInfo(const std::string& json);

class DeviceApi {
 public:
  explicit DeviceApi(std::string server_url);
  ~DeviceApi();

  // The JSON of GET /api/v1/device.
  StatusOr<std::string> GetDevice(const std::string& device_token);
  Status Heartbeat(const std::string& device_token);
  Status PostMotion(const std::string& device_token, const std::string& body_json);
  // Returns the server's answer ({"received", "stored", "duplicates", "hits"}).
  StatusOr<std::string> PostPlateReads(const std::string& reader_token,
                                       const std::string& body_json);

 private:
  StatusOr<std::string> Call(const std::string& method, const std::string& target,
                             const std::string& token, const std::string& body, int want);
  std::string server_url_;
  std::unique_ptr<api::HttpClient> client_;
};

// The status an HTTP answer maps to (see the file comment).
Status StatusFromHttp(int http_status, const std::string& body, const std::string& what);

}  // namespace canvass::agent
