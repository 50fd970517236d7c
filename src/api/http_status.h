// The one table from Status codes to HTTP statuses, and the JSON error body
//   {"error": {"code": "NOT_FOUND", "message": "camera cam_x not found"}}
#pragma once

#include "api/http_types.h"
#include "common/status.h"

namespace canvass::api {

int HttpStatusFor(Code code);
Response ErrorResponse(const Status& status);

}  // namespace canvass::api
