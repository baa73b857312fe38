#include "graph/graph_json.h"

#include <unordered_set>

#include "core/ascii.h"
#include "core/guid.h"
#include "core/iso_time.h"

namespace gpm::graph {
namespace {

using nlohmann::json;

constexpr std::string_view kSessionPairs =
    "Available/Available, Busy/InACall, Busy/InAConferenceCall, Away/Away, "
    "DoNotDisturb/Presenting";
constexpr std::string_view kBetaExtraPairs =
    ", Busy/Busy, DoNotDisturb/DoNotDisturb, BeRightBack/BeRightBack, "
    "Offline/OffWork";
constexpr std::string_view kPreferredPairs =
    "Available/Available, Busy/Busy, DoNotDisturb/DoNotDisturb, "
    "BeRightBack/BeRightBack, Away/Away, Offline/OffWork";

// How a request value is named in an error message: scalars as written
// (strings cut short), containers by kind, so hostile nesting is never
// serialised.
std::string describe(const json& v) {
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    return s.size() > 100 ? s.substr(0, 100) + "..." : s;
  }
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return v.dump();
}

const json* member(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string required_string(const json& obj, const char* key) {
  const json* v = member(obj, key);
  if (v == nullptr) {
    throw errors::bad_request(std::string("The parameter '") + key +
                              "' is required.");
  }
  if (!v->is_string()) {
    throw errors::bad_request(std::string("The parameter '") + key +
                              "' must be a string.");
  }
  return v->get<std::string>();
}

core::PresenceState required_pair(const json& obj, std::string_view accepted) {
  std::string a = required_string(obj, "availability");
  std::string b = required_string(obj, "activity");
  auto availability = core::parse_availability(a);
  auto activity = core::parse_activity(b);
  if (!availability || !activity) {
    throw errors::bad_request(
        "The availability/activity pair '" + a + "/" + b +
        "' is not supported; accepted pairs: " + std::string(accepted) + ".");
  }
  return {*availability, *activity};
}

// D23: only ISO 8601; the message says so, and names the range.
std::optional<core::Duration> optional_duration(const json& obj,
                                                const char* key,
                                                std::string_view range) {
  const json* v = member(obj, key);
  if (v == nullptr) return std::nullopt;
  std::string text = describe(*v);
  auto d = v->is_string() ? core::parse_iso_duration(text) : std::nullopt;
  if (!d && v->is_string() &&
      core::diagnose_iso_duration(text) == core::IsoTextProblem::OutOfRange) {
    throw errors::bad_request(
        std::string("The parameter '") + key + "' value '" + text +
        "' is out of range; allowed: " + std::string(range) + ".");
  }
  if (!d) {
    throw errors::bad_request(
        std::string("The parameter '") + key + "' value '" + text +
        "' is not a valid ISO 8601 duration; an ISO 8601 duration such as "
        "PT5M, PT1H30M or P1D is expected (range " +
        std::string(range) + ").");
  }
  return d;
}

[[noreturn]] void out_of_range(const char* key, core::Duration d,
                               std::string_view range) {
  throw errors::bad_request(
      std::string("The parameter '") + key + "' value '" +
      core::format_iso_duration(d) +
      "' is out of range; allowed: " + std::string(range) + ".");
}

}  // namespace

json parse_object_body(std::string_view body, bool allow_empty) {
  bool blank = body.find_first_not_of(" \t\r\n") == std::string_view::npos;
  if (blank) {
    if (allow_empty) return json::object();
    throw errors::bad_request("A JSON object request body is required.");
  }
  json j;
  try {
    j = json::parse(body);
  } catch (const json::parse_error& e) {
    throw errors::bad_request("The request body is not valid JSON.")
        .with_hint(errors::invalid_json_hint(e.byte, body.size()));
  } catch (const json::exception&) {
    // A number past double's range (1e400): well formed, but not a value.
    throw errors::bad_request("The request body is not valid JSON.");
  }
  if (!j.is_object()) {
    throw errors::bad_request("The request body must be a JSON object.");
  }
  return j;
}

SetPresenceRequest parse_set_presence(std::string_view body,
                                      bool beta_extra_pairs) {
  return parse_set_presence_object(parse_object_body(body, false),
                                   beta_extra_pairs);
}

SetPresenceRequest parse_set_presence_object(const json& j,
                                             bool beta_extra_pairs) {
  SetPresenceRequest r;
  r.session_id = required_string(j, "sessionId");
  if (r.session_id.empty()) {
    throw errors::bad_request("The parameter 'sessionId' must not be empty.");
  }
  std::string accepted(kSessionPairs);
  if (beta_extra_pairs) accepted += kBetaExtraPairs;
  r.state = required_pair(j, accepted);
  if (!core::is_settable_session_pair(r.state, beta_extra_pairs)) {
    throw errors::bad_request(
        "The availability/activity pair '" +
        std::string(core::to_string(r.state.availability)) + "/" +
        std::string(core::to_string(r.state.activity)) +
        "' cannot be set with setPresence; accepted pairs: " + accepted + ".");
  }
  constexpr std::string_view kRange = "PT5M to PT4H";
  if (auto d = optional_duration(j, "expirationDuration", kRange)) {
    if (*d < core::kMinSessionExpiration || *d > core::kMaxSessionExpiration) {
      out_of_range("expirationDuration", *d, kRange);
    }
    r.expiration = *d;
  }
  return r;
}

std::string parse_clear_presence(std::string_view body) {
  return parse_clear_presence_object(parse_object_body(body, false));
}

std::string parse_clear_presence_object(const json& j) {
  std::string id = required_string(j, "sessionId");
  if (id.empty()) {
    throw errors::bad_request("The parameter 'sessionId' must not be empty.");
  }
  return id;
}

SetPreferredRequest parse_set_preferred(std::string_view body) {
  return parse_preferred_presence(parse_object_body(body, false));
}

SetPreferredRequest parse_preferred_presence(const json& j) {
  if (!j.is_object()) {
    throw errors::bad_request("The request body must be a JSON object.");
  }
  SetPreferredRequest r;
  r.state = required_pair(j, kPreferredPairs);
  if (!core::is_settable_preferred_pair(r.state)) {
    throw errors::bad_request(
        "The availability/activity pair '" +
        std::string(core::to_string(r.state.availability)) + "/" +
        std::string(core::to_string(r.state.activity)) +
        "' cannot be set with setUserPreferredPresence; accepted pairs: " +
        std::string(kPreferredPairs) + ".");
  }
  // R3.5 defaults: one day for Busy and DoNotDisturb, seven days otherwise.
  bool short_default = r.state.availability == core::Availability::Busy ||
                       r.state.availability == core::Availability::DoNotDisturb;
  r.expiration = short_default ? std::chrono::days(1) : std::chrono::days(7);
  constexpr std::string_view kRange = "greater than PT0S, up to P30D";
  if (auto d = optional_duration(j, "expirationDuration", kRange)) {
    if (d->count() <= 0 || *d > core::kMaxPreferredExpiration) {
      out_of_range("expirationDuration", *d, kRange);
    }
    r.expiration = *d;
  }
  return r;
}

void parse_clear_preferred(std::string_view body) {
  parse_object_body(body, true);
}

std::optional<core::StatusMessage> parse_set_status_message(
    std::string_view body, core::TimePoint now, const tz::TimeZoneDb& zones) {
  json j = parse_object_body(body, false);
  return parse_status_message(member(j, "statusMessage"), now, zones);
}

std::optional<core::StatusMessage> parse_status_message(
    const json* sm, core::TimePoint now, const tz::TimeZoneDb& zones) {
  if (sm == nullptr || !sm->is_object()) {
    throw errors::bad_request(
        "The parameter 'statusMessage' is required and must be an object "
        "with a 'message' itemBody.");
  }
  const json* msg = member(*sm, "message");
  if (msg == nullptr || !msg->is_object()) {
    throw errors::bad_request(
        "The parameter 'statusMessage.message' is required and must be an "
        "itemBody object {\"content\", \"contentType\"}.");
  }
  core::StatusMessage m;
  const json* content = member(*msg, "content");
  if (content == nullptr || !content->is_string()) {
    throw errors::bad_request(
        "The parameter 'statusMessage.message.content' is required and must "
        "be a string.");
  }
  m.content = content->get<std::string>();
  if (const json* ct = member(*msg, "contentType")) {
    if (!ct->is_string() ||
        core::to_lower_ascii(ct->get<std::string>()) != "text") {
      throw errors::bad_request(
          "The parameter 'statusMessage.message.contentType' must be 'text'; "
          "only text status messages are supported.");
    }
  }
  if (const json* exp = member(*sm, "expiryDateTime")) {
    if (!exp->is_object()) {
      throw errors::bad_request(
          "The parameter 'statusMessage.expiryDateTime' must be a "
          "dateTimeTimeZone object {\"dateTime\", \"timeZone\"}.");
    }
    const json* dt = member(*exp, "dateTime");
    if (dt == nullptr || !dt->is_string()) {
      throw errors::bad_request(
          "The parameter 'statusMessage.expiryDateTime.dateTime' is required "
          "and must be a string such as '2026-01-01T17:00:00'.");
    }
    std::string dt_text = dt->get<std::string>();
    auto parts = core::parse_iso_datetime(dt_text);
    if (!parts && core::diagnose_iso_datetime(dt_text) ==
                      core::IsoTextProblem::OutOfRange) {
      throw errors::bad_request(
          "The parameter 'statusMessage.expiryDateTime.dateTime' value '" +
          dt_text + "' is out of range; years 1700 to 2200 are supported.");
    }
    if (!parts || parts->offset_minutes) {
      throw errors::bad_request(
          "The parameter 'statusMessage.expiryDateTime.dateTime' value '" +
          dt_text +
          "' is not a date-time without offset such as "
          "'2026-01-01T17:00:00'; the zone goes in 'timeZone'.");
    }
    std::string zone = "UTC";
    if (const json* tzv = member(*exp, "timeZone")) {
      if (!tzv->is_string()) {
        throw errors::bad_request(
            "The parameter 'statusMessage.expiryDateTime.timeZone' must be a "
            "string.");
      }
      zone = tzv->get<std::string>();
    }
    auto at = zones.local_to_utc(zone, *parts);
    if (!at) {
      throw errors::bad_request(
          "The time zone '" + zone +
          "' in 'statusMessage.expiryDateTime.timeZone' is not known; use an "
          "IANA name such as 'Europe/Paris', a Windows name such as 'Pacific "
          "Standard Time', or 'UTC'.");
    }
    m.expiry = core::StatusMessageExpiry{dt_text, zone, *at};
  }
  if (m.content.empty()) return std::nullopt;
  m.published_at = now;
  return m;
}

core::WorkLocationSignal parse_set_location(std::string_view body) {
  return parse_work_location_signal(parse_object_body(body, false));
}

core::WorkLocationSignal parse_work_location_signal(const json& j) {
  if (!j.is_object()) {
    throw errors::bad_request("The request body must be a JSON object.");
  }
  constexpr std::string_view kTypes = "unspecified, office, remote, timeOff";
  core::WorkLocationSignal r;
  const json* type = member(j, "workLocationType");
  if (type == nullptr) {
    throw errors::bad_request(
        "The parameter 'workLocationType' is required; accepted values: " +
        std::string(kTypes) + ".");
  }
  if (!type->is_string()) {
    throw errors::bad_request(
        "The parameter 'workLocationType' must be a string; accepted values: " +
        std::string(kTypes) + ".");
  }
  auto parsed = core::parse_work_location_type(type->get<std::string>());
  if (!parsed) {
    throw errors::bad_request(
        "The parameter 'workLocationType' value '" + describe(*type) +
        "' is not supported; accepted values: " + std::string(kTypes) + ".");
  }
  r.type = *parsed;
  if (const json* place = member(j, "placeId")) {
    if (!place->is_string()) {
      throw errors::bad_request(
          "The parameter 'placeId' must be a string or null.");
    }
    r.place_id = place->get<std::string>();
  }
  return r;
}

void parse_clear_location(std::string_view body) {
  parse_object_body(body, true);
}

namespace {

// The common body, {"ids":["<GUID>",...]} with 1 to 650 ids and nothing
// else, read without a document tree (650 ids in under 2 ms).
// nullopt for anything else: the general parser then decides, errors
// included, so both agree on every body.
std::optional<std::vector<std::string>> plain_presence_ids(
    std::string_view body) {
  size_t p = 0;
  auto ws = [&] {
    while (p < body.size() && (body[p] == ' ' || body[p] == '\n' ||
                               body[p] == '\r' || body[p] == '\t')) {
      ++p;
    }
  };
  auto eat = [&](std::string_view token) {
    ws();
    if (body.substr(p, token.size()) != token) return false;
    p += token.size();
    return true;
  };
  if (!eat("{") || !eat("\"ids\"") || !eat(":") || !eat("[")) {
    return std::nullopt;
  }
  std::vector<std::string> out;
  std::unordered_set<std::string_view> seen;
  out.reserve(64);
  seen.reserve(1024);
  size_t count = 0;
  do {
    ws();
    if (p + 38 > body.size() || body[p] != '"' || body[p + 37] != '"') {
      return std::nullopt;
    }
    std::string_view id = body.substr(p + 1, 36);
    if (!core::is_guid(id) || ++count > kMaxPresenceIds) return std::nullopt;
    p += 38;
    std::string key = core::to_lower_ascii(id);
    if (seen.count(key)) continue;
    out.push_back(std::move(key));
    // Heap-held (36 > SSO) strings keep their bytes when `out` grows.
    seen.insert(out.back());
  } while (eat(","));
  if (!eat("]") || !eat("}")) return std::nullopt;
  ws();
  if (p != body.size()) return std::nullopt;
  return out;
}

}  // namespace

std::vector<std::string> parse_get_presences_by_user_id(std::string_view body) {
  if (auto ids = plain_presence_ids(body)) return std::move(*ids);
  json j = parse_object_body(body, false);
  const json* ids = member(j, "ids");
  if (ids == nullptr || !ids->is_array() || ids->empty()) {
    throw errors::bad_request(
        "The parameter 'ids' is required: a non-empty array of user object "
        "ids (GUIDs).");
  }
  if (ids->size() > kMaxPresenceIds) {
    throw errors::bad_request("The parameter 'ids' has " +
                              std::to_string(ids->size()) +
                              " ids; at most 650 are allowed per request.");
  }
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  for (const json& id : *ids) {
    if (!id.is_string() || !core::is_guid(id.get<std::string>())) {
      throw errors::bad_request("The id '" + describe(id) +
                                "' in 'ids' is not a user object id (GUID).");
    }
    std::string key = core::to_lower_ascii(id.get<std::string>());
    if (seen.insert(key).second) out.push_back(std::move(key));
  }
  return out;
}

std::string presence_context(std::string_view version, PresencePathForm form,
                             std::string_view user_id) {
  // One allocation: every GET presence writes one.
  constexpr std::string_view kRoot = "https://graph.microsoft.com/";
  constexpr std::string_view kMeta = "/$metadata#";
  constexpr std::string_view kCommunications =
      "communications/presences/$entity";
  constexpr std::string_view kUsers = "users('";
  constexpr std::string_view kTail = "')/presence/$entity";
  std::string out;
  out.reserve(kRoot.size() + version.size() + kMeta.size() + kUsers.size() +
              user_id.size() + kTail.size() + kCommunications.size());
  out.append(kRoot).append(version).append(kMeta);
  if (form == PresencePathForm::Communications) {
    return out.append(kCommunications);
  }
  return out.append(kUsers).append(user_id).append(kTail);
}

std::string presence_collection_context(std::string_view version) {
  return "https://graph.microsoft.com/" + std::string(version) +
         "/$metadata#Collection(microsoft.graph.presence)";
}

std::string format_sequence_number(uint64_t sequence) {
  char buf[12] = "A0000000000";
  uint64_t n = sequence % 10000000000ULL;
  for (int i = 10; i >= 1 && n > 0; --i, n /= 10) {
    buf[i] = static_cast<char>('0' + n % 10);
  }
  return std::string(buf, 11);
}

std::optional<uint64_t> parse_sequence_number(std::string_view s) {
  if (s.size() != 11 || s[0] != 'A') return std::nullopt;
  uint64_t n = 0;
  for (char c : s.substr(1)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

nlohmann::ordered_json presence_json(std::string_view user_id,
                                     const core::PresenceView& view,
                                     bool is_self) {
  nlohmann::ordered_json j;
  j["id"] = user_id;
  j["availability"] = core::to_string(view.state.availability);
  j["activity"] = core::to_string(view.state.activity);
  j["statusMessage"] = view.status_message
                           ? status_message_json(*view.status_message, is_self)
                           : nlohmann::ordered_json(nullptr);
  j["outOfOfficeSettings"] = out_of_office_json(view.out_of_office);
  j["sequenceNumber"] = format_sequence_number(view.sequence);
  j["workLocation"] = work_location_json(view.work_location);
  return j;
}

nlohmann::ordered_json status_message_json(const core::StatusMessage& m,
                                           bool with_times) {
  nlohmann::ordered_json j;
  j["message"] = {{"content", m.content}, {"contentType", m.content_type}};
  if (with_times) {
    if (m.expiry) {
      j["expiryDateTime"] = {{"dateTime", m.expiry->date_time},
                             {"timeZone", m.expiry->time_zone}};
    } else {
      j["expiryDateTime"] = nullptr;
    }
    j["publishedDateTime"] = core::format_iso_instant(m.published_at, 7);
  }
  return j;
}

nlohmann::ordered_json out_of_office_json(const core::OutOfOfficeSettings& o) {
  nlohmann::ordered_json j;
  j["message"] = o.message ? nlohmann::ordered_json(*o.message)
                           : nlohmann::ordered_json(nullptr);
  j["isOutOfOffice"] = o.is_out_of_office;
  return j;
}

nlohmann::ordered_json work_location_json(const core::WorkLocation& w) {
  nlohmann::ordered_json j;
  j["placeId"] = w.place_id ? nlohmann::ordered_json(*w.place_id)
                            : nlohmann::ordered_json(nullptr);
  j["source"] = core::to_string(w.source);
  j["workLocationType"] = core::to_string(w.type);
  return j;
}

void append_json_string(std::string& out, std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x80 || c == '"' || c == '\\') {
      // Escapes and UTF-8 (checked and repaired): the library's own writer.
      out += dump(nlohmann::ordered_json(std::string(text)));
      return;
    }
  }
  out += '"';
  out.append(text);
  out += '"';
}

void append_presence_members(std::string& out, std::string_view user_id,
                             const core::PresenceView& view, bool is_self) {
  out += "\"id\":";
  append_json_string(out, user_id);
  out += ",\"availability\":\"";
  out += core::to_string(view.state.availability);
  out += "\",\"activity\":\"";
  out += core::to_string(view.state.activity);
  out += "\",\"statusMessage\":";
  if (view.status_message) {
    const core::StatusMessage& m = *view.status_message;
    out += "{\"message\":{\"content\":";
    append_json_string(out, m.content);
    out += ",\"contentType\":";
    append_json_string(out, m.content_type);
    out += '}';
    if (is_self) {
      out += ",\"expiryDateTime\":";
      if (m.expiry) {
        out += "{\"dateTime\":";
        append_json_string(out, m.expiry->date_time);
        out += ",\"timeZone\":";
        append_json_string(out, m.expiry->time_zone);
        out += '}';
      } else {
        out += "null";
      }
      out += ",\"publishedDateTime\":";
      append_json_string(out, core::format_iso_instant(m.published_at, 7));
    }
    out += '}';
  } else {
    out += "null";
  }
  out += ",\"outOfOfficeSettings\":{\"message\":";
  if (view.out_of_office.message) {
    append_json_string(out, *view.out_of_office.message);
  } else {
    out += "null";
  }
  out += view.out_of_office.is_out_of_office ? ",\"isOutOfOffice\":true}"
                                             : ",\"isOutOfOffice\":false}";
  out += ",\"sequenceNumber\":\"";
  out += format_sequence_number(view.sequence);
  out += "\",\"workLocation\":{\"placeId\":";
  if (view.work_location.place_id) {
    append_json_string(out, *view.work_location.place_id);
  } else {
    out += "null";
  }
  out += ",\"source\":\"";
  out += core::to_string(view.work_location.source);
  out += "\",\"workLocationType\":\"";
  out += core::to_string(view.work_location.type);
  out += "\"}";
}

std::string dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace gpm::graph
