#include "api/json_io.h"

#include <charconv>
#include <cmath>

namespace canvass::api {
namespace json = boost::json;

StatusOr<JsonObjectReader> JsonObjectReader::Parse(const std::string& body, bool allow_empty) {
  if (body.empty()) {
    if (allow_empty) return JsonObjectReader(json::object{});
    return InvalidArgumentError("request body must be a JSON object");
  }
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 16;
  json::value v = json::parse(body, ec, {}, opts);
  if (ec) return InvalidArgumentError("request body is not valid JSON: " + ec.message());
  if (!v.is_object()) return InvalidArgumentError("request body must be a JSON object");
  return JsonObjectReader(std::move(v.as_object()));
}

const json::value* JsonObjectReader::Find(const char* name) {
  known_.insert(name);
  auto it = obj_.find(name);
  if (it == obj_.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

bool JsonObjectReader::IsNull(const char* name) {
  known_.insert(name);
  auto it = obj_.find(name);
  return it != obj_.end() && it->value().is_null();
}

const json::value* JsonObjectReader::Value(const char* name) { return Find(name); }

std::optional<std::string> JsonObjectReader::String(const char* name, size_t max_bytes) {
  const json::value* v = Find(name);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    Fail(InvalidArgumentError(std::string("field '") + name + "' must be a string"));
    return std::nullopt;
  }
  if (v->as_string().size() > max_bytes) {
    Fail(InvalidArgumentError(std::string("field '") + name + "' must be at most " +
                              std::to_string(max_bytes) + " bytes"));
    return std::nullopt;
  }
  return std::string(v->as_string());
}

std::optional<int64_t> JsonObjectReader::Int(const char* name) {
  const json::value* v = Find(name);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v->as_uint64());
  }
  Fail(InvalidArgumentError(std::string("field '") + name + "' must be an integer"));
  return std::nullopt;
}

std::optional<double> JsonObjectReader::Double(const char* name) {
  const json::value* v = Find(name);
  if (!v) return std::nullopt;
  if (v->is_double() && std::isfinite(v->as_double())) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  Fail(InvalidArgumentError(std::string("field '") + name + "' must be a number"));
  return std::nullopt;
}

std::optional<bool> JsonObjectReader::Bool(const char* name) {
  const json::value* v = Find(name);
  if (!v) return std::nullopt;
  if (v->is_bool()) return v->as_bool();
  Fail(InvalidArgumentError(std::string("field '") + name + "' must be true or false"));
  return std::nullopt;
}

StatusOr<std::string> JsonObjectReader::RequiredString(const char* name, size_t max_bytes) {
  auto v = String(name, max_bytes);
  CANVASS_RETURN_IF_ERROR(status_);
  if (!v) return InvalidArgumentError(std::string("field '") + name + "' is required");
  return *v;
}

StatusOr<int64_t> JsonObjectReader::RequiredInt(const char* name) {
  auto v = Int(name);
  CANVASS_RETURN_IF_ERROR(status_);
  if (!v) return InvalidArgumentError(std::string("field '") + name + "' is required");
  return *v;
}

StatusOr<double> JsonObjectReader::RequiredDouble(const char* name) {
  auto v = Double(name);
  CANVASS_RETURN_IF_ERROR(status_);
  if (!v) return InvalidArgumentError(std::string("field '") + name + "' is required");
  return *v;
}

Status JsonObjectReader::Finish() {
  CANVASS_RETURN_IF_ERROR(status_);
  for (const auto& kv : obj_) {
    if (!known_.count(std::string(kv.key()))) {
      return InvalidArgumentError("unknown field '" + std::string(kv.key()) + "'");
    }
  }
  return OkStatus();
}

StatusOr<int64_t> ParseInteger(std::string_view text, std::string_view what, int64_t min,
                               int64_t max) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || v < min || v > max) {
    return InvalidArgumentError(std::string(what) + " must be an integer between " +
                                std::to_string(min) + " and " + std::to_string(max));
  }
  return v;
}

StatusOr<std::optional<int64_t>> QueryInteger(const Request& request, const char* name, int64_t min,
                                              int64_t max) {
  const std::string* v = request.Query(name);
  if (!v) return std::optional<int64_t>();
  CANVASS_ASSIGN_OR_RETURN(int64_t out, ParseInteger(*v, name, min, max));
  return std::optional<int64_t>(out);
}

StatusOr<int64_t> RequiredQueryInteger(const Request& request, const char* name, int64_t min,
                                       int64_t max) {
  CANVASS_ASSIGN_OR_RETURN(auto v, QueryInteger(request, name, min, max));
  if (!v) return InvalidArgumentError(std::string("query parameter '") + name + "' is required");
  return *v;
}

Response NoContent() {
  Response r;
  r.status = 204;
  return r;
}

Response JsonResponse(int status, const json::value& body) {
  Response r;
  r.status = status;
  r.body = json::serialize(body);
  return r;
}

}  // namespace canvass::api
