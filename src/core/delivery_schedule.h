// When notification items are (re)sent, which items go together in one
// POST, and why items are dropped. Instants are tenant-clock instants passed
// in; nothing here reads a clock or does I/O.
//
// Implements change-notifications.md §8 and §10:
//   D44: success = a 2xx status within the delivery timeout;
//   D45: one queue per (tenant, target URL, kind), at most one POST in
//        flight per queue, <= 100 items per POST; under `--clock manual` a
//        POST holds only items sharing the earliest (due instant, origin),
//        under `--clock system` all due items, in (due, sequence) order;
//   D46: attempt k = 1..9 due at t0 + 0, 1, 3, 7, 15, 31, 63, 127, 239 min,
//        t0 = the item's first due instant; a failed attempt 9 drops it;
//   D47: drops ("subscription deleted", "subscription expired", also
//        "reauthorized" of D52, "queue full" of §10, fault drops of D58);
//   D58: a fault `delay` moves the first due instant by PT0S..PT4H;
//   §10: the limits of the delivery engine.
// Decision where the spec is silent: a retry whose due instant is already
// past when its previous attempt ends (a slow attempt, a flush) is due at
// once; it keeps its D46 instant for ordering.
// Pure C++20, std only. Thread-safe: pure functions and plain values.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace gpm::core {

// --- D46 retries -----------------------------------------------------------

inline constexpr int kMaxDeliveryAttempts = 9;
// Offsets of attempts 1..9 from t0, in minutes.
inline constexpr std::array<int, kMaxDeliveryAttempts> kRetryOffsetMinutes = {
    0, 1, 3, 7, 15, 31, 63, 127, 239};

// The instant attempt `attempt` (1-based) of an item whose first due instant
// is t0 falls due; nullopt outside 1..9.
std::optional<TimePoint> attempt_due(TimePoint t0, int attempt);

// After attempt `failed_attempt` failed: the due instant of the next attempt,
// or nullopt when the item is to be dropped (attempt 9 failed, or an attempt
// number outside 1..9).
std::optional<TimePoint> next_attempt(TimePoint t0, int failed_attempt);

// --- D44 outcome of one attempt -------------------------------------------

// `status` is the HTTP status received (0 when none), `completed` whether the
// whole answer arrived within the delivery timeout.
inline bool delivery_succeeded(int status, bool completed) {
  return completed && status >= 200 && status <= 299;
}

enum class DeliveryOutcome { Delivered, Retrying, Dropped };
std::string_view outcome_name(DeliveryOutcome o);  // the log's `outcome`

struct AttemptVerdict {
  DeliveryOutcome outcome = DeliveryOutcome::Delivered;
  std::optional<TimePoint> next_attempt_at;  // when Retrying
};

// What becomes of an item after attempt `attempt` (1-based) ended.
AttemptVerdict judge_attempt(TimePoint t0, int attempt, bool succeeded);

// --- D58 delay fault -------------------------------------------------------

inline constexpr Duration kMaxNotificationDelay = std::chrono::hours(4);
inline bool notification_delay_valid(Duration by) {
  return by >= Duration::zero() && by <= kMaxNotificationDelay;
}
// t0 of a change item created at `changed_at`, delayed by a fault (or not).
inline TimePoint first_due(TimePoint changed_at, Duration delay = {}) {
  return changed_at + delay;
}

// --- D45 queues and batches ------------------------------------------------

enum class QueueKind { Change, Lifecycle };

struct QueueKey {
  std::string tenant;
  std::string url;  // the subscription's current notificationUrl or
                    // lifecycleNotificationUrl, as a string
  QueueKind kind = QueueKind::Change;
  auto operator<=>(const QueueKey&) const = default;
};

// The queue of a `kind` item of a subscription with these URLs.
inline QueueKey queue_for(std::string_view tenant,
                          std::string_view notification_url,
                          std::string_view lifecycle_notification_url,
                          QueueKind kind) {
  return QueueKey{
      std::string(tenant),
      std::string(kind == QueueKind::Change ? notification_url
                                            : lifecycle_notification_url),
      kind};
}

inline constexpr std::size_t kMaxItemsPerPost = 100;

enum class ClockMode { Manual, System };

// What batching needs to know of one pending item of a queue.
struct PendingItem {
  TimePoint due;           // the due instant of its next attempt
  std::uint64_t sequence;  // creation order, unique within the tenant
  std::uint64_t origin;    // the request or timeline instant that created it
};

// Indices into `items` (any order) of the next POST of an idle queue at
// tenant instant `now`, in sending order; empty when nothing is due.
std::vector<std::size_t> select_batch(std::span<const PendingItem> items,
                                      TimePoint now, ClockMode mode);

// --- D47 and §10 drops -----------------------------------------------------

enum class DropReason {
  SubscriptionDeleted,  // E16 or DELETE /_mock/subscriptions/{id}
  SubscriptionExpired,  // expirationDateTime reached
  Reauthorized,         // E17 cancelled a reauthorizationRequired item
  QueueFull,            // past kMaxPendingItemsPerTenant, oldest first out
  FaultDrop,            // a `notification` fault rule with `drop`
};
// The log's `error` of a drop; `rule` names the fault rule for FaultDrop.
std::string drop_error(DropReason r, std::string_view rule = {});

// --- §10 limits ------------------------------------------------------------

inline constexpr std::size_t kMaxSubscriptionsPerTenant = 10'000;
inline constexpr std::size_t kMaxPendingItemsPerTenant = 100'000;
inline constexpr std::size_t kMaxOutboundConnections = 64;
inline constexpr std::size_t kMaxAnswerBytesRead = 64 * 1024;
inline constexpr std::size_t kLogRequestBodyBytes = 4096;
inline constexpr std::size_t kLogResponseBodyBytes = 1024;
inline constexpr std::size_t kDefaultNotificationLogSize = 10'000;

}  // namespace gpm::core
