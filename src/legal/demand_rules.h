// The rules of what each kind of legal process may compel (docs/design/legal.md, "Demand kinds"
// and "Scope"). Pure functions; each refusal names the rule and the element at fault.
#pragma once

#include <string_view>

#include "common/status.h"
#include "store/legal_records.h"

namespace canvass::legal {

inline constexpr size_t kMaxScopeIds = 1000;  // per list in a scope

// A scope's shape: well-formed ids (acc_, cam_ or lpr_), normalised plates (rewritten in place),
// a time range [from, to) where content or preservation needs one, at least one target. `what`
// names the scope in messages ("scope", "authorized", "narrowed scope").
Status ValidateScope(DemandType type, DemandScope* scope, std::string_view what);

// Content needs a search warrant or an emergency; subscriber data a subpoena or more; a
// preservation demand compels nothing (it preserves). PermissionDenied naming the rule.
Status CheckTypeAllows(DemandType type, const DemandScope& scope);

// Every kind, account, camera, plate and the time range of `inner` lie within `outer`.
// PermissionDenied naming the first element that does not.
Status CheckWithin(const DemandScope& inner, std::string_view inner_name, const DemandScope& outer,
                   std::string_view outer_name);

// Whether the type compels disclosure at all (everything but preservation).
bool Discloses(DemandType type);

}  // namespace canvass::legal
