// Unit tests for src/core/delivery_schedule: delivery outcome (D44),
// batching (D45), retries (D46), drops (D47), the delay fault (D58) and the
// limits of change-notifications.md §10.
#include "core/delivery_schedule.h"

#include <doctest/doctest.h>

#include <chrono>
#include <vector>

#include "core/iso_time.h"
#include "test_instants.h"

namespace {

using namespace gpm::core;
using gpm::testing::instant;
using gpm::testing::t0;
using std::chrono::minutes;
using std::chrono::seconds;

std::string iso(TimePoint t) { return format_iso_instant(t); }

}  // namespace

TEST_CASE(
    "D46: attempts 1..9 fall due at 0, 1, 3, 7, 15, 31, 63, 127, 239 min") {
  const char* want[] = {
      "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z", "2026-01-01T00:03:00Z",
      "2026-01-01T00:07:00Z", "2026-01-01T00:15:00Z", "2026-01-01T00:31:00Z",
      "2026-01-01T01:03:00Z", "2026-01-01T02:07:00Z", "2026-01-01T03:59:00Z"};
  for (int k = 1; k <= 9; ++k) {
    INFO(k);
    auto due = attempt_due(t0, k);
    REQUIRE(due.has_value());
    CHECK(iso(*due) == want[k - 1]);
  }
  CHECK_FALSE(attempt_due(t0, 0).has_value());
  CHECK_FALSE(attempt_due(t0, 10).has_value());
  CHECK_FALSE(attempt_due(t0, -3).has_value());
}

TEST_CASE(
    "D46: the last attempt precedes the 4-hour mark (C22), intervals double "
    "then cap") {
  CHECK(*attempt_due(t0, 9) < t0 + std::chrono::hours(4));
  for (int k = 2; k <= 8; ++k) {
    auto gap = *attempt_due(t0, k) - *attempt_due(t0, k - 1);
    CHECK(gap == minutes(1 << (k - 2)));
  }
  CHECK(*attempt_due(t0, 9) - *attempt_due(t0, 8) == minutes(112));
}

TEST_CASE("D46: next_attempt after a failure, dropped after attempt 9") {
  TimePoint first = instant("2026-01-01T00:05:00Z");
  CHECK(iso(*next_attempt(first, 1)) == "2026-01-01T00:06:00Z");
  CHECK(iso(*next_attempt(first, 8)) == "2026-01-01T04:04:00Z");
  CHECK_FALSE(next_attempt(first, 9).has_value());
  CHECK_FALSE(next_attempt(first, 0).has_value());
}

TEST_CASE("D44: success is a 2xx that completed within the timeout") {
  CHECK(delivery_succeeded(200, true));
  CHECK(delivery_succeeded(202, true));
  CHECK(delivery_succeeded(299, true));
  CHECK_FALSE(delivery_succeeded(202, false));  // too slow
  CHECK_FALSE(delivery_succeeded(301, true));   // redirects not followed
  CHECK_FALSE(delivery_succeeded(500, true));
  CHECK_FALSE(delivery_succeeded(199, true));
  CHECK_FALSE(delivery_succeeded(0, false));  // refused, reset
}

TEST_CASE(
    "D46, D57: the verdict of an attempt: delivered, retrying with next "
    "instant, dropped") {
  auto ok = judge_attempt(t0, 3, true);
  CHECK(ok.outcome == DeliveryOutcome::Delivered);
  CHECK_FALSE(ok.next_attempt_at.has_value());
  auto again = judge_attempt(t0, 3, false);
  CHECK(again.outcome == DeliveryOutcome::Retrying);
  CHECK(iso(*again.next_attempt_at) == "2026-01-01T00:07:00Z");
  auto last = judge_attempt(t0, 9, false);
  CHECK(last.outcome == DeliveryOutcome::Dropped);
  CHECK(outcome_name(DeliveryOutcome::Delivered) == "delivered");
  CHECK(outcome_name(DeliveryOutcome::Retrying) == "retrying");
  CHECK(outcome_name(DeliveryOutcome::Dropped) == "dropped");
}

TEST_CASE("D58: a delay fault moves the first due instant, PT0S..PT4H") {
  CHECK(first_due(t0) == t0);
  CHECK(first_due(t0, minutes(5)) == t0 + minutes(5));
  CHECK(notification_delay_valid(Duration::zero()));
  CHECK(notification_delay_valid(std::chrono::hours(4)));
  CHECK_FALSE(notification_delay_valid(std::chrono::hours(4) + seconds(1)));
  CHECK_FALSE(notification_delay_valid(-seconds(1)));
  // Retries of a delayed item count from its delayed t0.
  CHECK(*next_attempt(first_due(t0, minutes(5)), 1) == t0 + minutes(6));
}

TEST_CASE(
    "D45: one queue per (tenant, URL, kind); lifecycle items go to the "
    "lifecycle URL") {
  auto change =
      queue_for("job-7", "http://h/n", "http://h/l", QueueKind::Change);
  auto life =
      queue_for("job-7", "http://h/n", "http://h/l", QueueKind::Lifecycle);
  CHECK(change.url == "http://h/n");
  CHECK(life.url == "http://h/l");
  CHECK(change != life);
  CHECK(change != queue_for("other", "http://h/n", "", QueueKind::Change));
  CHECK(change == queue_for("job-7", "http://h/n", "", QueueKind::Change));
  // D61: tenants are never mixed; keys order (usable in std::map).
  CHECK((queue_for("a", "u", "", QueueKind::Change) <
         queue_for("b", "u", "", QueueKind::Change)));
}

TEST_CASE("D45: nothing is sent before it is due") {
  std::vector<PendingItem> items = {{t0 + minutes(1), 1, 1}};
  CHECK(select_batch(items, t0, ClockMode::Manual).empty());
  CHECK(select_batch(items, t0, ClockMode::System).empty());
  CHECK(select_batch({}, t0, ClockMode::System).empty());
}

TEST_CASE(
    "D45: manual clock: only items sharing the earliest due instant and "
    "origin") {
  // index: due, sequence, origin
  std::vector<PendingItem> items = {
      {t0 + minutes(1), 5, 7},  // 0: later instant
      {t0, 3, 2},               // 1: same instant, other origin
      {t0, 2, 1},               // 2: head (sequence 2)
      {t0, 4, 1},               // 3: same instant and origin
      {t0 + minutes(9), 1, 1},  // 4: not due
  };
  CHECK(select_batch(items, t0 + minutes(2), ClockMode::Manual) ==
        std::vector<size_t>{2, 3});
  CHECK(select_batch(items, t0 + minutes(2), ClockMode::System) ==
        std::vector<size_t>{2, 1, 3, 0});
}

TEST_CASE("D45: a POST holds at most 100 items, in (due, sequence) order") {
  std::vector<PendingItem> items;
  for (uint64_t i = 0; i < 250; ++i) {
    items.push_back({t0, 1000 - i, 42});  // sequence descending by index
  }
  auto batch = select_batch(items, t0, ClockMode::Manual);
  REQUIRE(batch.size() == kMaxItemsPerPost);
  CHECK(batch.front() == 249);  // lowest sequence first
  CHECK(batch.back() == 150);
  CHECK(select_batch(items, t0, ClockMode::System).size() == 100);
}

TEST_CASE("D45: retries keep their origin, so manual batches repeat exactly") {
  // Two items created by one request failed together; a new item of another
  // request is due at the same instant as their retry: not mixed in.
  std::vector<PendingItem> items = {{t0 + minutes(1), 1, 10},
                                    {t0 + minutes(1), 2, 10},
                                    {t0 + minutes(1), 3, 11}};
  CHECK(select_batch(items, t0 + minutes(1), ClockMode::Manual) ==
        std::vector<size_t>{0, 1});
}

TEST_CASE("D47, D52, D58, §10: drop errors are the log's texts") {
  CHECK(drop_error(DropReason::SubscriptionDeleted) == "subscription deleted");
  CHECK(drop_error(DropReason::SubscriptionExpired) == "subscription expired");
  CHECK(drop_error(DropReason::Reauthorized) == "reauthorized");
  CHECK(drop_error(DropReason::QueueFull) == "queue full");
  CHECK(drop_error(DropReason::FaultDrop, "r3") == "fault r3: drop");
}

TEST_CASE("D63: the limits of §10") {
  CHECK(kMaxSubscriptionsPerTenant == 10'000);
  CHECK(kMaxPendingItemsPerTenant == 100'000);
  CHECK(kMaxOutboundConnections == 64);
  CHECK(kMaxAnswerBytesRead == 65'536);
  CHECK(kLogRequestBodyBytes == 4096);
  CHECK(kLogResponseBodyBytes == 1024);
  CHECK(kMaxItemsPerPost == 100);
  CHECK(kDefaultNotificationLogSize == 10'000);
}
