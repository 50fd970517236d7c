#include "agent/agent_config.h"

#include <gtest/gtest.h>

namespace canvass::agent {
namespace {

TEST(AgentConfig, ReadsCamerasAndDefaults) {
  auto c = ParseAgentConfig(R"(
[agent]
server = "http://127.0.0.1:9000"
data_dir = "/tmp/a"
[[camera]]
name = "porch"
source = "rtsp://cam/1"
device_token = "cvd_x"
privacy_zones = [[[0, 0], [0.5, 0], [0.5, 0.5]]]
[[camera]]
name = "street"
source = "/dev/video0"
input_format = "v4l2"
kind = "alpr"
device_token = "cvd_y"
reader_token = "cvl_z"
plate_region = "eu"
plate_state = "SK"
pre_roll_ms = 3000
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->cameras.size(), 2u);
  EXPECT_EQ(c->cameras[0].pre_roll_ms, 5000);
  ASSERT_EQ(c->cameras[0].privacy_zones.size(), 1u);
  EXPECT_EQ(c->cameras[0].privacy_zones[0][1].x, 0.5);
  EXPECT_EQ(c->cameras[1].pre_roll_ms, 3000);
  EXPECT_EQ(c->heartbeat_interval_s, 60);
  EXPECT_EQ(c->cameras[0].plate_region, "us");
  EXPECT_EQ(c->cameras[1].plate_region, "eu");
  EXPECT_EQ(c->model_dir, "");
}

TEST(AgentConfig, ReadsTheModelDir) {
  auto c = ParseAgentConfig(
      "[agent]\ndata_dir = \"/tmp/a\"\nmodel_dir = \"/opt/canvass/models\"\n"
      "[[camera]]\nname=\"a\"\nsource=\"x\"\ndevice_token=\"cvd_1\"\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->model_dir, "/opt/canvass/models");
  EXPECT_EQ(c->plate_reads_per_plate, 2);
}

TEST(AgentConfig, ReadsAndBoundsPlateReadsPerPlate) {
  auto config = [](const std::string& value) {
    return ParseAgentConfig("[agent]\ndata_dir = \"/tmp/a\"\nplate_reads_per_plate = " + value +
                            "\n[[camera]]\nname=\"a\"\nsource=\"x\"\ndevice_token=\"cvd_1\"\n");
  };
  auto one = config("1");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->plate_reads_per_plate, 1);
  for (const char* bad : {"0", "5", "-1"}) {
    auto c = config(bad);
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_NE(c.status().message().find("agent.plate_reads_per_plate"), std::string::npos)
        << bad << ": " << c.status().ToString();
  }
}

TEST(AgentConfig, SaysWhatIsWrong) {
  const char* base = "[agent]\ndata_dir = \"/tmp/a\"\n";
  auto typo = ParseAgentConfig(std::string(base) +
                               "[[camera]]\nname=\"a\"\nsource=\"x\"\ndevice_token=\"cvd_1\"\n"
                               "pre_rol_ms = 1\n");
  EXPECT_NE(typo.status().message().find("unknown option camera[0].pre_rol_ms"), std::string::npos);
  auto none = ParseAgentConfig(base);
  EXPECT_NE(none.status().message().find("[[camera]]"), std::string::npos);
  auto alpr = ParseAgentConfig(std::string(base) +
                               "[[camera]]\nname=\"a\"\nsource=\"x\"\ndevice_token=\"cvd_1\"\n"
                               "kind = \"alpr\"\n");
  EXPECT_NE(alpr.status().message().find("reader_token"), std::string::npos);
  for (const char* state : {"", "il", "ILL"}) {
    auto stateless = ParseAgentConfig(std::string(base) +
                                      "[[camera]]\nname=\"a\"\nsource=\"x\"\ndevice_token=\"cvd_1\"\n"
                                      "kind = \"alpr\"\nreader_token = \"cvl_1\"\nplate_state = \"" +
                                      state + "\"\n");
    EXPECT_NE(stateless.status().message().find("camera[0].plate_state"), std::string::npos)
        << state << ": " << stateless.status().ToString();
  }
  auto zone = ParseAgentConfig(std::string(base) +
                               "[[camera]]\nname=\"a\"\nsource=\"x\"\ndevice_token=\"cvd_1\"\n"
                               "privacy_zones = [[[0, 0], [2, 0], [0, 1]]]\n");
  EXPECT_EQ(zone.status().code(), Code::kInvalidArgument);
  auto region = ParseAgentConfig(std::string(base) +
                                 "[[camera]]\nname=\"a\"\nsource=\"x\"\ndevice_token=\"cvd_1\"\n"
                                 "plate_region = \"mars\"\n");
  EXPECT_NE(region.status().message().find("plate_region must be us or eu"), std::string::npos);
}

}  // namespace
}  // namespace canvass::agent
