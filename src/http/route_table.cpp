#include "http/route_table.h"

#include "store/tenants.h"

namespace gpm::http {
namespace {

using graph::PresencePathForm;

bool is_param(std::string_view s) {
  return s.size() >= 2 && s.front() == '{' && s.back() == '}';
}

std::vector<std::string> split_template(std::string_view path) {
  std::vector<std::string> out;
  size_t i = path.empty() || path[0] != '/' ? 0 : 1;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// Strips the "microsoft.graph." namespace OData allows on action names.
std::string_view action_name(std::string_view seg) {
  constexpr std::string_view kNs = "microsoft.graph.";
  if (seg.size() > kNs.size() && iequals(seg.substr(0, kNs.size()), kNs)) {
    seg.remove_prefix(kNs.size());
  }
  return seg;
}

constexpr std::string_view kVersions[] = {"v1.0", "beta"};

struct Form {
  PresencePathForm form;
  std::vector<std::string> segments;
  int user = -1;  // index of the user within `segments`
};

const Form kForms[] = {
    {PresencePathForm::Users, {"users", "{id}", "presence"}, 1},
    {PresencePathForm::Me, {"me", "presence"}, -1},
    {PresencePathForm::Communications,
     {"communications", "presences", "{id}"},
     2},
};

}  // namespace

std::string_view to_string(Plane p) {
  switch (p) {
    case Plane::Graph:
      return "graph";
    case Plane::Identity:
      return "identity";
    case Plane::Control:
      return "control";
  }
  return "graph";
}

uint8_t method_bit(std::string_view m) {
  if (is_get(m)) return kGet;
  if (m == "POST") return kPost;
  if (m == "PUT") return kPut;
  if (m == "DELETE") return kDelete;
  return 0;
}

std::string allow_list(uint8_t methods) {
  std::string out;
  for (auto [bit, name] :
       {std::pair{kGet, "GET"}, std::pair{kPost, "POST"},
        std::pair{kPut, "PUT"}, std::pair{kDelete, "DELETE"}}) {
    if (!(methods & bit)) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

RouteTable::RouteTable(std::initializer_list<Route> rows) : rows_(rows) {
  compiled_.reserve(rows_.size() * 6);
  for (const Route& r : rows_) {
    std::vector<std::string> t = split_template(r.path);
    if (r.plane != Plane::Graph) {
      compiled_.push_back(
          {&r, r.plane, t, {}, PresencePathForm::Users, -1, false, false});
      continue;
    }
    // "{version}" then the rest; "{presence}" stands for the three forms.
    std::vector<std::string> rest(t.begin() + 1, t.end());
    bool presence = !rest.empty() && rest[0] == "{presence}";
    for (std::string_view v : kVersions) {
      auto add = [&](const std::vector<std::string>& tail,
                     PresencePathForm form, int user) {
        Compiled c{&r,
                   Plane::Graph,
                   {std::string(v)},
                   std::string(v),
                   form,
                   user < 0 ? -1 : user + 1,
                   false,
                   false};
        c.segments.insert(c.segments.end(), tail.begin(), tail.end());
        c.action = r.methods == kPost && !is_param(c.segments.back()) &&
                   c.segments.back()[0] != '$';
        compiled_.push_back(std::move(c));
      };
      if (!presence) {
        add(rest, PresencePathForm::Users, -1);
        continue;
      }
      for (const Form& f : kForms) {
        std::vector<std::string> tail = f.segments;
        tail.insert(tail.end(), rest.begin() + 1, rest.end());
        add(tail, f.form, f.user);
        compiled_.back().presence = true;
      }
    }
  }
  for (size_t i = 0; i < compiled_.size(); ++i) {
    const Compiled& c = compiled_[i];
    size_t slot = c.plane == Plane::Graph
                      ? (c.version == kVersions[0] ? 0 : 1)
                      : (c.plane == Plane::Identity ? 2 : 3);
    by_plane_[slot].push_back(static_cast<uint16_t>(i));
  }
  for (const Compiled& c : compiled_) {
    std::string path;
    for (const auto& s : c.segments) path += "/" + s;
    entries_.push_back({c.route, path.empty() ? "/" : path});
  }
}

Plane RouteTable::plane_of(const std::vector<std::string>& seg) const {
  if (!seg.empty() && seg[0] == "_mock") return Plane::Control;
  if (seg.size() >= 2 && store::is_valid_tenant_id(seg[0])) {
    for (uint16_t i : by_plane_[2]) {
      size_t depth = 0;
      if (matches(compiled_[i], seg, depth)) return Plane::Identity;
    }
  }
  return Plane::Graph;
}

bool RouteTable::matches(const Compiled& c, const std::vector<std::string>& seg,
                         size_t& depth) const {
  const bool exact = c.plane == Plane::Control;
  size_t n = std::min(c.segments.size(), seg.size());
  size_t i = 0;
  for (; i < n; ++i) {
    const std::string& t = c.segments[i];
    if (is_param(t)) {
      if (c.plane == Plane::Identity && !store::is_valid_tenant_id(seg[i])) {
        break;
      }
      continue;
    }
    bool last = i + 1 == c.segments.size();
    std::string_view s = seg[i];
    if (c.action && last) s = action_name(s);
    if (exact ? s != t : !iequals(s, t)) break;
  }
  // A "$" resource ($batch) is a whole path or no step of one.
  bool system = !c.segments.empty() && c.segments.back()[0] == '$';
  bool full = i == c.segments.size() && i == seg.size();
  if (!system || full) depth = i;
  return full;
}

RouteMatch RouteTable::match(std::string_view method,
                             const std::vector<std::string>& seg,
                             Plane plane) const {
  RouteMatch m;
  if (seg.empty()) return m;
  std::string_view version;
  size_t slot = plane == Plane::Identity ? 2 : 3;
  if (plane == Plane::Graph) {
    for (size_t v = 0; v < std::size(kVersions); ++v) {
      if (iequals(seg[0], kVersions[v])) {
        version = kVersions[v];
        slot = v;
      }
    }
    if (version.empty()) return m;  // UnknownPath
  }
  const uint8_t bit = method_bit(method);
  size_t deepest = 0;
  const Compiled* at_deepest = nullptr;
  const Compiled* found = nullptr;
  for (uint16_t i : by_plane_[slot]) {
    const Compiled& c = compiled_[i];
    size_t depth = 0;
    bool full = matches(c, seg, depth);
    if (depth > deepest) {
      deepest = depth;
      at_deepest = &c;
    }
    if (!full) continue;
    m.allow |= c.route->methods;
    // Identity rows answer every method themselves (OAuth's error shape).
    if (!found && (plane == Plane::Identity || (c.route->methods & bit))) {
      found = &c;
    }
  }
  const Compiled* c = found ? found : at_deepest;
  if (c) {
    m.args.version = version;
    m.args.presence.version = std::string(version);
    m.args.presence.form = c->form;
    m.args.has_presence = c->presence;
    // The user is known once the path reached it and its presence.
    size_t known = c->user_param < 0 ? 0
                                     : (c->form == PresencePathForm::Users
                                            ? c->user_param + 2
                                            : c->user_param + 1);
    if (c->user_param >= 0 && deepest >= known) {
      m.args.presence.user = seg[c->user_param];
      m.args.presence.user_key = store::to_lower_ascii(m.args.presence.user);
    }
  }
  if (found) {
    m.kind = RouteMatch::Kind::Found;
    m.route = found->route;
    for (size_t i = 0; i < found->segments.size(); ++i) {
      if (is_param(found->segments[i])) m.args.params.push_back(seg[i]);
    }
    return m;
  }
  if (m.allow) {
    m.kind = RouteMatch::Kind::MethodNotAllowed;
    return m;
  }
  if (plane != Plane::Graph) return m;  // UnknownPath
  m.kind = RouteMatch::Kind::UnknownSegment;
  if (seg.size() == 1) {
    m.segment = std::string(version);
  } else {
    m.segment =
        deepest < seg.size() ? seg[std::max<size_t>(deepest, 1)] : seg.back();
  }
  return m;
}

}  // namespace gpm::http
