// Shared doctest assertions for the conformance cases: the Graph error
// envelope (R6.1, R6.2), the shape of a successful action and of a presence
// body, and the preamble of every mock-only case. Include only from test
// files (it pulls in doctest).
#pragma once

#include <doctest/doctest.h>

#include <regex>
#include <string>
#include <string_view>

#include "client.h"

namespace conformance {

// Media type of a Content-Type value, lower-cased, parameters dropped.
inline std::string media_type(const std::string& content_type) {
  std::string type = lower(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return type;
}

inline const std::string kODataJson =
    "application/json;odata.metadata=minimal;odata.streaming=true;"
    "IEEE754Compatible=false;charset=utf-8";

// R6.1/R6.2: `reply` is a Graph error with `status` (0 = any status >= 400)
// and `code` (empty = any code). Returns error.message ("" when absent).
template <class R>
std::string check_graph_error(const R& reply, int status,
                              std::string_view code = {}) {
  INFO(reply.describe());
  if (status != 0) {
    CHECK(reply.status == status);
  } else {
    CHECK(reply.status >= 400);
  }
  auto ct = reply.headers.find("Content-Type");
  CHECK(ct != reply.headers.end());
  if (ct != reply.headers.end())
    CHECK(media_type(ct->second) == "application/json");
  REQUIRE_MESSAGE(reply.json.has_value(), "error body is not JSON");
  const nlohmann::json& body = *reply.json;
  REQUIRE(body.is_object());
  CHECK(body.size() == 1);
  REQUIRE(body.contains("error"));
  const nlohmann::json& error = body["error"];
  REQUIRE(error.is_object());
  REQUIRE(error.contains("code"));
  REQUIRE(error["code"].is_string());
  REQUIRE(error.contains("message"));
  REQUIRE(error["message"].is_string());
  if (!code.empty()) CHECK(error["code"].template get<std::string>() == code);
  REQUIRE(error.contains("innerError"));
  const nlohmann::json& inner = error["innerError"];
  REQUIRE(inner.is_object());
  REQUIRE(inner.contains("date"));
  REQUIRE(inner["date"].is_string());
  static const std::regex kDate(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})");
  CHECK(std::regex_match(inner["date"].template get<std::string>(), kDate));
  CHECK(reply.headers.find("Date") != reply.headers.end());  // R6.2
  auto rid = reply.headers.find("request-id");
  auto crid = reply.headers.find("client-request-id");
  REQUIRE(rid != reply.headers.end());
  REQUIRE(crid != reply.headers.end());
  REQUIRE(inner.contains("request-id"));
  REQUIRE(inner.contains("client-request-id"));
  CHECK(inner["request-id"] == rid->second);
  CHECK(inner["client-request-id"] == crid->second);
  return error["message"].template get<std::string>();
}

// R3.3.4, R3.4.3, R3.5.4, R3.6.3, R3.7.2: 200 with no body and, per the
// wire contract, no Content-Type.
template <class R>
void check_action_ok(const R& reply) {
  INFO(reply.describe());
  CHECK(reply.status == 200);
  CHECK(reply.body.empty());
  CHECK(reply.headers.find("Content-Type") == reply.headers.end());
}

// R3.1.3: a presence body for `user` with the documented properties.
inline void check_presence_body(const Reply& reply, const std::string& user) {
  INFO(reply.describe());
  REQUIRE(reply.status == 200);
  REQUIRE(reply.json.has_value());
  const nlohmann::json& p = *reply.json;
  REQUIRE(p.is_object());
  REQUIRE(p.contains("id"));
  REQUIRE(p["id"].is_string());
  CHECK(lower(p["id"].get<std::string>()) == lower(user));
  CHECK((p.contains("availability") && p["availability"].is_string()));
  CHECK((p.contains("activity") && p["activity"].is_string()));
  CHECK((p.contains("@odata.context") && p["@odata.context"].is_string()));
  if (p.contains("sequenceNumber")) CHECK(p["sequenceNumber"].is_string());
  if (p.contains("statusMessage")) {
    CHECK((p["statusMessage"].is_null() || p["statusMessage"].is_object()));
  }
}

// Every mock-only case starts from the fixture state (D24 reset).
inline void begin_mock_case() {
  Reply r = reset();
  INFO(r.describe());
  REQUIRE(r.status == 200);
}

inline std::string pair_of(const std::pair<std::string, std::string>& p) {
  return p.first + "/" + p.second;
}

// "Available/Available" as the v1.0 user form reads it now.
inline std::string visible(const std::string& user) {
  return pair_of(availability_activity(user));
}

// ---- Control plane ---------------------------------------------------------

// A control-plane answer: `status`, Content-Type application/json and a JSON
// body, which is returned.
inline nlohmann::json check_control_json(const Reply& reply, int status = 200) {
  INFO(reply.describe());
  REQUIRE(reply.status == status);
  CHECK(media_type(reply.header("Content-Type")) == "application/json");
  REQUIRE_MESSAGE(reply.json.has_value(), "control body is not JSON");
  return *reply.json;
}

// "availability/activity" of a JSON object holding both, else "?".
inline std::string pair_in(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("availability") ||
      !j.contains("activity") || !j["availability"].is_string() ||
      !j["activity"].is_string()) {
    return "?";
  }
  return j["availability"].get<std::string>() + "/" +
         j["activity"].get<std::string>();
}

// The state view of the contract: every key present with its JSON type.
inline void check_state_view_shape(const nlohmann::json& view) {
  INFO(view.dump());
  REQUIRE(view.is_object());
  for (const char* key :
       {"id", "userPrincipalName", "displayName", "presence", "sequenceNumber",
        "sessions", "preferredPresence", "statusMessage", "outOfOfficeSettings",
        "workLocation"}) {
    CHECK_MESSAGE(view.contains(key), key);
  }
  CHECK(view.size() == 10);
  CHECK(view.value("id", nlohmann::json()).is_string());
  CHECK(pair_in(view.value("presence", nlohmann::json())) != "?");
  static const std::regex kSeq(R"(A\d{10})");
  const nlohmann::json seq = view.value("sequenceNumber", nlohmann::json());
  CHECK((seq.is_string() && std::regex_match(seq.get<std::string>(), kSeq)));
  const nlohmann::json sessions = view.value("sessions", nlohmann::json());
  REQUIRE(sessions.is_array());
  for (const nlohmann::json& s : sessions) {
    INFO(s.dump());
    REQUIRE(s.is_object());
    for (const char* key :
         {"sessionId", "kind", "availability", "activity", "setAt", "stage",
          "current", "nextStageAt", "expiresAt"}) {
      CHECK_MESSAGE(s.contains(key), key);
    }
    CHECK(s.size() == 9);
    CHECK(
        (s.value("kind", "") == "app" || s.value("kind", "") == "teamsClient"));
    const std::string stage = s.value("stage", "");
    CHECK((stage == "active" || stage == "inactive" || stage == "away"));
    CHECK(pair_in(s.value("current", nlohmann::json())) != "?");
  }
  const nlohmann::json preferred =
      view.value("preferredPresence", nlohmann::json());
  CHECK((preferred.is_null() || preferred.is_object()));
  const nlohmann::json status = view.value("statusMessage", nlohmann::json());
  CHECK((status.is_null() || status.is_object()));
  CHECK(view.value("outOfOfficeSettings", nlohmann::json()).is_object());
}

// The session `session_id` of a state view, or null.
inline nlohmann::json session_in(const nlohmann::json& view,
                                 const std::string& session_id) {
  if (!view.is_object() || !view.contains("sessions") ||
      !view["sessions"].is_array()) {
    return nullptr;
  }
  for (const nlohmann::json& s : view["sessions"]) {
    if (s.is_object() && s.value("sessionId", "") == session_id) return s;
  }
  return nullptr;
}

// GET {tenant}/_mock/state/{user}, asserted 200 with a JSON body: the view.
inline nlohmann::json state_view(std::string_view tenant,
                                 const std::string& user) {
  return check_control_json(
      control("GET", in_tenant(tenant, "/_mock/state/" + user)));
}

// POST {tenant}/_mock/users with `body` (one user or {"users":[...]}),
// asserted 201.
inline void seed_users(std::string_view tenant, const nlohmann::json& body) {
  check_control_json(control("POST", in_tenant(tenant, "/_mock/users"), body),
                     201);
}

// POST {tenant}/_mock/clock {"advance": duration}, asserted 200.
inline void advance_in(std::string_view tenant, const std::string& duration) {
  check_control_json(control("POST", in_tenant(tenant, "/_mock/clock"),
                             nlohmann::json{{"advance", duration}}));
}

// The tenant's clock now, asserted readable.
inline TimePoint require_now(std::string_view tenant) {
  std::optional<TimePoint> now = tenant_now(tenant);
  REQUIRE_MESSAGE(now.has_value(), "GET /_mock/clock of '" << tenant << "'");
  return *now;
}

}  // namespace conformance
