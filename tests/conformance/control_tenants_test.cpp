// Tenants (D24; docs/control-plane.md "Tenants"): the /tenants/{t} prefix and a
// JWT's tid select isolated state; a new tenant starts from the fixtures;
// ids are matched ignoring case; bad ids are 400; GET /_mock/tenants lists
// them. Not tested: --max-tenants exhaustion (503), since the suite's server
// runs with the default limit of 1000 and other cases need their tenants;
// the unit tests or a dedicated server start should cover it. Mock-only.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

json presence_body(const std::string& tenant, const std::string& user,
                   const Headers& headers = {}) {
  Reply r = get_presence_in(tenant, user, headers);
  INFO(r.describe());
  REQUIRE(r.status == 200);
  REQUIRE(r.json.has_value());
  return *r.json;
}

json tenants_list() {
  json list = check_control_json(control("GET", "/_mock/tenants"));
  REQUIRE(list.is_object());
  REQUIRE(list.contains("tenants"));
  REQUIRE(list["tenants"].is_array());
  return list;
}

json tenant_entry(const json& list, const std::string& id) {
  for (const json& e : list["tenants"]) {
    if (e.value("id", "") == id) return e;
  }
  return nullptr;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](char c) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  });
  return s;
}

}  // namespace

TEST_SUITE("mock-only") {
  TEST_CASE(
      "D24 two tenants keep separate state for the same user id, and neither "
      "touches default") {
    begin_mock_case();
    const std::string a = unique_tenant("iso-a");
    const std::string b = unique_tenant("iso-b");
    const std::string u = options().user;
    const json default_before = presence_body("", u);
    for (auto version : kVersions) {
      INFO(version);
      check_action_ok(request(
          "POST",
          in_tenant(
              a, presence_path(version, PathForm::Users, u) + "/setPresence"),
          json{{"sessionId", options().app},
               {"availability", "Busy"},
               {"activity", "InACall"},
               {"expirationDuration", "PT1H"}}
              .dump()));
      check_action_ok(request(
          "POST",
          in_tenant(
              b, presence_path(version, PathForm::Users, u) + "/setPresence"),
          json{{"sessionId", options().app},
               {"availability", "Away"},
               {"activity", "Away"},
               {"expirationDuration", "PT1H"}}
              .dump()));
      for (PathForm form : kPathForms) {
        INFO(to_string(form));
        Reply ra =
            request("GET", in_tenant(a, presence_path(version, form, u)));
        Reply rb =
            request("GET", in_tenant(b, presence_path(version, form, u)));
        REQUIRE(ra.json.has_value());
        REQUIRE(rb.json.has_value());
        CHECK(pair_in(*ra.json) == "Busy/InACall");
        CHECK(pair_in(*rb.json) == "Away/Away");
      }
    }
    CHECK(presence_body("", u) == default_before);
    CHECK(pair_in(default_before) == "Offline/Offline");
    // A session cleared in one tenant is still there in the other.
    check_action_ok(clear_presence_in(a, u, options().app));
    CHECK(pair_in(presence_body(a, u)) == "Offline/Offline");
    CHECK(pair_in(presence_body(b, u)) == "Away/Away");
    check_graph_error(clear_presence_in("", u, options().app), 404, "NotFound");
  }

  TEST_CASE(
      "D24 a JWT tid selects the tenant when the path has no prefix; a prefix "
      "wins over tid") {
    begin_mock_case();
    const std::string t = unique_tenant("tid");
    const std::string other = unique_tenant("tid-other");
    const std::string u = options().user;
    const Headers tid_token =
        bearer(unsigned_jwt({{"tid", t},
                             {"scp", "Presence.ReadWrite"},
                             {"oid", u},
                             {"appid", options().app}}));
    check_action_ok(set_presence("v1.0", PathForm::Users, u, options().app,
                                 "DoNotDisturb", "Presenting", "PT1H",
                                 tid_token));
    CHECK(pair_in(presence_body(t, u)) ==
          "DoNotDisturb/Presenting");  // by prefix
    CHECK(pair_in(presence_body("", u, tid_token)) ==
          "DoNotDisturb/Presenting");  // by tid
    CHECK(pair_in(presence_body("", u)) ==
          "Offline/Offline");  // default untouched
    Reply me = get_presence("beta", PathForm::Me, u, tid_token);
    REQUIRE(me.json.has_value());
    CHECK(pair_in(*me.json) == "DoNotDisturb/Presenting");

    // The prefix names the tenant even when the token says otherwise.
    CHECK(pair_in(presence_body(other, u, tid_token)) == "Offline/Offline");
    check_action_ok(set_presence_in(other, u, options().app, "Away", "Away",
                                    "PT1H", tid_token));
    CHECK(pair_in(presence_body(t, u)) == "DoNotDisturb/Presenting");
    CHECK(pair_in(presence_body(other, u)) == "Away/Away");

    // A tid is matched ignoring case, like a prefix.
    const Headers upper_tid = bearer(unsigned_jwt({{"tid", upper(t)}}));
    CHECK(pair_in(presence_body("", u, upper_tid)) ==
          "DoNotDisturb/Presenting");

    // Unprefixed /_mock addresses default whatever the token's tid.
    advance_in(t, "PT1H");
    Reply clock =
        request("GET", "/_mock/clock", std::nullopt, tid_token, Auth::None);
    json body = check_control_json(clock);
    CHECK(body.value("tenant", "") == "default");
    CHECK(body.value("now", "") == format_instant(require_now("")));
    CHECK(body.value("now", "") != format_instant(require_now(t)));
  }

  TEST_CASE(
      "D24 a new tenant starts from the fixture state loaded at start, not "
      "from default's current state") {
    begin_mock_case();
    const json fixture_users =
        check_control_json(control("GET", "/_mock/state"))
            .value("users", json());
    REQUIRE(fixture_users.is_array());
    REQUIRE(fixture_users.size() > 0);
    // Change default: a new user, a session, a removed user, time moved.
    seed_users("", json{{"id", random_guid()}});
    check_action_ok(set_presence("v1.0", PathForm::Users, options().user,
                                 options().app, "Busy", "InACall", "PT4H"));
    check_control_json(
        control("DELETE", "/_mock/users/" + options().other_user));
    advance_in("", "PT2H");

    const std::string fresh = unique_tenant("fresh");
    json state =
        check_control_json(control("GET", in_tenant(fresh, "/_mock/state")));
    CHECK(state.value("tenant", "") == fresh);
    CHECK(state.value("users", json()) == fixture_users);
    CHECK(pair_in(presence_body(fresh, options().user)) == "Offline/Offline");
    CHECK(presence_body(fresh, options().other_user).value("id", "") ==
          options().other_user);
    // Copy-on-write: writing in the new tenant changes neither default nor a
    // third tenant.
    check_action_ok(set_presence_in(fresh, options().user, options().app,
                                    "Away", "Away", "PT1H"));
    const std::string third = unique_tenant("fresh-third");
    CHECK(check_control_json(control("GET", in_tenant(third, "/_mock/state")))
              .value("users", json()) == fixture_users);
    CHECK(pair_in(presence_body("", options().user)) == "Busy/InACall");
  }

  TEST_CASE("D24 tenant ids are matched ignoring case and stored lower-case") {
    begin_mock_case();
    const std::string t = unique_tenant("case");
    check_action_ok(set_presence_in(upper(t), options().user, options().app,
                                    "Busy", "InACall", "PT1H"));
    CHECK(pair_in(presence_body(t, options().user)) == "Busy/InACall");
    json clock =
        check_control_json(control("GET", in_tenant(upper(t), "/_mock/clock")));
    CHECK(clock.value("tenant", "") == t);
    json list = tenants_list();
    CHECK(tenant_entry(list, t).is_object());
    CHECK(tenant_entry(list, upper(t)).is_null());
  }

  TEST_CASE(
      "D24 a tenant id of 1-64 characters of [A-Za-z0-9._-] is accepted; "
      "anything else is 400 BadRequest") {
    begin_mock_case();
    const std::string u = options().user;
    for (const std::string& good :
         {std::string("a"), std::string(64, 'z'), std::string("A.b_c-9"),
          std::string("...")}) {
      INFO(good);
      CHECK(get_presence_in(good, u).status == 200);
      CHECK(control("GET", in_tenant(good, "/_mock/clock")).status == 200);
    }
    for (const std::string& bad :
         {std::string(65, 'z'), std::string("bad!id"), std::string("a%20b"),
          std::string("%C3%A4"), std::string("a~b"), std::string("a:b")}) {
      INFO(bad);
      check_graph_error(get_presence_in(bad, u), 400, "BadRequest");
      check_graph_error(control("GET", in_tenant(bad, "/_mock/clock")), 400,
                        "BadRequest");
      check_graph_error(control("POST", in_tenant(bad, "/_mock/reset")), 400,
                        "BadRequest");
    }
    // Nothing was created for them.
    json list = tenants_list();
    CHECK(tenant_entry(list, std::string(65, 'z')).is_null());
    CHECK(tenant_entry(list, "bad!id").is_null());
  }

  TEST_CASE(
      "D24 a JWT tid that is not a valid tenant id is 400 BadRequest, like a "
      "bad prefix") {
    begin_mock_case();
    // The contract's tenant-id rule has no exception for ids that come from a
    // token, so a bad tid is refused rather than silently served as default.
    for (const std::string& bad :
         {std::string("bad tid!"), std::string(65, 't')}) {
      INFO(bad);
      check_graph_error(get_presence("v1.0", PathForm::Users, options().user,
                                     bearer(unsigned_jwt({{"tid", bad}}))),
                        400, "BadRequest");
    }
  }

  TEST_CASE(
      "Control D24: GET /_mock/tenants lists every tenant sorted by id with "
      "users, now and journalEntries") {
    begin_mock_case();
    json list = tenants_list();
    INFO(list.dump());
    CHECK(list.size() == 2);
    CHECK(list.value("maxTenants", -1) ==
          1000);  // the suite's server runs with the default
    REQUIRE(list["tenants"].size() == 1);
    json def = list["tenants"][0];
    CHECK(def.value("id", "") == "default");
    CHECK(def.size() == 4);
    const std::size_t fixture_users =
        check_control_json(control("GET", "/_mock/users"))
            .value("users", json::array())
            .size();
    CHECK(def.value("users", std::size_t{0}) == fixture_users);
    CHECK(def.value("now", "") == format_instant(require_now("")));
    CHECK(def.value("journalEntries", -1) == 0);

    // Seen in this order: "zz-...", then "aa-...". Listed sorted.
    const std::string z = unique_tenant("zz-list");
    const std::string a = unique_tenant("aa-list");
    CHECK(get_presence_in(z, options().user).status == 200);
    CHECK(get_presence_in(z, options().user).status == 200);
    check_action_ok(set_presence_in(a, options().user, options().app, "Away",
                                    "Away", "PT1H"));
    seed_users(a, json{{"id", random_guid()}});
    advance_in(a, "PT90M");

    list = tenants_list();
    std::vector<std::string> ids;
    for (const json& e : list["tenants"]) ids.push_back(e.value("id", ""));
    CHECK(std::is_sorted(ids.begin(), ids.end()));
    CHECK(ids == std::vector<std::string>{a, "default", z});
    json ea = tenant_entry(list, a);
    json ez = tenant_entry(list, z);
    CHECK(ea.value("users", std::size_t{0}) == fixture_users + 1);
    CHECK(ez.value("users", std::size_t{0}) == fixture_users);
    CHECK(ea.value("journalEntries", -1) == 1);
    CHECK(ez.value("journalEntries", -1) == 2);
    CHECK(ea.value("now", "") == format_instant(require_now(a)));
    CHECK(ez.value("now", "") == def.value("now", ""));
    CHECK(tenant_entry(list, "default").value("journalEntries", -1) == 0);
  }

  TEST_CASE(
      "D24 control-plane reads of an unseen tenant answer as a fresh tenant "
      "and create nothing") {
    begin_mock_case();
    const std::string unseen = unique_tenant("unseen");
    const std::string fresh = unique_tenant("fresh");
    // A tenant that exists and has done nothing yet: what `unseen` must look
    // like.
    check_control_json(control("POST", in_tenant(fresh, "/_mock/reset")));
    const std::size_t before = tenants_list()["tenants"].size();
    const char* const reads[] = {"/_mock/state",    "/_mock/journal",
                                 "/_mock/users",    "/_mock/clock",
                                 "/_mock/snapshot", "/_mock/throttling",
                                 "/_mock/faults",   "/_mock/latency"};
    for (const char* path : reads) {
      INFO(path);
      json got = check_control_json(control("GET", in_tenant(unseen, path)));
      json want = check_control_json(control("GET", in_tenant(fresh, path)));
      // The tenant's own id is the one difference a body may show.
      if (got.is_object() && got.contains("tenant")) {
        CHECK(got["tenant"] == unseen);
        got.erase("tenant");
        want.erase("tenant");
      }
      CHECK(got == want);
    }
    json health =
        check_control_json(control("GET", in_tenant(unseen, "/_mock/health")));
    CHECK(health.value("tenants", std::size_t{0}) == before);
    CHECK(health["users"] ==
          check_control_json(
              control("GET", in_tenant(fresh, "/_mock/health")))["users"]);
    Reply head = request("HEAD", in_tenant(unseen, "/_mock/health"),
                         std::nullopt, {}, Auth::None);
    CHECK(head.status == 200);
    json list = tenants_list();
    CHECK(list["tenants"].size() == before);
    CHECK(tenant_entry(list, unseen).is_null());
    CHECK_FALSE(tenant_entry(list, fresh).is_null());
    // A write creates it as before.
    check_control_json(control("POST", in_tenant(unseen, "/_mock/clock"),
                               json{{"advance", "PT1M"}}));
    CHECK_FALSE(tenant_entry(tenants_list(), unseen).is_null());
  }

  TEST_CASE("D24 identity discovery reads of an unseen tenant create nothing") {
    begin_mock_case();
    const std::string unseen = unique_tenant("unseen-idp");
    const std::size_t before = tenants_list()["tenants"].size();
    for (const char* path : {"/v2.0/.well-known/openid-configuration",
                             "/.well-known/openid-configuration",
                             "/discovery/v2.0/keys", "/discovery/keys"}) {
      INFO(path);
      Reply r =
          request("GET", "/" + unseen + path, std::nullopt, {}, Auth::None);
      CHECK(r.status == 200);
    }
    json list = tenants_list();
    CHECK(list["tenants"].size() == before);
    CHECK(tenant_entry(list, unseen).is_null());
  }

}  // TEST_SUITE
