// Small geometry for the agent: privacy-zone polygons in normalised picture coordinates.
#pragma once

#include <vector>

namespace canvass::agent {

struct Point {
  double x = 0;  // [0, 1], to the right
  double y = 0;  // [0, 1], down
};
using Polygon = std::vector<Point>;

}  // namespace canvass::agent
