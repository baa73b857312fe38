// Unit tests for src/graph/fixtures: fixture documents (docs/fixtures.md)
// parsed into a store snapshot, and errors that name the source
// and the JSON path of the first problem; fixtures/default.json loads with
// the docs' example users.
#include "formats/fixtures.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/iso_time.h"
#include "test_instants.h"

#ifndef GPM_SOURCE_ROOT
#error \
    "GPM_SOURCE_ROOT must name the source tree (set in tests/unit/meson.build)"
#endif

namespace {

using gpm::core::Activity;
using gpm::core::Availability;
using gpm::core::PresenceState;
using gpm::core::TimePoint;
using gpm::graph::FixtureError;
using gpm::graph::parse_fixtures;
using gpm::store::Snapshot;
using gpm::store::User;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using A = Availability;
using C = Activity;

using gpm::testing::instant;
using gpm::testing::t0;  // also the instant fixtures are loaded at

const gpm::tz::TimeZoneDb& zones() {
  static const gpm::tz::TimeZoneDb db;  // /usr/share/zoneinfo
  return db;
}

constexpr std::string_view kAdele = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
constexpr std::string_view kAlex = "66825e03-7ef5-42da-9069-724602c31f6b";
constexpr std::string_view kApp = "22553876-f5ab-4529-bffb-cfe50aa89f87";

Snapshot parse(std::string_view text) {
  return parse_fixtures(text, "test.json", t0, zones());
}

// The what() of the FixtureError parsing `text` throws ("" if none).
std::string error_of(std::string_view text,
                     std::string_view source = "test.json") {
  try {
    parse_fixtures(text, source, t0, zones());
  } catch (const FixtureError& e) {
    return e.what();
  }
  return "";
}

User& user(Snapshot& s, std::string_view id) {
  auto it = std::find_if(s.users.begin(), s.users.end(),
                         [&](const User& u) { return u.id == id; });
  REQUIRE(it != s.users.end());
  return *it;
}

const gpm::core::Session& session(const User& u, std::string_view id) {
  const auto& all = u.presence.sessions();
  auto it = std::find_if(all.begin(), all.end(),
                         [&](const auto& s) { return s.session_id == id; });
  REQUIRE(it != all.end());
  return *it;
}

// The README's example document, with one more user and session.
constexpr std::string_view kReadmeExample = R"({
  "me": "FA8BF3DC-ECA7-46B7-BAD1-DB199B62AFC3",
  "users": [
    {
      "id": "66825E03-7EF5-42DA-9069-724602C31F6B",
      "userPrincipalName": "alex@contoso.example",
      "displayName": "Alex Wilber",
      "sessions": [
        { "sessionId": "22553876-f5ab-4529-bffb-cfe50aa89f87",
          "availability": "Busy", "activity": "InACall",
          "setAt": "2025-12-31T23:30:00Z", "expirationDuration": "PT1H" },
        { "sessionId": "teams-desktop", "teamsClient": true,
          "availability": "Busy", "activity": "InAMeeting" },
        { "sessionId": "app-two", "availability": "available",
          "activity": "AVAILABLE", "expiresAt": "2026-01-01T02:00:00Z" },
        { "sessionId": "app-three", "availability": "Away",
          "activity": "Away" }
      ],
      "preferredPresence": { "availability": "DoNotDisturb",
                             "activity": "DoNotDisturb",
                             "expirationDuration": "PT8H" },
      "statusMessage": { "message": { "content": "On leave",
                                      "contentType": "text" },
                         "expiryDateTime": { "dateTime": "2026-01-02T17:00:00",
                                             "timeZone": "Pacific Standard Time" } },
      "outOfOfficeSettings": { "message": "Back Monday", "isOutOfOffice": true }
    },
    { "id": "fa8bf3dc-eca7-46b7-bad1-db199b62afc3" }
  ]
})";

}  // namespace

TEST_SUITE("fixtures") {
  TEST_CASE(
      "README fixture format: users, ids lower-cased, me, UPN and "
      "display name") {
    Snapshot s = parse(kReadmeExample);
    REQUIRE(s.users.size() == 2);
    CHECK(s.users[0].id == kAlex);
    CHECK(s.users[1].id == kAdele);
    CHECK(s.me == std::string(kAdele));
    User& alex = user(s, kAlex);
    CHECK(alex.user_principal_name == "alex@contoso.example");
    CHECK(alex.display_name == "Alex Wilber");
    User& adele = user(s, kAdele);
    CHECK(adele.user_principal_name.empty());
    CHECK(adele.presence.sessions().empty());
    CHECK(adele.presence.view(t0).state ==
          PresenceState{A::Offline, C::Offline});
  }

  TEST_CASE("R3.3 a session's expiry is setAt + expirationDuration") {
    Snapshot s = parse(kReadmeExample);
    const auto& app = session(user(s, kAlex), kApp);
    CHECK(app.state == PresenceState{A::Busy, C::InACall});
    CHECK(app.set_at == instant("2025-12-31T23:30:00Z"));
    CHECK(app.expires_at == instant("2026-01-01T00:30:00Z"));
    CHECK_FALSE(app.is_client);
  }

  TEST_CASE("README expiresAt is taken as given; values match ignoring case") {
    Snapshot s = parse(kReadmeExample);
    const auto& two = session(user(s, kAlex), "app-two");
    CHECK(two.state == PresenceState{A::Available, C::Available});
    CHECK(two.set_at == t0);
    CHECK(two.expires_at == instant("2026-01-01T02:00:00Z"));
  }

  TEST_CASE(
      "R3.3 a session without setAt or expiry is set at load time and "
      "lives PT5M") {
    Snapshot s = parse(kReadmeExample);
    const auto& three = session(user(s, kAlex), "app-three");
    CHECK(three.set_at == t0);
    CHECK(three.expires_at == t0 + minutes(5));
  }

  TEST_CASE(
      "D16 a teamsClient session never expires and may hold a "
      "client-only pair") {
    Snapshot s = parse(kReadmeExample);
    const auto& teams = session(user(s, kAlex), "teams-desktop");
    CHECK(teams.is_client);
    CHECK(teams.state == PresenceState{A::Busy, C::InAMeeting});
    CHECK_FALSE(teams.expires_at.has_value());
  }

  TEST_CASE(
      "R3.5 preferredPresence counts its expiry from the load instant "
      "and wins while a session lives") {
    Snapshot s = parse(kReadmeExample);
    User& alex = user(s, kAlex);
    REQUIRE(alex.presence.preferred().has_value());
    CHECK(alex.presence.preferred()->state ==
          PresenceState{A::DoNotDisturb, C::DoNotDisturb});
    CHECK(alex.presence.preferred()->expires_at == t0 + hours(8));
    CHECK(alex.presence.view(t0).state ==
          PresenceState{A::DoNotDisturb, C::DoNotDisturb});
  }

  TEST_CASE(
      "R3.5 preferredPresence without expirationDuration takes the "
      "R3.5 default") {
    Snapshot s =
        parse(R"({"users":[{"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
        "preferredPresence":{"availability":"Busy","activity":"Busy"}}]})");
    REQUIRE(s.users[0].presence.preferred().has_value());
    CHECK(s.users[0].presence.preferred()->expires_at == t0 + days(1));
  }

  TEST_CASE(
      "D17 statusMessage and outOfOfficeSettings load as the presence "
      "shows them") {
    Snapshot s = parse(kReadmeExample);
    auto view = user(s, kAlex).presence.view(t0);
    REQUIRE(view.status_message.has_value());
    CHECK(view.status_message->content == "On leave");
    CHECK(view.status_message->published_at == t0);
    REQUIRE(view.status_message->expiry.has_value());
    CHECK(view.status_message->expiry->at == instant("2026-01-03T01:00:00Z"));
    CHECK(view.out_of_office.message == std::string("Back Monday"));
    CHECK(view.out_of_office.is_out_of_office);
    // From the expiry on, the message is gone (D17).
    auto later = user(s, kAlex).presence.view(instant("2026-01-03T01:00:00Z"));
    CHECK_FALSE(later.status_message.has_value());
  }

  TEST_CASE("outOfOfficeSettings: a message of null reads as null") {
    Snapshot s =
        parse(R"({"users":[{"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
        "outOfOfficeSettings":{"message":null,"isOutOfOffice":false}}]})");
    auto view = s.users[0].presence.view(t0);
    CHECK_FALSE(view.out_of_office.message.has_value());
    CHECK_FALSE(view.out_of_office.is_out_of_office);
  }

  TEST_CASE("an empty document and an empty users array load no users") {
    for (std::string_view text : {"{}", R"({"users":[]})"}) {
      CAPTURE(text);
      Snapshot s = parse(text);
      CHECK(s.users.empty());
      CHECK_FALSE(s.me.has_value());
    }
  }

  TEST_CASE("README every fixture error names the source and the JSON path") {
    const std::vector<std::pair<std::string_view, std::string_view>> rows = {
        {R"([])", "test.json: $: must be an object"},
        {R"({"usrs":[]})", "test.json: $.usrs: unknown key"},
        {R"({"users":{}})", "test.json: $.users: must be an array"},
        {R"({"users":[7]})", "test.json: $.users[0]: must be an object"},
        {R"({"users":[{}]})", "test.json: $.users[0].id: is required"},
        {R"({"users":[{"id":7}]})",
         "test.json: $.users[0].id: must be a string"},
        {R"({"users":[{"id":"not-a-guid"}]})",
         "test.json: $.users[0].id: not a GUID"},
        {R"({"users":[{"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
                       "nickname":"x"}]})",
         "test.json: $.users[0].nickname: unknown key"},
        {R"({"users":[{"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
                       "displayName":3}]})",
         "test.json: $.users[0].displayName: must be a string"},
        {R"({"users":[{"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
                       "sessions":{}}]})",
         "test.json: $.users[0].sessions: must be an array"},
        {R"({"me":"66825e03-7ef5-42da-9069-724602c31f6b",
             "users":[{"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3"}]})",
         "test.json: $.me: names no user of $.users"},
        {R"({"me":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3"})",
         "test.json: $.me: names no user of $.users"},
        {R"({"me":1,"users":[{"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3"}]})",
         "test.json: $.me: must be a user id string"},
    };
    for (const auto& [text, want] : rows) {
      CAPTURE(text);
      CHECK(error_of(text) == want);
    }
  }

  TEST_CASE("README session errors name the session's JSON path") {
    // users[1].sessions[0] of a document whose first user is fine.
    auto doc = [](std::string_view session) {
      return R"({"users":[{"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3"},
                 {"id":"66825e03-7ef5-42da-9069-724602c31f6b",
                  "sessions":[)" +
             std::string(session) + "]}]}";
    };
    const std::string p = "test.json: $.users[1].sessions[0]";
    const std::vector<std::pair<std::string, std::string>> rows = {
        {R"("x")", p + ": must be an object"},
        {R"({"sessionId":"a","availability":"Happy","activity":"Away"})",
         p + ".availability: unknown value 'Happy'"},
        {R"({"sessionId":"a","availability":"Away","activity":"Dancing"})",
         p + ".activity: unknown value 'Dancing'"},
        {R"({"availability":"Away","activity":"Away"})",
         p + ".sessionId: is required"},
        {R"({"sessionId":"","availability":"Away","activity":"Away"})",
         p + ".sessionId: must not be empty"},
        {R"({"sessionId":"a","activity":"Away"})",
         p + ".availability: is required"},
        {R"({"sessionId":"a","availability":"Away","activity":"Away",
             "colour":"red"})",
         p + ".colour: unknown key"},
        {R"({"sessionId":"a","availability":"Away","activity":"Away",
             "teamsClient":"yes"})",
         p + ".teamsClient: must be a boolean"},
        {R"({"sessionId":"a","availability":"Away","activity":"Away",
             "setAt":"yesterday"})",
         p + ".setAt: not an ISO 8601 date-time"},
        {R"({"sessionId":"a","availability":"Away","activity":"Away",
             "expiresAt":"2026-13-01T00:00:00Z"})",
         p + ".expiresAt: not an ISO 8601 date-time"},
        {R"({"sessionId":"a","availability":"Away","activity":"Away",
             "expirationDuration":"PT4M"})",
         p + ".expirationDuration: must be an ISO 8601 duration from PT5M to "
             "PT4H"},
        {R"({"sessionId":"a","availability":"Away","activity":"Away",
             "expirationDuration":"PT4H1M"})",
         p + ".expirationDuration: must be an ISO 8601 duration from PT5M to "
             "PT4H"},
        {R"({"sessionId":"a","availability":"Away","activity":"Away",
             "expirationDuration":"1:00:00"})",
         p + ".expirationDuration: must be an ISO 8601 duration from PT5M to "
             "PT4H"},
        {R"({"sessionId":"a","availability":"Away","activity":"Away",
             "expirationDuration":300})",
         p + ".expirationDuration: must be a string"},
        {R"({"sessionId":"a","availability":"Away","activity":"Away",
             "expirationDuration":"PT1H","expiresAt":"2026-01-01T01:00:00Z"})",
         p + ": give expirationDuration or expiresAt, not both"},
        {R"({"sessionId":"a","teamsClient":true,"availability":"Away",
             "activity":"Away","expirationDuration":"PT1H"})",
         p + ": a Teams client session never expires (D16)"},
        {R"({"sessionId":"a","teamsClient":true,"availability":"Away",
             "activity":"Away","expiresAt":"2026-01-01T01:00:00Z"})",
         p + ": a Teams client session never expires (D16)"},
    };
    for (const auto& [session_json, want] : rows) {
      CAPTURE(session_json);
      CHECK(error_of(doc(session_json)) == want);
    }
  }

  TEST_CASE(
      "README an application session takes only setPresence pairs (the "
      "D11 beta pairs included)") {
    std::string err = error_of(R"({"users":[
        {"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
         "sessions":[{"sessionId":"a","availability":"Busy",
                      "activity":"InAMeeting"}]}]})");
    CHECK(
        err.rfind("test.json: $.users[0].sessions[0]: the pair Busy/InAMeeting",
                  0) == 0);
    CHECK(err.find("teamsClient") != std::string::npos);
    Snapshot s = parse(R"({"users":[
        {"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
         "sessions":[{"sessionId":"a","availability":"Offline",
                      "activity":"OffWork"}]}]})");
    CHECK(s.users[0].presence.sessions().at(0).state ==
          PresenceState{A::Offline, C::OffWork});
  }

  TEST_CASE(
      "README preferredPresence and statusMessage errors carry their "
      "JSON path and the request-body message") {
    std::string pref = error_of(R"({"users":[
        {"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
         "preferredPresence":{"availability":"Busy","activity":"InACall"}}]})");
    CHECK(pref.rfind("test.json: $.users[0].preferredPresence: ", 0) == 0);
    CHECK(pref.find("Busy/InACall") != std::string::npos);
    std::string dur = error_of(R"({"users":[
        {"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
         "preferredPresence":{"availability":"Busy","activity":"Busy",
                              "expirationDuration":"P31D"}}]})");
    CHECK(dur.rfind("test.json: $.users[0].preferredPresence: ", 0) == 0);
    CHECK(dur.find("expirationDuration") != std::string::npos);
    std::string not_object = error_of(R"({"users":[
        {"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
         "preferredPresence":"Busy"}]})");
    CHECK(not_object.rfind("test.json: $.users[0].preferredPresence: ", 0) ==
          0);
    std::string html = error_of(R"({"users":[
        {"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
         "statusMessage":{"message":{"content":"x","contentType":"html"}}}]})");
    CHECK(html.rfind("test.json: $.users[0].statusMessage: ", 0) == 0);
    CHECK(html.find("contentType") != std::string::npos);
    std::string zone = error_of(R"({"users":[
        {"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
         "statusMessage":{"message":{"content":"x"},
           "expiryDateTime":{"dateTime":"2026-01-01T00:00:00",
                             "timeZone":"Nowhere/Land"}}}]})");
    CHECK(zone.rfind("test.json: $.users[0].statusMessage: ", 0) == 0);
    CHECK(zone.find("Nowhere/Land") != std::string::npos);
  }

  TEST_CASE("README outOfOfficeSettings errors name their path") {
    const std::string p = "test.json: $.users[0].outOfOfficeSettings";
    auto doc = [](std::string_view oof) {
      return R"({"users":[{"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
                 "outOfOfficeSettings":)" +
             std::string(oof) + "}]}";
    };
    CHECK(error_of(doc("true")) == p + ": must be an object");
    CHECK(error_of(doc(R"({"isOutOfOffice":"yes"})")) ==
          p + ".isOutOfOffice: must be a boolean");
    CHECK(error_of(doc(R"({"message":5})")) ==
          p + ".message: must be a string");
    CHECK(error_of(doc(R"({"message":"x","reason":"y"})")) ==
          p + ".reason: unknown key");
  }

  TEST_CASE(
      "README unknown keys inside preferredPresence and statusMessage "
      "are caught at start-up too") {
    // README: "Unknown keys are errors, so typos are caught at start-up",
    // although request bodies ignore unknown keys.
    std::string pref = error_of(R"({"users":[
        {"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
         "preferredPresence":{"availability":"Busy","activity":"Busy",
                              "expirationDuraton":"PT1H"}}]})");
    CHECK(pref ==
          "test.json: $.users[0].preferredPresence.expirationDuraton: "
          "unknown key");
    std::string sm = error_of(R"({"users":[
        {"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
         "statusMessage":{"message":{"content":"x"},"expiry":"tomorrow"}}]})");
    CHECK(sm == "test.json: $.users[0].statusMessage.expiry: unknown key");
  }

  TEST_CASE("README duplicate user ids are an error, whatever their case") {
    CHECK(error_of(R"({"users":[
        {"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3"},
        {"id":"66825e03-7ef5-42da-9069-724602c31f6b"},
        {"id":"FA8BF3DC-ECA7-46B7-BAD1-DB199B62AFC3"}]})") ==
          "test.json: $.users[2].id: duplicate user id");
  }

  TEST_CASE("README invalid JSON names the source and the byte") {
    std::string err = error_of(R"({"users": [)", "x.json");
    CHECK(err.rfind("x.json: $: invalid JSON at byte ", 0) == 0);
    CHECK(error_of("", "empty.json").rfind("empty.json: $: invalid JSON", 0) ==
          0);
  }

  TEST_CASE("README the error names the source it was given") {
    CHECK(error_of(R"({"users":[{"id":"not-a-guid"}]})", "fixtures/x.json") ==
          "fixtures/x.json: $.users[0].id: not a GUID");
  }

  TEST_CASE("a deeply nested fixture value is an error, not a crash") {
    std::string deep =
        R"({"users":[{"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
        "displayName":)" +
        std::string(100000, '[') + std::string(100000, ']') + "}]}";
    CHECK(error_of(deep) ==
          "test.json: $.users[0].displayName: must be a string");
  }

  TEST_CASE("README load_fixture_file names a missing file") {
    const std::string path = GPM_SOURCE_ROOT "/fixtures/no-such-file.json";
    try {
      gpm::graph::load_fixture_file(path, t0, zones());
      FAIL("a missing file loaded");
    } catch (const FixtureError& e) {
      CHECK(std::string(e.what()) == path + ": cannot be read");
    }
  }

  TEST_CASE(
      "README fixtures/default.json holds the docs' users: "
      "fa8bf3dc... (me, Offline) and 66825e03... (a Teams client, "
      "Away)") {
    Snapshot s = gpm::graph::load_fixture_file(
        GPM_SOURCE_ROOT "/fixtures/default.json", t0, zones());
    CHECK(s.me == std::string(kAdele));
    User& adele = user(s, kAdele);
    CHECK(adele.presence.sessions().empty());
    CHECK(adele.presence.view(t0).state ==
          PresenceState{A::Offline, C::Offline});
    User& alex = user(s, kAlex);
    REQUIRE(alex.presence.sessions().size() == 1);
    CHECK(alex.presence.sessions()[0].is_client);
    // A Teams client never expires: Away a year later too.
    CHECK(alex.presence.view(t0).state == PresenceState{A::Away, C::Away});
    CHECK(alex.presence.view(t0 + days(365)).state ==
          PresenceState{A::Away, C::Away});
    // Every id is a lower-case GUID and unique.
    std::vector<std::string> ids;
    for (const User& u : s.users) {
      CHECK(gpm::store::is_guid(u.id));
      CHECK(u.id == gpm::store::to_lower_ascii(u.id));
      ids.push_back(u.id);
    }
    std::sort(ids.begin(), ids.end());
    CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
  }

  // Writes `text` to a file of its own and loads it with load_fixture_base.
  struct Loaded {
    std::string path;
    std::shared_ptr<gpm::store::Base> base;
    std::string error;  // what() if it threw
  };
  Loaded load_base(std::string_view text, const std::string& name) {
    Loaded l;
    l.path = (std::filesystem::temp_directory_path() /
              ("gpm-fixtures-test-" + name + ".json"))
                 .string();
    {
      std::ofstream out(l.path, std::ios::binary);
      out << text;
    }
    try {
      l.base = gpm::graph::load_fixture_base(l.path, t0, zones());
    } catch (const FixtureError& e) {
      l.error = e.what();
    }
    std::filesystem::remove(l.path);
    return l;
  }

  void check_same_user(const User& a, const User& b) {
    CHECK(a.id == b.id);
    CHECK(a.user_principal_name == b.user_principal_name);
    CHECK(a.display_name == b.display_name);
    CHECK(a.presence.sequence() == b.presence.sequence());
    REQUIRE(a.presence.sessions().size() == b.presence.sessions().size());
    for (size_t i = 0; i < a.presence.sessions().size(); ++i) {
      const auto& x = a.presence.sessions()[i];
      const auto& y = b.presence.sessions()[i];
      CHECK(x.session_id == y.session_id);
      CHECK(x.state == y.state);
      CHECK(x.set_at == y.set_at);
      CHECK(x.expires_at == y.expires_at);
      CHECK(x.is_client == y.is_client);
      CHECK(x.write_order == y.write_order);
    }
    CHECK(a.presence.preferred().has_value() ==
          b.presence.preferred().has_value());
    CHECK(a.presence.status_message().has_value() ==
          b.presence.status_message().has_value());
    CHECK(a.presence.out_of_office() == b.presence.out_of_office());
    // The same reads over time: fades, expiry, sequence numbers.
    User ca = a, cb = b;
    for (minutes d : {minutes(0), minutes(6), minutes(11), minutes(120),
                      minutes(40 * 24 * 60)}) {
      auto va = ca.presence.view(t0 + d);
      auto vb = cb.presence.view(t0 + d);
      CHECK(va == vb);
      CHECK(va.sequence == vb.sequence);
    }
  }

  TEST_CASE(
      "the streaming loader gives the users the document "
      "parser gives: compact ones, whole ones, UPN lookup and me") {
    const std::string text = R"({
      "users": [
        {"id":"0000000A-0000-4000-8000-00000000000A","userPrincipalName":"Ann@Contoso.example",
         "displayName":"Ann","sessions":[{"sessionId":"22553876-F5AB-4529-bffb-cfe50aa89f87",
         "availability":"Busy","activity":"InACall","setAt":"2026-01-01T00:00:00Z",
         "expirationDuration":"PT1H"}]},
        {"displayName":"Bob","id":"0000000b-0000-4000-8000-00000000000b",
         "sessions":[{"activity":"Away","availability":"Away","sessionId":"x",
                      "expiresAt":"2026-01-01T00:30:00Z"}]},
        {"id":"0000000c-0000-4000-8000-00000000000c","sessions":[]},
        {"id":"0000000d-0000-4000-8000-00000000000d","sessions":[{"sessionId":"teams",
         "teamsClient":true,"availability":"Busy","activity":"InAMeeting"}]},
        {"id":"0000000e-0000-4000-8000-00000000000e","displayName":"Ren\u00e9e",
         "statusMessage":{"message":{"content":"Out","contentType":"text"}},
         "outOfOfficeSettings":{"message":"Back","isOutOfOffice":true}},
        {"id":"0000000f-0000-4000-8000-00000000000f","sessions":[
          {"sessionId":"a","availability":"Available","activity":"Available"},
          {"sessionId":"b","availability":"DoNotDisturb","activity":"Presenting"}]},
        {"id":"00000010-0000-4000-8000-000000000010","userPrincipalName":"",
         "sequenceNumber":"A0000000042"}
      ],
      "me": "0000000B-0000-4000-8000-00000000000B"
    })";
    Snapshot want = parse(text);
    Loaded got = load_base(text, "same");
    REQUIRE(got.error.empty());
    REQUIRE(got.base);
    CHECK(got.base->size() == want.users.size());
    CHECK(got.base->me == want.me);
    CHECK(got.base->loaded_at == t0);
    for (const User& u : want.users) {
      uint32_t i = got.base->find(u.id);
      REQUIRE(i != gpm::store::Base::npos);
      CHECK(got.base->id_of(i) == u.id);
      User scratch;
      check_same_user(got.base->get(i, scratch), u);
    }
    CHECK(got.base->find("0000000a-0000-4000-8000-00000000000a") ==
          got.base->find_upn("ann@contoso.example"));
    CHECK(got.base->find_upn("ANN@CONTOSO.EXAMPLE") != gpm::store::Base::npos);
    CHECK(got.base->find_upn("nobody@contoso.example") ==
          gpm::store::Base::npos);
    CHECK(got.base->find("00000011-0000-4000-8000-000000000011") ==
          gpm::store::Base::npos);
  }

  TEST_CASE(
      "the streaming loader fails exactly as the document "
      "parser does, naming the file and the JSON path") {
    const std::string ok_user =
        R"({"id":"0000000a-0000-4000-8000-00000000000a","sessions":[{"sessionId":"s","availability":"Away","activity":"Away"}]})";
    const std::vector<std::string> bad = {
        R"({"users":[{"id":"not-a-guid"}]})",
        R"({"users":[)" + ok_user + "," + ok_user + "]}",
        R"({"users":[)" + ok_user +
            R"(,{"id":"0000000A-0000-4000-8000-00000000000A","statusMessage":{"message":{"content":"x"}}}]})",
        R"({"me":"0000000b-0000-4000-8000-00000000000b","users":[)" + ok_user +
            "]}",
        R"({"me":"0000000a-0000-4000-8000-00000000000a"})",
        R"({"users":[)" + ok_user +
            R"(,{"id":"0000000b-0000-4000-8000-00000000000b"}] )",
        R"({"users":[)" + ok_user + R"(],"extra":1})",
        R"({"users":[{"id":"0000000b-0000-4000-8000-00000000000b","sessions":[{"sessionId":"s","availability":"Busy","activity":"InAMeeting"}]}]})",
        R"({"users":[{"id":"0000000b-0000-4000-8000-00000000000b","sessions":[{"sessionId":"s","availability":"Away","activity":"Away","expirationDuration":"PT1M"}]}]})",
        R"({"users":[{"id":"0000000b-0000-4000-8000-00000000000b","sessions":[{"sessionId":"s","teamsClient":true,"availability":"Away","activity":"Away","expiresAt":"2026-01-01T00:00:00Z"}]}]})",
        R"({"users":[{"id":"0000000b-0000-4000-8000-00000000000b","sessions":[{"sessionId":"","availability":"Away","activity":"Away"}]}]})",
        R"({"users":[{"id":"0000000b-0000-4000-8000-00000000000b","displayName":7}]})",
        R"({"users":[{"id":"0000000b-0000-4000-8000-00000000000b","typo":1}]})",
        R"({"users":[)" + ok_user +
            R"(,{"id":"0000000b-0000-4000-8000-00000000000b","sessions":[{"sessionId":"s","availability":"Away","activity":"Away","setAt":"yesterday"}]}]})",
        R"({"users":{}})",
        "[]",
        "",
        R"({"users":[)" + ok_user + "]} trailing",
    };
    for (size_t k = 0; k < bad.size(); ++k) {
      CAPTURE(bad[k]);
      Loaded got = load_base(bad[k], "bad-" + std::to_string(k));
      REQUIRE_FALSE(got.error.empty());
      CHECK(got.error == error_of(bad[k], got.path));
    }
  }

  TEST_CASE(
      "loader: a userPrincipalName given twice names its last user, "
      "in the streamed state as in a snapshot's") {
    const std::string text = R"({"users":[
      {"id":"0000000a-0000-4000-8000-00000000000a","userPrincipalName":"Same@Contoso.example"},
      {"id":"0000000b-0000-4000-8000-00000000000b","userPrincipalName":"same@contoso.EXAMPLE"},
      {"id":"0000000c-0000-4000-8000-00000000000c","userPrincipalName":"other@contoso.example"}]})";
    Loaded got = load_base(text, "upn-twice");
    REQUIRE(got.base);
    gpm::store::Base from_snapshot(parse(text));
    for (const gpm::store::Base* b : {got.base.get(), &from_snapshot}) {
      uint32_t i = b->find_upn("same@contoso.example");
      REQUIRE(i != gpm::store::Base::npos);
      CHECK(b->id_of(i) == "0000000b-0000-4000-8000-00000000000b");
      CHECK(b->id_of(b->find_upn("OTHER@contoso.example")) ==
            "0000000c-0000-4000-8000-00000000000c");
    }
  }

  TEST_CASE(
      "load_fixture_base keeps the applications' JSON for the OAuth "
      "reader, without a second parse of the file") {
    const std::string path =
        (std::filesystem::temp_directory_path() / "gpm-fixtures-extras.json")
            .string();
    auto load = [&](const std::string& text) {
      {
        std::ofstream out(path, std::ios::binary);
        out << text;
      }
      gpm::graph::FixtureExtras extras;
      auto base = gpm::graph::load_fixture_base(path, t0, zones(), &extras);
      std::filesystem::remove(path);
      return std::make_pair(base, extras);
    };
    auto [base, extras] = load(
        R"({"users":[{"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3"}],)"
        R"("applications":[{"clientId":"a","clientSecret":"s","roles":["x]"]}]})");
    CHECK_FALSE(extras.whole_document);
    REQUIRE(extras.applications.has_value());
    CHECK(*extras.applications ==
          R"([{"clientId":"a","clientSecret":"s","roles":["x]"]}])");
    CHECK(base->find("fa8bf3dc-eca7-46b7-bad1-db199b62afc3") !=
          gpm::store::Base::npos);
    // No applications key: nothing kept. A document of another shape: the
    // caller is told to read the file whole.
    auto [b2, none] = load(R"({"users":[]})");
    CHECK_FALSE(none.applications.has_value());
    CHECK_FALSE(none.whole_document);
    auto [b3, whole] = load(R"({"applications":{},"users":[]})");
    CHECK(whole.whole_document);
    CHECK_FALSE(whole.applications.has_value());
  }
}

TEST_SUITE("fixtures: fuzz regressions") {
  // Found by scripts/fuzz fixtures (crash-59d30956...): a number too large
  // for a double is nlohmann's out_of_range, not a parse_error, and escaped
  // as an uncaught exception: --fixtures aborted the mock (exit 134)
  // instead of exit 2.
  TEST_CASE(
      "README a number out of range (1e999) in a fixture file is a "
      "FixtureError naming the file") {
    for (
        std::string_view text :
        {R"({"users":[{"id":2e8053}]})", R"({"users":[],"x":1e999})",
         R"({"users":[{"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3","n":-1e400}]})"}) {
      CAPTURE(text);
      std::string e = error_of(text);
      CHECK(e == "test.json: $: invalid JSON: a number is out of range");
    }
  }
}
