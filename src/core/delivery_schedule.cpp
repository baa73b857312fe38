// Delivery schedule: D44-D47 retries, batching and drops, D63 limits.
#include "core/delivery_schedule.h"

#include <algorithm>

namespace gpm::core {

std::optional<TimePoint> attempt_due(TimePoint t0, int attempt) {
  if (attempt < 1 || attempt > kMaxDeliveryAttempts) return std::nullopt;
  return t0 + std::chrono::minutes(
                  kRetryOffsetMinutes[static_cast<std::size_t>(attempt - 1)]);
}

std::optional<TimePoint> next_attempt(TimePoint t0, int failed_attempt) {
  if (failed_attempt < 1 || failed_attempt >= kMaxDeliveryAttempts)
    return std::nullopt;
  return attempt_due(t0, failed_attempt + 1);
}

std::string_view outcome_name(DeliveryOutcome o) {
  switch (o) {
    case DeliveryOutcome::Delivered:
      return "delivered";
    case DeliveryOutcome::Retrying:
      return "retrying";
    case DeliveryOutcome::Dropped:
      return "dropped";
  }
  return "";
}

AttemptVerdict judge_attempt(TimePoint t0, int attempt, bool succeeded) {
  AttemptVerdict v;
  if (succeeded) return v;
  v.next_attempt_at = next_attempt(t0, attempt);
  v.outcome =
      v.next_attempt_at ? DeliveryOutcome::Retrying : DeliveryOutcome::Dropped;
  return v;
}

std::vector<std::size_t> select_batch(std::span<const PendingItem> items,
                                      TimePoint now, ClockMode mode) {
  std::vector<std::size_t> due;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].due <= now) due.push_back(i);
  }
  auto earlier = [&](std::size_t a, std::size_t b) {
    if (items[a].due != items[b].due) return items[a].due < items[b].due;
    return items[a].sequence < items[b].sequence;
  };
  std::sort(due.begin(), due.end(), earlier);
  if (mode == ClockMode::Manual && !due.empty()) {
    const PendingItem& head = items[due.front()];
    std::erase_if(due, [&](std::size_t i) {
      return items[i].due != head.due || items[i].origin != head.origin;
    });
  }
  if (due.size() > kMaxItemsPerPost) due.resize(kMaxItemsPerPost);
  return due;
}

std::string drop_error(DropReason r, std::string_view rule) {
  switch (r) {
    case DropReason::SubscriptionDeleted:
      return "subscription deleted";
    case DropReason::SubscriptionExpired:
      return "subscription expired";
    case DropReason::Reauthorized:
      return "reauthorized";
    case DropReason::QueueFull:
      return "queue full";
    case DropReason::FaultDrop:
      return "fault " + std::string(rule) + ": drop";
  }
  return "";
}

}  // namespace gpm::core
