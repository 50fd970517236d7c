// Byte encodings: hex and base64 (standard and URL-safe, unpadded).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace canvass {

std::string HexEncode(std::string_view bytes);
StatusOr<std::string> HexDecode(std::string_view hex);
bool IsLowerHex(std::string_view s, size_t length);

std::string Base64Encode(std::string_view bytes);  // RFC 4648 section 4, padded.
StatusOr<std::string> Base64Decode(std::string_view text);
std::string Base64UrlEncode(std::string_view bytes);  // RFC 4648 section 5, unpadded.
StatusOr<std::string> Base64UrlDecode(std::string_view text);

}  // namespace canvass
