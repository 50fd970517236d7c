#include "recognize/image_file.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/file_system.h"

namespace canvass::recognize {
namespace {

std::string Testdata(const std::string& name) {
  return std::string(CANVASS_RECOGNIZE_TESTDATA) + "/" + name;
}

TEST(ReadImageFile, DecodesJpegAndPng) {
  auto jpg = ReadImageFile(Testdata("empty_0.jpg"));
  ASSERT_TRUE(jpg.ok()) << jpg.status().message();
  EXPECT_EQ(jpg->width, 640);
  EXPECT_EQ(jpg->height, 360);
  EXPECT_EQ(jpg->bgr.size(), 640u * 360 * 3);
  auto png = ReadImageFile(Testdata("plate_us_ABC1234.png"));
  ASSERT_TRUE(png.ok()) << png.status().message();
  EXPECT_EQ(png->view().stride, png->width * 3);
}

TEST(ReadImageFile, MissingFileIsNotFound) {
  EXPECT_EQ(ReadImageFile("/nonexistent/plate.jpg").status().code(), Code::kNotFound);
}

TEST(ReadImageFile, CorruptFileNamesItself) {
  // A JPEG cut to its first 200 bytes, and a text file.
  auto bytes = FileSystem::Posix()->ReadFile(Testdata("empty_0.jpg"));
  ASSERT_TRUE(bytes.ok());
  auto truncated = DecodeImage(bytes->substr(0, 200), "cut.jpg");
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().code(), Code::kInvalidArgument);
  EXPECT_NE(truncated.status().message().find("cut.jpg"), std::string::npos);
  auto text = DecodeImage("hello, not an image\n", "notes.txt");
  EXPECT_EQ(text.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(DecodeImage("", "empty.png").status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace canvass::recognize
