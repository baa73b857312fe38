// Strict auth mode on the wire (R5.1-R5.5, D2, D6, D12, D21,
// D24, D25): the whole permission matrix per operation, delegated vs
// application, own vs other user, and every way a token is refused. Needs a
// mock started with `--auth strict --strict-session-id --clock manual
// --fixtures fixtures/default.json`; the suite runs with --auth strict
// (main.cpp), which selects these cases only. Tokens come from the mock's
// own /_mock/token and OAuth endpoints. Each case works in a tenant of its
// own, so moving its clock touches no other case.
#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

const char* const kApp = "22553876-f5ab-4529-bffb-cfe50aa89f87";
// The application fixtures/default.json registers for client credentials.
const char* const kClientId = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const char* const kClientSecret = "mock-client-secret";

const std::string& own() { return options().user; }
const std::string& other() { return options().other_user; }

// POST /tenants/{tenant}/_mock/token with `request`; the reply.
Reply mint_reply(const std::string& tenant, const json& request) {
  return control("POST", in_tenant(tenant, "/_mock/token"), request);
}

std::string mint(const std::string& tenant, const json& request) {
  Reply r = mint_reply(tenant, request);
  INFO(r.describe());
  REQUIRE(r.status == 200);
  REQUIRE(r.json);
  REQUIRE((*r.json)["access_token"].is_string());
  return (*r.json)["access_token"].get<std::string>();
}

std::string delegated(const std::string& tenant, const std::string& scopes,
                      const std::string& user = options().user) {
  return mint(tenant, {{"userId", user}, {"appId", kApp}, {"scopes", scopes}});
}

std::string application(const std::string& tenant, const json& roles) {
  return mint(tenant, {{"appId", kApp}, {"roles", roles}});
}

enum class Op {
  Get,
  GetByIds,
  SetPresence,
  ClearPresence,
  SetPreferred,
  ClearPreferred,
  SetStatusMessage,
  SetManualLocation,
  SetAutomaticLocation,
  ClearAutomaticLocation,
  ClearLocation,
};

constexpr Op kAllOps[] = {Op::Get,
                          Op::GetByIds,
                          Op::SetPresence,
                          Op::ClearPresence,
                          Op::SetPreferred,
                          Op::ClearPreferred,
                          Op::SetStatusMessage,
                          Op::SetManualLocation,
                          Op::SetAutomaticLocation,
                          Op::ClearAutomaticLocation,
                          Op::ClearLocation};

const char* name(Op op) {
  switch (op) {
    case Op::Get:
      return "getPresence";
    case Op::GetByIds:
      return "getPresencesByUserId";
    case Op::SetPresence:
      return "setPresence";
    case Op::ClearPresence:
      return "clearPresence";
    case Op::SetPreferred:
      return "setUserPreferredPresence";
    case Op::ClearPreferred:
      return "clearUserPreferredPresence";
    case Op::SetStatusMessage:
      return "setStatusMessage";
    case Op::SetManualLocation:
      return "setManualLocation";
    case Op::SetAutomaticLocation:
      return "setAutomaticLocation";
    case Op::ClearAutomaticLocation:
      return "clearAutomaticLocation";
    case Op::ClearLocation:
      return "clearLocation";
  }
  return "";
}

bool is_location(Op op) {
  return op == Op::SetManualLocation || op == Op::SetAutomaticLocation ||
         op == Op::ClearAutomaticLocation || op == Op::ClearLocation;
}

std::optional<json> body_of(Op op, const std::string& user) {
  switch (op) {
    case Op::Get:
      return std::nullopt;
    case Op::GetByIds:
      return json{{"ids", {user}}};
    case Op::SetPresence:
      return json{{"sessionId", kApp},
                  {"availability", "Busy"},
                  {"activity", "InACall"},
                  {"expirationDuration", "PT1H"}};
    case Op::ClearPresence:
      return json{{"sessionId", kApp}};
    case Op::SetPreferred:
      return json{{"availability", "DoNotDisturb"},
                  {"activity", "DoNotDisturb"}};
    case Op::ClearPreferred:
      return json::object();
    case Op::SetStatusMessage:
      return json{
          {"statusMessage",
           {{"message", {{"content", "strict"}, {"contentType", "text"}}}}}};
    case Op::SetManualLocation:
      return json{{"workLocationType", "office"}};
    case Op::SetAutomaticLocation:
      return json{{"workLocationType", "remote"}};
    case Op::ClearAutomaticLocation:
    case Op::ClearLocation:
      return std::nullopt;
  }
  return std::nullopt;
}

// Runs `op` in `tenant` through the path `form` (the user form names
// `user`; /me is whoever the token names) with `token`.
Reply call(const std::string& tenant, Op op, std::string_view version,
           PathForm form, const std::string& user, const std::string& token) {
  std::string path =
      op == Op::GetByIds
          ? "/" + std::string(version) + "/communications/getPresencesByUserId"
          : presence_path(version, form, user);
  if (op != Op::Get && op != Op::GetByIds) path += std::string("/") + name(op);
  std::optional<json> body = body_of(op, user);
  std::optional<std::string> text;
  if (body) text = body->dump();
  return request(op == Op::Get ? "GET" : "POST", in_tenant(tenant, path), text,
                 bearer(token));
}

// The success status of each operation (R3.x, R3.8.3).
int success_status(Op op) { return is_location(op) ? 204 : 200; }

void check_allowed(const std::string& tenant, Op op, std::string_view version,
                   PathForm form, const std::string& user,
                   const std::string& token) {
  if (op == Op::ClearPresence) {
    // The session to clear, set with the same token.
    Reply set = call(tenant, Op::SetPresence, version, form, user, token);
    INFO("setPresence before clearPresence: " << set.describe());
    REQUIRE(set.status == 200);
  }
  Reply r = call(tenant, op, version, form, user, token);
  INFO(r.describe());
  CHECK(r.status == success_status(op));
}

void check_forbidden(const std::string& tenant, Op op, std::string_view version,
                     PathForm form, const std::string& user,
                     const std::string& token) {
  Reply r = call(tenant, op, version, form, user, token);
  check_graph_error(r, 403, "Forbidden");
  CHECK_FALSE(r.has_header("WWW-Authenticate"));
}

void check_401(const Reply& r, const std::string& message) {
  CHECK(check_graph_error(r, 401, "InvalidAuthenticationToken") == message);
  CHECK(r.header("WWW-Authenticate") == "Bearer");
}

std::string with_flipped_signature(const std::string& token) {
  std::string t = token;
  size_t i = t.rfind('.') + 5;
  t[i] = t[i] == 'A' ? 'B' : 'A';
  return t;
}

// base64url (RFC 4648 §5) back to bytes; "" on a bad character.
std::string b64url_decode(std::string_view in) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '-'             ? 62
            : c == '_'             ? 63
                                   : -1;
    if (v < 0) return {};
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

std::string instant_plus(const std::string& tenant, std::chrono::seconds d) {
  auto now = tenant_now(tenant);
  REQUIRE(now);
  return format_instant(*now + d);
}

}  // namespace

TEST_SUITE("strict-auth") {
  TEST_CASE(
      "R5.1 D6 delegated Presence.Read: own presence only, no E2, no writes") {
    const std::string t = unique_tenant("strict");
    const std::string token = delegated(t, "Presence.Read");
    for (auto version : kVersions) {
      INFO(version);
      check_allowed(t, Op::Get, version, PathForm::Me, own(), token);
      check_allowed(t, Op::Get, version, PathForm::Users, own(), token);
      check_allowed(t, Op::Get, version, PathForm::Communications, own(),
                    token);
      check_forbidden(t, Op::Get, version, PathForm::Users, other(), token);
      check_forbidden(t, Op::Get, version, PathForm::Communications, other(),
                      token);
      check_forbidden(t, Op::GetByIds, version, PathForm::Users, own(), token);
      for (Op op : kAllOps) {
        if (op == Op::Get || op == Op::GetByIds) continue;
        INFO(name(op));
        check_forbidden(t, op, version, PathForm::Me, own(), token);
        check_forbidden(t, op, version, PathForm::Users, own(), token);
      }
    }
  }

  TEST_CASE(
      "R5.1 delegated Presence.Read.All reads every user and E2 but writes "
      "nothing") {
    const std::string t = unique_tenant("strict");
    const std::string token = delegated(t, "Presence.Read.All");
    for (auto version : kVersions) {
      INFO(version);
      for (PathForm form : kPathForms) {
        check_allowed(t, Op::Get, version, form, own(), token);
      }
      check_allowed(t, Op::Get, version, PathForm::Users, other(), token);
      check_allowed(t, Op::Get, version, PathForm::Communications, other(),
                    token);
      check_allowed(t, Op::GetByIds, version, PathForm::Users, other(), token);
      for (Op op : kAllOps) {
        if (op == Op::Get || op == Op::GetByIds) continue;
        INFO(name(op));
        check_forbidden(t, op, version, PathForm::Users, own(), token);
      }
    }
  }

  TEST_CASE(
      "D6 delegated Presence.ReadWrite writes the signed-in user only, through "
      "every path form") {
    const std::string t = unique_tenant("strict");
    const std::string token = delegated(t, "Presence.ReadWrite");
    for (auto version : kVersions) {
      for (Op op : kAllOps) {
        if (op == Op::Get || op == Op::GetByIds) continue;
        INFO(version << " " << name(op));
        for (PathForm form : kPathForms) {
          check_allowed(t, op, version, form, own(), token);
        }
        check_forbidden(t, op, version, PathForm::Users, other(), token);
        check_forbidden(t, op, version, PathForm::Communications, other(),
                        token);
      }
      // Its own presence it may read; E2 needs Presence.Read.All.
      check_allowed(t, Op::Get, version, PathForm::Me, own(), token);
      check_forbidden(t, Op::Get, version, PathForm::Users, other(), token);
      check_forbidden(t, Op::GetByIds, version, PathForm::Users, own(), token);
    }
  }

  TEST_CASE(
      "R5.5 a delegated token without any presence scope is 403 on every "
      "operation") {
    const std::string t = unique_tenant("strict");
    const std::string token = delegated(t, "User.Read Calendars.Read");
    for (auto version : kVersions) {
      for (Op op : kAllOps) {
        INFO(version << " " << name(op));
        check_forbidden(t, op, version, PathForm::Users, own(), token);
      }
    }
    Reply r = call(t, Op::Get, "v1.0", PathForm::Me, own(), token);
    CHECK(check_graph_error(r, 403, "Forbidden").find("Presence.Read") !=
          std::string::npos);
  }

  TEST_CASE(
      "R5.5 application Presence.Read.All reads any user and E2 in both "
      "versions but writes nothing") {
    const std::string t = unique_tenant("strict");
    const std::string token = application(t, {"Presence.Read.All"});
    for (auto version : kVersions) {
      INFO(version);
      check_allowed(t, Op::Get, version, PathForm::Users, own(), token);
      check_allowed(t, Op::Get, version, PathForm::Communications, other(),
                    token);
      check_allowed(t, Op::GetByIds, version, PathForm::Users, other(), token);
      for (Op op : kAllOps) {
        if (op == Op::Get || op == Op::GetByIds) continue;
        INFO(name(op));
        check_forbidden(t, op, version, PathForm::Users, other(), token);
      }
    }
  }

  TEST_CASE(
      "R5.5 application Presence.ReadWrite.All: E1, E3-E7 for any user; E2 in "
      "v1.0 only; location actions never") {
    const std::string t = unique_tenant("strict");
    const std::string token = application(t, {"Presence.ReadWrite.All"});
    for (auto version : kVersions) {
      INFO(version);
      for (const std::string& user : {own(), other()}) {
        check_allowed(t, Op::Get, version, PathForm::Users, user, token);
        for (Op op : {Op::SetPresence, Op::ClearPresence, Op::SetPreferred,
                      Op::ClearPreferred, Op::SetStatusMessage}) {
          INFO(name(op) << " " << user);
          check_allowed(t, op, version, PathForm::Users, user, token);
          check_allowed(t, op, version, PathForm::Communications, user, token);
        }
        // R3.8.3: the location actions do not support application permissions.
        for (Op op : {Op::SetManualLocation, Op::SetAutomaticLocation,
                      Op::ClearAutomaticLocation, Op::ClearLocation}) {
          INFO(name(op) << " " << user);
          check_forbidden(t, op, version, PathForm::Users, user, token);
        }
      }
    }
    // R3.2.5: beta getPresencesByUserId takes Presence.Read.All only.
    check_allowed(t, Op::GetByIds, "v1.0", PathForm::Users, other(), token);
    check_forbidden(t, Op::GetByIds, "beta", PathForm::Users, other(), token);
  }

  TEST_CASE(
      "R5.5 an application token without presence roles is 403 on every "
      "operation") {
    const std::string t = unique_tenant("strict");
    const std::string token = application(t, {"User.Read.All"});
    for (Op op : kAllOps) {
      INFO(name(op));
      check_forbidden(t, op, "v1.0", PathForm::Users, other(), token);
    }
  }

  TEST_CASE(
      "D12 R5.2 /me with an application token is 400 on every operation, "
      "before any 403") {
    const std::string t = unique_tenant("strict");
    for (const json& roles :
         {json{"Presence.ReadWrite.All"}, json{"User.Read.All"}}) {
      const std::string token = application(t, roles);
      for (auto version : kVersions) {
        for (Op op : kAllOps) {
          if (op == Op::GetByIds) continue;
          INFO(version << " " << name(op) << " " << roles.dump());
          Reply r = call(t, op, version, PathForm::Me, own(), token);
          CHECK(
              check_graph_error(r, 400, "BadRequest") ==
              "/me request is only valid with delegated authentication flow.");
        }
      }
    }
  }

  TEST_CASE(
      "D21 D20 an expired token is 401 from exp on, judged on the tenant's "
      "clock") {
    const std::string t = unique_tenant("strict");
    const std::string token = mint(t, {{"userId", own()},
                                       {"appId", kApp},
                                       {"scopes", "Presence.Read"},
                                       {"lifetime", "PT10M"}});
    check_allowed(t, Op::Get, "v1.0", PathForm::Me, own(), token);
    REQUIRE(control("POST", in_tenant(t, "/_mock/clock"),
                    json{{"advance", "PT9M59S"}})
                .status == 200);
    check_allowed(t, Op::Get, "v1.0", PathForm::Me, own(), token);
    REQUIRE(
        control("POST", in_tenant(t, "/_mock/clock"), json{{"advance", "PT1S"}})
            .status == 200);
    for (Op op : kAllOps) {
      INFO(name(op));
      check_401(call(t, op, "v1.0", PathForm::Users, own(), token),
                "Access token has expired or is not yet valid.");
    }
    // Another tenant's clock did not move: a token for it is still good.
    const std::string u = unique_tenant("strict");
    check_allowed(u, Op::Get, "v1.0", PathForm::Me, own(),
                  delegated(u, "Presence.Read"));
  }

  TEST_CASE(
      "D21 a token before its nbf is 401 until the tenant's clock reaches it") {
    const std::string t = unique_tenant("strict");
    const std::string token =
        mint(t, {{"userId", own()},
                 {"appId", kApp},
                 {"scopes", "Presence.Read"},
                 {"notBefore", instant_plus(t, std::chrono::minutes(5))}});
    check_401(call(t, Op::Get, "v1.0", PathForm::Me, own(), token),
              "Access token has expired or is not yet valid.");
    REQUIRE(
        control("POST", in_tenant(t, "/_mock/clock"), json{{"advance", "PT5M"}})
            .status == 200);
    check_allowed(t, Op::Get, "v1.0", PathForm::Me, own(), token);
  }

  TEST_CASE(
      "D21 a token for another audience is 401 'Invalid audience.'; both Graph "
      "audiences are accepted") {
    const std::string t = unique_tenant("strict");
    for (const char* aud :
         {"https://graph.microsoft.com", "https://graph.microsoft.com/",
          "00000003-0000-0000-c000-000000000000"}) {
      INFO(aud);
      std::string token = mint(t, {{"userId", own()},
                                   {"appId", kApp},
                                   {"scopes", "Presence.Read"},
                                   {"audience", aud}});
      check_allowed(t, Op::Get, "v1.0", PathForm::Me, own(), token);
    }
    for (const char* aud : {"api://my-api", "https://graph.windows.net",
                            "https://outlook.office.com"}) {
      INFO(aud);
      std::string token = mint(t, {{"userId", own()},
                                   {"appId", kApp},
                                   {"scopes", "Presence.Read.All"},
                                   {"audience", aud}});
      for (Op op : kAllOps) {
        INFO(name(op));
        check_401(call(t, op, "v1.0", PathForm::Users, own(), token),
                  "Invalid audience.");
      }
    }
  }

  TEST_CASE(
      "D21 a bad signature, an altered payload or an unsigned token is 401 "
      "'Signature validation failed.'") {
    const std::string t = unique_tenant("strict");
    const std::string good = delegated(t, "Presence.Read.All");
    check_allowed(t, Op::Get, "v1.0", PathForm::Me, own(), good);
    // The payload re-encoded with another oid, the signature kept.
    size_t a = good.find('.'), b = good.rfind('.');
    json forged = {{"aud", "https://graph.microsoft.com"},
                   {"tid", t},
                   {"oid", other()},
                   {"appid", kApp},
                   {"scp", "Presence.ReadWrite"},
                   {"exp", 4102444800LL},
                   {"nbf", 0}};
    std::string altered =
        good.substr(0, a) + "." + base64url(forged.dump()) + good.substr(b);
    std::string unsigned_token = unsigned_jwt(forged);
    std::string other_alg =
        base64url(json{{"alg", "HS256"}, {"typ", "JWT"}}.dump()) + "." +
        base64url(forged.dump()) + "." + base64url("0123456789abcdef");
    for (const std::string& token :
         {with_flipped_signature(good), altered, unsigned_token, other_alg}) {
      for (Op op : kAllOps) {
        INFO(name(op) << " " << token.substr(0, 40));
        check_401(call(t, op, "v1.0", PathForm::Users, own(), token),
                  "Signature validation failed.");
      }
    }
  }

  TEST_CASE(
      "D12 R5.4 a token that is not a JWT, or a JWT missing a required claim, "
      "is 'Access token validation failure.'") {
    const std::string t = unique_tenant("strict");
    for (const std::string& token :
         {std::string("opaque-token"), std::string("a.b.c"),
          std::string("not.a.jwt.at.all")}) {
      INFO(token);
      check_401(call(t, Op::Get, "v1.0", PathForm::Users, own(), token),
                "Access token validation failure.");
    }
    check_401(
        request("GET",
                in_tenant(t, presence_path("v1.0", PathForm::Users, own())),
                std::nullopt, {}, Auth::None),
        "Access token is empty.");
  }

  TEST_CASE(
      "D24 a token whose tid is another tenant than the path's is 401; without "
      "a prefix the tid picks the tenant") {
    const std::string t = unique_tenant("strict");
    const std::string u = unique_tenant("strict");
    const std::string token =
        delegated(t, "Presence.ReadWrite Presence.Read.All");
    for (Op op : kAllOps) {
      INFO(name(op));
      Reply r = call(u, op, "v1.0", PathForm::Users, own(), token);
      CHECK(check_graph_error(r, 401, "InvalidAuthenticationToken")
                .find("tenant") != std::string::npos);
      CHECK(r.header("WWW-Authenticate") == "Bearer");
    }
    // No prefix: the request lands in the token's tenant (D24).
    Reply set = call("", Op::SetPresence, "v1.0", PathForm::Me, own(), token);
    INFO(set.describe());
    CHECK(set.status == 200);
    Reply seen = control("GET", in_tenant(t, "/_mock/state/" + own()));
    INFO(seen.describe());
    REQUIRE(seen.status == 200);
    CHECK(seen.body.find(kApp) != std::string::npos);
  }

  TEST_CASE(
      "D2 --strict-session-id: a sessionId other than the token's appid is "
      "400") {
    const std::string t = unique_tenant("strict");
    const std::string token = delegated(t, "Presence.ReadWrite");
    const std::string path =
        in_tenant(t, presence_path("v1.0", PathForm::Me, own()));
    for (const char* action : {"setPresence", "clearPresence"}) {
      INFO(action);
      json body = {{"sessionId", random_guid()},
                   {"availability", "Away"},
                   {"activity", "Away"}};
      if (std::string(action) == "clearPresence")
        body.erase("availability"), body.erase("activity");
      Reply r =
          request("POST", path + "/" + action, body.dump(), bearer(token));
      CHECK(check_graph_error(r, 400, "BadRequest").find("sessionId") !=
            std::string::npos);
    }
    // The app id itself, in any case, is accepted.
    json body = {{"sessionId", lower(kApp)},
                 {"availability", "Away"},
                 {"activity", "Away"}};
    std::string upper_app = kApp;
    for (char& c : upper_app)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    body["sessionId"] = upper_app;
    Reply ok =
        request("POST", path + "/setPresence", body.dump(), bearer(token));
    INFO(ok.describe());
    CHECK(ok.status == 200);
  }

  TEST_CASE(
      "R6.10 $batch items are authorized one by one with the envelope's "
      "token") {
    const std::string t = unique_tenant("strict");
    const std::string token = delegated(t, "Presence.Read");
    json batch = {{"requests",
                   {{{"id", "own"}, {"method", "GET"}, {"url", "/me/presence"}},
                    {{"id", "other"},
                     {"method", "GET"},
                     {"url", "/users/" + other() + "/presence"}},
                    {{"id", "write"},
                     {"method", "POST"},
                     {"url", "/me/presence/setPresence"},
                     {"headers", {{"Content-Type", "application/json"}}},
                     {"body",
                      {{"sessionId", kApp},
                       {"availability", "Away"},
                       {"activity", "Away"}}}}}}};
    Reply r = request("POST", in_tenant(t, "/v1.0/$batch"), batch.dump(),
                      bearer(token));
    INFO(r.describe());
    REQUIRE(r.status == 200);
    REQUIRE(r.json);
    std::map<std::string, int> status;
    for (const auto& item : (*r.json)["responses"]) {
      status[item["id"].get<std::string>()] = item["status"].get<int>();
    }
    CHECK(status["own"] == 200);
    CHECK(status["other"] == 403);
    CHECK(status["write"] == 403);
    // An expired envelope token fails the whole batch.
    REQUIRE(
        control("POST", in_tenant(t, "/_mock/clock"), json{{"advance", "PT1H"}})
            .status == 200);
    check_401(request("POST", in_tenant(t, "/v1.0/$batch"), batch.dump(),
                      bearer(token)),
              "Access token has expired or is not yet valid.");
  }

  TEST_CASE(
      "Contract: POST /_mock/token refuses bad requests with Graph-shaped "
      "400s") {
    const std::string t = unique_tenant("strict");
    const json bad[] = {
        json::object(),
        {{"appId", kApp}},
        {{"appId", kApp}, {"scopes", "Presence.Read"}},
        {{"appId", kApp},
         {"userId", own()},
         {"scopes", "Presence.Read"},
         {"roles", {"Presence.Read.All"}}},
        {{"appId", kApp}, {"roles", json::array()}},
        {{"appId", kApp},
         {"roles", {"Presence.Read.All"}},
         {"lifetime", "1:00:00"}},
        {{"appId", kApp},
         {"roles", {"Presence.Read.All"}},
         {"lifetime", "PT0S"}},
        {{"appId", kApp},
         {"roles", {"Presence.Read.All"}},
         {"tenant", "no spaces"}},
        {{"appId", kApp}, {"roles", {"Presence.Read.All"}}, {"color", "blue"}},
        {{"appId", 7}, {"roles", {"Presence.Read.All"}}},
    };
    for (const json& body : bad) {
      INFO(body.dump());
      check_graph_error(mint_reply(t, body), 400, "BadRequest");
    }
    Reply ok = mint_reply(t, {{"appId", kApp},
                              {"roles", {"Presence.Read.All"}},
                              {"lifetime", "PT30M"}});
    INFO(ok.describe());
    REQUIRE(ok.status == 200);
    CHECK((*ok.json)["token_type"] == "Bearer");
    CHECK((*ok.json)["expires_in"] == 1800);
    auto now = tenant_now(t);
    REQUIRE(now);
    long long iat = std::chrono::duration_cast<std::chrono::seconds>(
                        now->time_since_epoch())
                        .count();
    CHECK((*ok.json)["expires_on"] == iat + 1800);
  }

  TEST_CASE(
      "OAuth: client credentials from the fixtures' app give a token strict "
      "mode accepts with its roles") {
    const std::string t = unique_tenant("strict");
    std::string form =
        "grant_type=client_credentials&client_id=" + std::string(kClientId) +
        "&client_secret=" + kClientSecret +
        "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default";
    Reply r =
        request("POST", "/" + t + "/oauth2/v2.0/token", form,
                Headers{{"Content-Type", "application/x-www-form-urlencoded"}},
                Auth::None);
    INFO(r.describe());
    REQUIRE(r.status == 200);
    REQUIRE(r.json);
    CHECK((*r.json)["token_type"] == "Bearer");
    CHECK((*r.json)["expires_in"] == 3600);
    std::string token = (*r.json)["access_token"].get<std::string>();
    // The fixture app holds Presence.Read.All and Presence.ReadWrite.All.
    check_allowed(t, Op::GetByIds, "beta", PathForm::Users, other(), token);
    check_allowed(t, Op::SetPreferred, "v1.0", PathForm::Users, other(), token);
    check_allowed(t, Op::SetStatusMessage, "beta", PathForm::Communications,
                  other(), token);
    check_forbidden(t, Op::SetManualLocation, "v1.0", PathForm::Users, other(),
                    token);
    // The token's kid is the one key the tenant's JWKS publishes.
    Reply jwks = request("GET", "/" + t + "/discovery/v2.0/keys", std::nullopt,
                         {}, Auth::None);
    INFO(jwks.describe());
    REQUIRE(jwks.status == 200);
    REQUIRE(jwks.json);
    REQUIRE((*jwks.json)["keys"].size() == 1);
    const json& key = (*jwks.json)["keys"][0];
    CHECK(key["kty"] == "RSA");
    CHECK(key["alg"] == "RS256");
    json header = json::parse(b64url_decode(token.substr(0, token.find('.'))),
                              nullptr, false);
    INFO(header.dump());
    CHECK(header["alg"] == "RS256");
    CHECK(header["kid"] == key["kid"]);
  }

  TEST_CASE(
      "OAuth: the token endpoint answers errors in the OAuth 2.0 format") {
    const std::string t = unique_tenant("strict");
    const Headers form_type{
        {"Content-Type", "application/x-www-form-urlencoded"}};
    const std::string scope =
        "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default";
    struct Case {
      std::string body;
      int status;
      const char* error;
    };
    const Case cases[] = {
        {"grant_type=client_credentials&client_id=" + std::string(kClientId) +
             "&client_secret=wrong" + scope,
         401, "invalid_client"},
        {"grant_type=client_credentials&client_id=" + std::string(kClientId) +
             scope,
         401, "invalid_client"},
        {"grant_type=client_credentials&client_id=" + random_guid() +
             "&client_secret=x" + scope,
         400, "unauthorized_client"},
        {"grant_type=password&client_id=" + std::string(kClientId) +
             "&client_secret=" + kClientSecret + scope,
         400, "unsupported_grant_type"},
        {"client_id=" + std::string(kClientId) +
             "&client_secret=" + kClientSecret + scope,
         400, "invalid_request"},
        {"grant_type=client_credentials&client_id=" + std::string(kClientId) +
             "&client_secret=" + kClientSecret +
             "&scope=https%3A%2F%2Foutlook.office.com%2F.default",
         400, "invalid_scope"},
    };
    for (const Case& c : cases) {
      INFO(c.body);
      Reply r = request("POST", "/" + t + "/oauth2/v2.0/token", c.body,
                        form_type, Auth::None);
      INFO(r.describe());
      CHECK(r.status == c.status);
      REQUIRE(r.json);
      CHECK((*r.json)["error"] == c.error);
      CHECK((*r.json)["error_description"].is_string());
      CHECK_FALSE(r.json->contains("access_token"));
    }
    // HTTP Basic client authentication works as well.
    std::string basic = base64url(std::string(kClientId) + ":" + kClientSecret);
    for (char& ch : basic) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
    while (basic.size() % 4) basic += '=';
    Headers with_basic = form_type;
    with_basic.emplace("Authorization", "Basic " + basic);
    Reply ok = request("POST", "/" + t + "/oauth2/v2.0/token",
                       "grant_type=client_credentials" + scope, with_basic);
    INFO(ok.describe());
    CHECK(ok.status == 200);
  }

  TEST_CASE(
      "OAuth: the OpenID discovery document names this server's token endpoint "
      "and jwks_uri") {
    const std::string t = unique_tenant("strict");
    Reply r = request("GET", "/" + t + "/v2.0/.well-known/openid-configuration",
                      std::nullopt, {}, Auth::None);
    INFO(r.describe());
    REQUIRE(r.status == 200);
    REQUIRE(r.json);
    std::string base = options().base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    CHECK((*r.json)["token_endpoint"] == base + "/" + t + "/oauth2/v2.0/token");
    CHECK((*r.json)["jwks_uri"] == base + "/" + t + "/discovery/v2.0/keys");
    CHECK((*r.json)["issuer"] == base + "/" + t + "/v2.0");
  }

}  // TEST_SUITE
