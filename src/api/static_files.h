// Serves the built web UI (web/dist) as static files: the single-page app's index.html, its
// hashed assets and anything else the build put there. Only for paths outside /api/ and /audit/.
//
// Contract:
//  - GET and HEAD only (others: 405 with Allow: GET, HEAD).
//  - Never serves a file outside the web directory: paths with '..', '.' segments, hidden
//    segments (".git"), backslashes or NUL are refused (400), and the resolved file must lie under
//    the directory's canonical path (symlinks out of it are refused as not found).
//  - A path that names no file and whose last segment has no '.' gets index.html (the app's own
//    router shows the page); a missing file with an extension is 404.
//  - Content-Type from the extension; `Cache-Control: public, max-age=31536000, immutable` for
//    /assets/ (Vite names them by content hash), `no-cache` for everything else.
//  - Every answer carries the UI's strict headers: Content-Security-Policy (scripts, styles,
//    fonts and connections from this origin only; images also from https: for an optional map
//    tile server), X-Frame-Options: DENY, Referrer-Policy: no-referrer.
//
// Thread-safety: stateless; safe to call from any thread.
#pragma once

#include <string>

#include "api/http_types.h"

namespace canvass::api {

// Whether `web_dir` holds a built UI (an index.html). Empty: false.
bool HasWebUi(const std::string& web_dir);

// Answers `request` (a path outside /api/ and /audit/) from `web_dir`.
Response ServeStaticFile(const std::string& web_dir, const Request& request);

// The Content-Type for a file name, by extension; application/octet-stream when unknown.
std::string ContentTypeFor(const std::string& filename);

}  // namespace canvass::api
