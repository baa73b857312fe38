// How long a presence subscription lives, what PATCH may change, and when
// its lifecycle items fall due. All instants are passed in (tenant clock,
// D20); nothing here reads a clock.
//
// Implements docs/spec/change-notifications.md:
//   §3.2 (C8-C10; D29, D30): the expirationDateTime text (RFC 3339, `Z` or
//     +-hh:mm, 0-7 fraction digits, no offset = UTC), the 45-60 minute window
//     relative to `now`, `--lenient-subscription-expiry`, 100 ns storage,
//     liveness on [created, E);
//   §3.4 (C13; D36, D38): which PATCH bodies are refused and with what text,
//     and when a PATCH re-validates the notification URL;
//   §9.1 (C23; D52): `reauthorizationRequired` at expirationDateTime - 15 min
//     when a lifecycle URL is set, rescheduled by an expiry-moving PATCH,
//     cancelled by reauthorize; D53's on-demand lifecycle events;
//   §5 (D60): the order of the steps processed at one timeline instant.
// Decisions where the spec is silent (see the report of this work):
//   * a PATCH whose expirationDateTime equals the stored one does not move
//     the expiry, so it does not reschedule reauthorizationRequired;
//   * a PATCH that moves the expiry leaves an already created (undelivered)
//     reauthorizationRequired item alone; only reauthorize drops it;
//   * a reauthorizationRequired instant that is not after `now` when it is
//     scheduled (a state file loaded late) is due at once.
// Pure C++20, std only. Thread-safe: pure functions and plain values.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace gpm::core {

inline constexpr Duration kMinSubscriptionLifetime = std::chrono::minutes(45);
inline constexpr Duration kMaxSubscriptionLifetime = std::chrono::minutes(60);
inline constexpr Duration kReauthorizationLead = std::chrono::minutes(15);

// expirationDateTime as §3.2 reads it; nullopt when it is not RFC 3339 with
// 0-7 fraction digits (the create's step-2 text then applies).
std::optional<TimePoint> parse_expiration_date_time(std::string_view text);

enum class ExpiryError { None, InPast, TooFar };

struct ExpiryDecision {
  ExpiryError error = ExpiryError::None;
  TimePoint stored{};     // the value to store and echo (when None)
  bool adjusted = false;  // stored differs from the request (raised/clamped)
};

// §3.2 / D29 at the request's tenant instant `now`.
ExpiryDecision decide_expiration(TimePoint requested, TimePoint now,
                                 bool lenient);

// Graph error code and message of a refusal; `value` is the text the client
// sent. InPast: BadRequest; TooFar: ExtensionError.
std::string_view expiry_error_code(ExpiryError e);
std::string expiry_error_message(ExpiryError e, std::string_view value);

// The create's step-2 text, also used for an unparsable expirationDateTime.
inline constexpr std::string_view kUnprocessableCreateMessage =
    "Could not process subscription creation payload. Are all property names "
    "spelled and camelCased properly?";

// A subscription is live on [created, expiration): at expiration it is gone.
inline bool subscription_live(TimePoint created, TimePoint expiration,
                              TimePoint t) {
  return created <= t && t < expiration;
}
inline bool subscription_expired(TimePoint expiration, TimePoint t) {
  return expiration <= t;
}

// --- PATCH (E15, §3.4) ----------------------------------------------------

// Properties a PATCH may not change, in the order they are checked.
enum class ImmutableProperty {
  Resource,
  ChangeType,
  ClientState,
  IncludeResourceData,
  LifecycleNotificationUrl,
};
inline constexpr std::array<ImmutableProperty, 5> kImmutableProperties = {
    ImmutableProperty::Resource, ImmutableProperty::ChangeType,
    ImmutableProperty::ClientState, ImmutableProperty::IncludeResourceData,
    ImmutableProperty::LifecycleNotificationUrl};
std::string_view property_name(ImmutableProperty p);

// What the JSON layer found in the PATCH body. `differs[p]` is true when the
// body holds property p with a value other than the stored one (changeType
// compared ignoring case, as at create).
struct PatchBody {
  bool has_expiration = false;
  bool has_notification_url = false;
  bool has_encryption_certificate = false;
  std::array<bool, kImmutableProperties.size()> differs{};
};

enum class PatchError { None, NothingToUpdate, ImmutableChanged };

struct PatchCheck {
  PatchError error = PatchError::None;
  ImmutableProperty property = ImmutableProperty::Resource;  // ImmutableChanged
  std::string message() const;  // 400 BadRequest texts of §3.4
};

PatchCheck check_patch_body(const PatchBody& body);

// D36: the handshake runs again only when the URL string changes.
inline bool patch_needs_revalidation(std::string_view stored_url,
                                     std::string_view new_url) {
  return stored_url != new_url;
}

// --- Lifecycle schedule (§9.1, D52) ----------------------------------------

struct LifecycleSchedule {
  bool has_lifecycle_url = false;
  // When the next reauthorizationRequired item is created; none when no
  // lifecycle URL, after it was created, or after reauthorize.
  std::optional<TimePoint> reauthorization_at;
};

// At create (and at load from a snapshot or state file).
LifecycleSchedule lifecycle_at_create(bool has_lifecycle_url,
                                      TimePoint expiration);

// An E15 that stored `new_expiration` over `old_expiration`.
void lifecycle_on_patch(LifecycleSchedule& s, TimePoint old_expiration,
                        TimePoint new_expiration);

// E17: cancels the scheduled item. Returns true when the subscription has
// a lifecycle URL: its undelivered reauthorizationRequired items are then
// to be dropped with error "reauthorized".
bool lifecycle_on_reauthorize(LifecycleSchedule& s);

// At timeline instant t: true when the item is due now; it is then
// considered created (the schedule is cleared, it fires once).
bool lifecycle_take_due(LifecycleSchedule& s, TimePoint t);

// The lifecycleEvent values (C23) and D53's on-demand events. Names are
// matched exactly (they are JSON enum values of the control plane).
enum class LifecycleEvent {
  ReauthorizationRequired,
  SubscriptionRemoved,
  Missed
};
std::string_view lifecycle_event_name(LifecycleEvent e);
std::optional<LifecycleEvent> parse_lifecycle_event(std::string_view name);
// D53: subscriptionRemoved deletes the subscription before its item is
// queued (its own item is exempt from D47's drop).
inline bool deletes_subscription_first(LifecycleEvent e) {
  return e == LifecycleEvent::SubscriptionRemoved;
}

// --- One timeline instant (§5, D60) ----------------------------------------

// What happens at one tenant instant, in this order.
enum class TimelineStep {
  ExpireSubscriptions = 1,   // expirationDateTime <= t: deleted (D47)
  CreateLifecycleItems = 2,  // due reauthorizationRequired items
  EvaluateTransitions = 3,   // presence transitions of watched users
  ReleaseDeliveries = 4,     // due deliveries
};
inline constexpr std::array<TimelineStep, 4> kTimelineOrder = {
    TimelineStep::ExpireSubscriptions, TimelineStep::CreateLifecycleItems,
    TimelineStep::EvaluateTransitions, TimelineStep::ReleaseDeliveries};

}  // namespace gpm::core
