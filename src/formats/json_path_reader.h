// Reading a JSON document whose every error names its source and the JSON
// path of the problem ("fixtures/x.json: $.users[1].id: not a GUID"):
// shared by the fixture and fault-rule parsers. Depends on nlohmann_json.
// Thread-safe: no shared state.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace gpm::graph {

// `Error` is the exception type thrown, constructible from a std::string.
template <typename Error>
class JsonPathReader {
 public:
  explicit JsonPathReader(std::string_view source) : source_(source) {}

  [[noreturn]] void fail(const std::string& path,
                         const std::string& what) const {
    throw Error(std::string(source_) + ": " + path + ": " + what);
  }

  void expect_object(const nlohmann::json& j, const std::string& path) const {
    if (!j.is_object()) fail(path, "must be an object");
  }

  // The string at `key` of object `j`; empty when absent or null, unless
  // `required`.
  std::string string_at(const nlohmann::json& j, const std::string& path,
                        const char* key, bool required) const {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
      if (required) fail(path + "." + key, "is required");
      return {};
    }
    if (!it->is_string()) fail(path + "." + key, "must be a string");
    return it->get<std::string>();
  }

  // Fails on the first key of `j` not in `keys`, so typos are caught.
  void only_keys(const nlohmann::json& j, const std::string& path,
                 std::initializer_list<std::string_view> keys) const {
    for (const auto& [key, value] : j.items()) {
      bool known = false;
      for (auto k : keys) known = known || k == key;
      if (!known) fail(path + "." + key, "unknown key");
    }
  }

 protected:
  std::string_view source_;
};

}  // namespace gpm::graph
