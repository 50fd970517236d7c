// Bad input gets a clear 4xx whose message says what is wrong, and loses nothing.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/sha256.h"
#include "common/time_format.h"
#include "media/test_video.h"
#include "testing/test_app.h"

namespace canvass {
namespace {
namespace json = boost::json;
using testing::Bearer;
using testing::TestApp;

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    owner_ = t_.Make(Role::kResident, "owner");
    device_ = t_.MakeCamera(owner_);
    c_ = t_.Client();
  }

  // Sends and expects `status` with `fragment` in the error message.
  void Expect(const std::string& method, const std::string& path, const std::string& body,
              const api::HttpClient::Headers& h, int status, const std::string& fragment) {
    auto r = c_->Send(method, path, body, h);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, status) << method << " " << path << " " << body.substr(0, 200) << " -> "
                                 << r->body.substr(0, 300);
    auto v = json::parse(r->body);
    std::string msg(v.at("error").at("message").as_string());
    EXPECT_NE(msg.find(fragment), std::string::npos) << "message: " << msg;
    EXPECT_FALSE(std::string(v.at("error").at("code").as_string()).empty());
  }

  json::object Decl(const std::string& bytes) {
    int64_t now = SystemClock::Get()->NowMicros();
    return {{"sha256", Sha256Hex(bytes)},
            {"size_bytes", static_cast<int64_t>(bytes.size())},
            {"started_at", FormatRfc3339(now - 60'000'000)},
            {"ended_at", FormatRfc3339(now - 30'000'000)}};
  }

  api::HttpClient::Headers Chunk(int64_t offset) {
    auto h = Bearer(device_);
    h.push_back({"Upload-Offset", std::to_string(offset)});
    h.push_back({"Content-Type", "application/offset+octet-stream"});
    return h;
  }

  int64_t ClipCount() {
    return static_cast<int64_t>(
        t_.services().store->ListClips(owner_.account.id, ClipFilter{})->size());
  }

  TestApp t_;
  TestApp::Login owner_;
  std::string device_;
  std::unique_ptr<api::HttpClient> c_;
};

const std::string kCam = R"({"name":"x","location":{"lat":39.8,"lng":-89.65}})";

TEST_F(BadInputTest, MalformedJsonWrongTypesAndUnknownFields) {
  auto h = Bearer(owner_.token);
  Expect("POST", "/api/v1/cameras", "{\"name\":", h, 400, "not valid JSON");
  Expect("POST", "/api/v1/cameras", "[1,2]", h, 400, "must be a JSON object");
  Expect("POST", "/api/v1/cameras", R"({"name":5,"location":{"lat":1,"lng":2}})", h, 400,
         "'name' must be a string");
  Expect("POST", "/api/v1/cameras", R"({"name":"x","location":{"lat":"north","lng":2}})", h, 400,
         "location");
  Expect("POST", "/api/v1/cameras", R"({"name":"x","location":{"lat":1,"lng":2},"colour":"red"})",
         h, 400, "unknown field 'colour'");
  Expect("POST", "/api/v1/cameras", "", h, 400, "must be a JSON object");
  EXPECT_TRUE(t_.services().store->ListCamerasByOwner(owner_.account.id)->size() == 1);
}

TEST_F(BadInputTest, OutOfRangeValues) {
  auto h = Bearer(owner_.token);
  Expect("POST", "/api/v1/cameras", R"({"name":"x","location":{"lat":91,"lng":0}})", h, 400,
         "latitude must be in [-90, 90]");
  Expect("POST", "/api/v1/cameras", R"({"name":"x","location":{"lat":0,"lng":-181}})", h, 400,
         "longitude");
  Expect("POST", "/api/v1/cameras",
         R"({"name":"x","location":{"lat":1,"lng":1},"retention_days":181})", h, 400,
         "retention_days must be between 1 and 180");
  Expect("POST", "/api/v1/cameras",
         R"({"name":"x","location":{"lat":1,"lng":1},"retention_days":0})", h, 400,
         "retention_days");
  Expect("POST", "/api/v1/cameras",
         R"({"name":"x","location":{"lat":1,"lng":1},"bearing_deg":360})", h, 400, "bearing_deg");
  Expect("POST", "/api/v1/cameras",
         R"({"name":"x","location":{"lat":1,"lng":1},"privacy_zones":[[[0,0],[1.5,0],[1,1]]]})", h,
         400, "normalised to [0, 1]");
  Expect("POST", "/api/v1/cameras",
         R"({"name":"x","location":{"lat":1,"lng":1},"kind":"drone"})", h, 400,
         "unknown camera kind");
  Expect("POST", "/api/v1/cameras", R"({"name":"x","location":{"lat":1,"lng":1},"sharing":"always"})",
         h, 400, "sharing");
}

TEST_F(BadInputTest, PathTricksAndUnknownRoutes) {
  auto h = Bearer(owner_.token);
  Expect("GET", "/api/v1/clips/..%2F..%2Fetc%2Fpasswd", "", h, 400, "encoded '/'");
  Expect("GET", "/api/v1/clips/../../etc/passwd", "", h, 400, "'..' are not allowed");
  Expect("GET", "/api/v1/clips/clp_%2e%2e", "", h, 400, "not a well-formed");
  Expect("GET", "/api/v1/cameras/cam_AAAA", "", h, 400, "not a well-formed id");
  Expect("GET", "/api/v1/cameras/cam_aaaaaaaaaaaaaaaaaaaa", "", h, 404, "not found");
  Expect("GET", "/api/v1/nothing", "", h, 404, "no endpoint");
  Expect("PUT", "/api/v1/cameras", "{}", h, 405, "not allowed");
  Expect("GET", "/api/v1/motion?limit=20x", "", h, 400, "limit");
  Expect("GET", "/api/v1/clips?limit=0", "", h, 400, "limit");
  Expect("GET", "/api/v1/clips?from=yesterday", "", h, 400, "RFC 3339");
}

TEST_F(BadInputTest, OversizeBodyIsRefusedBeforeReading) {
  std::string big = R"({"name":")" + std::string(2 << 20, 'a') + R"("})";
  Expect("POST", "/api/v1/cameras", big, Bearer(owner_.token), 413, "over the limit");
}

TEST_F(BadInputTest, UploadsWithWrongHashWrongSizeAndBadOffsets) {
  media::TestVideoOptions v;
  std::string video = *media::MakeTestVideoBytes(v);
  // Wrong hash: the bytes do not match the declaration; nothing is kept.
  json::object decl = Decl(video);
  decl["sha256"] = Sha256Hex("other bytes");
  auto start = c_->Send("POST", "/api/v1/uploads", json::serialize(decl), Bearer(device_));
  ASSERT_EQ(start->status, 201) << start->body;
  std::string id(json::parse(start->body).at("upload_id").as_string());
  Expect("PATCH", "/api/v1/uploads/" + id, video, Chunk(0), 400, "hash");
  EXPECT_EQ(ClipCount(), 0);
  Expect("GET", "/api/v1/uploads/" + id, "", Bearer(device_), 404, "not found");

  // Oversized: more bytes than declared.
  start = c_->Send("POST", "/api/v1/uploads", json::serialize(Decl(video)), Bearer(device_));
  id = std::string(json::parse(start->body).at("upload_id").as_string());
  Expect("PATCH", "/api/v1/uploads/" + id, video + "extra", Chunk(0), 400, "runs past");
  // Truncated: fewer bytes than declared, and not a whole segment.
  Expect("PATCH", "/api/v1/uploads/" + id, video.substr(0, 100), Chunk(0), 400,
         "multiple of 1048576");
  Expect("PATCH", "/api/v1/uploads/" + id, video, Chunk(7), 409, "offset 0");
  auto no_offset = Bearer(device_);
  no_offset.push_back({"Content-Type", "application/offset+octet-stream"});
  Expect("PATCH", "/api/v1/uploads/" + id, video, no_offset, 400, "Upload-Offset");
  EXPECT_EQ(ClipCount(), 0);
  // The upload is still whole and finishes normally.
  auto ok = c_->Send("PATCH", "/api/v1/uploads/" + id, video, Chunk(0));
  EXPECT_EQ(ok->status, 201) << ok->body;
  EXPECT_EQ(ClipCount(), 1);

  // Declarations.
  json::object bad = Decl(video);
  bad["sha256"] = "../../../etc/passwd";
  Expect("POST", "/api/v1/uploads", json::serialize(bad), Bearer(device_), 400, "sha256");
  bad = Decl(video);
  bad["ended_at"] = "yesterday";
  Expect("POST", "/api/v1/uploads", json::serialize(bad), Bearer(device_), 400, "RFC 3339");
  bad = Decl(video);
  bad["size_bytes"] = -5;
  Expect("POST", "/api/v1/uploads", json::serialize(bad), Bearer(device_), 400, "size_bytes");
}

TEST_F(BadInputTest, NotAVideoIsRefused) {
  std::string text(3000, 't');
  auto start = c_->Send("POST", "/api/v1/uploads", json::serialize(Decl(text)), Bearer(device_));
  std::string id(json::parse(start->body).at("upload_id").as_string());
  Expect("PATCH", "/api/v1/uploads/" + id, text, Chunk(0), 400, "not a video");
  EXPECT_EQ(ClipCount(), 0);
}

}  // namespace
}  // namespace canvass
