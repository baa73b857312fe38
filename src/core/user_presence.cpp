#include "core/user_presence.h"

#include <algorithm>

namespace gpm::core {

bool PresenceView::same_message(const std::optional<StatusMessage>& a,
                                const std::optional<StatusMessage>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  auto same_expiry = [](const StatusMessage& x, const StatusMessage& y) {
    if (x.expiry.has_value() != y.expiry.has_value()) return false;
    return !x.expiry || (x.expiry->at == y.expiry->at &&
                         x.expiry->date_time == y.expiry->date_time &&
                         x.expiry->time_zone == y.expiry->time_zone);
  };
  return a->content == b->content && a->content_type == b->content_type &&
         a->published_at == b->published_at && same_expiry(*a, *b);
}

PresenceView UserPresence::compute(TimePoint now) const {
  PresenceView v;
  v.state = aggregate(sessions_, preferred_, now);
  if (status_message_ && status_message_live(*status_message_, now)) {
    v.status_message = status_message_;
  }
  v.out_of_office = out_of_office_;
  v.work_location = aggregate_work_location(work_location_);
  return v;
}

void UserPresence::observe(TimePoint now) {
  std::erase_if(sessions_, [&](const Session& s) {
    return session_at(s, now).stage == SessionStage::Expired;
  });
  if (preferred_ && !preferred_live(*preferred_, now)) preferred_.reset();
  if (status_message_ && !status_message_live(*status_message_, now)) {
    status_message_.reset();
  }
  PresenceView v = compute(now);
  if (!(v == last_seen_)) {
    ++sequence_;
    last_seen_ = v;
  }
}

void UserPresence::set_presence(std::string_view session_id,
                                PresenceState state, Duration expiration,
                                TimePoint now) {
  put_session(
      Session{std::string(session_id), state, now, now + expiration, false},
      now);
}

void UserPresence::put_session(Session s, TimePoint now) {
  change(now, [&] {
    s.write_order = ++writes_;
    auto it = std::find_if(sessions_.begin(), sessions_.end(), [&](auto& x) {
      return same_session_id(x.session_id, s.session_id);
    });
    if (it != sessions_.end()) {
      *it = std::move(s);
    } else {
      sessions_.push_back(std::move(s));
    }
  });
}

bool UserPresence::clear_presence(std::string_view session_id, TimePoint now) {
  return change(now, [&] {
    return std::erase_if(sessions_, [&](const Session& s) {
             return !s.is_client && same_session_id(s.session_id, session_id);
           }) > 0;
  });
}

void UserPresence::set_preferred(PresenceState state, Duration expiration,
                                 TimePoint now) {
  put_preferred(PreferredPresence{state, now, now + expiration}, now);
}

void UserPresence::put_preferred(PreferredPresence p, TimePoint now) {
  change(now, [&] { preferred_ = p; });
}

void UserPresence::clear_preferred(TimePoint now) {
  change(now, [&] { preferred_.reset(); });
}

void UserPresence::set_status_message(std::optional<StatusMessage> message,
                                      TimePoint now) {
  change(now, [&] { status_message_ = std::move(message); });
}

void UserPresence::set_out_of_office(OutOfOfficeSettings settings,
                                     TimePoint now) {
  change(now, [&] { out_of_office_ = std::move(settings); });
}

void UserPresence::set_manual_location(WorkLocationSignal signal,
                                       TimePoint now) {
  change(now, [&] { work_location_.manual = std::move(signal); });
}

void UserPresence::set_automatic_location(WorkLocationSignal signal,
                                          TimePoint now) {
  change(now, [&] { work_location_.automatic = std::move(signal); });
}

void UserPresence::clear_automatic_location(TimePoint now) {
  change(now, [&] { core::clear_automatic_location(work_location_); });
}

void UserPresence::clear_location(TimePoint now) {
  change(now, [&] { core::clear_location(work_location_); });
}

PresenceView UserPresence::peek(TimePoint now) const {
  PresenceView v = compute(now);
  v.sequence = v == last_seen_ ? sequence_ : sequence_ + 1;
  return v;
}

bool UserPresence::has_expired_items(TimePoint now) const {
  for (const Session& s : sessions_) {
    if (session_at(s, now).stage == SessionStage::Expired) return true;
  }
  if (preferred_ && !preferred_live(*preferred_, now)) return true;
  return status_message_ && !status_message_live(*status_message_, now);
}

bool UserPresence::stable_at(TimePoint now) const {
  return !has_expired_items(now) && compute(now) == last_seen_;
}

std::optional<PresenceView> UserPresence::peek_if_stable(TimePoint now) const {
  if (has_expired_items(now)) return std::nullopt;
  PresenceView v = compute(now);
  if (!(v == last_seen_)) return std::nullopt;
  v.sequence = sequence_;
  return v;
}

bool UserPresence::remove_session(std::string_view session_id, TimePoint now) {
  return change(now, [&] {
    return std::erase_if(sessions_, [&](const Session& s) {
             return same_session_id(s.session_id, session_id);
           }) > 0;
  });
}

PresenceView UserPresence::view(TimePoint now) {
  observe(now);
  PresenceView v = last_seen_;
  v.sequence = sequence_;
  return v;
}

}  // namespace gpm::core
