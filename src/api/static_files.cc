#include "api/static_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "api/http_status.h"

namespace canvass::api {
namespace {

namespace fs = std::filesystem;

constexpr char kCsp[] =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob: https:; media-src 'self' blob:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

void AddUiHeaders(Response& r) {
  r.AddHeader("Content-Security-Policy", kCsp);
  r.AddHeader("X-Frame-Options", "DENY");
  r.AddHeader("Referrer-Policy", "no-referrer");
}

Response Error(Status s) {
  Response r = ErrorResponse(s);
  AddUiHeaders(r);
  return r;
}

// A request path is safe when every segment is a plain name: no '.', '..' or hidden segment,
// no backslash, NUL or control character. Empty segments ("//") are skipped.
bool SafePath(const std::string& path) {
  if (path.empty() || path[0] != '/') return false;
  size_t i = 1;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string_view seg(path.data() + i, j - i);
    if (!seg.empty() && seg[0] == '.') return false;
    for (char c : seg) {
      if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    }
    i = j + 1;
  }
  return true;
}

bool ReadWhole(const fs::path& p, std::string* out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return false;
  *out = std::move(ss).str();
  return true;
}

// The regular file at `rel` under `root` (canonical), or an empty path when there is none or it
// resolves outside `root`.
fs::path Resolve(const fs::path& root, const std::string& rel) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(root / rel, ec);
  if (ec) return {};
  auto [r, q] = std::mismatch(root.begin(), root.end(), p.begin(), p.end());
  if (r != root.end()) return {};
  if (!fs::is_regular_file(p, ec) || ec) return {};
  return p;
}

}  // namespace

std::string ContentTypeFor(const std::string& filename) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".wasm", "application/wasm"},
  };
  size_t dot = filename.rfind('.');
  size_t slash = filename.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) {
    return "application/octet-stream";
  }
  std::string ext = filename.substr(dot);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [e, t] : kTypes) {
    if (ext == e) return t;
  }
  return "application/octet-stream";
}

bool HasWebUi(const std::string& web_dir) {
  if (web_dir.empty()) return false;
  std::error_code ec;
  return fs::is_regular_file(fs::path(web_dir) / "index.html", ec) && !ec;
}

Response ServeStaticFile(const std::string& web_dir, const Request& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    Response r = Error(InvalidArgumentError("method " + request.method +
                                            " not allowed here; use GET, HEAD"));
    r.status = 405;
    r.AddHeader("Allow", "GET, HEAD");
    return r;
  }
  // The raw target too: an encoded '/', '\' or NUL never names a file.
  std::string raw = request.target.substr(0, request.target.find('?'));
  for (const char* bad : {"%2f", "%2F", "%5c", "%5C", "%00"}) {
    if (raw.find(bad) != std::string::npos) {
      return Error(InvalidArgumentError("encoded '/', '\\' or NUL in the path is not allowed"));
    }
  }
  if (!SafePath(request.path)) {
    return Error(InvalidArgumentError("path segments starting with '.' are not allowed"));
  }
  std::error_code ec;
  fs::path root = fs::canonical(web_dir, ec);
  if (ec) return Error(NotFoundError("no page at " + request.path));

  std::string rel = request.path.substr(1);
  while (!rel.empty() && rel.front() == '/') rel.erase(0, 1);
  if (rel.empty() || rel.back() == '/') rel += "index.html";
  fs::path file = Resolve(root, rel);
  bool fallback = false;
  if (file.empty()) {
    // The app's own routes (/inbox, /requests/req_...): no '.' in the last segment.
    std::string last = rel.substr(rel.rfind('/') == std::string::npos ? 0 : rel.rfind('/') + 1);
    if (last.find('.') != std::string::npos) {
      return Error(NotFoundError("no file at " + request.path));
    }
    file = Resolve(root, "index.html");
    fallback = true;
    if (file.empty()) return Error(NotFoundError("no page at " + request.path));
  }
  Response r;
  if (!ReadWhole(file, &r.body)) {
    return Error(InternalError("cannot read " + file.string()));
  }
  r.content_type = ContentTypeFor(file.filename().string());
  bool hashed = !fallback && rel.starts_with("assets/");
  r.AddHeader("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
  AddUiHeaders(r);
  if (request.method == "HEAD") r.body.clear();
  return r;
}

}  // namespace canvass::api
