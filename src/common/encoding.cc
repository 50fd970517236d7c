#include "common/encoding.h"

#include <sodium.h>

namespace canvass {
namespace {

std::string ToB64(std::string_view bytes, int variant) {
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(out.size() - 1);  // drop the NUL
  return out;
}

StatusOr<std::string> FromB64(std::string_view text, int variant, const char* what) {
  std::string out(text.size() * 3 / 4 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end, variant) != 0 ||
      end != text.data() + text.size()) {
    return InvalidArgumentError(std::string("not valid ") + what);
  }
  out.resize(len);
  return out;
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

StatusOr<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return InvalidArgumentError("hex string has odd length");
  std::string out(hex.size() / 2, '\0');
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return InvalidArgumentError("not a hex string");
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

bool IsLowerHex(std::string_view s, size_t length) {
  if (s.size() != length) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string Base64Encode(std::string_view b) { return ToB64(b, sodium_base64_VARIANT_ORIGINAL); }
StatusOr<std::string> Base64Decode(std::string_view t) {
  return FromB64(t, sodium_base64_VARIANT_ORIGINAL, "base64");
}
std::string Base64UrlEncode(std::string_view b) {
  return ToB64(b, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}
StatusOr<std::string> Base64UrlDecode(std::string_view t) {
  return FromB64(t, sodium_base64_VARIANT_URLSAFE_NO_PADDING, "base64url");
}

}  // namespace canvass
