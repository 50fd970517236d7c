#include "api/router.h"

#include "common/random.h"

namespace canvass::api {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  if (!path.empty() && path[0] == '/') pos = 1;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

}  // namespace

void Router::Add(Route route) { routes_.push_back(std::move(route)); }

Router::Match Router::Find(const std::string& method, const std::string& path) const {
  Match m;
  auto parts = Split(path);
  for (const Route& r : routes_) {
    auto pattern = Split(r.pattern);
    // A last segment "{name*}" takes the rest of the path (one or more segments).
    const bool rest = !pattern.empty() && pattern.back().ends_with("*}");
    if (rest ? parts.size() < pattern.size() : pattern.size() != parts.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    std::string bad;
    for (size_t i = 0; i < parts.size() && ok; ++i) {
      if (rest && i + 1 == pattern.size()) {
        std::string_view p = pattern[i];
        std::string tail;
        for (size_t j = i; j < parts.size(); ++j) {
          if (parts[j].empty()) ok = false;
          if (j > i) tail += '/';
          tail.append(parts[j]);
        }
        params[std::string(p.substr(1, p.size() - 3))] = tail;
        break;
      }
      std::string_view p = pattern[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        std::string_view inner = p.substr(1, p.size() - 2);
        size_t colon = inner.find(':');
        std::string name(inner.substr(0, colon));
        if (colon != std::string_view::npos &&
            !IsWellFormedId(parts[i], inner.substr(colon + 1))) {
          bad = "'" + std::string(parts[i].substr(0, 64)) + "' is not a well-formed " + name;
        }
        if (parts[i].empty()) ok = false;
        params[name] = std::string(parts[i]);
      } else if (p != parts[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    if (r.method != method) {
      m.allow.push_back(r.method);
      continue;
    }
    if (!bad.empty()) {
      m.bad_param = bad;
      continue;
    }
    m.route = &r;
    m.params = std::move(params);
    return m;
  }
  return m;
}

}  // namespace canvass::api
