// Unit tests for src/store/store and src/store/user_table: the copy-on-write
// store over a shared fixture state (D24). A tenant's changes live in its
// overlay and never reach the shared table or another tenant; deleted and
// replaced base users are hidden; `me` follows the last document loaded;
// reset drops every change.
#include "store/store.h"

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "test_instants.h"

namespace {

using gpm::core::Activity;
using gpm::core::Availability;
using gpm::core::PresenceState;
using gpm::core::Session;
using gpm::store::Base;
using gpm::store::Snapshot;
using gpm::store::Store;
using gpm::store::User;
using gpm::testing::t0;
using std::chrono::minutes;

constexpr const char* kAda = "11111111-1111-1111-1111-111111111111";
constexpr const char* kBob = "22222222-2222-2222-2222-222222222222";
constexpr const char* kCyd = "33333333-3333-3333-3333-333333333333";

User user(const char* id, const char* upn) {
  User u;
  u.id = id;
  u.user_principal_name = upn;
  u.display_name = upn;
  return u;
}

// A table with Ada kept compact (with one session) and Bob kept whole.
std::shared_ptr<const Base> fixture() {
  auto base = std::make_shared<Base>(t0);
  Session s{"app-1",
            {Availability::Busy, Activity::InACall},
            t0,
            t0 + minutes(60),
            false};
  REQUIRE(base->add_compact(kAda, "ada@contoso.com", "Ada", &s));
  REQUIRE(base->add(user(kBob, "bob@contoso.com")));
  base->me = kAda;
  return base;
}

std::string upn_of(const Store& st, std::string_view id_or_upn) {
  std::string upn = "(none)";
  st.read_user(id_or_upn, [&](const User& u) { upn = u.user_principal_name; });
  return upn;
}

size_t sessions_of(const Store& st, std::string_view id) {
  size_t n = 0;
  st.read_user(id, [&](const User& u) { n = u.presence.sessions().size(); });
  return n;
}

}  // namespace

TEST_SUITE("store") {
  TEST_CASE("the user table finds users by id and UPN in any case") {
    auto base = fixture();
    CHECK(base->size() == 2);
    CHECK(base->find("11111111-1111-1111-1111-111111111111") == 0);
    CHECK(base->find_upn("ADA@contoso.com") == 0);
    CHECK(base->find_upn("nobody@contoso.com") == Base::npos);
    CHECK(base->id_of(1) == kBob);
    User scratch;
    const User& ada = base->get(0, scratch);
    CHECK(ada.display_name == "Ada");
    REQUIRE(ada.presence.sessions().size() == 1);
    CHECK(ada.presence.sessions()[0].session_id == "app-1");
  }

  TEST_CASE(
      "the user table refuses an id twice and a compact id that is not "
      "a GUID") {
    Base base(t0);
    CHECK(base.add(user(kAda, "a@x")));
    CHECK_FALSE(base.add(user("11111111-1111-1111-1111-111111111111", "b@x")));
    CHECK_FALSE(base.add_compact(kAda, "c@x", "C", nullptr));
    CHECK_FALSE(base.add_compact("not-a-guid", "d@x", "D", nullptr));
    CHECK(base.size() == 1);
  }

  TEST_CASE(
      "D24 a change lives in the tenant's overlay: the shared table and "
      "other tenants keep the fixture state") {
    auto base = fixture();
    Store a(base), b(base);
    CHECK(a.with_user("ADA@CONTOSO.COM", false,
                      [](User& u) { u.presence.clear_presence("app-1", t0); }));
    CHECK(sessions_of(a, kAda) == 0);
    CHECK(sessions_of(b, kAda) == 1);
    User scratch;
    CHECK(base->get(0, scratch).presence.sessions().size() == 1);
    a.reset();
    CHECK(sessions_of(a, kAda) == 1);
  }

  TEST_CASE(
      "D9 a missing user is created only when asked and only for a "
      "GUID") {
    Store st(fixture());
    bool ran = false;
    CHECK_FALSE(st.with_user(kCyd, false, [&](User&) { ran = true; }));
    CHECK_FALSE(
        st.with_user("cyd@contoso.com", true, [&](User&) { ran = true; }));
    CHECK_FALSE(ran);
    CHECK(st.with_user(kCyd, true, [&](User&) { ran = true; }));
    CHECK(ran);
    CHECK(st.user_count() == 3);
  }

  TEST_CASE(
      "a deleted base user is hidden by id and UPN; reset brings it "
      "back") {
    Store st(fixture());
    CHECK(st.delete_user("bob@contoso.com"));
    CHECK(upn_of(st, kBob) == "(none)");
    CHECK(upn_of(st, "bob@contoso.com") == "(none)");
    CHECK(st.user_count() == 1);
    CHECK_FALSE(st.delete_user(kBob));
    st.reset();
    CHECK(upn_of(st, kBob) == "bob@contoso.com");
    CHECK(st.user_count() == 2);
  }

  TEST_CASE("a replaced base user answers to its new UPN, not its old one") {
    Store st(fixture());
    CHECK_FALSE(st.put_user(user(kBob, "robert@contoso.com")));
    CHECK(upn_of(st, "robert@contoso.com") == "robert@contoso.com");
    CHECK(upn_of(st, "bob@contoso.com") == "(none)");
    CHECK(st.user_count() == 2);
  }

  TEST_CASE("insert_users adds all or none and names the conflicts") {
    Store st(fixture());
    auto conflicts = st.insert_users({user(kCyd, "cyd@x"), user(kAda, "a@x")});
    CHECK(conflicts == std::vector<std::string>{kAda});
    CHECK(st.user_count() == 2);
    CHECK(st.insert_users({user(kCyd, "cyd@x")}).empty());
    CHECK(st.user_count() == 3);
  }

  TEST_CASE(
      "replace_all hides the whole base and sets me; merge keeps the "
      "others") {
    Store st(fixture());
    CHECK(st.me() == std::optional<std::string>(kAda));
    Snapshot only_cyd;
    only_cyd.users.push_back(user(kCyd, "cyd@x"));
    st.replace_all(only_cyd);
    CHECK(st.user_count() == 1);
    CHECK(upn_of(st, kAda) == "(none)");
    CHECK_FALSE(st.me().has_value());  // the document named no `me`
    st.reset();
    Snapshot bob_again;
    bob_again.users.push_back(user(kBob, "bobby@x"));
    bob_again.me = "22222222-2222-2222-2222-222222222222";
    st.merge(bob_again);
    CHECK(st.user_count() == 2);
    CHECK(upn_of(st, kBob) == "bobby@x");
    CHECK(st.me() == std::optional<std::string>(kBob));
    st.reset();
    CHECK(st.me() == std::optional<std::string>(kAda));
  }

  TEST_CASE("read_all lists overlay and base users once each, in id order") {
    Store st(fixture());
    st.with_user(kCyd, true, [](User&) {});
    st.with_user(kAda, false, [](User&) {});  // copied into the overlay
    std::vector<std::string> ids;
    st.read_all([&](const User& u) { ids.push_back(u.id); });
    CHECK(ids == std::vector<std::string>{kAda, kBob, kCyd});
  }

  TEST_CASE(
      "D10 a read that changes nothing leaves the user shared; one "
      "that drops an expiry copies it") {
    auto base = fixture();
    Store st(base);
    PresenceState seen;
    CHECK(st.observe_user(kAda, false, t0,
                          [&](const User&, const auto& v) { seen = v.state; }));
    CHECK(seen.availability == Availability::Busy);
    // After the session's hour the read drops it: the tenant copies Ada
    // and the shared table still holds the session.
    CHECK(st.observe_user(kAda, false, t0 + minutes(61),
                          [&](const User&, const auto& v) { seen = v.state; }));
    CHECK(seen.availability == Availability::Offline);
    CHECK(sessions_of(st, kAda) == 0);
    User scratch;
    CHECK(base->get(0, scratch).presence.sessions().size() == 1);
  }
}
