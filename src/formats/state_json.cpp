#include "formats/state_json.h"

#include <algorithm>

#include "core/aggregate.h"
#include "core/iso_time.h"
#include "graph/graph_json.h"

namespace gpm::graph {
namespace {

using nlohmann::ordered_json;

ordered_json pair_json(core::PresenceState p) {
  return {{"availability", core::to_string(p.availability)},
          {"activity", core::to_string(p.activity)}};
}

std::string_view stage_name(core::SessionStage s) {
  switch (s) {
    case core::SessionStage::Active:
      return "active";
    case core::SessionStage::Inactive:
      return "inactive";
    case core::SessionStage::Away:
      return "away";
    case core::SessionStage::Expired:
      return "expired";
  }
  return "active";
}

ordered_json instant_or_null(const std::optional<core::TimePoint>& t) {
  return t ? ordered_json(control_instant(*t)) : ordered_json(nullptr);
}

// Live sessions at `now`, by session id.
std::vector<const core::Session*> live_sessions(const store::User& u,
                                                core::TimePoint now) {
  std::vector<const core::Session*> out;
  for (const auto& s : u.presence.sessions()) {
    if (core::session_at(s, now).stage != core::SessionStage::Expired) {
      out.push_back(&s);
    }
  }
  std::sort(out.begin(), out.end(),
            [](auto* a, auto* b) { return a->session_id < b->session_id; });
  return out;
}

ordered_json signal_json(const core::WorkLocationSignal& w) {
  ordered_json j;
  j["workLocationType"] = core::to_string(w.type);
  j["placeId"] = w.place_id ? ordered_json(*w.place_id) : ordered_json(nullptr);
  return j;
}

ordered_json layer_json(const std::optional<core::WorkLocationSignal>& w) {
  return w ? signal_json(*w) : ordered_json(nullptr);
}

}  // namespace

std::string control_instant(core::TimePoint t) {
  return core::format_iso_instant(t, 3);
}

ordered_json user_summary_json(const store::User& u) {
  auto name = [](const std::string& v) {
    return v.empty() ? ordered_json(nullptr) : ordered_json(v);
  };
  return {{"id", u.id},
          {"userPrincipalName", name(u.user_principal_name)},
          {"displayName", name(u.display_name)}};
}

ordered_json state_view_json(const store::User& u, core::TimePoint now) {
  core::PresenceView view = u.presence.peek(now);
  ordered_json j = user_summary_json(u);
  j["presence"] = pair_json(view.state);
  j["sequenceNumber"] = format_sequence_number(view.sequence);
  auto sessions = live_sessions(u, now);
  ordered_json list = ordered_json::array();
  for (const core::Session* s : sessions) {
    core::SessionAt at = core::session_at(*s, now);
    ordered_json e;
    e["sessionId"] = s->session_id;
    e["kind"] = s->is_client ? "teamsClient" : "app";
    e["availability"] = core::to_string(s->state.availability);
    e["activity"] = core::to_string(s->state.activity);
    e["setAt"] = control_instant(s->set_at);
    e["stage"] = stage_name(at.stage);
    e["current"] = pair_json(at.state);
    // The next stage is a fade step; expiry is reported on its own.
    std::optional<core::TimePoint> next_stage;
    if (at.next_change_at &&
        (!s->expires_at || *at.next_change_at < *s->expires_at)) {
      next_stage = at.next_change_at;
    }
    e["nextStageAt"] = instant_or_null(next_stage);
    e["expiresAt"] = instant_or_null(s->expires_at);
    list.push_back(std::move(e));
  }
  j["sessions"] = std::move(list);
  const auto& p = u.presence.preferred();
  if (p && core::preferred_live(*p, now)) {
    ordered_json e = pair_json(p->state);
    e["setAt"] = control_instant(p->set_at);
    e["expiresAt"] = control_instant(p->expires_at);
    e["applies"] = !sessions.empty();  // D14
    j["preferredPresence"] = std::move(e);
  } else {
    j["preferredPresence"] = nullptr;
  }
  j["statusMessage"] = view.status_message
                           ? status_message_json(*view.status_message, true)
                           : ordered_json(nullptr);
  j["outOfOfficeSettings"] = out_of_office_json(view.out_of_office);
  // What GET presence shows, and the layers it is aggregated from (R2.7).
  ordered_json wl = work_location_json(view.work_location);
  const core::WorkLocationLayers& layers = u.presence.work_location();
  wl["layers"] = {{"manual", layer_json(layers.manual)},
                  {"automatic", layer_json(layers.automatic)},
                  {"scheduled", layer_json(layers.scheduled)}};
  j["workLocation"] = std::move(wl);
  return j;
}

ordered_json fixture_user_json(const store::User& u, core::TimePoint now) {
  core::PresenceView view = u.presence.peek(now);
  ordered_json j;
  j["id"] = u.id;
  if (!u.user_principal_name.empty()) {
    j["userPrincipalName"] = u.user_principal_name;
  }
  if (!u.display_name.empty()) j["displayName"] = u.display_name;
  ordered_json list = ordered_json::array();
  for (const core::Session* s : live_sessions(u, now)) {
    ordered_json e;
    e["sessionId"] = s->session_id;
    if (s->is_client) e["teamsClient"] = true;
    e["availability"] = core::to_string(s->state.availability);
    e["activity"] = core::to_string(s->state.activity);
    e["setAt"] = control_instant(s->set_at);
    if (s->expires_at) e["expiresAt"] = control_instant(*s->expires_at);
    list.push_back(std::move(e));
  }
  if (!list.empty()) j["sessions"] = std::move(list);
  const auto& p = u.presence.preferred();
  if (p && core::preferred_live(*p, now)) {
    ordered_json e = pair_json(p->state);
    e["setAt"] = control_instant(p->set_at);
    e["expiresAt"] = control_instant(p->expires_at);
    j["preferredPresence"] = std::move(e);
  }
  if (view.status_message) {
    ordered_json m = status_message_json(*view.status_message, true);
    if (m["expiryDateTime"].is_null()) m.erase("expiryDateTime");
    j["statusMessage"] = std::move(m);
  }
  j["outOfOfficeSettings"] = out_of_office_json(view.out_of_office);
  // The layers fixtures can write; scheduled has no writer yet.
  const core::WorkLocationLayers& layers = u.presence.work_location();
  if (layers.manual || layers.automatic) {
    ordered_json wl = ordered_json::object();
    if (layers.manual) wl["manual"] = signal_json(*layers.manual);
    if (layers.automatic) wl["automatic"] = signal_json(*layers.automatic);
    j["workLocation"] = std::move(wl);
  }
  j["sequenceNumber"] = format_sequence_number(view.sequence);
  return j;
}

std::vector<Transition> next_transitions(const store::User& u,
                                         core::TimePoint now) {
  std::vector<Transition> out;
  for (const core::Session* s : live_sessions(u, now)) {
    // Every fade step still ahead (R4.5), then the expiry.
    core::SessionAt at = core::session_at(*s, now);
    while (at.next_change_at &&
           (!s->expires_at || *at.next_change_at < *s->expires_at)) {
      core::SessionAt next = core::session_at(*s, *at.next_change_at);
      out.push_back({*at.next_change_at, "fade", s->session_id,
                     std::string(core::to_string(next.state.availability)) +
                         "/" +
                         std::string(core::to_string(next.state.activity))});
      at = next;
    }
    if (s->expires_at) {
      out.push_back({*s->expires_at, "expiry", s->session_id, ""});
    }
  }
  const auto& p = u.presence.preferred();
  if (p && core::preferred_live(*p, now)) {
    out.push_back({p->expires_at, "preferredPresenceExpiry", "", ""});
  }
  const auto& m = u.presence.status_message();
  if (m && m->expiry && core::status_message_live(*m, now)) {
    out.push_back({m->expiry->at, "statusMessageExpiry", "", ""});
  }
  return out;
}

}  // namespace gpm::graph
