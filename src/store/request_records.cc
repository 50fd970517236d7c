#include "store/request_records.h"

namespace canvass {

std::string_view RequestStatusName(RequestStatus s) {
  switch (s) {
    case RequestStatus::kPendingApproval:
      return "pending_approval";
    case RequestStatus::kOpen:
      return "open";
    case RequestStatus::kRejected:
      return "rejected";
    case RequestStatus::kClosed:
      return "closed";
    case RequestStatus::kExpired:
      return "expired";
  }
  return "unknown";
}

StatusOr<RequestStatus> ParseRequestStatus(std::string_view name) {
  for (auto s : {RequestStatus::kPendingApproval, RequestStatus::kOpen, RequestStatus::kRejected,
                 RequestStatus::kClosed, RequestStatus::kExpired}) {
    if (RequestStatusName(s) == name) return s;
  }
  return InvalidArgumentError("unknown request status '" + std::string(name) + "'");
}

std::string_view NotificationStatusName(NotificationStatus s) {
  switch (s) {
    case NotificationStatus::kPending:
      return "pending";
    case NotificationStatus::kShared:
      return "shared";
    case NotificationStatus::kDeclined:
      return "declined";
    case NotificationStatus::kExpired:
      return "expired";
  }
  return "unknown";
}

StatusOr<NotificationStatus> ParseNotificationStatus(std::string_view name) {
  for (auto s : {NotificationStatus::kPending, NotificationStatus::kShared,
                 NotificationStatus::kDeclined, NotificationStatus::kExpired}) {
    if (NotificationStatusName(s) == name) return s;
  }
  return InvalidArgumentError("unknown notification status '" + std::string(name) + "'");
}

}  // namespace canvass
