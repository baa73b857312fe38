// Unit tests for src/core/subscription_resource: the presence subscription
// resource grammar of change-notifications.md §3.1 (C6, C7, D27).
#include "core/subscription_resource.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace {

using gpm::core::parse_subscription_resource;
using gpm::core::ResourceError;

constexpr const char* kA = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
constexpr const char* kB = "66825e03-7ef5-42da-9069-724602c31f6b";

// The n-th distinct GUID (n < 16^12).
std::string guid(unsigned long long n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012llx", n);
  return buf;
}

std::string filter_of(unsigned count, unsigned long long first = 0) {
  std::string f = "communications/presences?$filter=id in (";
  for (unsigned i = 0; i < count; ++i) {
    if (i) f += ",";
    f += "'" + guid(first + i) + "'";
  }
  return f + ")";
}

ResourceError error_of(const std::string& r) {
  return parse_subscription_resource(r).error;
}

}  // namespace

TEST_CASE(
    "C6: a single-user resource watches that user, leading slash optional") {
  for (std::string r : {std::string("communications/presences/") + kA,
                        std::string("/communications/presences/") + kA}) {
    auto p = parse_subscription_resource(r);
    REQUIRE(p.error == ResourceError::None);
    CHECK(p.value.single_user);
    REQUIRE(p.value.user_ids.size() == 1);
    CHECK(p.value.user_ids[0] == kA);
    CHECK(p.message(r).empty());
  }
}

TEST_CASE(
    "D27: literals and GUIDs match ignoring case; the id keeps its spelling") {
  std::string upper = "FA8BF3DC-ECA7-46B7-BAD1-DB199B62AFC3";
  auto p = parse_subscription_resource("Communications/PRESENCES/" + upper);
  REQUIRE(p.error == ResourceError::None);
  CHECK(p.value.user_ids[0] == upper);
  auto f = parse_subscription_resource(
      std::string("/COMMUNICATIONS/Presences?$FILTER=ID IN ('") + kA + "')");
  REQUIRE(f.error == ResourceError::None);
  CHECK_FALSE(f.value.single_user);
  CHECK(f.value.user_ids == std::vector<std::string>{kA});
}

TEST_CASE("C6: a filter lists quoted ids with optional spaces around ( , )") {
  std::string a = std::string("'") + kA + "'", b = std::string("'") + kB + "'";
  for (std::string f :
       {"id in (" + a + "," + b + ")", "id in(" + a + "," + b + ")",
        "id   in   (  " + a + "  ,  " + b + "  )",
        "id in (" + a + " ," + b + ")"}) {
    INFO(f);
    auto p =
        parse_subscription_resource("communications/presences?$filter=" + f);
    REQUIRE(p.error == ResourceError::None);
    CHECK(p.value.user_ids == std::vector<std::string>{kA, kB});
  }
}

TEST_CASE("D27: the filter is form-decoded first (S38's id+in+(%27...%27))") {
  std::string r = std::string("communications/presences?$filter=id+in+(%27") +
                  kA + "%27%2c+%27" + kB + "%27)";
  auto p = parse_subscription_resource(r);
  REQUIRE(p.error == ResourceError::None);
  CHECK(p.value.user_ids == std::vector<std::string>{kA, kB});
  // %24filter is $filter after decoding.
  CHECK(error_of(std::string("communications/presences?%24filter=id in ('") +
                 kA + "')") == ResourceError::None);
}

TEST_CASE("D27: duplicates count once, ignoring case, first spelling kept") {
  std::string upper = "FA8BF3DC-ECA7-46B7-BAD1-DB199B62AFC3";
  auto p = parse_subscription_resource(
      std::string("communications/presences?$filter=id in ('") + upper + "','" +
      kB + "','" + kA + "','" + kB + "')");
  REQUIRE(p.error == ResourceError::None);
  CHECK(p.value.user_ids == std::vector<std::string>{upper, kB});
}

TEST_CASE("C6: 650 distinct ids are accepted, 651 refused with the count") {
  auto ok = parse_subscription_resource(filter_of(650));
  REQUIRE(ok.error == ResourceError::None);
  CHECK(ok.value.user_ids.size() == 650);

  std::string r = filter_of(651);
  auto p = parse_subscription_resource(r);
  CHECK(p.error == ResourceError::TooManyIds);
  CHECK(p.distinct_ids == 651);
  CHECK(p.value.user_ids.empty());
  CHECK(p.message(r) ==
        "A presence subscription can watch at most 650 users; the filter names "
        "651.");
}

TEST_CASE(
    "D27: 651 ids of which 650 distinct are accepted (duplicates count once)") {
  std::string r = filter_of(650);
  r.pop_back();
  r += ",'" + guid(0) + "')";
  auto p = parse_subscription_resource(r);
  REQUIRE(p.error == ResourceError::None);
  CHECK(p.value.user_ids.size() == 650);
}

TEST_CASE("C7: filters outside the grammar are 'Invalid filter clause'") {
  std::string a = kA;
  for (const std::string& f : std::vector<std::string>{
           "id in (" + a + ")",             // unquoted (O5)
           "id in (" + a + "," + kB + ")",  // unquoted list
           "id in ('not-a-guid')",          // quoted non-GUID
           "id in ()",                      // empty list
           "id in ( )",
           "id in ('" + a + "',)",  // trailing comma
           "id in (,'" + a + "')",
           "id in ('" + a + "'",       // no ')'
           "id in ('" + a + "') ",     // trailing space
           " id in ('" + a + "')",     // leading space
           "idin ('" + a + "')",       // no space after id
           "id eq '" + a + "'",        // other operator
           "userId in ('" + a + "')",  // other property
           "id in (\"" + a + "\")",    // double quotes
           "id in ('{" + a + "}')",    // braces
           "id\tin ('" + a + "')",     // tab is not SP
           "id in ('" + a + "') and id in ('" + kB + "')",
           "",                       // empty value
           "id in ('" + a + "%2')",  // broken escape
       }) {
    INFO(f);
    std::string r = "communications/presences?$filter=" + f;
    auto p = parse_subscription_resource(r);
    CHECK(p.error == ResourceError::InvalidFilter);
    CHECK(p.message(r) == "Invalid filter clause");
  }
}

TEST_CASE("D27: a single-user id that is not a GUID names it in the message") {
  std::string r = "communications/presences/alice@contoso.com";
  auto p = parse_subscription_resource(r);
  CHECK(p.error == ResourceError::NotAGuid);
  CHECK(p.message(r) == "'alice@contoso.com' is not a user object id (GUID).");
  CHECK(error_of(std::string("communications/presences/{") + kA + "}") ==
        ResourceError::NotAGuid);
  CHECK(error_of(std::string("communications/presences/") + kA + "0") ==
        ResourceError::NotAGuid);
}

TEST_CASE("D27: other resources are 'not supported' with the resource echoed") {
  std::string a = kA;
  for (const std::string& r : std::vector<std::string>{
           std::string(""),
           "/",
           "users/" + a + "/presence",
           "communications/presences",                  // no id or filter
           "communications/presences/",                 // empty id
           "communications/presences/" + a + "/",       // trailing slash
           "communications/presences/" + a + "/extra",  // extra segment
           "communications/presences/" + a + "?$select=id",
           "communications/presencesX/" + a,
           "communications/presence/" + a,
           "https://graph.microsoft.com/v1.0/communications/presences/" + a,
           "//communications/presences/" + a,
           "communications/presences?",  // empty query
           "communications/presences?$select=id",
           "communications/presences?$filter",  // no '='
           "communications/presences?$filter=id in ('" + a + "')&$top=5",
           "communications/presences?$filter=id in ('" + a + "')&",
           "communications/presences?$top=5&$filter=id in ('" + a + "')",
           "communications/presences?%zzfilter=id in ('" + a + "')",
           "me/presence",
       }) {
    INFO(r);
    auto p = parse_subscription_resource(r);
    CHECK(p.error == ResourceError::NotSupported);
    CHECK(p.message(r) ==
          "The mock emulates presence subscriptions only; resource '" + r +
              "' is not supported.");
  }
}

TEST_CASE(
    "D27: an unknown user's text names the first unknown id and the resource") {
  CHECK(gpm::core::unknown_user_message(
            kA, std::string("communications/presences/") + kA) ==
        std::string("User '") + kA +
            "' in resource 'communications/presences/" + kA +
            "' does not exist.");
}

TEST_CASE("D27: hostile resources are refused without crashing") {
  std::string huge(1 << 20, '\'');
  CHECK(error_of("communications/presences?$filter=" + huge) ==
        ResourceError::InvalidFilter);
  std::string nul = std::string("communications/presences/") + kA;
  nul[30] = '\0';
  CHECK(error_of(nul) == ResourceError::NotAGuid);
  CHECK(error_of("communications/presences?$filter=%") ==
        ResourceError::InvalidFilter);
  CHECK(error_of("communications/presences?$filter=%4") ==
        ResourceError::InvalidFilter);
  // 100,000 quoted ids: parsed linearly, then refused for their number.
  auto p = parse_subscription_resource(filter_of(100'000));
  CHECK(p.error == ResourceError::TooManyIds);
  CHECK(p.distinct_ids == 100'000);
}

TEST_CASE("form_decode and is_guid") {
  std::string out;
  REQUIRE(gpm::core::form_decode("a+b%3a%3Ac", out));
  CHECK(out == "a b::c");
  CHECK_FALSE(gpm::core::form_decode("%g0", out));
  CHECK_FALSE(gpm::core::form_decode("ab%", out));
  CHECK(gpm::core::is_guid(kA));
  CHECK_FALSE(gpm::core::is_guid("fa8bf3dc-eca7-46b7-bad1-db199b62afc"));
  CHECK_FALSE(gpm::core::is_guid("fa8bf3dcXeca7-46b7-bad1-db199b62afc3"));
  CHECK_FALSE(gpm::core::is_guid("ga8bf3dc-eca7-46b7-bad1-db199b62afc3"));
}
