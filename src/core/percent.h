// Hex digits and percent-decoding (RFC 3986 §2.1), for URL paths and query
// strings and for application/x-www-form-urlencoded bodies: the one place
// that reads a hex digit. Std only. Thread-safe: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gpm::core {

// Hex digit values by byte; -1 for anything that is not a hex digit.
inline constexpr std::array<int8_t, 256> kHexValue = [] {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<int8_t>(i);
  for (int i = 0; i < 6; ++i) {
    t['a' + i] = static_cast<int8_t>(10 + i);
    t['A' + i] = static_cast<int8_t>(10 + i);
  }
  return t;
}();

// The value of hex digit `c`, or -1.
constexpr int hex_value(char c) {
  return kHexValue[static_cast<unsigned char>(c)];
}

// `s` with every %XX replaced by its byte (and, with `plus_is_space`, every
// '+' by a space, as forms encode it); nullopt on a '%' not followed by two
// hex digits.
inline std::optional<std::string> percent_decode(std::string_view s,
                                                 bool plus_is_space = false) {
  if (s.find('%') == std::string_view::npos &&
      (!plus_is_space || s.find('+') == std::string_view::npos)) {
    return std::string(s);
  }
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (plus_is_space && s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] != '%') {
      out.push_back(s[i]);
    } else {
      int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
      int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
  }
  return out;
}

}  // namespace gpm::core
