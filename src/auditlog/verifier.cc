#include "auditlog/verifier.h"

#include <map>

#include "audit/merkle.h"

namespace canvass {

// Leaves are canonical (audit/leaf.h): fixed key order, no spaces, and every string a token of
// [a-z0-9_.] (the store refuses anything else), so a strict scanner checks them exactly and
// about twenty times faster than a general JSON parser.
Status CheckLeafShape(std::string_view s) {
  size_t pos = 0;
  auto literal = [&](std::string_view lit) {
    if (s.substr(pos, lit.size()) != lit) return false;
    pos += lit.size();
    return true;
  };
  auto token = [&](size_t max, bool hex_only) {
    size_t start = pos;
    while (pos < s.size() && s[pos] != '"') {
      char c = s[pos];
      bool ok = hex_only ? ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
                         : ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                            c == '.');
      if (!ok) return false;
      ++pos;
    }
    return pos - start <= max && pos < s.size();
  };
  auto integer = [&] {
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    return pos > start && pos - start <= 19 && (s[start] != '0' || pos - start == 1);
  };
  struct Field {
    const char* prefix;
    enum { kToken, kHex, kHash, kInt } kind;
  };
  static const Field kFields[] = {
      {"{\"agency\":\"", Field::kToken},   {"\",\"case\":\"", Field::kHex},
      {"\",\"commitment\":\"", Field::kHash}, {"\",\"count\":", Field::kInt},
      {",\"object\":\"", Field::kToken},   {"\",\"reason\":\"", Field::kToken},
      {"\",\"role\":\"", Field::kToken},    {"\",\"time\":", Field::kInt},
      {",\"type\":\"", Field::kToken},
  };
  for (const Field& f : kFields) {
    if (!literal(f.prefix)) {
      return DataLossError(std::string("not a canonical leaf (expected ") + f.prefix + ")");
    }
    bool ok = true;
    switch (f.kind) {
      case Field::kToken: ok = token(64, false); break;
      case Field::kHex: ok = token(64, true); break;
      case Field::kHash: {
        size_t start = pos;
        ok = token(64, true) && pos - start == 64;
        break;
      }
      case Field::kInt: ok = integer(); break;
    }
    if (!ok) return DataLossError(std::string("bad value after ") + f.prefix);
  }
  if (!literal("\",\"v\":1}") || pos != s.size()) {
    return DataLossError("not a canonical leaf of version 1");
  }
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
