// GUIDs in the 8-4-4-4-12 hex form Graph uses for object ids: recognising
// one and reading its 128 bits. Std only. Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace gpm::core {

// True for the 8-4-4-4-12 hex form, any case, no braces.
bool is_guid(std::string_view s);

// The 128-bit value of `s` (`hi`: the first 16 hex digits); false, leaving
// both unchanged, when `s` is not a GUID.
bool guid_bits(std::string_view s, uint64_t& hi, uint64_t& lo);

}  // namespace gpm::core
