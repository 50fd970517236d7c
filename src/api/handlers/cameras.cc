// Cameras: a resident's own, and nobody else's.
#include "api/json_io.h"
#include "api/router.h"
#include "api/services.h"
#include "api/wire/wire.h"

namespace canvass::api {
namespace json = boost::json;

void RegisterCameraRoutes(Router& router) {
  const Access resident = Access::Roles({Role::kResident});
  router.Add({"POST", "/api/v1/cameras", resident,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
                CANVASS_ASSIGN_OR_RETURN(CameraInput in, wire::ParseCameraInput(r));
                CANVASS_ASSIGN_OR_RETURN(CreatedCamera cam,
                                         c.services.cameras->Create(c.principal, in));
                json::object o = wire::CameraJson(cam.camera, c.services.clock->NowMicros());
                o["device_token"] = cam.device_token;
                return JsonResponse(201, o);
              },
              0, "register a camera (returns its device token once)"});
  router.Add({"GET", "/api/v1/cameras", resident,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto cams, c.services.cameras->List(c.principal));
                json::array out;
                int64_t now = c.services.clock->NowMicros();
                for (const auto& cam : cams) out.push_back(wire::CameraJson(cam, now));
                return JsonResponse(200, json::object{{"cameras", out}});
              },
              0, "my cameras"});
  router.Add({"GET", "/api/v1/cameras/{id:cam}", resident,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(Camera cam,
                                         c.services.cameras->Get(c.principal, c.Param("id")));
                return JsonResponse(200, wire::CameraJson(cam, c.services.clock->NowMicros()));
              },
              0, "one camera"});
  router.Add({"PATCH", "/api/v1/cameras/{id:cam}", resident,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(auto r, JsonObjectReader::Parse(c.request.body));
                CANVASS_ASSIGN_OR_RETURN(CameraInput in, wire::ParseCameraInput(r));
                CANVASS_ASSIGN_OR_RETURN(
                    Camera cam, c.services.cameras->Update(c.principal, c.Param("id"), in));
                return JsonResponse(200, wire::CameraJson(cam, c.services.clock->NowMicros()));
              },
              0, "change a camera's settings"});
  router.Add({"DELETE", "/api/v1/cameras/{id:cam}", resident,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_RETURN_IF_ERROR(c.services.cameras->Delete(c.principal, c.Param("id")));
                return NoContent();
              },
              0, "delete a camera with all its clips"});
  router.Add({"POST", "/api/v1/cameras/{id:cam}/device-token", resident,
              [](Context& c) -> StatusOr<Response> {
                CANVASS_ASSIGN_OR_RETURN(std::string token, c.services.cameras->RotateDeviceToken(
                                                                c.principal, c.Param("id")));
                return JsonResponse(201, json::object{{"device_token", token}});
              },
              0, "replace the camera's device token"});
}

}  // namespace canvass::api
