#include "formats/fixtures.h"

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "core/iso_time.h"
#include "formats/json_document.h"
#include "formats/json_path_reader.h"
#include "graph/graph_json.h"

namespace gpm::graph {
namespace {

using nlohmann::json;

class Parser : public JsonPathReader<FixtureError> {
 public:
  Parser(std::string_view source, core::TimePoint now,
         const tz::TimeZoneDb& zones)
      : JsonPathReader(source), now_(now), zones_(zones) {}

  store::Snapshot parse(const json& doc) {
    expect_object(doc, "$");
    only_keys(doc, "$", {"me", "users", "applications"});
    store::Snapshot s;
    if (auto it = doc.find("users"); it != doc.end()) {
      if (!it->is_array()) fail("$.users", "must be an array");
      std::unordered_set<std::string> ids;
      for (size_t i = 0; i < it->size(); ++i) {
        std::string path = "$.users[" + std::to_string(i) + "]";
        store::User u = parse_user((*it)[i], path);
        if (!ids.insert(u.id).second) fail(path + ".id", "duplicate user id");
        s.users.push_back(std::move(u));
      }
      if (auto me = doc.find("me"); me != doc.end()) {
        if (!me->is_string()) fail("$.me", "must be a user id string");
        std::string id = store::to_lower_ascii(me->get<std::string>());
        if (!ids.count(id)) fail("$.me", "names no user of $.users");
        s.me = id;
      }
    } else if (doc.contains("me")) {
      fail("$.me", "names no user of $.users");
    }
    return s;
  }

  store::User user(const json& j, const std::string& path) {
    return parse_user(j, path);
  }

 private:
  core::TimePoint instant_at(const json& j, const std::string& path,
                             const char* key, core::TimePoint fallback) {
    std::string text = string_at(j, path, key, false);
    if (text.empty()) return fallback;
    auto p = core::parse_iso_datetime(text);
    if (!p) fail(path + "." + key, "not an ISO 8601 date-time");
    return core::to_time_point_utc(*p);
  }

  store::User parse_user(const json& j, const std::string& path) {
    expect_object(j, path);
    only_keys(j, path,
              {"id", "userPrincipalName", "displayName", "sessions",
               "preferredPresence", "statusMessage", "outOfOfficeSettings",
               "workLocation", "sequenceNumber"});
    store::User u;
    std::string id = string_at(j, path, "id", true);
    if (!store::is_guid(id)) fail(path + ".id", "not a GUID");
    u.id = store::to_lower_ascii(id);
    u.user_principal_name = string_at(j, path, "userPrincipalName", false);
    u.display_name = string_at(j, path, "displayName", false);
    if (auto it = j.find("sessions"); it != j.end()) {
      if (!it->is_array()) fail(path + ".sessions", "must be an array");
      for (size_t i = 0; i < it->size(); ++i) {
        std::string sp = path + ".sessions[" + std::to_string(i) + "]";
        u.presence.put_session(parse_session((*it)[i], sp), now_);
      }
    }
    if (auto it = j.find("preferredPresence"); it != j.end()) {
      std::string pp = path + ".preferredPresence";
      expect_object(*it, pp);
      only_keys(*it, pp,
                {"availability", "activity", "expirationDuration", "setAt",
                 "expiresAt"});
      if (it->contains("expirationDuration") && it->contains("expiresAt")) {
        fail(pp, "give expirationDuration or expiresAt, not both");
      }
      try {
        auto r = parse_preferred_presence(*it);
        core::TimePoint set_at = instant_at(*it, pp, "setAt", now_);
        core::TimePoint expires_at =
            instant_at(*it, pp, "expiresAt", set_at + r.expiration);
        u.presence.put_preferred({r.state, set_at, expires_at}, now_);
      } catch (const GraphError& e) {
        fail(pp, e.message());
      }
    }
    if (auto it = j.find("statusMessage"); it != j.end()) {
      std::string sp = path + ".statusMessage";
      expect_object(*it, sp);
      only_keys(*it, sp, {"message", "expiryDateTime", "publishedDateTime"});
      try {
        auto m = parse_status_message(&*it, now_, zones_);
        if (m) m->published_at = instant_at(*it, sp, "publishedDateTime", now_);
        u.presence.set_status_message(std::move(m), now_);
      } catch (const GraphError& e) {
        fail(sp, e.message());
      }
    }
    if (auto it = j.find("outOfOfficeSettings"); it != j.end()) {
      std::string op = path + ".outOfOfficeSettings";
      expect_object(*it, op);
      only_keys(*it, op, {"message", "isOutOfOffice"});
      core::OutOfOfficeSettings oof;
      std::string msg = string_at(*it, op, "message", false);
      if (!msg.empty()) oof.message = msg;
      if (auto b = it->find("isOutOfOffice"); b != it->end()) {
        if (!b->is_boolean()) fail(op + ".isOutOfOffice", "must be a boolean");
        oof.is_out_of_office = b->get<bool>();
      }
      u.presence.set_out_of_office(oof, now_);
    }
    if (auto it = j.find("workLocation"); it != j.end()) {
      std::string wp = path + ".workLocation";
      expect_object(*it, wp);
      only_keys(*it, wp, {"manual", "automatic"});
      if (auto m = it->find("manual"); m != it->end()) {
        u.presence.set_manual_location(work_location_signal(*m, wp + ".manual"),
                                       now_);
      }
      if (auto a = it->find("automatic"); a != it->end()) {
        u.presence.set_automatic_location(
            work_location_signal(*a, wp + ".automatic"), now_);
      }
    }
    std::string seq = string_at(j, path, "sequenceNumber", false);
    if (!seq.empty()) {
      auto n = parse_sequence_number(seq);
      if (!n) fail(path + ".sequenceNumber", "not of the form A0000000042");
      u.presence.view(now_);
      u.presence.restore_sequence(*n);
    }
    return u;
  }

  // A layer of `workLocation`: the body of setManualLocation.
  core::WorkLocationSignal work_location_signal(const json& j,
                                                const std::string& path) {
    expect_object(j, path);
    only_keys(j, path, {"workLocationType", "placeId"});
    try {
      return parse_work_location_signal(j);
    } catch (const GraphError& e) {
      fail(path, e.message());
    }
  }

  core::Session parse_session(const json& j, const std::string& path) {
    expect_object(j, path);
    only_keys(j, path,
              {"sessionId", "availability", "activity", "setAt",
               "expirationDuration", "expiresAt", "teamsClient"});
    core::Session s;
    s.session_id = string_at(j, path, "sessionId", true);
    if (s.session_id.empty()) fail(path + ".sessionId", "must not be empty");
    if (auto it = j.find("teamsClient"); it != j.end()) {
      if (!it->is_boolean()) fail(path + ".teamsClient", "must be a boolean");
      s.is_client = it->get<bool>();
    }
    std::string a = string_at(j, path, "availability", true);
    std::string b = string_at(j, path, "activity", true);
    auto availability = core::parse_availability(a);
    if (!availability)
      fail(path + ".availability", "unknown value '" + a + "'");
    auto activity = core::parse_activity(b);
    if (!activity) fail(path + ".activity", "unknown value '" + b + "'");
    s.state = {*availability, *activity};
    if (!s.is_client && !core::is_settable_session_pair(s.state, true)) {
      fail(path, "the pair " + a + "/" + b +
                     " cannot be set by an application; mark the session "
                     "\"teamsClient\": true for client-only states");
    }
    s.set_at = instant_at(j, path, "setAt", now_);
    if (s.is_client) {
      if (j.contains("expirationDuration") || j.contains("expiresAt")) {
        fail(path, "a Teams client session never expires (D16)");
      }
      return s;
    }
    if (j.contains("expirationDuration") && j.contains("expiresAt")) {
      fail(path, "give expirationDuration or expiresAt, not both");
    }
    core::Duration d = core::kDefaultSessionExpiration;
    std::string dur = string_at(j, path, "expirationDuration", false);
    if (!dur.empty()) {
      auto parsed = core::parse_iso_duration(dur);
      if (!parsed || *parsed < core::kMinSessionExpiration ||
          *parsed > core::kMaxSessionExpiration) {
        fail(path + ".expirationDuration",
             "must be an ISO 8601 duration from PT5M to PT4H");
      }
      d = *parsed;
    }
    s.expires_at = instant_at(j, path, "expiresAt", s.set_at + d);
    return s;
  }

  core::TimePoint now_;
  const tz::TimeZoneDb& zones_;
};

}  // namespace

store::User parse_fixture_user(const nlohmann::json& user,
                               std::string_view source, std::string_view path,
                               core::TimePoint now,
                               const tz::TimeZoneDb& zones) {
  return Parser(source, now, zones).user(user, std::string(path));
}

store::Snapshot parse_fixture_document(const nlohmann::json& doc,
                                       std::string_view source,
                                       core::TimePoint now,
                                       const tz::TimeZoneDb& zones) {
  return Parser(source, now, zones).parse(doc);
}

store::Snapshot parse_fixtures(std::string_view text, std::string_view source,
                               core::TimePoint now,
                               const tz::TimeZoneDb& zones) {
  json doc = formats::parse_document<FixtureError>(text, source);
  return Parser(source, now, zones).parse(doc);
}

store::Snapshot load_fixture_file(const std::string& path, core::TimePoint now,
                                  const tz::TimeZoneDb& zones) {
  auto text = formats::read_file(path);
  if (!text) throw FixtureError(path + ": cannot be read");
  return parse_fixtures(*text, path, now, zones);
}

}  // namespace gpm::graph
