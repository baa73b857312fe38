// Hostile input (D1, D18, D19 and the wire contract's 414): each case must
// get a prompt Graph error, leave the server serving, and leave the state
// exactly as it was. Mock-only: raw sockets need plain HTTP to the mock.
#include "checks.h"

using namespace conformance;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kMiB = 1024 * 1024;

// Puts the user in a non-trivial state (a session and a status message) and
// remembers the presence body, sequenceNumber included.
struct Baseline {
  json before;
  Baseline() {
    begin_mock_case();
    check_action_ok(set_presence("v1.0", PathForm::Users, options().user,
                                 options().app, "Busy", "InACall", "PT4H"));
    check_action_ok(set_status_message(
        "v1.0", PathForm::Users, options().user,
        {{"message", {{"content", "baseline"}, {"contentType", "text"}}}}));
    before = presence_state(options().user);
    REQUIRE(before.is_object());
  }
  // The server still answers, and nothing changed.
  void check_unchanged() const {
    Reply r = get_presence("v1.0", PathForm::Users, options().user);
    INFO("follow-up GET: " << r.describe());
    REQUIRE(r.status == 200);
    CHECK(presence_state(options().user) == before);
  }
};

std::string auth_line() {
  return "Authorization: Bearer " + options().token + "\r\n";
}

std::string set_path() {
  return presence_path("v1.0", PathForm::Users, options().user) +
         "/setPresence";
}

std::string by_ids_path() {
  return "/v1.0/communications/getPresencesByUserId";
}

std::string nested(std::size_t depth, const std::string& open,
                   const std::string& close) {
  std::string out;
  out.reserve(depth * (open.size() + close.size()));
  for (std::size_t i = 0; i < depth; ++i) out += open;
  for (std::size_t i = 0; i < depth; ++i) out += close;
  return out;
}

// Sends headers, then (unless the server already answered) the body in 64 KiB
// pieces, stopping early if a reply arrives; then reads the reply.
RawReply send_streaming(const std::string& head, const std::string& body,
                        bool chunked) {
  RawConnection conn;
  if (!conn.connected()) {
    RawReply r;
    r.error = conn.error();
    return r;
  }
  if (!conn.send_all(head) || conn.readable(300ms))
    return conn.read_reply(5000ms);
  constexpr std::size_t kPiece = 64 * 1024;
  for (std::size_t at = 0; at < body.size(); at += kPiece) {
    std::string_view piece = std::string_view(body).substr(at, kPiece);
    std::string wire;
    if (chunked) {
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
      wire = size + std::string(piece) + "\r\n";
    } else {
      wire = std::string(piece);
    }
    if (!conn.send_all(wire) || conn.readable(0ms))
      return conn.read_reply(5000ms);
  }
  if (chunked) conn.send_all("0\r\n\r\n");
  return conn.read_reply(5000ms);
}

}  // namespace

TEST_SUITE("mock-only") {
  TEST_CASE(
      "D1 invalid UTF-8 in a request body is 400 BadRequest, never a 500 or a "
      "broken body") {
    Baseline baseline;
    const std::string app = options().app;
    const std::string bodies[] = {
        "{\"sessionId\":\"\xff\xfe\",\"availability\":\"Available\","
        "\"activity\":\"Available\"}",
        "{\"sessionId\":\"" + app +
            "\",\"availability\":\"Avail\xc3"
            "able\",\"activity\":\"Available\"}",
        "{\"sessionId\":\"" + app +
            "\",\"availability\":\"\xc0\xaf\",\"activity\":\"Available\"}",
        "{\"sessionId\":\"" + app +
            "\",\"availability\":\"\\ud800\",\"activity\":\"Available\"}",
        "{\"sessionId\":\"" + app +
            "\",\"availability\":\"Available\",\"activity\":\"Available\","
            "\"\xff\":1}",
    };
    for (const std::string& body : bodies) {
      INFO(body);
      check_graph_error(request("POST", set_path(), body), 400, "BadRequest");
    }
    // Free text is no exception: a status message with invalid UTF-8.
    check_graph_error(
        request("POST",
                presence_path("v1.0", PathForm::Users, options().user) +
                    "/setStatusMessage",
                std::string("{\"statusMessage\":{\"message\":{\"content\":"
                            "\"bad \xed\xa0\x80 bytes\","
                            "\"contentType\":\"text\"}}}")),
        400, "BadRequest");
    check_graph_error(
        request("POST", by_ids_path(), std::string("{\"ids\":[\"\xfe\xff\"]}")),
        400, "BadRequest");
    baseline.check_unchanged();
  }

  TEST_CASE(
      "Hostile: percent-encoded invalid UTF-8 (%FF) in the path is a Graph "
      "error") {
    Baseline baseline;
    for (const std::string& path :
         {std::string("/v1.0/users/%FF%FE/presence"),
          std::string("/beta/communications/presences/%C0%AF"),
          std::string("/v1.0/%FF"),
          std::string("/v1.0/users/%FF/presence/setPresence"),
          std::string("/%FF%FE"),
          std::string("/v1.0/users/") + options().user + "/presence/%FF",
          std::string("/v1.0/users/%00/presence"),
          std::string("/v1.0/users/a%2Fb/presence"),
          std::string("/v1.0/users/%/presence"), std::string("/v1.0/%E2%82")}) {
      INFO(path);
      std::optional<std::string> body;
      if (path.find("setPresence") != std::string::npos) body = "{}";
      check_graph_error(request(body ? "POST" : "GET", path, body), 0);
    }
    baseline.check_unchanged();
  }

  TEST_CASE(
      "Hostile: raw invalid UTF-8 bytes in the request target are a Graph "
      "error") {
    Baseline baseline;
    for (const std::string& target :
         {std::string("/v1.0/users/\xff\xfe/presence"),
          std::string("/v1.0/\xff\xfe"),
          std::string("/beta/communications/presences/\xc3\x28"),
          std::string("/\xff"),
          "/v1.0/users/" + options().user + "/presence/\xe2\x82"}) {
      INFO(target);
      RawReply r =
          raw_exchange("GET " + target + " HTTP/1.1\r\n" + host_header() +
                       auth_line() + "Connection: close\r\n\r\n");
      check_graph_error(r, 0);
    }
    baseline.check_unchanged();
  }

  TEST_CASE(
      "R6.2 a client-request-id with invalid UTF-8 or 30,000 characters still "
      "gets a valid Graph error body") {
    Baseline baseline;
    for (const std::string& id :
         {std::string("\xff\xfe\xc0\xaf"), std::string(30000, 'c')}) {
      INFO("client-request-id of " << id.size() << " bytes");
      RawReply r = raw_exchange(
          "POST " + presence_path("v1.0", PathForm::Users, options().user) +
          "/clearPresence HTTP/1.1\r\n" + host_header() + auth_line() +
          "client-request-id: " + id +
          "\r\nContent-Type: application/json\r\nContent-Length: 17\r\n"
          "Connection: close\r\n\r\n{\"sessionId\":\"x\"}");
      check_graph_error(r, 0);
    }
    baseline.check_unchanged();
  }

  TEST_CASE(
      "Hostile: a 30,000-character id in the path is a Graph error and the "
      "server keeps serving") {
    Baseline baseline;
    const std::string long_id(30000, 'a');
    for (const std::string& path :
         {"/v1.0/users/" + long_id + "/presence",
          "/beta/communications/presences/" + long_id}) {
      Reply r = request("GET", path);
      INFO(r.describe());
      CHECK((r.status == 414 || r.status == 400 || r.status == 404));
      check_graph_error(r, 0);
      RawReply raw =
          raw_exchange("GET " + path + " HTTP/1.1\r\n" + host_header() +
                       auth_line() + "Connection: close\r\n\r\n");
      CHECK((raw.status == 414 || raw.status == 400 || raw.status == 404));
      check_graph_error(raw, 0);
      baseline.check_unchanged();
    }
  }

  TEST_CASE(
      "Contract: a request target over 8192 bytes is 414 RequestUriTooLong") {
    Baseline baseline;
    Reply r =
        request("GET", "/v1.0/users/" + std::string(9000, 'b') + "/presence");
    check_graph_error(r, 414, "RequestUriTooLong");
    baseline.check_unchanged();
  }

  TEST_CASE(
      "D1 a 30,000-character string in a body is a Graph error and changes "
      "nothing") {
    Baseline baseline;
    const std::string big(30000, 'x');
    check_graph_error(set_presence("v1.0", PathForm::Users, options().user,
                                   options().app, big, "Available"),
                      400, "BadRequest");
    check_graph_error(
        set_presence("v1.0", PathForm::Users, options().user, options().app,
                     "Available", "Available", "PT" + big + "M"),
        400, "BadRequest");
    check_graph_error(
        clear_presence("v1.0", PathForm::Users, options().user, big), 0);
    check_graph_error(get_presences_by_user_id("v1.0", json{{"ids", {big}}}),
                      400, "BadRequest");
    baseline.check_unchanged();
  }

  TEST_CASE(
      "D1 JSON nested 100,000 deep is 400 BadRequest and the server survives") {
    Baseline baseline;
    const std::size_t depth = 100000;
    const std::string bodies[] = {
        nested(depth, "[", "]"),
        nested(depth, "{\"a\":", "}"),
        "{\"sessionId\":\"" + options().app + "\",\"availability\":" +
            nested(depth, "[", "]") + ",\"activity\":\"Available\"}",
    };
    for (const std::string& body : bodies) {
      INFO(body.substr(0, 40));
      check_graph_error(request("POST", set_path(), body), 400, "BadRequest");
    }
    check_graph_error(request("POST", by_ids_path(),
                              "{\"ids\":" + nested(depth, "[", "]") + "}"),
                      400, "BadRequest");
    baseline.check_unchanged();
  }

  TEST_CASE(
      "D1 a 100,000-deep JSON value in any parameter of any action is 400 "
      "BadRequest") {
    Baseline baseline;
    const std::string deep = nested(100000, "[", "]");
    const std::string app = "\"" + options().app + "\"";
    const std::string p =
        presence_path("v1.0", PathForm::Users, options().user);
    struct Case {
      std::string action;
      std::string body;
    };
    const Case cases[] = {
        {"/setPresence",
         "{\"sessionId\":" + deep +
             ",\"availability\":\"Away\",\"activity\":\"Away\"}"},
        {"/setPresence", "{\"sessionId\":" + app +
                             ",\"availability\":\"Away\",\"activity\":" + deep +
                             "}"},
        {"/setPresence", "{\"sessionId\":" + app +
                             ",\"availability\":\"Away\",\"activity\":\"Away\","
                             "\"expirationDuration\":" +
                             deep + "}"},
        {"/clearPresence", "{\"sessionId\":" + deep + "}"},
        {"/setUserPreferredPresence",
         "{\"availability\":" + deep + ",\"activity\":\"Away\"}"},
        {"/setUserPreferredPresence",
         "{\"availability\":\"Away\",\"activity\":\"Away\","
         "\"expirationDuration\":" +
             deep + "}"},
        {"/setStatusMessage", "{\"statusMessage\":" + deep + "}"},
        {"/setStatusMessage", "{\"statusMessage\":{\"message\":" + deep + "}}"},
        {"/setStatusMessage", "{\"statusMessage\":{\"message\":{\"content\":" +
                                  deep + ",\"contentType\":\"text\"}}}"},
        {"/setStatusMessage",
         "{\"statusMessage\":{\"message\":{\"content\":\"x\",\"contentType\":" +
             deep + "}}}"},
        {"/setStatusMessage",
         "{\"statusMessage\":{\"message\":{\"content\":\"x\"},"
         "\"expiryDateTime\":" +
             deep + "}}"},
        {"/setStatusMessage",
         "{\"statusMessage\":{\"message\":{\"content\":\"x\"},"
         "\"expiryDateTime\":{\"dateTime\":" +
             deep + ",\"timeZone\":\"UTC\"}}}"},
        {"/setStatusMessage",
         "{\"statusMessage\":{\"message\":{\"content\":\"x\"},"
         "\"expiryDateTime\":{\"dateTime\":"
         "\"2099-01-01T00:00:00\",\"timeZone\":" +
             deep + "}}}"},
    };
    for (const Case& c : cases) {
      INFO(c.action << " " << c.body.substr(0, 90));
      check_graph_error(request("POST", p + c.action, c.body), 400,
                        "BadRequest");
      // Find the culprit at once if the server died.
      REQUIRE(get_presence("v1.0", PathForm::Users, options().user).status ==
              200);
    }
    // clearUserPreferredPresence ignores its body's members, but must survive
    // them.
    Reply r = request("POST", p + "/clearUserPreferredPresence",
                      "{\"x\":" + deep + "}");
    CHECK((r.status == 200 || r.status == 400));
    baseline.check_unchanged();
  }

  TEST_CASE(
      "a request the HTTP layer refuses ends its connection, so its unread "
      "rest is never read as the next request") {
    // An unknown method is refused before the headers and body are read;
    // kept open, the connection would parse those leftovers as the next
    // request and answer a well-formed one with 400 (found by schemathesis).
    RawConnection conn;
    REQUIRE(conn.connected());
    REQUIRE(conn.send_all(
        "QUERY /_mock/health HTTP/1.1\r\n" + host_header() +
        "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"));
    RawReply refused = conn.read_reply(3000ms);
    INFO(refused.describe());
    check_graph_error(refused, 400, "BadRequest");
    auto connection = refused.headers.find("Connection");
    REQUIRE(connection != refused.headers.end());
    CHECK(connection->second == "close");
    // Whatever the server does with more bytes, it never answers them as a
    // request: the connection is closed.
    conn.send_all("GET /_mock/health HTTP/1.1\r\n" + host_header() + "\r\n");
    RawReply next = conn.read_reply(3000ms);
    INFO(next.describe());
    CHECK(next.status == 0);
  }

  TEST_CASE(
      "D18 a POST with neither Content-Length nor chunking is answered at once "
      "as an empty body") {
    Baseline baseline;
    struct Case {
      std::string path;
      int status;
      const char* content_type;
    };
    const std::string p =
        presence_path("v1.0", PathForm::Users, options().user);
    for (const Case& c :
         {Case{p + "/clearUserPreferredPresence", 200, nullptr},
          Case{p + "/clearUserPreferredPresence", 200, "application/json"},
          Case{set_path(), 400, nullptr},
          Case{p + "/clearPresence", 400, "application/json"}}) {
      INFO(c.path << " content-type "
                  << (c.content_type ? c.content_type : "none"));
      RawConnection conn;
      REQUIRE(conn.connected());
      std::string head =
          "POST " + c.path + " HTTP/1.1\r\n" + host_header() + auth_line();
      if (c.content_type)
        head += std::string("Content-Type: ") + c.content_type + "\r\n";
      head += "\r\n";
      // The connection stays open: the server must not wait for EOF.
      const auto start = std::chrono::steady_clock::now();
      REQUIRE(conn.send_all(head));
      RawReply r = conn.read_reply(4000ms);
      const auto elapsed = std::chrono::steady_clock::now() - start;
      INFO(r.describe());
      CHECK(r.status == c.status);
      CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed)
                .count() < 2000);
      if (c.status == 200) {
        CHECK(r.body.empty());
      } else {
        check_graph_error(r, c.status, "BadRequest");
      }
    }
    baseline.check_unchanged();
  }

  TEST_CASE("D18 D19 a small chunked body is read like any other") {
    Baseline baseline;
    const std::string body = json{{"ids", {options().user}}}.dump();
    RawReply r = send_streaming(
        "POST " + by_ids_path() + " HTTP/1.1\r\n" + host_header() +
            auth_line() +
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
            "Connection: close\r\n\r\n",
        body, /*chunked=*/true);
    INFO(r.describe());
    CHECK(r.status == 200);
    REQUIRE(r.json.has_value());
    CHECK((*r.json)["value"].size() == 1);
    baseline.check_unchanged();
  }

  TEST_CASE("D19 a chunked body over 1 MiB is 413 RequestEntityTooLarge") {
    Baseline baseline;
    std::string body =
        "{\"ids\":[\"" + options().user + "\"]" + std::string(kMiB, ' ') + "}";
    RawReply r = send_streaming(
        "POST " + by_ids_path() + " HTTP/1.1\r\n" + host_header() +
            auth_line() +
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
            "Connection: close\r\n\r\n",
        body, /*chunked=*/true);
    check_graph_error(r, 413, "RequestEntityTooLarge");
    baseline.check_unchanged();
  }

  TEST_CASE(
      "D19 a Content-Length body over 1 MiB is 413 RequestEntityTooLarge; "
      "exactly 1 MiB is fine") {
    Baseline baseline;
    const std::string prefix = "{\"ids\":[\"" + options().user + "\"]";
    auto padded = [&](std::size_t total) {
      return prefix + std::string(total - prefix.size() - 1, ' ') + "}";
    };
    const std::string over = padded(kMiB + 1);
    RawReply r = send_streaming(
        "POST " + by_ids_path() + " HTTP/1.1\r\n" + host_header() +
            auth_line() + "Content-Type: application/json\r\nContent-Length: " +
            std::to_string(over.size()) + "\r\nConnection: close\r\n\r\n",
        over, /*chunked=*/false);
    check_graph_error(r, 413, "RequestEntityTooLarge");
    baseline.check_unchanged();

    Reply fits = request("POST", by_ids_path(), padded(kMiB));
    INFO(fits.describe());
    CHECK(fits.status == 200);
    // The same through httplib's own client, which sends the body at once.
    check_graph_error(request("POST", by_ids_path(), over), 413,
                      "RequestEntityTooLarge");
    baseline.check_unchanged();
  }

  TEST_CASE(
      "D18 text/plain bodies are 415, a truncated gzip body 400, and the "
      "server keeps serving") {
    Baseline baseline;
    const std::string body = json{
        {"sessionId", options().app},
        {"availability", "Away"},
        {"activity", "Away"}}.dump();
    check_graph_error(request("POST", set_path(), body,
                              Headers{{"Content-Type", "text/plain"}}),
                      415, "UnsupportedMediaType");
    // A body with no Content-Type at all is not JSON either.
    RawReply raw = raw_exchange(
        "POST " + set_path() + " HTTP/1.1\r\n" + host_header() + auth_line() +
        "Content-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body);
    check_graph_error(raw, 415, "UnsupportedMediaType");
    // gzip magic and some bytes, without the trailer: a truncated stream.
    const std::string gz(
        "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xab\xae\x05\x00", 14);
    check_graph_error(
        request("POST", set_path(), gz, Headers{{"Content-Encoding", "gzip"}}),
        400, "BadRequest");
    baseline.check_unchanged();
  }

  TEST_CASE(
      "Hostile: a garbage request line gets an answer or a clean close, and "
      "the server keeps serving") {
    Baseline baseline;
    for (const std::string& bytes :
         {std::string("NOT HTTP AT ALL\r\n\r\n"), std::string("GET\r\n\r\n"),
          std::string("GET / HTTP/9.9\r\n\r\n")}) {
      RawReply r = raw_exchange(bytes, 3000ms);
      INFO(r.describe());
      CHECK(r.error != "timed out");
      if (r.status != 0) CHECK(r.status >= 400);
    }
    baseline.check_unchanged();
  }

}  // TEST_SUITE
