// TomlTableReader: reads a TOML table's keys into typed fields and remembers which keys were
// read, so that Finish() can refuse unknown ones (a typo must not be silently ignored). Shared by
// the server's config (common/config.cc) and the edge agent's (agent/agent_config.cc).
//
// Usage:
//   TomlTableReader r(root["server"].as_table(), "config option", "server", "docs/ref/config.md");
//   r.Read("listen", &config.listen);           // absent: the field keeps its default
//   r.Skip("states");                           // a sub-table read elsewhere
//   CANVASS_RETURN_IF_ERROR(r.Finish());        // the first wrong type, else unknown keys
//
// Messages: "<kind> <where>.<key> has the wrong type", "<kind> <where>.<key> is out of range",
// "unknown <kind> <where>.<key> (see <docs>)".
//
// Thread-safety: an instance is used by one thread.
#pragma once

#include <toml++/toml.h>

#include <limits>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "common/status.h"

namespace canvass {

class TomlTableReader {
 public:
  // `table` may be null (an absent section: every Read keeps its default).
  TomlTableReader(const toml::table* table, std::string kind, std::string where, std::string docs)
      : table_(table), kind_(std::move(kind)), where_(std::move(where)), docs_(std::move(docs)) {}

  // T: std::string, bool, double, std::vector<std::string>, or an integer type (range-checked).
  template <typename T>
  void Read(const char* key, T* out) {
    seen_.insert(key);
    if (table_ == nullptr || !status_.ok()) return;
    const toml::node* node = table_->get(key);
    if (node == nullptr) return;
    if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool> ||
                  std::is_same_v<T, double>) {
      if (auto v = node->value<T>()) {
        *out = *v;
        return;
      }
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      if (const toml::array* a = node->as_array()) {
        std::vector<std::string> items;
        for (const auto& e : *a) {
          auto v = e.value<std::string>();
          if (!v) break;
          items.push_back(*v);
        }
        if (items.size() == a->size()) {
          *out = std::move(items);
          return;
        }
      }
    } else {
      static_assert(std::is_integral_v<T>, "unsupported option type");
      if (auto v = node->value<int64_t>()) {
        bool in_range;
        if constexpr (std::is_signed_v<T>) {
          in_range = *v >= std::numeric_limits<T>::min() && *v <= std::numeric_limits<T>::max();
        } else {
          in_range = *v >= 0 && static_cast<uint64_t>(*v) <= std::numeric_limits<T>::max();
        }
        if (!in_range) {
          status_ = InvalidArgumentError(Name(key) + " is out of range");
          return;
        }
        *out = static_cast<T>(*v);
        return;
      }
    }
    status_ = InvalidArgumentError(Name(key) + " has the wrong type");
  }

  // A key read elsewhere (a sub-table).
  void Skip(const std::string& key) { seen_.insert(key); }

  // The first wrong type or range, else the first key never read or skipped.
  Status Finish() const {
    if (!status_.ok() || table_ == nullptr) return status_;
    for (const auto& [k, v] : *table_) {
      if (!seen_.count(std::string(k.str()))) {
        return InvalidArgumentError("unknown " + Name(std::string(k.str())) + " (see " + docs_ +
                                    ")");
      }
    }
    return OkStatus();
  }

 private:
  std::string Name(const std::string& key) const { return kind_ + " " + where_ + "." + key; }

  const toml::table* table_;
  std::string kind_, where_, docs_;
  std::set<std::string> seen_;
  Status status_;
};

}  // namespace canvass
