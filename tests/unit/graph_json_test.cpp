// Unit tests for src/graph/graph_json: request bodies of the presence
// actions (R3.2-R3.7; every 400 of D1, D2, D5, D7, D11, D17, D23) and the
// presence resource on the wire (graph-presence.md §2.1, R2.6, R6.5, D10).
#include "graph/graph_json.h"

#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "core/iso_time.h"
#include "test_instants.h"

namespace {

using gpm::core::Activity;
using gpm::core::Availability;
using gpm::core::PresenceState;
using gpm::core::TimePoint;
using gpm::graph::GraphError;
using nlohmann::json;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using A = Availability;
using C = Activity;

using gpm::testing::instant;
using gpm::testing::t0;

const std::string kApp = "22553876-f5ab-4529-bffb-cfe50aa89f87";
const std::string kUser = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const std::string kOther = "66825e03-7ef5-42da-9069-724602c31f6b";

const gpm::tz::TimeZoneDb& zones() {
  static const gpm::tz::TimeZoneDb db;  // /usr/share/zoneinfo
  return db;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// Runs `fn`, which must throw a GraphError; returns it. Fails the test (and
// returns a marker error) when nothing or something else is thrown.
template <typename Fn>
GraphError thrown(Fn&& fn) {
  try {
    fn();
  } catch (const GraphError& e) {
    return e;
  } catch (const std::exception& e) {
    FAIL("threw a non-GraphError: " << e.what());
  }
  FAIL("did not throw");
  return GraphError(0, "none", "none");
}

// Checks a D1 400: status 400, code BadRequest, message naming `field`.
template <typename Fn>
void check_bad_request(Fn&& fn, std::string_view field) {
  GraphError e = thrown(fn);
  CHECK(e.status() == 400);
  CHECK(e.code() == "BadRequest");
  CAPTURE(e.message());
  CHECK(contains(e.message(), field));
}

std::string set_presence_body(json extra) {
  json j = {{"sessionId", kApp},
            {"availability", "Available"},
            {"activity", "Available"}};
  if (extra.is_object()) j.update(extra);
  return j.dump();
}

// A nesting of `depth` arrays: [[[...]]].
std::string deep_array(size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

gpm::core::StatusMessage status_message(std::string content) {
  gpm::core::StatusMessage m;
  m.content = std::move(content);
  m.published_at = instant("2026-01-01T08:30:00.1234567Z");
  return m;
}

}  // namespace

TEST_SUITE("graph_json") {
  // --- parse_object_body -------------------------------------------------

  TEST_CASE(
      "D1 a body that is malformed JSON, not an object, or blank is 400 "
      "BadRequest") {
    for (std::string_view body :
         {"{", "{\"a\":}", "nul", "[]", "\"text\"", "42", "null", "true", "",
          "  \r\n\t", "{} {}", "\xff"}) {
      CAPTURE(body);
      GraphError e =
          thrown([&] { gpm::graph::parse_object_body(body, false); });
      CHECK(e.status() == 400);
      CHECK(e.code() == "BadRequest");
    }
  }

  TEST_CASE(
      "R3.6.1 an empty body reads as {} only where the action allows it") {
    CHECK(gpm::graph::parse_object_body("", true) == json::object());
    CHECK(gpm::graph::parse_object_body(" \n", true) == json::object());
    CHECK(gpm::graph::parse_object_body("{\"a\":1}", true) == json{{"a", 1}});
    CHECK_NOTHROW(gpm::graph::parse_clear_preferred(""));
    CHECK_NOTHROW(gpm::graph::parse_clear_preferred("{}"));
    CHECK_NOTHROW(gpm::graph::parse_clear_preferred("{\"anything\":[1]}"));
    check_bad_request([] { gpm::graph::parse_clear_preferred("[]"); },
                      "JSON object");
  }

  // --- setPresence ---------------------------------------------------------

  TEST_CASE("R3.3 setPresence parses the docs' example") {
    auto r = gpm::graph::parse_set_presence(
        R"({"sessionId":"22553876-f5ab-4529-bffb-cfe50aa89f87",
            "availability":"Available","activity":"Available",
            "expirationDuration":"PT1H"})",
        false);
    CHECK(r.session_id == kApp);
    CHECK(r.state == PresenceState{A::Available, C::Available});
    CHECK(r.expiration == hours(1));
  }

  TEST_CASE(
      "R3.3 setPresence expirationDuration defaults to PT5M, also when "
      "null") {
    CHECK(gpm::graph::parse_set_presence(set_presence_body({}), false)
              .expiration == minutes(5));
    CHECK(gpm::graph::parse_set_presence(
              set_presence_body({{"expirationDuration", nullptr}}), false)
              .expiration == minutes(5));
  }

  TEST_CASE(
      "R3.3 body keys may come in any order and unknown keys are "
      "ignored") {
    auto r = gpm::graph::parse_set_presence(
        R"({"expirationDuration":"PT10M","activity":"InACall",
            "extra":{"nested":[1,2]},"availability":"Busy",
            "sessionId":"app","@odata.type":"x"})",
        false);
    CHECK(r.session_id == "app");
    CHECK(r.state == PresenceState{A::Busy, C::InACall});
    CHECK(r.expiration == minutes(10));
  }

  TEST_CASE(
      "R3.3.1 D11 setPresence accepts exactly the five pairs, values "
      "matched ignoring case") {
    const std::vector<std::pair<std::string, PresenceState>> ok = {
        {"Available/Available", {A::Available, C::Available}},
        {"busy/inacall", {A::Busy, C::InACall}},
        {"BUSY/INACONFERENCECALL", {A::Busy, C::InAConferenceCall}},
        {"Away/Away", {A::Away, C::Away}},
        {"DoNotDisturb/Presenting", {A::DoNotDisturb, C::Presenting}},
    };
    for (const auto& [pair, state] : ok) {
      CAPTURE(pair);
      auto slash = pair.find('/');
      auto r = gpm::graph::parse_set_presence(
          set_presence_body({{"availability", pair.substr(0, slash)},
                             {"activity", pair.substr(slash + 1)}}),
          false);
      CHECK(r.state == state);
    }
  }

  TEST_CASE("D11 the four beta pairs are 400 unless beta_extra_pairs is on") {
    const std::vector<std::pair<std::string, std::string>> extra = {
        {"Busy", "Busy"},
        {"DoNotDisturb", "DoNotDisturb"},
        {"BeRightBack", "BeRightBack"},
        {"Offline", "OffWork"}};
    for (const auto& [a, b] : extra) {
      CAPTURE(a);
      std::string body =
          set_presence_body({{"availability", a}, {"activity", b}});
      check_bad_request([&] { gpm::graph::parse_set_presence(body, false); },
                        a + "/" + b);
      GraphError e =
          thrown([&] { gpm::graph::parse_set_presence(body, false); });
      // The message lists what is accepted.
      CHECK(contains(e.message(), "Busy/InAConferenceCall"));
      CHECK_NOTHROW(gpm::graph::parse_set_presence(body, true));
    }
  }

  TEST_CASE(
      "D1 setPresence pairs outside the vocabulary or not settable are "
      "400 naming the pair") {
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"Busy", "InAMeeting"},        // R2.5: calendar driven
        {"Available", "OutOfOffice"},  // R2.5
        {"Happy", "Available"},        // not a value
        {"Available", "Dancing"},     {"Available", "Away"},
        {"DoNotDisturb", "Focusing"}, {"", ""}};
    for (const auto& [a, b] : bad) {
      CAPTURE(a);
      CAPTURE(b);
      check_bad_request(
          [&] {
            gpm::graph::parse_set_presence(
                set_presence_body({{"availability", a}, {"activity", b}}),
                true);
          },
          "'" + a + "/" + b + "'");
    }
  }

  TEST_CASE("D1 setPresence availability and activity are required strings") {
    for (const char* key : {"availability", "activity"}) {
      CAPTURE(key);
      json j = json::parse(set_presence_body({}));
      j.erase(key);
      check_bad_request(
          [&] { gpm::graph::parse_set_presence(j.dump(), false); },
          std::string("'") + key + "' is required");
      j[key] = nullptr;
      check_bad_request(
          [&] { gpm::graph::parse_set_presence(j.dump(), false); },
          std::string("'") + key + "' is required");
      j[key] = 1;
      check_bad_request(
          [&] { gpm::graph::parse_set_presence(j.dump(), false); },
          std::string("'") + key + "' must be a string");
      j[key] = json::array({"Available"});
      check_bad_request(
          [&] { gpm::graph::parse_set_presence(j.dump(), false); },
          std::string("'") + key + "' must be a string");
    }
  }

  TEST_CASE(
      "D2 setPresence sessionId absent, null, empty or not a string is "
      "400 naming sessionId") {
    json j = json::parse(set_presence_body({}));
    j.erase("sessionId");
    check_bad_request([&] { gpm::graph::parse_set_presence(j.dump(), false); },
                      "sessionId");
    for (json bad : {json(nullptr), json(""), json(42), json::object()}) {
      CAPTURE(bad.dump());
      j["sessionId"] = bad;
      check_bad_request(
          [&] { gpm::graph::parse_set_presence(j.dump(), false); },
          "sessionId");
    }
  }

  TEST_CASE(
      "R3.3 setPresence expirationDuration PT5M and PT4H are the "
      "inclusive bounds") {
    for (auto [text, d] :
         {std::pair{"PT5M", minutes(5)}, std::pair{"PT4H", minutes(240)},
          std::pair{"PT300S", minutes(5)}, std::pair{"PT1H30M", minutes(90)},
          std::pair{"pt2h", minutes(120)}}) {
      CAPTURE(text);
      CHECK(gpm::graph::parse_set_presence(
                set_presence_body({{"expirationDuration", text}}), false)
                .expiration == d);
    }
  }

  TEST_CASE(
      "D1 setPresence expirationDuration out of PT5M..PT4H is 400 "
      "naming the field and the range") {
    for (const char* text : {"PT4M59S", "PT4H0M1S", "PT5H", "P1D", "PT0S"}) {
      CAPTURE(text);
      GraphError e = thrown([&] {
        gpm::graph::parse_set_presence(
            set_presence_body({{"expirationDuration", text}}), false);
      });
      CHECK(e.status() == 400);
      CHECK(e.code() == "BadRequest");
      CHECK(contains(e.message(), "expirationDuration"));
      CHECK(contains(e.message(), "PT5M to PT4H"));
    }
  }

  TEST_CASE(
      "D23 the Python timedelta form 1:00:00 is 400 saying an ISO 8601 "
      "duration is expected") {
    for (const char* text : {"1:00:00", "1 day, 0:00:00", "01:00:00", "3600"}) {
      CAPTURE(text);
      GraphError e = thrown([&] {
        gpm::graph::parse_set_presence(
            set_presence_body({{"expirationDuration", text}}), false);
      });
      CHECK(e.status() == 400);
      CHECK(e.code() == "BadRequest");
      CHECK(contains(e.message(), "expirationDuration"));
      CHECK(contains(e.message(), "ISO 8601"));
      CHECK(contains(e.message(), text));
    }
  }

  TEST_CASE(
      "D1 setPresence expirationDuration of a wrong JSON type is 400 "
      "that describes, not dumps, the value") {
    for (json bad : {json(300), json(true), json::array({"PT5M"}),
                     json{{"minutes", 5}}, json(""), json("P"), json("PT"),
                     json("-PT5M"), json("P1M"), json("P1Y")}) {
      CAPTURE(bad.dump());
      check_bad_request(
          [&] {
            gpm::graph::parse_set_presence(
                set_presence_body({{"expirationDuration", bad}}), false);
          },
          "expirationDuration");
    }
    GraphError e = thrown([] {
      gpm::graph::parse_set_presence(
          set_presence_body({{"expirationDuration", json::array({1, 2, 3})}}),
          false);
    });
    CHECK(contains(e.message(), "an array"));
    CHECK_FALSE(contains(e.message(), "[1,2,3]"));
  }

  TEST_CASE("D1 a long expirationDuration string is cut short in the message") {
    std::string text(5000, '9');
    GraphError e = thrown([&] {
      gpm::graph::parse_set_presence(
          set_presence_body({{"expirationDuration", text}}), false);
    });
    CHECK(e.status() == 400);
    CHECK(e.message().size() < 1000);
    CHECK(contains(e.message(), std::string(100, '9') + "..."));
  }

  TEST_CASE(
      "D1 D23 hostile expirationDuration values are 400, never a crash: "
      "deep nesting, huge numbers, overflowing durations") {
    std::string deep =
        "{\"sessionId\":\"a\",\"availability\":\"Available\","
        "\"activity\":\"Available\",\"expirationDuration\":" +
        deep_array(100000) + "}";
    check_bad_request([&] { gpm::graph::parse_set_presence(deep, false); },
                      "expirationDuration");
    // A number past double's range is not JSON nlohmann accepts (the whole
    // body is 400); any other number is the wrong type for the field.
    for (auto [number, named] :
         {std::pair{"1e999", "not valid JSON"},
          std::pair{"-1e999", "not valid JSON"},
          std::pair{"123456789012345678901234567890", "expirationDuration"},
          std::pair{"18446744073709551616", "expirationDuration"},
          std::pair{"-0", "expirationDuration"}}) {
      CAPTURE(number);
      std::string body =
          "{\"sessionId\":\"a\",\"availability\":\"Available\","
          "\"activity\":\"Available\",\"expirationDuration\":" +
          std::string(number) + "}";
      check_bad_request([&] { gpm::graph::parse_set_presence(body, false); },
                        named);
    }
    for (const char* text :
         {"PT99999999999999999999H", "P99999999999999D", "PT1e9S",
          "P9223372036854775807D", "PT9223372036854775807S"}) {
      CAPTURE(text);
      check_bad_request(
          [&] {
            gpm::graph::parse_set_presence(
                set_presence_body({{"expirationDuration", text}}), false);
          },
          "expirationDuration");
    }
  }

  // --- clearPresence -------------------------------------------------------

  TEST_CASE("R3.4.1 clearPresence returns the sessionId as sent") {
    CHECK(gpm::graph::parse_clear_presence(
              R"({"sessionId":"22553876-F5AB-4529-BFFB-CFE50AA89F87"})") ==
          "22553876-F5AB-4529-BFFB-CFE50AA89F87");
    CHECK(gpm::graph::parse_clear_presence(R"({"other":1,"sessionId":"x"})") ==
          "x");
  }

  TEST_CASE(
      "D2 clearPresence sessionId absent, empty or not a string is 400 "
      "naming sessionId") {
    for (std::string_view body :
         {R"({})", R"({"sessionId":null})", R"({"sessionId":""})",
          R"({"sessionId":7})", R"({"sessionid":"x"})"}) {
      CAPTURE(body);
      check_bad_request([&] { gpm::graph::parse_clear_presence(body); },
                        "sessionId");
    }
    check_bad_request([] { gpm::graph::parse_clear_presence(""); },
                      "JSON object");
  }

  // --- setUserPreferredPresence --------------------------------------------

  TEST_CASE(
      "R3.5 D5 preferred expirationDuration defaults to 1 day for Busy "
      "and DoNotDisturb, 7 days otherwise") {
    const std::vector<std::tuple<std::string, std::string, Availability,
                                 Activity, gpm::core::Duration>>
        rows = {
            {"Busy", "Busy", A::Busy, C::Busy, days(1)},
            {"DoNotDisturb", "DoNotDisturb", A::DoNotDisturb, C::DoNotDisturb,
             days(1)},
            {"Available", "Available", A::Available, C::Available, days(7)},
            {"BeRightBack", "BeRightBack", A::BeRightBack, C::BeRightBack,
             days(7)},
            {"Away", "Away", A::Away, C::Away, days(7)},
            {"Offline", "OffWork", A::Offline, C::OffWork, days(7)},
        };
    for (const auto& [a, b, availability, activity, d] : rows) {
      CAPTURE(a);
      auto r = gpm::graph::parse_set_preferred(
          json{{"availability", a}, {"activity", b}}.dump());
      CHECK(r.state == PresenceState{availability, activity});
      CHECK(r.expiration == d);
    }
  }

  TEST_CASE(
      "R3.5 an explicit preferred expirationDuration replaces the "
      "default") {
    auto r = gpm::graph::parse_set_preferred(
        R"({"expirationDuration":"PT8H","activity":"DoNotDisturb",
            "availability":"DoNotDisturb","unknown":true})");
    CHECK(r.state == PresenceState{A::DoNotDisturb, C::DoNotDisturb});
    CHECK(r.expiration == hours(8));
    CHECK(gpm::graph::parse_set_preferred(
              R"({"availability":"Away","activity":"Away",
                  "expirationDuration":"P30D"})")
              .expiration == days(30));
    CHECK(gpm::graph::parse_set_preferred(
              R"({"availability":"Away","activity":"Away",
                  "expirationDuration":"PT0.5S"})")
              .expiration == std::chrono::milliseconds(500));
  }

  TEST_CASE(
      "D5 preferred expirationDuration not positive or over P30D is 400 "
      "naming the field and range") {
    for (const char* text : {"PT0S", "P30DT1S", "P31D", "P5W"}) {
      CAPTURE(text);
      GraphError e = thrown([&] {
        gpm::graph::parse_set_preferred(json{
            {"availability", "Away"},
            {"activity", "Away"},
            {"expirationDuration", text}}.dump());
      });
      CHECK(e.status() == 400);
      CHECK(e.code() == "BadRequest");
      CHECK(contains(e.message(), "expirationDuration"));
      CHECK(contains(e.message(), "P30D"));
    }
    check_bad_request(
        [] {
          gpm::graph::parse_set_preferred(
              R"({"availability":"Away","activity":"Away",
                  "expirationDuration":"1:00:00"})");
        },
        "ISO 8601");
  }

  TEST_CASE(
      "R3.5.1 preferred pairs outside the six are 400 listing the "
      "accepted pairs") {
    for (auto [a, b] :
         {std::pair{"Available", "InACall"}, std::pair{"Busy", "InACall"},
          std::pair{"DoNotDisturb", "Presenting"},
          std::pair{"Offline", "Offline"}, std::pair{"Nope", "Away"}}) {
      CAPTURE(a);
      CAPTURE(b);
      GraphError e = thrown([&] {
        gpm::graph::parse_set_preferred(
            json{{"availability", a}, {"activity", b}}.dump());
      });
      CHECK(e.status() == 400);
      CHECK(e.code() == "BadRequest");
      CHECK(contains(e.message(), std::string(a) + "/" + b));
      CHECK(contains(e.message(), "Offline/OffWork"));
    }
    check_bad_request(
        [] { gpm::graph::parse_set_preferred(R"({"activity":"Away"})"); },
        "'availability' is required");
    check_bad_request([] { gpm::graph::parse_set_preferred("[]"); },
                      "JSON object");
  }

  // --- setStatusMessage ----------------------------------------------------

  TEST_CASE(
      "R3.7 setStatusMessage parses the docs' example with a Windows "
      "zone (D17)") {
    auto m = gpm::graph::parse_set_status_message(
        R"({"statusMessage":{
              "message":{"content":"Hey I'm currently in a meeting.",
                         "contentType":"text"},
              "expiryDateTime":{"dateTime":"2026-01-02T17:05:33.2079781",
                                "timeZone":"Pacific Standard Time"}}})",
        t0, zones());
    REQUIRE(m.has_value());
    CHECK(m->content == "Hey I'm currently in a meeting.");
    CHECK(m->content_type == "text");
    CHECK(m->published_at == t0);
    REQUIRE(m->expiry.has_value());
    // Kept as written, and resolved: PST is UTC-8 in January.
    CHECK(m->expiry->date_time == "2026-01-02T17:05:33.2079781");
    CHECK(m->expiry->time_zone == "Pacific Standard Time");
    CHECK(m->expiry->at == instant("2026-01-03T01:05:33.2079781Z"));
  }

  TEST_CASE("D17 expiryDateTime without timeZone is UTC; IANA names work") {
    auto m = gpm::graph::parse_set_status_message(
        R"({"statusMessage":{"message":{"content":"x"},
            "expiryDateTime":{"dateTime":"2026-01-01T17:00:00"}}})",
        t0, zones());
    REQUIRE(m.has_value());
    REQUIRE(m->expiry.has_value());
    CHECK(m->expiry->time_zone == "UTC");
    CHECK(m->expiry->at == instant("2026-01-01T17:00:00Z"));
    m = gpm::graph::parse_set_status_message(
        R"({"statusMessage":{"message":{"content":"x","contentType":"TEXT"},
            "expiryDateTime":{"dateTime":"2026-07-01T17:00:00",
                              "timeZone":"Europe/Paris"}}})",
        t0, zones());
    REQUIRE(m.has_value());
    REQUIRE(m->expiry.has_value());
    CHECK(m->expiry->at == instant("2026-07-01T15:00:00Z"));
  }

  TEST_CASE(
      "R3.7 a message without expiryDateTime never expires; an empty "
      "content clears the message") {
    auto m = gpm::graph::parse_set_status_message(
        R"({"statusMessage":{"message":{"content":"Lunch"}}})", t0, zones());
    REQUIRE(m.has_value());
    CHECK(m->content == "Lunch");
    CHECK_FALSE(m->expiry.has_value());
    CHECK_FALSE(gpm::graph::parse_set_status_message(
                    R"({"statusMessage":{"message":{"content":"",
                        "contentType":"text"}}})",
                    t0, zones())
                    .has_value());
  }

  TEST_CASE("D1 setStatusMessage structural errors are 400 naming the field") {
    const std::vector<std::pair<std::string_view, std::string_view>> rows = {
        {R"({})", "statusMessage"},
        {R"({"statusMessage":null})", "statusMessage"},
        {R"({"statusMessage":"hi"})", "statusMessage"},
        {R"({"statusMessage":{}})", "statusMessage.message"},
        {R"({"statusMessage":{"message":"hi"}})", "statusMessage.message"},
        {R"({"statusMessage":{"message":{}}})",
         "statusMessage.message.content"},
        {R"({"statusMessage":{"message":{"content":5}}})",
         "statusMessage.message.content"},
        {R"({"statusMessage":{"message":{"content":"x"},
             "expiryDateTime":"2026-01-01T00:00:00"}})",
         "statusMessage.expiryDateTime"},
        {R"({"statusMessage":{"message":{"content":"x"},
             "expiryDateTime":{"timeZone":"UTC"}}})",
         "statusMessage.expiryDateTime.dateTime"},
        {R"({"statusMessage":{"message":{"content":"x"},
             "expiryDateTime":{"dateTime":20260101}}})",
         "statusMessage.expiryDateTime.dateTime"},
        {R"({"statusMessage":{"message":{"content":"x"},
             "expiryDateTime":{"dateTime":"tomorrow"}}})",
         "statusMessage.expiryDateTime.dateTime"},
        {R"({"statusMessage":{"message":{"content":"x"},
             "expiryDateTime":{"dateTime":"2026-02-30T00:00:00"}}})",
         "statusMessage.expiryDateTime.dateTime"},
        {R"({"statusMessage":{"message":{"content":"x"},
             "expiryDateTime":{"dateTime":"2026-01-01T00:00:00",
                               "timeZone":3}}})",
         "statusMessage.expiryDateTime.timeZone"},
    };
    for (const auto& [body, field] : rows) {
      CAPTURE(body);
      check_bad_request(
          [&] { gpm::graph::parse_set_status_message(body, t0, zones()); },
          field);
    }
  }

  TEST_CASE("a non-text status message is 400 naming contentType") {
    for (std::string_view body :
         {R"({"statusMessage":{"message":{"content":"<b>x</b>",
              "contentType":"html"}}})",
          R"({"statusMessage":{"message":{"content":"x",
              "contentType":1}}})"}) {
      CAPTURE(body);
      check_bad_request(
          [&] { gpm::graph::parse_set_status_message(body, t0, zones()); },
          "statusMessage.message.contentType");
    }
  }

  TEST_CASE(
      "an expiryDateTime.dateTime with an offset is 400: the "
      "zone goes in timeZone") {
    for (std::string_view dt :
         {"2026-01-01T17:00:00Z", "2026-01-01T17:00:00+01:00",
          "2026-01-01T17:00:00-08:00"}) {
      CAPTURE(dt);
      json body = {
          {"statusMessage",
           {{"message", {{"content", "x"}}},
            {"expiryDateTime", {{"dateTime", dt}, {"timeZone", "UTC"}}}}}};
      GraphError e = thrown([&] {
        gpm::graph::parse_set_status_message(body.dump(), t0, zones());
      });
      CHECK(e.status() == 400);
      CHECK(contains(e.message(), "statusMessage.expiryDateTime.dateTime"));
      CHECK(contains(e.message(), "timeZone"));
    }
  }

  TEST_CASE("D17 an unknown time zone is 400 naming the zone and the field") {
    for (std::string_view zone :
         {"Mars/Olympus_Mons", "Pacific Standard", "", "../../etc/passwd"}) {
      CAPTURE(zone);
      json body = {
          {"statusMessage",
           {{"message", {{"content", "x"}}},
            {"expiryDateTime",
             {{"dateTime", "2026-01-01T17:00:00"}, {"timeZone", zone}}}}}};
      GraphError e = thrown([&] {
        gpm::graph::parse_set_status_message(body.dump(), t0, zones());
      });
      CHECK(e.status() == 400);
      CHECK(e.code() == "BadRequest");
      CHECK(contains(e.message(), "statusMessage.expiryDateTime.timeZone"));
      CHECK(contains(e.message(), "'" + std::string(zone) + "'"));
    }
  }

  // --- getPresencesByUserId ------------------------------------------------

  TEST_CASE(
      "D7 getPresencesByUserId de-duplicates ids ignoring case, in "
      "first-seen order, lower-cased") {
    auto ids = gpm::graph::parse_get_presences_by_user_id(
        R"({"ids":["66825E03-7EF5-42DA-9069-724602C31F6B",
                   "fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
                   "66825e03-7ef5-42da-9069-724602c31f6b",
                   "FA8BF3DC-ECA7-46B7-BAD1-DB199B62AFC3"],
            "other":"ignored"})");
    CHECK(ids == std::vector<std::string>{kOther, kUser});
  }

  TEST_CASE("D7 ids missing, null, empty or not an array is 400 naming ids") {
    for (std::string_view body :
         {R"({})", R"({"ids":null})", R"({"ids":[]})", R"({"ids":"x"})",
          R"({"ids":{}})",
          R"({"IDS":["fa8bf3dc-eca7-46b7-bad1-db199b62afc3"]})"}) {
      CAPTURE(body);
      check_bad_request(
          [&] { gpm::graph::parse_get_presences_by_user_id(body); }, "'ids'");
    }
  }

  TEST_CASE("D7 R3.2.3 650 ids are accepted, 651 are 400 naming the limit") {
    json ids = json::array();
    for (int i = 0; i < 650; ++i) ids.push_back(kUser);
    auto out =
        gpm::graph::parse_get_presences_by_user_id(json{{"ids", ids}}.dump());
    CHECK(out == std::vector<std::string>{kUser});
    ids.push_back(kOther);
    GraphError e = thrown([&] {
      gpm::graph::parse_get_presences_by_user_id(json{{"ids", ids}}.dump());
    });
    CHECK(e.status() == 400);
    CHECK(e.code() == "BadRequest");
    CHECK(contains(e.message(), "'ids'"));
    CHECK(contains(e.message(), "650"));
  }

  TEST_CASE("D7 an id that is not a GUID is 400 naming it") {
    for (json bad :
         {json("not-a-guid"), json("{fa8bf3dc-eca7-46b7-bad1-db199b62afc3}"),
          json("fa8bf3dc-eca7-46b7-bad1-db199b62afcz"),
          json("adele@contoso.example"), json(12), json(nullptr),
          json::array({kUser}), json::object()}) {
      CAPTURE(bad.dump());
      json body = {{"ids", {kUser, bad}}};
      GraphError e = thrown(
          [&] { gpm::graph::parse_get_presences_by_user_id(body.dump()); });
      CHECK(e.status() == 400);
      CHECK(e.code() == "BadRequest");
      CHECK(contains(e.message(), "'ids'"));
      CHECK(contains(e.message(), "GUID"));
    }
    GraphError e = thrown([] {
      gpm::graph::parse_get_presences_by_user_id(R"({"ids":["not-a-guid"]})");
    });
    CHECK(contains(e.message(), "'not-a-guid'"));
  }

  TEST_CASE(
      "D7 hostile ids are 400, never a crash: deep nesting, huge "
      "numbers") {
    check_bad_request(
        [] {
          gpm::graph::parse_get_presences_by_user_id(
              "{\"ids\":" + deep_array(100000) + "}");
        },
        "'ids'");
    check_bad_request(
        [] {
          gpm::graph::parse_get_presences_by_user_id("{\"ids\":[" +
                                                     deep_array(100000) + "]}");
        },
        "'ids'");
    for (auto [number, named] :
         {std::pair{"1e999", "not valid JSON"},
          std::pair{"-1e400", "not valid JSON"},
          std::pair{"123456789012345678901234567890", "'ids'"},
          std::pair{"1.5e308", "'ids'"}}) {
      CAPTURE(number);
      check_bad_request(
          [&] {
            gpm::graph::parse_get_presences_by_user_id(
                "{\"ids\":[" + std::string(number) + "]}");
          },
          named);
    }
  }

  // --- presence resource -----------------------------------------------------

  TEST_CASE(
      "D10 R4.10 sequenceNumber is 'A' and ten zero-padded digits, so "
      "string order is version order") {
    CHECK(gpm::graph::format_sequence_number(0) == "A0000000000");
    CHECK(gpm::graph::format_sequence_number(1) == "A0000000001");
    CHECK(gpm::graph::format_sequence_number(129311063) == "A0129311063");
    CHECK(gpm::graph::format_sequence_number(9999999999ULL) == "A9999999999");
    for (uint64_t n : {1ULL, 9ULL, 99ULL, 12345ULL, 999999999ULL}) {
      CAPTURE(n);
      std::string a = gpm::graph::format_sequence_number(n);
      std::string b = gpm::graph::format_sequence_number(n + 1);
      CHECK(a.size() == 11);
      CHECK(a < b);
    }
  }

  TEST_CASE("R6.5 @odata.context of a presence, per path form and version") {
    using gpm::graph::PresencePathForm;
    CHECK(
        gpm::graph::presence_context("v1.0", PresencePathForm::Users, kUser) ==
        "https://graph.microsoft.com/v1.0/$metadata#users('"
        "fa8bf3dc-eca7-46b7-bad1-db199b62afc3')/presence/$entity");
    CHECK(gpm::graph::presence_context("beta", PresencePathForm::Me, kUser) ==
          "https://graph.microsoft.com/beta/$metadata#users('"
          "fa8bf3dc-eca7-46b7-bad1-db199b62afc3')/presence/$entity");
    CHECK(gpm::graph::presence_context("v1.0", PresencePathForm::Communications,
                                       kUser) ==
          "https://graph.microsoft.com/v1.0/$metadata#communications/"
          "presences/$entity");
    CHECK(gpm::graph::presence_collection_context("beta") ==
          "https://graph.microsoft.com/beta/$metadata#Collection(microsoft."
          "graph.presence)");
  }

  TEST_CASE(
      "presence_json of a user with nothing set has every "
      "property, in Graph's shape") {
    gpm::core::PresenceView view;
    view.sequence = 7;
    auto j = gpm::graph::presence_json(kUser, view, true);
    json expected = {{"id", kUser},
                     {"availability", "Offline"},
                     {"activity", "Offline"},
                     {"statusMessage", nullptr},
                     {"outOfOfficeSettings",
                      {{"message", nullptr}, {"isOutOfOffice", false}}},
                     {"sequenceNumber", "A0000000007"},
                     {"workLocation",
                      {{"placeId", nullptr},
                       {"source", "none"},
                       {"workLocationType", "unspecified"}}}};
    CHECK(json::parse(j.dump()) == expected);
    // id comes first, as in the docs' examples.
    CHECK(j.begin().key() == "id");
  }

  TEST_CASE(
      "R2.6 the user themself sees statusMessage.expiryDateTime and "
      "publishedDateTime") {
    gpm::core::PresenceView view;
    view.state = {A::Busy, C::InACall};
    view.status_message = status_message("In a meeting");
    view.status_message->expiry = gpm::core::StatusMessageExpiry{
        "2026-01-02T17:00:00", "Pacific Standard Time",
        instant("2026-01-03T01:00:00Z")};
    view.out_of_office.message = "Back Monday";
    view.out_of_office.is_out_of_office = true;
    view.sequence = 42;
    json j = json::parse(gpm::graph::presence_json(kUser, view, true).dump());
    CHECK(j["availability"] == "Busy");
    CHECK(j["activity"] == "InACall");
    CHECK(j["statusMessage"] ==
          json{{"message",
                {{"content", "In a meeting"}, {"contentType", "text"}}},
               {"expiryDateTime",
                {{"dateTime", "2026-01-02T17:00:00"},
                 {"timeZone", "Pacific Standard Time"}}},
               {"publishedDateTime", "2026-01-01T08:30:00.1234567Z"}});
    CHECK(j["outOfOfficeSettings"] ==
          json{{"message", "Back Monday"}, {"isOutOfOffice", true}});
    CHECK(j["sequenceNumber"] == "A0000000042");
  }

  TEST_CASE("R2.6 another user sees only statusMessage.message") {
    gpm::core::PresenceView view;
    view.status_message = status_message("In a meeting");
    view.status_message->expiry = gpm::core::StatusMessageExpiry{
        "2026-01-02T17:00:00", "UTC", instant("2026-01-02T17:00:00Z")};
    json j = json::parse(gpm::graph::presence_json(kOther, view, false).dump());
    CHECK(j["id"] == kOther);
    CHECK(j["statusMessage"] ==
          json{{"message",
                {{"content", "In a meeting"}, {"contentType", "text"}}}});
  }

  TEST_CASE(
      "R2.6 the user themself sees expiryDateTime null when the message "
      "never expires") {
    gpm::core::PresenceView view;
    view.status_message = status_message("Lunch");
    json self =
        json::parse(gpm::graph::presence_json(kUser, view, true).dump());
    CHECK(self["statusMessage"] ==
          json{{"message", {{"content", "Lunch"}, {"contentType", "text"}}},
               {"expiryDateTime", nullptr},
               {"publishedDateTime", "2026-01-01T08:30:00.1234567Z"}});
  }

  TEST_CASE("dump replaces invalid UTF-8 instead of throwing") {
    gpm::core::PresenceView view;
    view.status_message = status_message("caf\xe9");  // Latin-1, not UTF-8
    std::string out;
    CHECK_NOTHROW(
        out = gpm::graph::dump(gpm::graph::presence_json("\xff", view, false)));
    json j = json::parse(out);
    CHECK(j["id"] == "\xEF\xBF\xBD");
    CHECK(j["statusMessage"]["message"]["content"] == "caf\xEF\xBF\xBD");
  }

  TEST_CASE(
      "R2.6 the directly written presence has the very bytes "
      "of dump(presence_json), for self and others, escapes and bad "
      "UTF-8 included") {
    std::vector<gpm::core::PresenceView> views(5);
    views[0].sequence = 1;
    views[1].state = {A::Busy, C::InACall};
    views[1].status_message = status_message("In a \"meeting\"\n\ttab \\ \x01");
    views[1].status_message->expiry = gpm::core::StatusMessageExpiry{
        "2026-01-02T17:00:00", "Pacific Standard Time",
        instant("2026-01-03T01:00:00Z")};
    views[1].out_of_office.message = "Back Monday \xe2\x9c\x88";
    views[1].out_of_office.is_out_of_office = true;
    views[1].sequence = 9999999999ULL + 43;
    views[2].status_message = status_message("caf\xe9");  // not UTF-8
    views[2].work_location.place_id = "building \"7\"";
    views[2].work_location.source = gpm::core::WorkLocationSource::manual;
    views[2].work_location.type = gpm::core::WorkLocationType::office;
    views[3].status_message = status_message("Lunch");
    views[3].sequence = 42;
    views[4].state = {A::DoNotDisturb, C::Presenting};
    for (const auto& view : views) {
      for (bool self : {true, false}) {
        for (std::string id :
             {kUser, std::string("\xff"), std::string("a\"b")}) {
          std::string direct = "{";
          gpm::graph::append_presence_members(direct, id, view, self);
          direct += "}";
          CHECK(direct ==
                gpm::graph::dump(gpm::graph::presence_json(id, view, self)));
        }
      }
    }
  }

  TEST_CASE(
      "D7 the plain ids body and the same ids in any other layout parse "
      "alike: de-duplicated, in first-seen order, lower-cased") {
    const std::string plain =
        R"({"ids":["66825E03-7EF5-42DA-9069-724602C31F6B","fa8bf3dc-eca7-46b7-bad1-db199b62afc3",)"
        R"("66825e03-7ef5-42da-9069-724602c31f6b","FA8BF3DC-ECA7-46B7-BAD1-DB199B62AFC3"]})";
    const std::string spaced =
        "\n { \"ids\" : [ \"66825E03-7EF5-42DA-9069-724602C31F6B\" ,\n"
        "\"fa8bf3dc-eca7-46b7-bad1-db199b62afc3\",\"66825e03-7ef5-42da-9069-"
        "724602c31f6b\","
        "\"FA8BF3DC-ECA7-46B7-BAD1-DB199B62AFC3\" ] } \n";
    const std::string other_keys =
        R"({"x":1,"ids":["66825E03-7EF5-42DA-9069-724602C31F6B","fa8bf3dc-eca7-46b7-bad1-db199b62afc3",)"
        R"("66825e03-7ef5-42da-9069-724602c31f6b","FA8BF3DC-ECA7-46B7-BAD1-DB199B62AFC3"]})";
    for (const std::string& body : {plain, spaced, other_keys}) {
      CAPTURE(body);
      CHECK(gpm::graph::parse_get_presences_by_user_id(body) ==
            std::vector<std::string>{kOther, kUser});
    }
    // Plain bodies the general parser must judge are still judged by it.
    for (std::string_view bad :
         {R"({"ids":["66825e03-7ef5-42da-9069-724602c31f6b",7]})",
          R"({"ids":["66825e03-7ef5-42da-9069-724602c31f6b"]} x)",
          R"({"ids":["66825e03-7ef5-42da-9069-724602c31f6g"]})",
          R"({"ids":["66825e03-7ef5-42da-9069-724602c31f6b",]})"}) {
      CAPTURE(bad);
      CHECK_THROWS_AS(gpm::graph::parse_get_presences_by_user_id(bad),
                      GraphError);
    }
  }

  TEST_CASE(
      "D23 an expirationDuration too long to hold is 400 'out of range', "
      "not 'must be ISO 8601'") {
    GraphError e = thrown([&] {
      gpm::graph::parse_set_presence(
          set_presence_body({{"expirationDuration", "P99999999D"}}), false);
    });
    CHECK(e.status() == 400);
    CHECK(contains(e.message(), "'P99999999D' is out of range"));
    CHECK(contains(e.message(), "PT5M to PT4H"));
    CHECK_FALSE(contains(e.message(), "ISO 8601"));
  }

  TEST_CASE(
      "D23 an expiryDateTime in year 10000 or 2300 is 400 'out of "
      "range', not a format complaint") {
    for (const char* text : {"10000-01-01T00:00:00", "2300-06-01T00:00:00"}) {
      CAPTURE(text);
      GraphError e = thrown([&] {
        gpm::graph::parse_set_status_message(
            json{{"statusMessage",
                  {{"message", {{"content", "x"}}},
                   {"expiryDateTime", {{"dateTime", text}}}}}}
                .dump(),
            t0, zones());
      });
      CHECK(e.status() == 400);
      CHECK(contains(e.message(), "is out of range"));
      CHECK_FALSE(contains(e.message(), "is not a date-time"));
    }
  }

  TEST_CASE(
      "x-mock-hint: a body that is not JSON keeps Graph's message and "
      "hints the byte where parsing stopped") {
    GraphError e = thrown(
        [&] { gpm::graph::parse_set_presence(R"({"sessionId": x})", false); });
    CHECK(e.message() == "The request body is not valid JSON.");
    CHECK(e.hint() ==
          "The JSON parser stopped at byte 15 of the 16-byte body.");
  }
}
