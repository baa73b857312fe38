// Unit tests for src/graph/graph_error: the Graph error envelope (R6.1) and
// the status and code of every named factory (D1, D8, D9, D12, D13, D18,
// D19), compared as parsed JSON.
#include "graph/graph_error.h"

#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/iso_time.h"

namespace {

using gpm::graph::GraphError;
using nlohmann::json;
namespace errors = gpm::graph::errors;

gpm::core::TimePoint instant(std::string_view iso) {
  return gpm::core::to_time_point_utc(
      gpm::core::parse_iso_datetime(iso).value());
}

// The value of header `name` among `e`'s extra headers, or "" if absent.
std::string extra_header(const GraphError& e, std::string_view name) {
  for (const auto& [k, v] : e.headers()) {
    if (k == name) return v;
  }
  return {};
}

struct FactoryRow {
  const char* name;
  GraphError error;
  int status;
  const char* code;
};

}  // namespace

TEST_SUITE("graph_error") {
  TEST_CASE(
      "R6.1 error_body is exactly {error:{code,message,innerError:"
      "{date,request-id,client-request-id}}}") {
    std::string body = gpm::graph::error_body(
        "NotFound", "No such session.", instant("2026-01-01T00:07:05Z"),
        "93b6f17e-c05d-4f45-ad2a-6665c708d8a0",
        "e70c5c1b-8b47-68c0-3171-3d22f5e0bd54");
    json expected = {
        {"error",
         {{"code", "NotFound"},
          {"message", "No such session."},
          {"innerError",
           {{"date", "2026-01-01T00:07:05"},
            {"request-id", "93b6f17e-c05d-4f45-ad2a-6665c708d8a0"},
            {"client-request-id", "e70c5c1b-8b47-68c0-3171-3d22f5e0bd54"}}}}}};
    CHECK(json::parse(body) == expected);
  }

  TEST_CASE(
      "R6.1 error_body writes the keys in Graph's order: code, message, "
      "innerError") {
    std::string body = gpm::graph::error_body(
        "BadRequest", "m", instant("2026-01-01T00:00:00Z"), "r", "c");
    auto j = nlohmann::ordered_json::parse(body);
    std::vector<std::string> keys;
    for (const auto& [k, v] : j["error"].items()) keys.push_back(k);
    CHECK(keys == std::vector<std::string>{"code", "message", "innerError"});
    std::vector<std::string> inner;
    for (const auto& [k, v] : j["error"]["innerError"].items()) {
      inner.push_back(k);
    }
    CHECK(inner ==
          std::vector<std::string>{"date", "request-id", "client-request-id"});
  }

  TEST_CASE("R6.1 innerError.date is UTC without zone designator or fraction") {
    // 10:17:05.987 UTC: the fraction is dropped, no 'Z' is written (R8.3).
    auto t = instant("2025-02-13T10:17:05.987Z");
    std::string body = gpm::graph::error_body("c", "m", t, "r", "c");
    CHECK(json::parse(body)["error"]["innerError"]["date"] ==
          "2025-02-13T10:17:05");
    // An offset in the input is applied: 12:00+02:00 is 10:00 UTC.
    body = gpm::graph::error_body(
        "c", "m", instant("2026-06-01T12:00:00+02:00"), "r", "c");
    CHECK(json::parse(body)["error"]["innerError"]["date"] ==
          "2026-06-01T10:00:00");
  }

  TEST_CASE("R6.1 invalid UTF-8 in a message or id is replaced, never thrown") {
    std::string body;
    CHECK_NOTHROW(body = gpm::graph::error_body(
                      "ResourceNotFound", "Resource '\xff\xfe' is missing.",
                      instant("2026-01-01T00:00:00Z"), "r\xc3", "\x80"));
    json j = json::parse(body);  // the body is valid JSON
    // Each invalid byte becomes U+FFFD.
    CHECK(j["error"]["message"] ==
          "Resource '\xEF\xBF\xBD\xEF\xBF\xBD' is missing.");
    CHECK(j["error"]["innerError"]["request-id"] == "r\xEF\xBF\xBD");
    CHECK(j["error"]["innerError"]["client-request-id"] == "\xEF\xBF\xBD");
    CHECK(j["error"]["code"] == "ResourceNotFound");
  }

  TEST_CASE(
      "R6.1 quotes, backslashes and control characters in a message are "
      "escaped, not spliced into the JSON") {
    std::string hostile = "\"}},\"x\":{\"y\":\"\\\n\t\x01";
    std::string body = gpm::graph::error_body(
        "BadRequest", hostile, instant("2026-01-01T00:00:00Z"), "r", "c");
    json j = json::parse(body);
    CHECK(j["error"]["message"] == hostile);
    CHECK(j.size() == 1);
    CHECK(j["error"].size() == 3);
  }

  TEST_CASE(
      "the GraphError constructor keeps status, code, message and extra "
      "headers") {
    GraphError e(429, "TooManyRequests", "Please retry again later.",
                 {{"Retry-After", "2"}});
    CHECK(e.status() == 429);
    CHECK(e.code() == "TooManyRequests");
    CHECK(e.message() == "Please retry again later.");
    REQUIRE(e.headers().size() == 1);
    CHECK(e.headers()[0] ==
          std::pair<std::string, std::string>{"Retry-After", "2"});
    // what() is the code only: the message is for the wire envelope.
    CHECK(std::string(e.what()) == "TooManyRequests");
  }

  TEST_CASE(
      "every errors:: factory has the status and code of the decision "
      "table (D1, D8, D9, D12, D13, D18, D19)") {
    const std::vector<FactoryRow> rows = {
        {"bad_request (D1)", errors::bad_request("x"), 400, "BadRequest"},
        {"session_not_found (D8)", errors::session_not_found("s"), 404,
         "NotFound"},
        {"user_not_found (D9)", errors::user_not_found("u"), 404,
         "ResourceNotFound"},
        {"unknown_segment (D13)", errors::unknown_segment("groups"), 400,
         "BadRequest"},
        {"unknown_path (D13)", errors::unknown_path(), 404, "UnknownPath"},
        {"method_not_allowed (D13)", errors::method_not_allowed("GET"), 405,
         "MethodNotAllowed"},
        {"unsupported_media_type (D18)", errors::unsupported_media_type("m"),
         415, "UnsupportedMediaType"},
        {"payload_too_large (D19)", errors::payload_too_large(1048576), 413,
         "RequestEntityTooLarge"},
        {"uri_too_long", errors::uri_too_long(), 414, "RequestUriTooLong"},
        {"token_empty (D12)", errors::token_empty(), 401,
         "InvalidAuthenticationToken"},
        {"token_invalid (D12)", errors::token_invalid(), 401,
         "InvalidAuthenticationToken"},
        {"me_requires_delegated (D12)", errors::me_requires_delegated(), 400,
         "BadRequest"},
        {"too_many_requests (R6.7)",
         errors::too_many_requests(std::chrono::seconds(3)), 429,
         "TooManyRequests"},
        {"internal", errors::internal(), 500, "InternalServerError"},
    };
    for (const FactoryRow& r : rows) {
      CAPTURE(r.name);
      CHECK(r.error.status() == r.status);
      CHECK(r.error.code() == r.code);
      CHECK_FALSE(r.error.message().empty());
    }
  }

  TEST_CASE(
      "R6.7 D15 too_many_requests: Retry-After in whole seconds and "
      "Graph's throttling body with innerError code, message and "
      "status") {
    GraphError e = errors::too_many_requests(std::chrono::seconds(17));
    CHECK(e.status() == 429);
    CHECK(extra_header(e, "Retry-After") == "17");
    std::string body = gpm::graph::error_body(
        e.code(), e.message(), instant("2020-08-18T12:51:51Z"),
        "94fb3b52-452a-4535-a601-69e0a90e3aa2", "client-1", e.inner_error());
    json expected = {{"error",
                      {{"code", "TooManyRequests"},
                       {"message", "Please retry again later."},
                       {"innerError",
                        {{"code", "429"},
                         {"date", "2020-08-18T12:51:51"},
                         {"message", "Please retry after"},
                         {"request-id", "94fb3b52-452a-4535-a601-69e0a90e3aa2"},
                         {"client-request-id", "client-1"},
                         {"status", "429"}}}}}};
    CHECK(json::parse(body) == expected);
    // Other errors carry no extra innerError members.
    CHECK(errors::bad_request("x").inner_error().empty());
  }

  TEST_CASE("D1 bad_request carries the caller's message unchanged") {
    auto e = errors::bad_request("The parameter 'sessionId' is required.");
    CHECK(e.message() == "The parameter 'sessionId' is required.");
    CHECK(e.headers().empty());
  }

  TEST_CASE("D8 session_not_found names the session id") {
    auto e = errors::session_not_found("22553876-f5ab-4529-bffb-cfe50aa89f87");
    CHECK(e.message().find("22553876-f5ab-4529-bffb-cfe50aa89f87") !=
          std::string::npos);
  }

  TEST_CASE("D9 user_not_found names the user") {
    auto e = errors::user_not_found("66825e03-7ef5-42da-9069-724602c31f6b");
    CHECK(e.message().find("66825e03-7ef5-42da-9069-724602c31f6b") !=
          std::string::npos);
  }

  TEST_CASE(
      "D12 both 401s carry WWW-Authenticate: Bearer and the documented "
      "messages") {
    auto empty = errors::token_empty();
    CHECK(empty.message() == "Access token is empty.");
    CHECK(extra_header(empty, "WWW-Authenticate") == "Bearer");
    auto invalid = errors::token_invalid();
    CHECK(invalid.message() == "Access token validation failure.");
    CHECK(extra_header(invalid, "WWW-Authenticate") == "Bearer");
  }

  TEST_CASE("D12 /me with an application token has Graph's message") {
    CHECK(errors::me_requires_delegated().message() ==
          "/me request is only valid with delegated authentication flow.");
  }

  TEST_CASE("D13 unknown_segment has the message real Graph returns") {
    CHECK(errors::unknown_segment("groups").message() ==
          "Resource not found for the segment 'groups'.");
  }

  TEST_CASE(
      "D13 method_not_allowed carries the Allow header it was given, "
      "with HEAD beside GET") {
    auto e = errors::method_not_allowed("GET, POST");
    CHECK(extra_header(e, "Allow") == "GET, HEAD, POST");
    CHECK(e.message().find("GET, HEAD, POST") != std::string::npos);
    CHECK(extra_header(errors::method_not_allowed("POST"), "Allow") == "POST");
  }

  TEST_CASE("D13 allow_with_head adds HEAD after GET, once, and nowhere else") {
    CHECK(gpm::graph::allow_with_head("GET") == "GET, HEAD");
    CHECK(gpm::graph::allow_with_head("GET, PUT") == "GET, HEAD, PUT");
    CHECK(gpm::graph::allow_with_head("PUT,GET") == "PUT, GET, HEAD");
    CHECK(gpm::graph::allow_with_head("GET, HEAD, PUT") == "GET, HEAD, PUT");
    CHECK(gpm::graph::allow_with_head("POST") == "POST");
    CHECK(gpm::graph::allow_with_head("") == "");
  }

  TEST_CASE(
      "x-mock-hint: the catalogue's hints name what to do, and the "
      "body text stays Graph's") {
    auto user = errors::user_not_found("u1");
    CHECK(user.message().find("x-mock") == std::string::npos);
    CHECK(user.hint().find("POST /_mock/users") != std::string::npos);
    CHECK(user.hint().find("--auto-create-users") != std::string::npos);
    auto me = errors::me_not_configured();
    CHECK(me.message() == errors::me_requires_delegated().message());
    CHECK(me.hint().find("--me") != std::string::npos);
    CHECK(errors::me_requires_delegated().hint().empty());
    CHECK(errors::token_hint("strict").find("--auth strict") !=
          std::string::npos);
    CHECK(errors::token_hint("strict").find("/_mock/token") !=
          std::string::npos);
    CHECK(errors::token_hint("permissive").find("--auth off") !=
          std::string::npos);
    CHECK(errors::unknown_control_path_hint().find("GET /_mock/routes") !=
          std::string::npos);
    CHECK(errors::invalid_json_hint(7, 12) ==
          "The JSON parser stopped at byte 7 of the 12-byte body.");
    // with_hint copies; the original keeps none.
    auto plain = errors::bad_request("x");
    auto hinted = plain.with_hint("do y");
    CHECK(plain.hint().empty());
    CHECK(hinted.hint() == "do y");
    CHECK(hinted.message() == "x");
    CHECK(hinted.status() == 400);
  }

  TEST_CASE("D19 payload_too_large names the limit in bytes") {
    CHECK(errors::payload_too_large(2048).message().find("2048") !=
          std::string::npos);
  }

  TEST_CASE("the 500 has a fixed message and no extra headers") {
    auto e = errors::internal();
    CHECK(e.message() == "An internal server error occurred.");
    CHECK(e.headers().empty());
  }

  TEST_CASE(
      "default_code_for_status maps the statuses the HTTP layer raises "
      "to Graph codes") {
    const std::vector<std::pair<int, const char*>> rows = {
        {400, "BadRequest"},
        {401, "InvalidAuthenticationToken"},
        {403, "Forbidden"},
        {404, "UnknownPath"},
        {405, "MethodNotAllowed"},
        {408, "RequestTimeout"},
        {413, "RequestEntityTooLarge"},
        {414, "RequestUriTooLong"},
        {415, "UnsupportedMediaType"},
        {416, "RequestedRangeNotSatisfiable"},
        {417, "ExpectationFailed"},
        {429, "TooManyRequests"},
        {418, "BadRequest"},
        {431, "RequestHeaderFieldsTooLarge"},
        {500, "InternalServerError"},
        {501, "NotImplemented"},
        {502, "InternalServerError"},
        {503, "ServiceUnavailable"},
        {504, "GatewayTimeout"},
    };
    for (const auto& [status, code] : rows) {
      CAPTURE(status);
      CHECK(gpm::graph::default_code_for_status(status) == code);
    }
  }

  TEST_CASE(
      "default_message_for_status is never empty and a 5xx message is "
      "the fixed internal one") {
    for (int status : {400, 404, 408, 413, 414, 415, 416, 417, 431, 500, 503}) {
      CAPTURE(status);
      CHECK_FALSE(gpm::graph::default_message_for_status(status).empty());
    }
    CHECK(gpm::graph::default_message_for_status(500) ==
          errors::internal().message());
    CHECK(gpm::graph::default_message_for_status(502) ==
          errors::internal().message());
  }
}
