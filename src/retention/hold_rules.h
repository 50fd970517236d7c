// What a legal hold keeps: the rule the store's purges apply in SQL (store/sqlite/
// sqlite_holds.cc, sqlite_plates.cc), written once more in C++ so that `canvass check` can
// re-derive it independently (docs/design/retention.md, "Holds").
#pragma once

#include <vector>

#include "store/hold_records.h"
#include "store/plate_records.h"
#include "store/records.h"

namespace canvass::retention {

// A hold is in force until it ends (expired or released); while in force it keeps its scope.
bool InForce(const Hold& hold);
// The clip's camera or owner is in scope and [started, ended] meets the range (inclusive).
bool HoldKeepsClip(const Hold& hold, const Clip& clip);
// The read's reader or plate is in scope and its time lies in the range (inclusive).
bool HoldKeepsRead(const Hold& hold, const PlateRead& read);

// The holds in force at one moment, for checking many clips and reads against them.
class HoldSet {
 public:
  explicit HoldSet(std::vector<Hold> holds);
  bool KeepsClip(const Clip& clip) const;
  bool KeepsRead(const PlateRead& read) const;
  const std::vector<Hold>& holds() const { return holds_; }

 private:
  std::vector<Hold> holds_;  // in force only
};

}  // namespace canvass::retention
