#include "recognize/candidate_finder.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace canvass::recognize {
namespace {

double Iou(const cv::Rect& a, const cv::Rect& b) {
  double inter = (a & b).area();
  return inter / (a.area() + b.area() - inter);
}

// The best overlap of any proposal with `truth`.
double BestIou(const std::vector<Proposal>& proposals, const cv::Rect& truth) {
  double best = 0;
  for (const Proposal& p : proposals) best = std::max(best, Iou(p.rect.boundingRect(), truth));
  return best;
}

// A light plate with a dark border and six dark "characters", drawn at `plate`.
void DrawPlate(cv::Mat& grey, const cv::Rect& plate) {
  cv::rectangle(grey, plate, cv::Scalar(235), cv::FILLED);
  cv::rectangle(grey, plate, cv::Scalar(30), 2);
  const int char_w = plate.width / 10, gap = plate.width / 20;
  int x = plate.x + (plate.width - 6 * char_w - 5 * gap) / 2;
  for (int i = 0; i < 6; ++i, x += char_w + gap) {
    cv::Rect c(x, plate.y + plate.height / 5, char_w, plate.height * 3 / 5);
    cv::rectangle(grey, c, cv::Scalar(20), cv::FILLED);
    // A light counter in each character, as in 0, 8, B: vertical edges inside as well.
    cv::rectangle(grey, cv::Rect(c.x + char_w / 3, c.y + c.height / 4, char_w / 3, c.height / 2),
                  cv::Scalar(235), cv::FILLED);
  }
}

TEST(FindCandidates, ProposesAPlateOnAPlainBackground) {
  cv::Mat grey(360, 640, CV_8U, cv::Scalar(110));
  const cv::Rect plate(250, 160, 140, 34);
  DrawPlate(grey, plate);
  EXPECT_GE(BestIou(FindCandidates(grey, {}), plate), 0.5);
}

// The plate sits in a band of vertical stripes (a grille, lamp ribs) as wide as the picture: its
// characters' edges close into one blob with the stripes', far wider than any plate, so only the
// plate's light background, brighter than its surroundings, gives it away.
TEST(FindCandidates, ProposesAPlateWhoseEdgesMergeWithTheCarsAroundIt) {
  cv::Mat grey(360, 640, CV_8U, cv::Scalar(110));
  for (int x = 10; x < 630; x += 6) {
    cv::rectangle(grey, cv::Rect(x, 140, 3, 80), cv::Scalar(170), cv::FILLED);
  }
  const cv::Rect plate(250, 160, 140, 34);
  DrawPlate(grey, plate);
  EXPECT_GE(BestIou(FindCandidates(grey, {}), plate), 0.5);
}

TEST(FindCandidates, ProposesNothingOnABlankPicture) {
  cv::Mat grey(360, 640, CV_8U, cv::Scalar(110));
  EXPECT_TRUE(FindCandidates(grey, {}).empty());
}

// A light panel of a plate's shape with nothing on it (a blank sign, a window) is no plate.
TEST(FindCandidates, ProposesNoBlankPanel) {
  cv::Mat grey(360, 640, CV_8U, cv::Scalar(110));
  cv::rectangle(grey, cv::Rect(250, 160, 140, 34), cv::Scalar(235), cv::FILLED);
  EXPECT_TRUE(FindCandidates(grey, {}).empty());
}

TEST(FindCandidates, KeepsAtMostMaxProposals) {
  cv::Mat grey(720, 1280, CV_8U, cv::Scalar(110));
  for (int row = 0; row < 8; ++row) {
    for (int col = 0; col < 6; ++col) DrawPlate(grey, cv::Rect(20 + col * 210, 20 + row * 88, 150, 36));
  }
  auto proposals = FindCandidates(grey, {.max_proposals = 10});
  EXPECT_EQ(proposals.size(), 10u);
  for (size_t i = 1; i < proposals.size(); ++i) {
    EXPECT_GE(proposals[i - 1].edge_density, proposals[i].edge_density);  // densest first
  }
}

}  // namespace
}  // namespace canvass::recognize
