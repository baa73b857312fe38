// x-mock-hint: on errors a mock user can fix, a mock-only response header
// says how, while the Graph error body stays exactly as Graph writes it
// (R6.1). Also D23: well-formed but out-of-range durations and date-times
// are called out of range. Mock-only, except the strict-auth case, which
// runs against a mock in --auth strict (main.cpp selects it there).
#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

std::string hint(const Reply& r) { return r.header("x-mock-hint"); }

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_SUITE("mock-only") {
  TEST_CASE(
      "x-mock-hint: 401 without a token names the --auth mode, --auth off and "
      "/_mock/token; the body is Graph's") {
    Reply r =
        request("GET", presence_path("v1.0", PathForm::Users, options().user),
                std::nullopt, {}, Auth::None);
    CHECK(check_graph_error(r, 401, "InvalidAuthenticationToken") ==
          "Access token is empty.");
    INFO(hint(r));
    CHECK(has(hint(r), "--auth " + options().auth));
    CHECK(has(hint(r), "--auth off"));
    CHECK(has(hint(r), "/_mock/token"));
    CHECK_FALSE(has(r.body, "x-mock"));
    CHECK_FALSE(has(r.body, "--auth"));
  }

  TEST_CASE(
      "x-mock-hint: 401 with an unusable Authorization header has the same "
      "hint") {
    for (const char* value : {"Basic dXNlcjpwYXNz", "Bearer two words"}) {
      CAPTURE(value);
      Reply r =
          request("GET", presence_path("v1.0", PathForm::Users, options().user),
                  std::nullopt, Headers{{"Authorization", value}});
      CHECK(check_graph_error(r, 401, "InvalidAuthenticationToken") ==
            "Access token validation failure.");
      CHECK(has(hint(r), "--auth " + options().auth));
      CHECK(has(hint(r), "/_mock/token"));
    }
  }

  TEST_CASE(
      "x-mock-hint: 404 for an unknown user names POST /_mock/users and "
      "--auto-create-users") {
    Reply r = get_presence("v1.0", PathForm::Users, random_guid());
    check_graph_error(r, 404, "ResourceNotFound");
    INFO(hint(r));
    CHECK(has(hint(r), "POST /_mock/users"));
    CHECK(has(hint(r), "--auto-create-users"));
    CHECK_FALSE(has(r.body, "_mock"));
  }

  TEST_CASE(
      "x-mock-hint: an unknown /_mock/ path points at GET /_mock/routes") {
    for (const std::string& path :
         {std::string("/_mock/nonsense"), std::string("/_mock/users/x/y/z"),
          in_tenant(unique_tenant("hint"), "/_mock/clocks")}) {
      CAPTURE(path);
      Reply r = control("GET", path);
      check_graph_error(r, 404, "UnknownPath");
      CHECK(has(hint(r), "see GET /_mock/routes for the list"));
    }
  }

  TEST_CASE(
      "x-mock-hint: 400 for a body that is not JSON gives the byte offset; the "
      "message is Graph's") {
    const std::string body = R"({"sessionId": x})";
    Reply r = request(
        "POST",
        presence_path("v1.0", PathForm::Users, options().user) + "/setPresence",
        body);
    CHECK(check_graph_error(r, 400, "BadRequest") ==
          "The request body is not valid JSON.");
    CHECK(hint(r) == "The JSON parser stopped at byte 15 of the 16-byte body.");
  }

  TEST_CASE(
      "x-mock-hint: /me where no user is 'me' names --me; the body is Graph's "
      "D12 400") {
    // A tenant replaced by a snapshot without `me`; the default token has no
    // oid.
    const std::string t = unique_tenant("nome");
    check_control_json(
        control("POST", in_tenant(t, "/_mock/snapshot"),
                json{{"users", json::array({json{{"id", random_guid()}}})}}));
    Reply r = request("GET", in_tenant(t, "/v1.0/me/presence"));
    CHECK(check_graph_error(r, 400, "BadRequest") ==
          "/me request is only valid with delegated authentication flow.");
    INFO(hint(r));
    CHECK(has(hint(r), "--me"));
  }

  TEST_CASE(
      "x-mock-hint: answers that succeed, and errors without advice, carry no "
      "hint") {
    begin_mock_case();
    CHECK_FALSE(get_presence("v1.0", PathForm::Users, options().user)
                    .has_header("x-mock-hint"));
    Reply r = request(
        "POST",
        presence_path("v1.0", PathForm::Users, options().user) + "/setPresence",
        json{{"sessionId", options().app}, {"availability", "Away"}}.dump());
    check_graph_error(r, 400, "BadRequest");
    CHECK_FALSE(r.has_header("x-mock-hint"));
  }

  TEST_CASE(
      "D23 a well-formed expirationDuration too long to hold is 400 'out of "
      "range', not 'ISO 8601'") {
    begin_mock_case();
    Reply r =
        set_presence("v1.0", PathForm::Users, options().user, options().app,
                     "Away", "Away", std::string("P99999999D"));
    std::string message = check_graph_error(r, 400, "BadRequest");
    INFO(message);
    CHECK(has(message, "out of range"));
    CHECK_FALSE(has(message, "ISO 8601"));
    // A malformed one still says what the format is.
    r = set_presence("v1.0", PathForm::Users, options().user, options().app,
                     "Away", "Away", std::string("1:00:00"));
    CHECK(has(check_graph_error(r, 400, "BadRequest"), "ISO 8601"));
  }

  TEST_CASE(
      "D23 a status message expiring in year 10000 or 2300 is 400 'out of "
      "range'") {
    begin_mock_case();
    for (const char* when : {"10000-01-01T00:00:00", "2300-01-01T00:00:00"}) {
      CAPTURE(when);
      Reply r =
          set_status_message("v1.0", PathForm::Users, options().user,
                             json{{"message", {{"content", "away"}}},
                                  {"expiryDateTime", {{"dateTime", when}}}});
      std::string message = check_graph_error(r, 400, "BadRequest");
      INFO(message);
      CHECK(has(message, "out of range"));
    }
  }

}  // TEST_SUITE

TEST_SUITE("strict-auth") {
  TEST_CASE(
      "x-mock-hint: under --auth strict a 401 names --auth strict, "
      "/_mock/token and the laxer modes") {
    Reply none =
        request("GET", presence_path("v1.0", PathForm::Users, options().user),
                std::nullopt, {}, Auth::None);
    Reply unsigned_token =
        request("GET", presence_path("v1.0", PathForm::Users, options().user),
                std::nullopt, bearer(app_jwt(options().app)));
    for (const Reply* r : {&none, &unsigned_token}) {
      check_graph_error(*r, 401, "InvalidAuthenticationToken");
      INFO(hint(*r));
      CHECK(has(hint(*r), "--auth strict"));
      CHECK(has(hint(*r), "/_mock/token"));
      CHECK(has(hint(*r), "--auth off"));
    }
  }

}  // TEST_SUITE
