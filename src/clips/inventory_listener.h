// InventoryListener: told after a camera or clip change has been committed, so that in-memory
// indexes (the request matching index, src/requests/match_index.h) stay current. The store
// remains the truth: a listener that misses a change is rebuilt from it at the next start.
//
// Called on the thread that made the change, after the store returned OK; implementations must
// be quick and thread-safe.
#pragma once

#include "store/records.h"

namespace canvass {

class InventoryListener {
 public:
  virtual ~InventoryListener() = default;
  virtual void CameraChanged(const Camera& camera) = 0;  // created or updated
  virtual void CameraDeleted(const Camera& camera) = 0;  // with all its clips
  virtual void ClipAdded(const Clip& clip) = 0;
  virtual void ClipDeleted(const Clip& clip) = 0;
};

}  // namespace canvass
