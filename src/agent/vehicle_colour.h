// VehicleColour: the colour name of the vehicle around a licence plate, as ALPR systems report it
// beside the plate ("silver", "red", ...), from the body around the plate (bumper and boot lid,
// or bonnet front).
//
// Sampled, clipped to the picture: the plate's rows from half a plate width to a twentieth of it
// left and right of the plate, and the band from 0.6 to 0.1 plate heights above it. The median
// hue, saturation and value (OpenCV HSV) of those pixels are named: dark -> "black"; unsaturated -> "white", "silver" or "grey" by brightness; else
// the hue's name ("red", "orange", "yellow", "green", "blue", "purple"). "" when the band is
// empty (a plate at the picture's top edge). Picture colour at night or under infrared is not the
// vehicle's: a camera that sees in infrared should not report it.
//
// Thread-safety: a pure function.
#pragma once

#include <string>

#include "agent/plate_recognizer.h"

namespace canvass::agent {

std::string VehicleColour(const BgrImage& frame, int plate_x, int plate_y, int plate_w,
                          int plate_h);

}  // namespace canvass::agent
