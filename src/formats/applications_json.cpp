#include "formats/applications_json.h"

#include "core/ascii.h"
#include "formats/fixtures.h"
#include "formats/json_document.h"
#include "formats/json_path_reader.h"

namespace gpm::formats {

using auth::Application;
using auth::find_application;
namespace {

using nlohmann::json;

class Reader : public graph::JsonPathReader<graph::FixtureError> {
 public:
  using JsonPathReader::JsonPathReader;

  Application app(const json& j, const std::string& path) const {
    expect_object(j, path);
    only_keys(j, path, {"clientId", "clientSecret", "displayName", "roles"});
    Application a;
    a.client_id = core::to_lower_ascii(string_at(j, path, "clientId", true));
    if (a.client_id.empty()) fail(path + ".clientId", "must not be empty");
    a.client_secret = string_at(j, path, "clientSecret", true);
    if (a.client_secret.empty()) {
      fail(path + ".clientSecret", "must not be empty");
    }
    a.display_name = string_at(j, path, "displayName", false);
    if (auto it = j.find("roles"); it != j.end()) {
      if (!it->is_array()) fail(path + ".roles", "must be an array of strings");
      for (size_t i = 0; i < it->size(); ++i) {
        const json& r = (*it)[i];
        std::string at = path + ".roles[" + std::to_string(i) + "]";
        if (!r.is_string() || r.get_ref<const std::string&>().empty()) {
          fail(at, "must be a non-empty string");
        }
        a.roles.push_back(r.get<std::string>());
      }
    }
    return a;
  }
};

}  // namespace

std::vector<Application> parse_applications(const json& doc,
                                            std::string_view source) {
  Reader reader(source);
  std::vector<Application> out;
  if (!doc.is_object()) return out;  // the user loader reports that
  auto it = doc.find("applications");
  if (it == doc.end()) return out;
  if (!it->is_array()) reader.fail("$.applications", "must be an array");
  for (size_t i = 0; i < it->size(); ++i) {
    std::string path = "$.applications[" + std::to_string(i) + "]";
    Application a = reader.app((*it)[i], path);
    if (find_application(out, a.client_id)) {
      reader.fail(path + ".clientId", "duplicate client id");
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<Application> load_applications_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) throw graph::FixtureError(path + ": cannot be read");
  json doc = json::parse(*text, nullptr, false);
  if (doc.is_discarded()) throw graph::FixtureError(path + ": not valid JSON");
  return parse_applications(doc, path);
}

std::vector<Application> parse_applications_text(std::string_view text,
                                                 std::string_view source) {
  json value = json::parse(text, nullptr, false);
  if (value.is_discarded()) {
    throw graph::FixtureError(std::string(source) + ": not valid JSON");
  }
  json doc = json::object();
  doc["applications"] = std::move(value);
  return parse_applications(doc, source);
}

}  // namespace gpm::formats
