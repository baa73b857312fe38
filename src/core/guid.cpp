#include "core/guid.h"

#include "core/percent.h"

namespace gpm::core {

bool guid_bits(std::string_view s, uint64_t& hi, uint64_t& lo) {
  if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' ||
      s[23] != '-') {
    return false;
  }
  // Where the 32 hex digits are, so the loop has no branches.
  static constexpr uint8_t kPos[32] = {
      0,  1,  2,  3,  4,  5,  6,  7,  9,  10, 11, 12, 14, 15, 16, 17,
      19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35};
  uint64_t h = 0, l = 0;
  int bad = 0;
  for (int k = 0; k < 16; ++k) {
    int v = hex_value(s[kPos[k]]);
    bad |= v;  // negative once any digit is not hex
    h = (h << 4) | static_cast<uint64_t>(v & 0xF);
  }
  for (int k = 16; k < 32; ++k) {
    int v = hex_value(s[kPos[k]]);
    bad |= v;
    l = (l << 4) | static_cast<uint64_t>(v & 0xF);
  }
  if (bad < 0) return false;
  hi = h;
  lo = l;
  return true;
}

bool is_guid(std::string_view s) {
  uint64_t hi, lo;
  return guid_bits(s, hi, lo);
}

}  // namespace gpm::core
