// The public audit log in the C2SP tlog-tiles layout under /audit/, and JSON proofs for clients
// that do not speak tiles. Everything here is public except opening a leaf's private side.
//   GET /audit/checkpoint            signed note (C2SP tlog-checkpoint), short cache life
//   GET /audit/key                   verifier key (signed-note form)
//   GET /audit/tile/<L>/<N>[.p/<W>]  hash tiles; full ones immutable
//   GET /audit/tile/entries/<N>[.p/<W>]  entry bundles (the leaves)
#include "api/http_status.h"
#include "api/json_io.h"
#include "api/router.h"
#include "api/services.h"
#include "audit/leaf.h"
#include "common/encoding.h"

namespace canvass::api {
namespace json = boost::json;

namespace {

json::array HashesJson(const std::vector<audit::Hash>& hashes) {
  json::array out;
  for (const auto& h : hashes) {
    out.push_back(json::string(
        Base64Encode(std::string_view(reinterpret_cast<const char*>(h.data()), h.size()))));
  }
  return out;
}

Response Text(std::string body, const char* cache_control) {
  Response r;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  r.AddHeader("Cache-Control", cache_control);
  r.AddHeader("Access-Control-Allow-Origin", "*");
  return r;
}

StatusOr<Response> Checkpoint(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(auto cp, c.services.audit->Latest());
  return Text(cp.note, "public, max-age=1");
}

StatusOr<Response> Tile(Context& c) {
  const std::string& path = c.Param("path");
  auto parsed = audit::ParseTilePath("tile/" + path);
  if (!parsed.ok()) return NotFoundError("no such tile: " + parsed.status().message());
  CANVASS_ASSIGN_OR_RETURN(std::string bytes, c.services.audit->ReadTile(*parsed));
  Response r;
  r.content_type = "application/octet-stream";
  r.body = std::move(bytes);
  // Full tiles never change; partial ones are replaced by longer ones as the log grows.
  r.AddHeader("Cache-Control", parsed->partial_width == 0 ? "public, max-age=31536000, immutable"
                                                          : "public, max-age=1");
  r.AddHeader("Access-Control-Allow-Origin", "*");
  return r;
}

StatusOr<Response> Inclusion(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(int64_t index, RequiredQueryInteger(c.request, "index", 0, INT64_MAX));
  CANVASS_ASSIGN_OR_RETURN(int64_t size, RequiredQueryInteger(c.request, "size", 0, INT64_MAX));
  CANVASS_ASSIGN_OR_RETURN(auto proof, c.services.audit->InclusionProof(index, size));
  return JsonResponse(200,
                      json::object{{"index", index}, {"size", size}, {"proof", HashesJson(proof)}});
}

StatusOr<Response> Consistency(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(int64_t from, RequiredQueryInteger(c.request, "from", 0, INT64_MAX));
  CANVASS_ASSIGN_OR_RETURN(int64_t to, RequiredQueryInteger(c.request, "to", 0, INT64_MAX));
  CANVASS_ASSIGN_OR_RETURN(auto proof, c.services.audit->ConsistencyProof(from, to));
  return JsonResponse(200, json::object{{"from", from}, {"to", to}, {"proof", HashesJson(proof)}});
}

StatusOr<Response> OpenLeaf(Context& c) {
  CANVASS_ASSIGN_OR_RETURN(int64_t index,
                           ParseInteger(c.Param("index"), "leaf index", 0, INT64_MAX));
  CANVASS_ASSIGN_OR_RETURN(auto row, c.services.audit->OpenLeaf(c.principal, index));
  std::string priv = audit::PrivateDetails(row.event);
  std::string commitment = audit::Commitment(row.salt, priv);
  return JsonResponse(
      200, json::object{{"index", row.index},
                        {"leaf", row.leaf.empty() ? json::value(nullptr) : json::value(row.leaf)},
                        {"salt", Base64Encode(row.salt)},
                        {"private", priv},
                        {"case_number", row.event.case_number},
                        {"commitment", commitment},
                        {"integrated", !row.leaf.empty()}});
}

}  // namespace

void RegisterAuditRoutes(Router& router) {
  router.Add({"GET", "/audit/checkpoint", Access::Public(), Checkpoint, 0,
              "the latest signed checkpoint"});
  router.Add({"GET", "/audit/key", Access::Public(),
              [](Context& c) -> StatusOr<Response> {
                return Text(c.services.audit->VerifierKey() + "\n", "public, max-age=3600");
              },
              0, "the log's verifier key"});
  router.Add({"GET", "/audit/tile/{path*}", Access::Public(), Tile, 0,
              "hash tiles and entry bundles (C2SP tlog-tiles)"});
  router.Add({"GET", "/api/v1/audit/proofs/inclusion", Access::Public(), Inclusion, 0,
              "inclusion proof of leaf `index` in the tree of `size`"});
  router.Add({"GET", "/api/v1/audit/proofs/consistency", Access::Public(), Consistency, 0,
              "consistency proof between tree sizes `from` and `to`"});
  router.Add({"GET", "/api/v1/audit/leaves/{index}", Access::Roles({Role::kAuditor, Role::kLegal}),
              OpenLeaf, 0, "a leaf's private details and salt (audited)"});
}

}  // namespace canvass::api
