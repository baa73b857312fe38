// E7 setStatusMessage (graph-presence.md §3.7), D17 expiry and time zones, R2.6
// visibility of the read-only fields, R4.9 independence from sessions.
#include "checks.h"

using namespace conformance;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

json text_message(const std::string& content) {
  return {{"message", {{"content", content}, {"contentType", "text"}}}};
}

json expiring_message(const std::string& content, const std::string& date_time,
                      const std::string& zone) {
  json m = text_message(content);
  m["expiryDateTime"] = {{"dateTime", date_time}, {"timeZone", zone}};
  return m;
}

// The statusMessage of `user` as the v1.0 user form reads it (null when none).
json status_of(const std::string& user, const Headers& headers = {}) {
  json state = presence_state(user, headers);
  if (!state.is_object() || !state.contains("statusMessage")) return nullptr;
  return state["statusMessage"];
}

std::string content_of(const json& status) {
  if (!status.is_object() || !status.contains("message") ||
      !status["message"].is_object()) {
    return "";
  }
  return status["message"].value("content", "");
}

// Moves the mock clock forward to 00:00:00Z on the next 15 January, so that
// zone offsets are the winter ones whatever the start instant was.
std::optional<TimePoint> jump_to_next_january() {
  using namespace std::chrono;
  auto now = clock_now();
  if (!now) return std::nullopt;
  year_month_day ymd{floor<days>(*now)};
  TimePoint target{sys_days{(ymd.year() + years{1}) / January / 15}};
  if (set_clock(format_local(target) + "Z").status != 200) return std::nullopt;
  return clock_now();
}

}  // namespace

TEST_CASE(
    "R3.7.1 R3.7.2 setStatusMessage answers 200 with no body and the message "
    "reads back") {
  for (auto version : kVersions) {
    for (PathForm form : kPathForms) {
      INFO(version << " " << to_string(form));
      const std::string content =
          "conformance " + std::string(version) + " " + to_string(form);
      check_action_ok(set_status_message(version, form, options().user,
                                         text_message(content)));
      json status = status_of(options().user);
      CHECK(content_of(status) == content);
      if (status.is_object()) CHECK(status["message"]["contentType"] == "text");
    }
  }
}

TEST_CASE(
    "R2.3 D1 a non-text status message or a malformed body is 400 BadRequest") {
  const std::string path =
      presence_path("v1.0", PathForm::Users, options().user) +
      "/setStatusMessage";
  const json bad_bodies[] = {
      json{
          {"statusMessage",
           {{"message", {{"content", "<b>hi</b>"}, {"contentType", "html"}}}}}},
      json::object(),
      json{{"statusMessage", "hello"}},
      json{{"statusMessage",
            {{"message", {{"content", 5}, {"contentType", "text"}}}}}},
      json{{"statusMessage", {{"message", "hello"}}}},
      json::array(),
  };
  for (const json& body : bad_bodies) {
    INFO(body.dump());
    check_graph_error(request("POST", path, body.dump()), 400, "BadRequest");
  }
}

TEST_SUITE("mock-only") {
  TEST_CASE(
      "R2.3 D1 expiryDateTime.dateTime with an offset is 400 BadRequest") {
    begin_mock_case();
    for (const char* dt :
         {"2030-01-01T10:00:00+01:00", "2030-01-01T10:00:00-08:00",
          "not a time", "2030-13-01T10:00:00"}) {
      INFO(std::string(dt));
      Reply r = set_status_message("v1.0", PathForm::Users, options().user,
                                   expiring_message("x", dt, "UTC"));
      check_graph_error(r, 400, "BadRequest");
    }
    CHECK(status_of(options().user).is_null());
  }

  TEST_CASE(
      "D17 an unknown timeZone is 400 BadRequest; UTC, IANA and Windows names "
      "are accepted") {
    begin_mock_case();
    check_graph_error(
        set_status_message(
            "v1.0", PathForm::Users, options().user,
            expiring_message("x", "2099-01-01T10:00:00", "Mars/Olympus_Mons")),
        400, "BadRequest");
    check_graph_error(
        set_status_message("v1.0", PathForm::Users, options().user,
                           expiring_message("x", "2099-01-01T10:00:00", "")),
        400, "BadRequest");
    for (const char* zone :
         {"UTC", "Europe/Berlin", "America/Los_Angeles",
          "Pacific Standard Time", "W. Europe Standard Time"}) {
      INFO(std::string(zone));
      check_action_ok(set_status_message(
          "v1.0", PathForm::Users, options().user,
          expiring_message(zone, "2099-01-01T10:00:00", zone)));
      CHECK(content_of(status_of(options().user)) == zone);
    }
  }

  TEST_CASE("R3.7.3 without expiryDateTime the status message persists") {
    begin_mock_case();
    check_action_ok(set_status_message("v1.0", PathForm::Users, options().user,
                                       text_message("forever")));
    REQUIRE(advance_clock("P30D").status == 200);
    CHECK(content_of(status_of(options().user)) == "forever");
  }

  TEST_CASE(
      "R3.7.3 D17 a status message expiring in UTC is dropped after "
      "expiryDateTime") {
    begin_mock_case();
    auto now = clock_now();
    REQUIRE(now.has_value());
    const TimePoint expiry =
        std::chrono::floor<std::chrono::seconds>(*now) + 1h;
    check_action_ok(set_status_message(
        "v1.0", PathForm::Users, options().user,
        expiring_message("short-lived", format_local(expiry), "UTC")));
    json status = status_of(options().user);
    CHECK(content_of(status) == "short-lived");
    REQUIRE(status.is_object());
    REQUIRE(status.contains("expiryDateTime"));
    REQUIRE(status["expiryDateTime"].is_object());
    CHECK(status["expiryDateTime"]["timeZone"] == "UTC");
    auto echoed = parse_instant(status["expiryDateTime"].value("dateTime", ""));
    CHECK((echoed.has_value() && *echoed == expiry));
    REQUIRE(advance_clock("PT59M59S").status == 200);
    CHECK(content_of(status_of(options().user)) == "short-lived");
    REQUIRE(advance_clock("PT2S").status == 200);
    json after = status_of(options().user);
    CHECK(after.is_null());
  }

  TEST_CASE("D17 expiryDateTime is local time in a Windows or IANA zone") {
    // At 00:00Z on 15 January, 17:00 the previous day in Los Angeles (UTC-8)
    // is 01:00Z; 02:00 in Berlin (UTC+1) is 01:00Z too.
    struct Zone {
      const char* name;
      const char* local_day_offset;  // "prev" or "same"
      const char* local_time;
    };
    for (const Zone& zone :
         {Zone{"Pacific Standard Time", "prev", "17:00:00"},
          Zone{"America/Los_Angeles", "prev", "17:00:00"},
          Zone{"W. Europe Standard Time", "same", "02:00:00"},
          Zone{"Europe/Berlin", "same", "02:00:00"}}) {
      INFO(std::string(zone.name));
      begin_mock_case();
      auto start = jump_to_next_january();
      REQUIRE(start.has_value());
      TimePoint day = *start;
      if (std::string(zone.local_day_offset) == "prev")
        day -= std::chrono::days{1};
      std::string local = format_local(day).substr(0, 11) + zone.local_time;
      check_action_ok(
          set_status_message("v1.0", PathForm::Users, options().user,
                             expiring_message("zoned", local, zone.name)));
      REQUIRE(advance_clock("PT59M").status == 200);
      CHECK(content_of(status_of(options().user)) == "zoned");
      REQUIRE(advance_clock("PT2M").status == 200);
      CHECK(status_of(options().user).is_null());
    }
  }

  TEST_CASE("R3.7.3 a new setStatusMessage replaces the previous message") {
    begin_mock_case();
    check_action_ok(set_status_message("v1.0", PathForm::Users, options().user,
                                       text_message("one")));
    check_action_ok(set_status_message("beta", PathForm::Me, options().user,
                                       text_message("two")));
    CHECK(content_of(status_of(options().user)) == "two");
  }

  TEST_CASE(
      "R4.9 the status message is independent of sessions and aggregation") {
    begin_mock_case();
    const std::string& u = options().user;
    check_action_ok(
        set_status_message("v1.0", PathForm::Users, u, text_message("steady")));
    check_action_ok(set_presence("v1.0", PathForm::Users, u, options().app,
                                 "Busy", "InACall", "PT5M"));
    CHECK(content_of(status_of(u)) == "steady");
    REQUIRE(advance_clock("PT5M").status == 200);  // the session expires
    CHECK(visible(u) == "Offline/Offline");
    CHECK(content_of(status_of(u)) == "steady");
    check_action_ok(set_presence("v1.0", PathForm::Users, u, options().app,
                                 "Away", "Away", "PT5M"));
    check_action_ok(clear_presence("v1.0", PathForm::Users, u, options().app));
    CHECK(content_of(status_of(u)) == "steady");
    // And it does not touch availability or activity.
    CHECK(visible(u) == "Offline/Offline");
  }

  TEST_CASE(
      "R2.6 the user sees expiryDateTime and publishedDateTime of their own "
      "status message") {
    begin_mock_case();
    const std::string& u = options().user;
    auto now = clock_now();
    REQUIRE(now.has_value());
    check_action_ok(set_status_message(
        "v1.0", PathForm::Users, u,
        expiring_message("mine", "2099-01-01T10:00:00", "UTC")));
    // Opaque token: the caller is the fixtures' me (D25), i.e. the user.
    for (auto version : kVersions) {
      for (PathForm form : kPathForms) {
        INFO(version << " " << to_string(form));
        Reply r = get_presence(version, form, u);
        REQUIRE(r.json.has_value());
        const json& status = (*r.json)["statusMessage"];
        REQUIRE(status.is_object());
        CHECK(status.contains("expiryDateTime"));
        REQUIRE(status.contains("publishedDateTime"));
        REQUIRE(status["publishedDateTime"].is_string());
        const std::string published =
            status["publishedDateTime"].get<std::string>();
        CHECK(published.back() == 'Z');
        auto when = parse_instant(published);
        CHECK((when.has_value() && *when == *now));
      }
    }
    // A delegated token whose oid is the user sees them as well.
    Reply r = get_presence("v1.0", PathForm::Users, u,
                           bearer(delegated_jwt(u, options().app)));
    REQUIRE(r.json.has_value());
    CHECK((*r.json)["statusMessage"].contains("expiryDateTime"));
    CHECK((*r.json)["statusMessage"].contains("publishedDateTime"));
  }

  TEST_CASE(
      "R2.6 another user's status message is read without expiryDateTime and "
      "publishedDateTime") {
    begin_mock_case();
    const std::string& u = options().user;
    const std::string& other = options().other_user;
    // The other user sets a message through /me with their own delegated token.
    const Headers as_other = bearer(delegated_jwt(other, options().app));
    check_action_ok(set_status_message(
        "v1.0", PathForm::Me, other,
        expiring_message("theirs", "2099-01-01T10:00:00", "UTC"), as_other));
    for (auto version : kVersions) {
      for (PathForm form : {PathForm::Users, PathForm::Communications}) {
        INFO(version << " " << to_string(form));
        // The opaque token reads as the fixtures' me: someone else.
        Reply r = get_presence(version, form, other);
        REQUIRE(r.json.has_value());
        const json& status = (*r.json)["statusMessage"];
        REQUIRE(status.is_object());
        CHECK(content_of(status) == "theirs");
        CHECK_FALSE(status.contains("expiryDateTime"));
        CHECK_FALSE(status.contains("publishedDateTime"));
      }
    }
    // The owner reading through /me with their own token sees both fields.
    Reply mine = get_presence("beta", PathForm::Me, other, as_other);
    REQUIRE(mine.json.has_value());
    CHECK((*mine.json)["id"] == other);
    CHECK((*mine.json)["statusMessage"].contains("expiryDateTime"));
    CHECK((*mine.json)["statusMessage"].contains("publishedDateTime"));
    // getPresencesByUserId hides them for the other user too.
    Reply many = get_presences_by_user_id("v1.0", json{{"ids", {u, other}}});
    REQUIRE(many.json.has_value());
    REQUIRE((*many.json)["value"].is_array());
    for (const json& p : (*many.json)["value"]) {
      if (p.value("id", "") == other) {
        CHECK(p["statusMessage"].is_object());
        CHECK_FALSE(p["statusMessage"].contains("expiryDateTime"));
        CHECK_FALSE(p["statusMessage"].contains("publishedDateTime"));
      }
    }
  }

}  // TEST_SUITE
