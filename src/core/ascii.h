// ASCII case helpers. Graph names (availability values, actions, query
// options), header names, GUIDs and Windows zone names are all matched
// ignoring ASCII case; this is the one place that says how.
// Std only. Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace gpm::core {

constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Equal ignoring ASCII case.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

inline std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

}  // namespace gpm::core
