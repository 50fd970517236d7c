#include "auditlog/verifier.h"

#include <boost/json.hpp>

#include <map>

#include "audit/merkle.h"

namespace canvass {
namespace json = boost::json;

Status CheckLeafShape(std::string_view entry) {
  boost::system::error_code ec;
  json::value v = json::parse(entry, ec);
  if (ec || !v.is_object()) return DataLossError("not a JSON object");
  const auto& o = v.as_object();
  static const char* kStrings[] = {"agency", "case", "commitment", "object", "reason", "role",
                                   "type"};
  static const char* kInts[] = {"count", "time", "v"};
  if (o.size() != 10) return DataLossError("a leaf has exactly 10 fields");
  for (const char* k : kStrings) {
    auto it = o.find(k);
    if (it == o.end() || !it->value().is_string()) {
      return DataLossError(std::string("field '") + k + "' missing or not a string");
    }
  }
  for (const char* k : kInts) {
    auto it = o.find(k);
    if (it == o.end() || !(it->value().is_int64() || it->value().is_uint64())) {
      return DataLossError(std::string("field '") + k + "' missing or not an integer");
    }
  }
  if (o.at("v").to_number<int64_t>() != 1) return DataLossError("unknown leaf version");
  if (o.at("commitment").as_string().size() != 64) return DataLossError("bad commitment");
  return OkStatus();
}

StatusOr<LogVerification> VerifyLog(
    const audit::TileFetcher& fetch, const audit::Verifier& key,
    const std::optional<audit::Checkpoint>& previous,
    const std::function<void(uint64_t, const std::string&)>& entry_visitor) {
  LogVerification out;
  CANVASS_ASSIGN_OR_RETURN(out.checkpoint_note, fetch("checkpoint"));
  CANVASS_ASSIGN_OR_RETURN(out.checkpoint,
                           audit::OpenCheckpoint(out.checkpoint_note, key, key.name()));
  const uint64_t size = out.checkpoint.size;
  if (previous && previous->size > size) {
    return DataLossError("the log shrank: it had " + std::to_string(previous->size) +
                         " leaves when last seen, its checkpoint now says " + std::to_string(size));
  }

  audit::CompactRange range;
  // Hashes of tree levels 8, 16, ... as recomputed, to compare with the served higher tiles.
  std::map<int, std::string> higher;
  auto visit = [&](int level, uint64_t, const audit::Hash& h) {
    if (level > 0 && level % audit::kTileHeight == 0) {
      higher[level / audit::kTileHeight].append(reinterpret_cast<const char*>(h.data()), h.size());
    }
  };
  const uint64_t tiles = (size + audit::kTileWidth - 1) / audit::kTileWidth;
  for (uint64_t n = 0; n < tiles; ++n) {
    const int width = audit::TileWidth(0, n, size);
    const int partial = width == audit::kTileWidth ? 0 : width;
    CANVASS_ASSIGN_OR_RETURN(std::string tile, fetch(audit::TilePath(0, n, partial)));
    CANVASS_ASSIGN_OR_RETURN(std::string bundle, fetch(audit::EntryBundlePath(n, partial)));
    auto hashes = audit::DecodeTile(tile, width);
    if (!hashes.ok()) {
      return DataLossError("tile 0/" + std::to_string(n) + ": " + hashes.status().message());
    }
    auto entries = audit::DecodeEntryBundle(bundle, width);
    if (!entries.ok()) {
      return DataLossError("entry bundle " + std::to_string(n) + " (entries from " +
                           std::to_string(n * audit::kTileWidth) +
                           "): " + entries.status().message());
    }
    ++out.tiles_checked;
    for (int i = 0; i < width; ++i) {
      const uint64_t index = n * audit::kTileWidth + static_cast<uint64_t>(i);
      const std::string& entry = (*entries)[static_cast<size_t>(i)];
      audit::Hash h = audit::LeafHash(entry);
      if (h != (*hashes)[static_cast<size_t>(i)]) {
        return DataLossError("entry " + std::to_string(index) +
                             ": its hash is not the one in its tile");
      }
      Status shape = CheckLeafShape(entry);
      if (!shape.ok()) {
        return DataLossError("entry " + std::to_string(index) + ": " + shape.message());
      }
      if (entry_visitor) entry_visitor(index, entry);
      CANVASS_RETURN_IF_ERROR(range.Append(h, visit));
      ++out.entries_checked;
      if (previous && range.size() == previous->size && range.Root() != previous->root) {
        return DataLossError(
            "the first " + std::to_string(previous->size) +
            " leaves no longer hash to the checkpoint seen before: the log rewrote history "
            "(the bad entry is at or before index " + std::to_string(index) + ")");
      }
    }
  }
  if (previous && previous->size == 0 && previous->root != audit::EmptyRoot()) {
    return DataLossError("the previous checkpoint of an empty tree has a wrong root");
  }
  if (range.Root() != out.checkpoint.root) {
    return DataLossError("the entries hash to a root that is not the signed checkpoint's");
  }
  // The higher tiles a proof client would use must agree with the leaves.
  for (const auto& [level, data] : higher) {
    const uint64_t count = data.size() / 32;
    for (uint64_t n = 0; n * audit::kTileWidth < count; ++n) {
      const int width = audit::TileWidth(level, n, size);
      if (width == 0) break;
      const int partial = width == audit::kTileWidth ? 0 : width;
      CANVASS_ASSIGN_OR_RETURN(std::string tile, fetch(audit::TilePath(level, n, partial)));
      std::string expect = data.substr(n * audit::kFullTileBytes, static_cast<size_t>(width) * 32);
      if (tile != expect) {
        return DataLossError("tile " + std::to_string(level) + "/" + std::to_string(n) +
                             " does not match the tree the entries make");
      }
      ++out.tiles_checked;
    }
  }
  return out;
}

}  // namespace canvass
