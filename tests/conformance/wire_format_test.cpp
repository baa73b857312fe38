// The Graph wire format every response shares (graph-presence.md §6) and the
// routing and content decisions D13 and D18.
#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

const std::regex kImfFixdate(
    R"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT)");

std::string set_path(std::string_view version = "v1.0") {
  return presence_path(version, PathForm::Users, options().user) +
         "/setPresence";
}

std::string away_body() {
  return json{{"sessionId", options().app},
              {"availability", "Away"},
              {"activity", "Away"}}
      .dump();
}

// A sample of replies: JSON success, empty action success, 404 error, 400
// error, 401 error.
std::vector<std::pair<std::string, Reply>> sample_replies(
    const Headers& extra) {
  std::vector<std::pair<std::string, Reply>> out;
  out.emplace_back("GET presence", get_presence("v1.0", PathForm::Users,
                                                options().user, extra));
  out.emplace_back(
      "clearUserPreferredPresence",
      request("POST",
              presence_path("beta", PathForm::Users, options().user) +
                  "/clearUserPreferredPresence",
              "{}", extra));
  out.emplace_back("missing session",
                   clear_presence("v1.0", PathForm::Users, options().user,
                                  random_guid(), extra));
  out.emplace_back("bad body",
                   request("POST", set_path(), std::string("{"), extra));
  out.emplace_back(
      "no token",
      request("GET", presence_path("v1.0", PathForm::Users, options().user),
              std::nullopt, extra, Auth::None));
  return out;
}

}  // namespace

TEST_CASE(
    "R6.2 every response carries request-id; client-request-id equals it when "
    "the caller sent none") {
  for (auto& [what, r] : sample_replies({})) {
    INFO(what << ": " << r.describe());
    CHECK(r.status != 0);
    CHECK(is_guid(r.header("request-id")));
    CHECK(r.header("client-request-id") == r.header("request-id"));
  }
}

TEST_CASE(
    "R6.2 client-request-id echoes the caller's header on successes and "
    "errors") {
  for (const std::string& sent : {random_guid(), std::string("my-trace-42")}) {
    for (auto& [what, r] :
         sample_replies(Headers{{"client-request-id", sent}})) {
      INFO(what << ": " << r.describe());
      CHECK(r.header("client-request-id") == sent);
      CHECK(is_guid(r.header("request-id")));
      if (r.status >= 400 && r.json) {
        CHECK((*r.json)["error"]["innerError"]["client-request-id"] == sent);
      }
    }
  }
}

TEST_CASE("R6.2 each response gets its own request-id") {
  Reply a = get_presence("v1.0", PathForm::Users, options().user);
  Reply b = get_presence("v1.0", PathForm::Users, options().user);
  CHECK(a.header("request-id") != b.header("request-id"));
}

TEST_CASE("R6.2 every response carries a Date header in IMF-fixdate form") {
  for (auto& [what, r] : sample_replies({})) {
    INFO(what << ": Date '" << r.header("Date") << "'");
    CHECK(std::regex_match(r.header("Date"), kImfFixdate));
  }
}

TEST_CASE(
    "R6.1 every error is the Graph envelope with Content-Type application/json "
    "and a matching innerError") {
  for (auto& [what, r] : sample_replies({})) {
    if (r.status < 400) continue;
    INFO(what);
    check_graph_error(r, 0);
  }
}

TEST_CASE(
    "R6.3 JSON successes use the OData Content-Type, OData-Version 4.0 and "
    "carry @odata.context") {
  for (auto version : kVersions) {
    for (PathForm form : kPathForms) {
      INFO(version << " " << to_string(form));
      Reply r = get_presence(version, form, options().user);
      CHECK(r.status == 200);
      CHECK(r.header("Content-Type") == kODataJson);
      CHECK(r.header("OData-Version") == "4.0");
      REQUIRE(r.json.has_value());
      CHECK((*r.json).contains("@odata.context"));
    }
  }
}

TEST_CASE(
    "R3.3.4 a successful action is 200 with no body, Content-Length 0 and no "
    "Content-Type") {
  Reply set = request("POST", set_path(), away_body());
  check_action_ok(set);
  CHECK(set.header("Content-Length") == "0");
  CHECK(is_guid(set.header("request-id")));
  Reply clear =
      clear_presence("beta", PathForm::Users, options().user, options().app);
  check_action_ok(clear);
  CHECK(clear.header("Content-Length") == "0");
}

TEST_CASE("R6 request header names are case-insensitive") {
  const std::string id = random_guid();
  Reply r = request("POST", set_path(), away_body(),
                    Headers{{"authorization", "Bearer " + options().token},
                            {"CONTENT-TYPE", "application/json"},
                            {"Client-Request-ID", id}},
                    Auth::None);
  check_action_ok(r);
  CHECK(r.header("client-request-id") == id);
  Reply g = request(
      "GET", presence_path("v1.0", PathForm::Users, options().user),
      std::nullopt, Headers{{"AUTHORIZATION", "Bearer " + options().token}},
      Auth::None);
  CHECK(g.status == 200);
  check_action_ok(
      clear_presence("v1.0", PathForm::Users, options().user, options().app));
}

TEST_CASE(
    "D18 a POST with Content-Type application/json and a zero-length body is "
    "accepted for clearUserPreferredPresence") {
  for (auto version : kVersions) {
    INFO(version);
    Reply r =
        request("POST",
                presence_path(version, PathForm::Users, options().user) +
                    "/clearUserPreferredPresence",
                std::string(), Headers{{"Content-Type", "application/json"}});
    check_action_ok(r);
  }
}

TEST_CASE("D18 application/json with parameters and in any case is accepted") {
  for (const char* type :
       {"application/json; charset=utf-8",
        "application/json;odata.metadata=minimal", "Application/JSON"}) {
    INFO(std::string(type));
    check_action_ok(request("POST", set_path(), away_body(),
                            Headers{{"Content-Type", type}}));
  }
  check_action_ok(
      clear_presence("v1.0", PathForm::Users, options().user, options().app));
}

TEST_SUITE("mock-only") {
  TEST_CASE(
      "D18 a body with another Content-Type is 415 UnsupportedMediaType and "
      "changes nothing") {
    begin_mock_case();
    const json before = presence_state(options().user);
    for (const char* type :
         {"text/plain", "application/xml", "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x"}) {
      INFO(std::string(type));
      check_graph_error(request("POST", set_path(), away_body(),
                                Headers{{"Content-Type", type}}),
                        415, "UnsupportedMediaType");
    }
    CHECK(presence_state(options().user) == before);
  }

  TEST_CASE(
      "D18 a Content-Encoding other than identity or gzip is 415 "
      "UnsupportedMediaType; identity is fine") {
    begin_mock_case();
    const json before = presence_state(options().user);
    for (const char* encoding : {"deflate", "br", "compress"}) {
      INFO(std::string(encoding));
      check_graph_error(request("POST", set_path(), away_body(),
                                Headers{{"Content-Encoding", encoding}}),
                        415, "UnsupportedMediaType");
    }
    CHECK(presence_state(options().user) == before);
    check_action_ok(request("POST", set_path(), away_body(),
                            Headers{{"Content-Encoding", "identity"}}));
    CHECK(visible(options().user) == "Away/Away");
  }

  TEST_CASE(
      "D13 a wrong method on a presence is 405 MethodNotAllowed with Allow: "
      "GET") {
    begin_mock_case();
    for (auto version : kVersions) {
      for (PathForm form : kPathForms) {
        for (const char* method : {"POST", "PATCH", "PUT", "DELETE"}) {
          INFO(std::string(method) << " " << version << " " << to_string(form));
          Reply r =
              request(method, presence_path(version, form, options().user),
                      std::string("{}"));
          check_graph_error(r, 405, "MethodNotAllowed");
          CHECK(r.header("Allow").find("GET") != std::string::npos);
        }
      }
    }
    CHECK(visible(options().user) == "Offline/Offline");
  }

  TEST_CASE(
      "D13 a wrong method on an action is 405 MethodNotAllowed with Allow: "
      "POST") {
    begin_mock_case();
    for (auto version : kVersions) {
      std::vector<std::string> paths = {"/" + std::string(version) +
                                        "/communications/getPresencesByUserId"};
      for (PathForm form : kPathForms) {
        for (const char* action :
             {"setPresence", "clearPresence", "setUserPreferredPresence",
              "clearUserPreferredPresence", "setStatusMessage"}) {
          paths.push_back(presence_path(version, form, options().user) + "/" +
                          action);
        }
      }
      for (const std::string& path : paths) {
        for (const char* method : {"GET", "PUT", "PATCH", "DELETE"}) {
          INFO(std::string(method) << " " << path);
          std::optional<std::string> body;
          if (std::string(method) != "GET") body = "{}";
          Reply r = request(method, path, body);
          check_graph_error(r, 405, "MethodNotAllowed");
          CHECK(r.header("Allow") == "POST");
        }
      }
    }
  }

  TEST_CASE(
      "D13 an unknown segment under a version root is 400 'Resource not found "
      "for the segment'") {
    begin_mock_case();
    struct Case {
      std::string path;
      std::string segment;
    };
    for (auto version : kVersions) {
      const std::string root = "/" + std::string(version);
      for (const Case& c :
           {Case{root + "/presences", "presences"},
            Case{root + "/groups/x", "groups"},
            Case{root + "/users/" + options().user + "/mailboxSettings",
                 "mailboxSettings"},
            Case{root + "/users/" + options().user + "/presence/doNothing",
                 "doNothing"},
            Case{root + "/communications/calls", "calls"}}) {
        INFO(c.path);
        Reply r = request("GET", c.path);
        CHECK(check_graph_error(r, 400, "BadRequest") ==
              "Resource not found for the segment '" + c.segment + "'.");
      }
    }
  }

  TEST_CASE(
      "D13 any other unknown path is 404 UnknownPath in the Graph envelope") {
    begin_mock_case();
    for (const char* path :
         {"/", "/v2.0/me/presence", "/favicon.ico", "/presence", "/V1"}) {
      for (const char* method : {"GET", "POST"}) {
        INFO(std::string(method) << " " << path);
        std::optional<std::string> body;
        if (std::string(method) == "POST") body = "{}";
        check_graph_error(request(method, path, body), 404, "UnknownPath");
      }
    }
  }

  TEST_CASE(
      "D20 the Date header and innerError.date come from the mock clock") {
    begin_mock_case();
    REQUIRE(advance_clock("P3DT4H5M6S").status == 200);
    auto now = clock_now();
    REQUIRE(now.has_value());
    Reply r =
        clear_presence("v1.0", PathForm::Users, options().user, random_guid());
    check_graph_error(r, 404);
    REQUIRE(r.json.has_value());
    CHECK((*r.json)["error"]["innerError"]["date"] == format_local(*now));
    // IMF-fixdate of the same instant.
    const std::string local = format_local(*now);  // YYYY-MM-DDTHH:MM:SS
    const std::string date = r.header("Date");
    CHECK(date.find(local.substr(11) + " GMT") != std::string::npos);
    CHECK(date.find(local.substr(0, 4)) != std::string::npos);
  }

}  // TEST_SUITE
