// Strict JSON input for the API: a body must be one JSON object; every field has the expected
// type; unknown fields are refused (a misspelt field must not be silently ignored). Messages
// name the field: "field 'retention_days' must be an integer".
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "api/http_types.h"
#include "common/status.h"

namespace canvass::api {

class JsonObjectReader {
 public:
  // Parses `body`; an empty body is an empty object when `allow_empty`.
  static StatusOr<JsonObjectReader> Parse(const std::string& body, bool allow_empty = false);

  // Each accessor marks the field as known. Optional ones return nullopt when absent (or null).
  std::optional<std::string> String(const char* name, size_t max_bytes = 1000);
  std::optional<int64_t> Int(const char* name);
  std::optional<double> Double(const char* name);
  std::optional<bool> Bool(const char* name);
  // The raw value (for nested structures), or nullptr.
  const boost::json::value* Value(const char* name);
  // True if the field is present and explicitly null.
  bool IsNull(const char* name);

  // Required variants: InvalidArgument "field 'x' is required" when absent.
  StatusOr<std::string> RequiredString(const char* name, size_t max_bytes = 1000);
  StatusOr<int64_t> RequiredInt(const char* name);
  StatusOr<double> RequiredDouble(const char* name);

  // The first error met by any accessor, else unknown fields, else OK.
  Status Finish();

  void Fail(Status s) {
    if (status_.ok()) status_ = std::move(s);
  }

 private:
  explicit JsonObjectReader(boost::json::object obj) : obj_(std::move(obj)) {}
  const boost::json::value* Find(const char* name);

  boost::json::object obj_;
  std::set<std::string> known_;
  Status status_;
};

// A whole decimal integer in [min, max]; otherwise InvalidArgument "<what> must be an integer
// between <min> and <max>". For query parameters, path parameters and headers alike.
StatusOr<int64_t> ParseInteger(std::string_view text, std::string_view what, int64_t min,
                               int64_t max);
// An optional query parameter parsed as above (nullopt when absent).
StatusOr<std::optional<int64_t>> QueryInteger(const Request& request, const char* name, int64_t min,
                                              int64_t max);
// A required one.
StatusOr<int64_t> RequiredQueryInteger(const Request& request, const char* name, int64_t min,
                                       int64_t max);

// {"field": value, ...} responses.
Response JsonResponse(int status, const boost::json::value& body);
// 204, no body.
Response NoContent();

}  // namespace canvass::api
