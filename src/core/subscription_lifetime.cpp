// Subscription lifetime, PATCH checks and lifecycle schedule (C8-C10,
// C13, C23, D29, D30, D36, D38, D52, D60).
#include "core/subscription_lifetime.h"

#include "core/iso_time.h"

namespace gpm::core {

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// Instants are stored with 100 ns resolution (the 7 digits echoed).
TimePoint floor_100ns(TimePoint t) {
  using Tick = std::chrono::duration<Duration::rep, std::ratio<1, 10'000'000>>;
  return std::chrono::time_point_cast<Duration>(std::chrono::floor<Tick>(t));
}

}  // namespace

std::optional<TimePoint> parse_expiration_date_time(std::string_view text) {
  // Shape first: YYYY-MM-DD(T|t| )HH:MM:SS[.f{1,7}][Z|z|+hh:mm|-hh:mm].
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (text.size() < kShape.size()) return std::nullopt;
  for (size_t i = 0; i < kShape.size(); ++i) {
    char want = kShape[i];
    char c = text[i];
    bool ok = want == 'd'   ? digit(c)
              : want == 'T' ? (c == 'T' || c == 't' || c == ' ')
                            : c == want;
    if (!ok) return std::nullopt;
  }
  size_t i = kShape.size();
  if (i < text.size() && text[i] == '.') {
    size_t start = ++i;
    while (i < text.size() && digit(text[i])) ++i;
    size_t n = i - start;
    if (n < 1 || n > 7) return std::nullopt;
  }
  std::string_view zone = text.substr(i);
  bool zone_ok = zone.empty() || zone == "Z" || zone == "z" ||
                 (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') &&
                  digit(zone[1]) && digit(zone[2]) && zone[3] == ':' &&
                  digit(zone[4]) && digit(zone[5]));
  if (!zone_ok) return std::nullopt;
  auto parts = parse_iso_datetime(text);  // ranges: month, day, hour, offset
  if (!parts) return std::nullopt;
  return to_time_point_utc(*parts);  // no offset: read as UTC
}

ExpiryDecision decide_expiration(TimePoint requested, TimePoint now,
                                 bool lenient) {
  ExpiryDecision d;
  TimePoint floor = now + kMinSubscriptionLifetime;
  TimePoint ceiling = now + kMaxSubscriptionLifetime;
  TimePoint chosen = requested;
  if (lenient) {
    if (requested < floor) chosen = floor;
    if (requested > ceiling) chosen = ceiling;
  } else if (requested <= now) {
    d.error = ExpiryError::InPast;
    return d;
  } else if (requested > ceiling) {
    d.error = ExpiryError::TooFar;
    return d;
  } else if (requested < floor) {
    chosen = floor;
  }
  d.stored = floor_100ns(chosen);
  d.adjusted = d.stored != requested;
  return d;
}

std::string_view expiry_error_code(ExpiryError e) {
  switch (e) {
    case ExpiryError::None:
      return "";
    case ExpiryError::InPast:
      return "BadRequest";
    case ExpiryError::TooFar:
      return "ExtensionError";
  }
  return "";
}

std::string expiry_error_message(ExpiryError e, std::string_view value) {
  switch (e) {
    case ExpiryError::None:
      return "";
    case ExpiryError::InPast:
      return "expirationDateTime '" + std::string(value) + "' is in the past.";
    case ExpiryError::TooFar:
      return "Subscription expiration can only be 60 minutes in the future.";
  }
  return "";
}

std::string_view property_name(ImmutableProperty p) {
  switch (p) {
    case ImmutableProperty::Resource:
      return "resource";
    case ImmutableProperty::ChangeType:
      return "changeType";
    case ImmutableProperty::ClientState:
      return "clientState";
    case ImmutableProperty::IncludeResourceData:
      return "includeResourceData";
    case ImmutableProperty::LifecycleNotificationUrl:
      return "lifecycleNotificationUrl";
  }
  return "";
}

PatchCheck check_patch_body(const PatchBody& body) {
  PatchCheck c;
  if (!body.has_expiration && !body.has_notification_url &&
      !body.has_encryption_certificate) {
    c.error = PatchError::NothingToUpdate;
    return c;
  }
  for (size_t i = 0; i < kImmutableProperties.size(); ++i) {
    if (body.differs[i]) {
      c.error = PatchError::ImmutableChanged;
      c.property = kImmutableProperties[i];
      return c;
    }
  }
  return c;
}

std::string PatchCheck::message() const {
  switch (error) {
    case PatchError::None:
      return "";
    case PatchError::NothingToUpdate:
      return "Subscription must contain either the 'expirationDateTime' or "
             "'notificationUrl' property and its value.";
    case PatchError::ImmutableChanged:
      return "Property '" + std::string(property_name(property)) +
             "' cannot be updated; PATCH accepts only expirationDateTime and "
             "notificationUrl.";
  }
  return "";
}

LifecycleSchedule lifecycle_at_create(bool has_lifecycle_url,
                                      TimePoint expiration) {
  LifecycleSchedule s;
  s.has_lifecycle_url = has_lifecycle_url;
  if (has_lifecycle_url)
    s.reauthorization_at = expiration - kReauthorizationLead;
  return s;
}

void lifecycle_on_patch(LifecycleSchedule& s, TimePoint old_expiration,
                        TimePoint new_expiration) {
  if (!s.has_lifecycle_url || old_expiration == new_expiration) return;
  s.reauthorization_at = new_expiration - kReauthorizationLead;
}

bool lifecycle_on_reauthorize(LifecycleSchedule& s) {
  s.reauthorization_at.reset();
  return s.has_lifecycle_url;
}

bool lifecycle_take_due(LifecycleSchedule& s, TimePoint t) {
  if (!s.reauthorization_at || *s.reauthorization_at > t) return false;
  s.reauthorization_at.reset();
  return true;
}

std::string_view lifecycle_event_name(LifecycleEvent e) {
  switch (e) {
    case LifecycleEvent::ReauthorizationRequired:
      return "reauthorizationRequired";
    case LifecycleEvent::SubscriptionRemoved:
      return "subscriptionRemoved";
    case LifecycleEvent::Missed:
      return "missed";
  }
  return "";
}

std::optional<LifecycleEvent> parse_lifecycle_event(std::string_view name) {
  for (auto e : {LifecycleEvent::ReauthorizationRequired,
                 LifecycleEvent::SubscriptionRemoved, LifecycleEvent::Missed}) {
    if (name == lifecycle_event_name(e)) return e;
  }
  return std::nullopt;
}

}  // namespace gpm::core
