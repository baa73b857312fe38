// Unit tests for src/core/subscription_lifetime: the expirationDateTime
// window (change-notifications.md §3.2, C8-C10, D29, D30), PATCH checks (C13,
// D36, D38) and the lifecycle schedule (§9.1, D52; §5, D60).
#include "core/subscription_lifetime.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "core/iso_time.h"
#include "test_instants.h"

namespace {

using namespace gpm::core;
using gpm::testing::instant;
using gpm::testing::t0;
using std::chrono::minutes;
using std::chrono::nanoseconds;

std::string iso7(TimePoint t) { return format_iso_instant(t, 7); }

}  // namespace

TEST_CASE("C8, D29: an expiry 45 to 60 minutes ahead is stored as given") {
  for (auto ahead : {minutes(45), minutes(50), minutes(60)}) {
    auto d = decide_expiration(t0 + ahead, t0, false);
    CHECK(d.error == ExpiryError::None);
    CHECK(d.stored == t0 + ahead);
    CHECK_FALSE(d.adjusted);
  }
}

TEST_CASE(
    "C8, D29: an expiry under 45 minutes ahead is raised to now + 45 min") {
  TimePoint now = instant("2026-01-01T00:00:00.1234567Z");
  for (auto ahead : {nanoseconds(100), nanoseconds(minutes(3)),
                     nanoseconds(minutes(45)) - nanoseconds(100)}) {
    auto d = decide_expiration(now + ahead, now, false);
    CHECK(d.error == ExpiryError::None);
    CHECK(iso7(d.stored) == "2026-01-01T00:45:00.1234567Z");
    CHECK(d.adjusted);
  }
}

TEST_CASE("D29: an expiry not after now is 'in the past' (BadRequest)") {
  for (auto t : {t0, t0 - minutes(1), instant("2020-01-01T00:00:00Z")}) {
    auto d = decide_expiration(t, t0, false);
    CHECK(d.error == ExpiryError::InPast);
  }
  CHECK(expiry_error_code(ExpiryError::InPast) == "BadRequest");
  CHECK(expiry_error_message(ExpiryError::InPast, "2025-12-31T23:00:00Z") ==
        "expirationDateTime '2025-12-31T23:00:00Z' is in the past.");
}

TEST_CASE("C8, C9, D29: more than 60 minutes ahead is ExtensionError") {
  for (auto t : {t0 + minutes(60) + nanoseconds(100), t0 + minutes(61),
                 t0 + std::chrono::hours(4230)}) {
    auto d = decide_expiration(t, t0, false);
    CHECK(d.error == ExpiryError::TooFar);
  }
  CHECK(expiry_error_code(ExpiryError::TooFar) == "ExtensionError");
  CHECK(expiry_error_message(ExpiryError::TooFar, "x") ==
        "Subscription expiration can only be 60 minutes in the future.");
}

TEST_CASE("D29: --lenient-subscription-expiry clamps into [now+45, now+60]") {
  struct Case {
    TimePoint requested;
    TimePoint stored;
    bool adjusted;
  };
  for (auto c : {Case{t0 - std::chrono::hours(24), t0 + minutes(45), true},
                 Case{t0, t0 + minutes(45), true},
                 Case{t0 + minutes(10), t0 + minutes(45), true},
                 Case{t0 + minutes(52), t0 + minutes(52), false},
                 Case{t0 + minutes(60), t0 + minutes(60), false},
                 Case{t0 + std::chrono::hours(5), t0 + minutes(60), true}}) {
    auto d = decide_expiration(c.requested, t0, true);
    CHECK(d.error == ExpiryError::None);
    CHECK(iso7(d.stored) == iso7(c.stored));
    CHECK(d.adjusted == c.adjusted);
  }
}

TEST_CASE("D29: instants are stored with 100 ns resolution") {
  TimePoint now = t0 + nanoseconds(123'456'789);
  auto d = decide_expiration(now + minutes(50), now, false);
  CHECK(iso7(d.stored) == "2026-01-01T00:50:00.1234567Z");
  CHECK((d.stored.time_since_epoch().count() % 100) == 0);
}

TEST_CASE(
    "C5, §3.2: expirationDateTime parses RFC 3339 with 0-7 fraction digits") {
  struct Case {
    const char* text;
    const char* utc;
  };
  for (auto c :
       {Case{"2026-01-01T01:00:00Z", "2026-01-01T01:00:00.0000000Z"},
        Case{"2026-01-01T01:00:00.1234567Z", "2026-01-01T01:00:00.1234567Z"},
        Case{"2026-01-01T01:00:00.5z", "2026-01-01T01:00:00.5000000Z"},
        Case{"2026-01-01T02:00:00+01:00", "2026-01-01T01:00:00.0000000Z"},
        Case{"2025-12-31T20:00:00.000-05:00", "2026-01-01T01:00:00.0000000Z"},
        Case{"2026-01-01T01:00:00", "2026-01-01T01:00:00.0000000Z"},  // UTC
        Case{"2026-01-01t01:00:00Z", "2026-01-01T01:00:00.0000000Z"}}) {
    INFO(c.text);
    auto t = parse_expiration_date_time(c.text);
    REQUIRE(t.has_value());
    CHECK(iso7(*t) == c.utc);
  }
}

TEST_CASE("C5, §3.2: malformed expirationDateTime texts are refused") {
  for (const char* s :
       {"", "tomorrow", "2026-01-01", "2026-01-01T01:00Z",
        "2026-01-01T01:00:00.12345678Z",  // 8 digits
        "2026-01-01T01:00:00.Z", "2026-01-01T01:00:00+0100",
        "2026-01-01T01:00:00+01", "2026-13-01T01:00:00Z",
        "2026-02-30T01:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T01:00:00ZZ",
        "12026-01-01T01:00:00Z", "2026-01-01T01:00:00 Z", "PT1H"}) {
    INFO(s);
    CHECK_FALSE(parse_expiration_date_time(s).has_value());
  }
  CHECK(kUnprocessableCreateMessage ==
        "Could not process subscription creation payload. Are all property "
        "names spelled and camelCased properly?");
}

TEST_CASE("C10, D30: a subscription is live on [created, expiration)") {
  TimePoint e = t0 + minutes(60);
  CHECK(subscription_live(t0, e, t0));
  CHECK(subscription_live(t0, e, e - nanoseconds(100)));
  CHECK_FALSE(subscription_live(t0, e, e));
  CHECK_FALSE(subscription_live(t0, e, t0 - nanoseconds(1)));
  CHECK(subscription_expired(e, e));
  CHECK_FALSE(subscription_expired(e, e - nanoseconds(1)));
}

TEST_CASE(
    "C13, D38: a PATCH needs expirationDateTime, notificationUrl or a "
    "certificate") {
  PatchBody empty;
  auto c = check_patch_body(empty);
  CHECK(c.error == PatchError::NothingToUpdate);
  CHECK(c.message() ==
        "Subscription must contain either the 'expirationDateTime' or "
        "'notificationUrl' property and its value.");
  for (int which = 0; which < 3; ++which) {
    PatchBody b;
    (which == 0   ? b.has_expiration
     : which == 1 ? b.has_notification_url
                  : b.has_encryption_certificate) = true;
    CHECK(check_patch_body(b).error == PatchError::None);
  }
}

TEST_CASE("D38: a PATCH changing another property names the first in order") {
  PatchBody b;
  b.has_expiration = true;
  b.differs[3] = true;  // includeResourceData
  b.differs[4] = true;  // lifecycleNotificationUrl
  auto c = check_patch_body(b);
  CHECK(c.error == PatchError::ImmutableChanged);
  CHECK(c.property == ImmutableProperty::IncludeResourceData);
  CHECK(c.message() ==
        "Property 'includeResourceData' cannot be updated; PATCH accepts only "
        "expirationDateTime and notificationUrl.");
  const char* names[] = {"resource", "changeType", "clientState",
                         "includeResourceData", "lifecycleNotificationUrl"};
  for (size_t i = 0; i < kImmutableProperties.size(); ++i) {
    CHECK(property_name(kImmutableProperties[i]) == names[i]);
  }
  // The "nothing to update" check comes first.
  PatchBody only_immutable;
  only_immutable.differs[0] = true;
  CHECK(check_patch_body(only_immutable).error == PatchError::NothingToUpdate);
}

TEST_CASE("D36: a PATCH re-validates only a changed notificationUrl string") {
  CHECK_FALSE(patch_needs_revalidation("http://127.0.0.1:9000/hook",
                                       "http://127.0.0.1:9000/hook"));
  CHECK(patch_needs_revalidation("http://127.0.0.1:9000/hook",
                                 "http://127.0.0.1:9000/Hook"));
}

TEST_CASE(
    "D52: reauthorizationRequired falls due at expiration - 15 min, once") {
  TimePoint e = t0 + minutes(60);
  auto s = lifecycle_at_create(true, e);
  REQUIRE(s.reauthorization_at.has_value());
  CHECK(*s.reauthorization_at == t0 + minutes(45));
  CHECK_FALSE(lifecycle_take_due(s, t0 + minutes(45) - nanoseconds(100)));
  CHECK(lifecycle_take_due(s, t0 + minutes(45)));
  CHECK_FALSE(lifecycle_take_due(s, t0 + minutes(46)));  // fires once
  CHECK_FALSE(s.reauthorization_at.has_value());
}

TEST_CASE("C23, D52: without a lifecycle URL nothing is ever scheduled") {
  auto s = lifecycle_at_create(false, t0 + minutes(60));
  CHECK_FALSE(s.reauthorization_at.has_value());
  lifecycle_on_patch(s, t0 + minutes(60), t0 + minutes(100));
  CHECK_FALSE(s.reauthorization_at.has_value());
  CHECK_FALSE(lifecycle_on_reauthorize(s));
  CHECK_FALSE(lifecycle_take_due(s, t0 + std::chrono::hours(3)));
}

TEST_CASE(
    "D52: a PATCH that moves the expiry reschedules, even after it fired") {
  auto s = lifecycle_at_create(true, t0 + minutes(60));
  lifecycle_on_patch(s, t0 + minutes(60), t0 + minutes(80));
  CHECK(*s.reauthorization_at == t0 + minutes(65));
  REQUIRE(lifecycle_take_due(s, t0 + minutes(65)));
  lifecycle_on_patch(s, t0 + minutes(80), t0 + minutes(120));  // sent again
  CHECK(*s.reauthorization_at == t0 + minutes(105));
  // The same expiry again does not move anything.
  REQUIRE(lifecycle_take_due(s, t0 + minutes(105)));
  lifecycle_on_patch(s, t0 + minutes(120), t0 + minutes(120));
  CHECK_FALSE(s.reauthorization_at.has_value());
}

TEST_CASE(
    "D52: reauthorize cancels the scheduled item; the next moving PATCH "
    "schedules") {
  auto s = lifecycle_at_create(true, t0 + minutes(60));
  CHECK(lifecycle_on_reauthorize(s));  // undelivered items to drop
  CHECK_FALSE(s.reauthorization_at.has_value());
  CHECK_FALSE(lifecycle_take_due(s, t0 + minutes(59)));
  lifecycle_on_patch(s, t0 + minutes(60), t0 + minutes(90));
  CHECK(*s.reauthorization_at == t0 + minutes(75));
}

TEST_CASE("D52: an instant already past when scheduled is due at once") {
  auto s = lifecycle_at_create(true, t0 + minutes(10));  // loaded late
  CHECK(lifecycle_take_due(s, t0));
}

TEST_CASE(
    "D60: one timeline instant runs expiry, lifecycle, transitions, "
    "deliveries") {
  REQUIRE(kTimelineOrder.size() == 4);
  CHECK(kTimelineOrder[0] == TimelineStep::ExpireSubscriptions);
  CHECK(kTimelineOrder[1] == TimelineStep::CreateLifecycleItems);
  CHECK(kTimelineOrder[2] == TimelineStep::EvaluateTransitions);
  CHECK(kTimelineOrder[3] == TimelineStep::ReleaseDeliveries);
}

TEST_CASE(
    "C23, D53: lifecycle events by name; only subscriptionRemoved deletes "
    "first") {
  for (auto e : {LifecycleEvent::ReauthorizationRequired,
                 LifecycleEvent::SubscriptionRemoved, LifecycleEvent::Missed}) {
    CHECK(parse_lifecycle_event(lifecycle_event_name(e)) == e);
  }
  CHECK(lifecycle_event_name(LifecycleEvent::ReauthorizationRequired) ==
        "reauthorizationRequired");
  CHECK(lifecycle_event_name(LifecycleEvent::SubscriptionRemoved) ==
        "subscriptionRemoved");
  CHECK(lifecycle_event_name(LifecycleEvent::Missed) == "missed");
  for (const char* bad :
       {"", "Missed", "subscriptionDeleted", "reauthorizationrequired"}) {
    CHECK_FALSE(parse_lifecycle_event(bad).has_value());
  }
  CHECK(deletes_subscription_first(LifecycleEvent::SubscriptionRemoved));
  CHECK_FALSE(deletes_subscription_first(LifecycleEvent::Missed));
  CHECK_FALSE(
      deletes_subscription_first(LifecycleEvent::ReauthorizationRequired));
}
