// Reading a whole JSON document of the mock's own (a fixture file, a faults
// file, a state file): the file read once, and every parse failure turned
// into the caller's error type naming the source and the byte, including a
// number too large for a double (1e999), which nlohmann reports as
// out_of_range rather than parse_error (found by fuzzing).
// Depends on nlohmann_json. Thread-safe: no shared state.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace gpm::formats {

// The bytes of the file at `path`, or nullopt when it cannot be opened.
inline std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return std::move(ss).str();
}

// Parses `text`; throws Error("<source>: $: invalid JSON ...") on failure.
// `Error` is constructible from a std::string.
template <typename Error, typename Json = nlohmann::json>
Json parse_document(std::string_view text, std::string_view source) {
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(std::string(source) + ": $: invalid JSON at byte " +
                std::to_string(e.byte));
  } catch (const nlohmann::json::exception&) {
    throw Error(std::string(source) +
                ": $: invalid JSON: a number is out of range");
  }
}

}  // namespace gpm::formats
