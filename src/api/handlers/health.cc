#include "api/json_io.h"
#include "api/router.h"
#include "api/services.h"
#include "common/time_format.h"

namespace canvass::api {

void RegisterHealthRoutes(Router& router) {
  router.Add({"GET", "/api/v1/health", Access::Public(),
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(int version, c.services.store->SchemaVersion());
                return JsonResponse(
                    200,
                    boost::json::object{{"status", "ok"},
                                        {"deployment", c.services.config->deployment.name},
                                        {"schema_version", version},
                                        {"time", FormatRfc3339(c.services.clock->NowMicros())}});
              },
              0, "liveness and schema version"});
}

}  // namespace canvass::api
