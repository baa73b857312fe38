// Presence subscription resource grammar (C6, C7, D27).
#include "core/subscription_resource.h"

#include <unordered_set>

#include "core/ascii.h"

namespace gpm::core {

namespace {

constexpr std::string_view kCollection = "communications/presences";

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         iequals(s.substr(0, prefix.size()), prefix);
}

// A cursor over the decoded filter text.
class FilterReader {
 public:
  explicit FilterReader(std::string_view s) : s_(s) {}
  bool at_end() const { return pos_ == s_.size(); }
  size_t spaces() {
    size_t n = 0;
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_, ++n;
    return n;
  }
  bool literal(std::string_view word) {
    if (!starts_with_icase(s_.substr(pos_), word)) return false;
    pos_ += word.size();
    return true;
  }
  bool quoted_guid(std::string_view& out) {
    if (pos_ + 38 > s_.size() || s_[pos_] != '\'' || s_[pos_ + 37] != '\'')
      return false;
    std::string_view g = s_.substr(pos_ + 1, 36);
    if (!is_guid(g)) return false;
    out = g;
    pos_ += 38;
    return true;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// Reads `filter` per the grammar into distinct ids; false when outside it.
bool read_filter(std::string_view filter, PresenceResource& r,
                 size_t& distinct) {
  FilterReader in(filter);
  if (!in.literal("id")) return false;
  if (in.spaces() == 0) return false;
  if (!in.literal("in")) return false;
  in.spaces();
  if (!in.literal("(")) return false;
  std::unordered_set<std::string> seen;
  bool first = true;
  for (;;) {
    in.spaces();
    if (!first) {
      if (in.literal(")")) break;
      if (!in.literal(",")) return false;
      in.spaces();
    }
    std::string_view id;
    if (!in.quoted_guid(id)) return false;  // covers "()" and "(a,)"
    first = false;
    if (seen.insert(to_lower_ascii(id)).second) r.user_ids.emplace_back(id);
  }
  if (!in.at_end()) return false;
  distinct = seen.size();
  return true;
}

}  // namespace

bool is_guid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
  }
  return true;
}

bool form_decode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (in.size() - i < 3) return false;  // fewer than two digits follow
      if (!is_hex(in[i + 1]) || !is_hex(in[i + 2])) return false;
      out.push_back(
          static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return true;
}

ResourceParse parse_subscription_resource(std::string_view resource) {
  ResourceParse out;
  std::string_view rest = resource;
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  if (!starts_with_icase(rest, kCollection)) {
    out.error = ResourceError::NotSupported;
    return out;
  }
  rest.remove_prefix(kCollection.size());

  if (!rest.empty() && rest.front() == '/') {  // single user
    std::string_view id = rest.substr(1);
    if (id.empty() || id.find_first_of("/?#") != std::string_view::npos) {
      out.error = ResourceError::NotSupported;  // no id, extra segments, query
      return out;
    }
    if (!is_guid(id)) {
      out.error = ResourceError::NotAGuid;
      out.offending_id = std::string(id);
      return out;
    }
    out.value.single_user = true;
    out.value.user_ids.emplace_back(id);
    return out;
  }
  if (rest.empty() || rest.front() != '?') {
    out.error = ResourceError::NotSupported;  // no id or filter, other path
    return out;
  }
  std::string_view query = rest.substr(1);
  size_t eq = query.find('=');
  std::string name;
  if (query.find('&') != std::string_view::npos ||
      eq == std::string_view::npos || !form_decode(query.substr(0, eq), name) ||
      !iequals(name, "$filter")) {
    out.error = ResourceError::NotSupported;  // not exactly one $filter
    return out;
  }
  std::string filter;
  if (!form_decode(query.substr(eq + 1), filter) ||
      !read_filter(filter, out.value, out.distinct_ids)) {
    out.error = ResourceError::InvalidFilter;
    out.value = {};
    return out;
  }
  if (out.distinct_ids > kMaxWatchedUsers) {
    out.error = ResourceError::TooManyIds;
    out.value = {};
  }
  return out;
}

std::string ResourceParse::message(std::string_view resource) const {
  switch (error) {
    case ResourceError::None:
      return "";
    case ResourceError::NotSupported:
      return "The mock emulates presence subscriptions only; resource '" +
             std::string(resource) + "' is not supported.";
    case ResourceError::InvalidFilter:
      return "Invalid filter clause";
    case ResourceError::NotAGuid:
      return "'" + offending_id + "' is not a user object id (GUID).";
    case ResourceError::TooManyIds:
      return "A presence subscription can watch at most " +
             std::to_string(kMaxWatchedUsers) + " users; the filter names " +
             std::to_string(distinct_ids) + ".";
  }
  return "";
}

std::string unknown_user_message(std::string_view id,
                                 std::string_view resource) {
  return "User '" + std::string(id) + "' in resource '" +
         std::string(resource) + "' does not exist.";
}

}  // namespace gpm::core
