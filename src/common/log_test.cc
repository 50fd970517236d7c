#include "common/log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

namespace canvass {
namespace {

TEST(Logging, JsonLinesStayValidJsonWhateverTheMessage) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  ASSERT_TRUE(InitLogging("info", "json").ok());
  spdlog::info("a \"quoted\" path C:\\x\nnext\x01");
  std::string line = out.str();
  EXPECT_NE(line.find(R"("msg":"a \"quoted\" path C:\\x\nnext\u0001"})"), std::string::npos)
      << line;
  EXPECT_EQ(line.find('\x01'), std::string::npos);
  EXPECT_FALSE(InitLogging("loud", "text").ok());
  EXPECT_FALSE(InitLogging("info", "xml").ok());
  ASSERT_TRUE(InitLogging("info", "text").ok());
  spdlog::set_default_logger(previous);
}

}  // namespace
}  // namespace canvass
