#include "formats/faults_json.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include "core/ascii.h"
#include "core/iso_time.h"
#include "formats/json_document.h"
#include "formats/json_path_reader.h"

namespace gpm::graph {
namespace {

using core::iequals;

using nlohmann::json;
using nlohmann::ordered_json;

// Largest numeric Retry-After, in seconds (a day).
constexpr double kMaxRetryAfter = 86400;

// IMF-fixdate (RFC 9110 5.6.7), e.g. "Thu, 01 Jan 2026 00:07:00 GMT": the
// form Retry-After dates are sent in. Valid when writing the instant it
// names gives the same text back (weekday included).
bool is_http_date(const std::string& s) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                        "May", "Jun", "Jul", "Aug",
                                        "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 29 || s.compare(3, 2, ", ") != 0 ||
      s.compare(25, 4, " GMT") != 0) {
    return false;
  }
  int month = 0;
  for (int i = 0; i < 12; ++i) {
    if (s.compare(8, 3, kMonths[i]) == 0) month = i + 1;
  }
  if (month == 0) return false;
  // "DD Mon YYYY HH:MM:SS" -> "YYYY-MM-DDTHH:MM:SSZ".
  std::string iso = s.substr(12, 4) + "-" + (month < 10 ? "0" : "") +
                    std::to_string(month) + "-" + s.substr(5, 2) + "T" +
                    s.substr(17, 8) + "Z";
  if (s[7] != ' ' || s[11] != ' ' || s[16] != ' ') return false;
  auto parts = core::parse_iso_datetime(iso);
  return parts && core::format_http_date(core::to_time_point_utc(*parts)) == s;
}

class Parser : public JsonPathReader<FaultsError> {
 public:
  explicit Parser(std::string_view source) : JsonPathReader(source) {}

  // Exactly one of `keys` is present; returns it.
  std::string one_of(const json& j, const std::string& path,
                     std::initializer_list<std::string_view> keys) {
    std::string found, names;
    for (auto k : keys) names += (names.empty() ? "" : ", ") + std::string(k);
    for (auto k : keys) {
      if (!j.contains(k)) continue;
      if (!found.empty()) {
        fail(path, "give only one of " + names + ", not both '" + found +
                       "' and '" + std::string(k) + "'");
      }
      found = k;
    }
    if (found.empty()) fail(path, "needs one of " + names);
    return found;
  }

  uint64_t count(const json& j, const std::string& path) {
    if (!j.is_number_unsigned() || j.get<uint64_t>() < 1) {
      fail(path, "must be an integer from 1");
    }
    return j.get<uint64_t>();
  }

  std::string string(const json& j, const std::string& path) {
    if (!j.is_string() || j.get<std::string>().empty()) {
      fail(path, "must be a non-empty string");
    }
    return j.get<std::string>();
  }

  std::chrono::milliseconds duration(const json& j, const std::string& path) {
    auto d = j.is_string() ? core::parse_iso_duration(j.get<std::string>())
                           : std::nullopt;
    if (!d || *d > kMaxFaultDelay) {
      fail(path,
           "must be an ISO 8601 duration from PT0S to PT60S, such as "
           "PT0.2S");
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
  }

  std::string operation(const json& j, const std::string& path) {
    std::string name = j.is_string() ? j.get<std::string>() : "";
    for (auto op : kFaultOperations) {
      if (iequals(op, name)) return std::string(op);
    }
    std::string all;
    for (auto op : kFaultOperations) {
      all += (all.empty() ? "" : ", ") + std::string(op);
    }
    fail(path, "must be one of " + all);
  }

  store::FaultRule rule(const json& j, const std::string& path) {
    expect_object(j, path);
    only_keys(j, path,
              {"id", "match", "schedule", "action", "checkRetryAfter"});
    store::FaultRule r;
    if (auto it = j.find("id"); it != j.end()) {
      r.id = it->is_string() ? it->get<std::string>() : "";
      bool ok = !r.id.empty() && r.id.size() <= 64;
      for (char c : r.id) {
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
      }
      if (!ok) {
        fail(path + ".id",
             "must be 1-64 characters of letters, digits, '.', '_', '-'");
      }
    }
    if (auto it = j.find("match"); it != j.end()) {
      r.match = match(*it, path + ".match");
    }
    if (auto it = j.find("schedule"); it != j.end()) {
      r.schedule = schedule(*it, path + ".schedule");
    }
    auto action_it = j.find("action");
    if (action_it == j.end()) fail(path + ".action", "is required");
    r.action = action(*action_it, path + ".action");
    if (auto it = j.find("checkRetryAfter"); it != j.end()) {
      if (!it->is_boolean())
        fail(path + ".checkRetryAfter", "must be a boolean");
      r.check_retry_after = it->get<bool>();
      if (r.check_retry_after && !r.action.retry_after) {
        fail(path + ".checkRetryAfter",
             "needs a status action with retryAfter");
      }
    }
    return r;
  }

  store::FaultMatch match(const json& j, const std::string& path) {
    expect_object(j, path);
    only_keys(j, path,
              {"method", "operation", "path", "version", "user", "app"});
    store::FaultMatch m;
    for (const auto& [key, value] : j.items()) {
      std::string p = path + "." + key;
      if (key == "operation") {
        m.operation = operation(value, p);
        continue;
      }
      std::string v = string(value, p);
      if (key == "method") {
        for (char c : v) {
          if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
            fail(p, "must be an HTTP method such as POST");
          }
        }
        m.method = v;
      } else if (key == "path") {
        m.path = v;
      } else if (key == "version") {
        if (!iequals(v, "v1.0") && !iequals(v, "beta")) {
          fail(p, "must be \"v1.0\" or \"beta\"");
        }
        m.version = v;
      } else if (key == "user") {
        m.user = v;
      } else {
        m.app = v;
      }
    }
    return m;
  }

  store::FaultSchedule schedule(const json& j, const std::string& path) {
    using store::ScheduleKind;
    expect_object(j, path);
    only_keys(j, path,
              {"next", "nth", "every", "probability", "seed", "limit"});
    store::FaultSchedule s;
    std::string kind = one_of(j, path, {"next", "nth", "every", "probability"});
    std::string p = path + "." + kind;
    bool takes_limit = kind == "every" || kind == "probability";
    if (j.contains("limit")) {
      if (!takes_limit) {
        fail(path + ".limit", "only 'every' and 'probability' take a limit");
      }
      s.limit = count(j["limit"], path + ".limit");
    }
    if (j.contains("seed") && kind != "probability") {
      fail(path + ".seed", "only 'probability' takes a seed");
    }
    if (kind == "next") {
      s.kind = ScheduleKind::Next;
      s.count = count(j[kind], p);
    } else if (kind == "nth") {
      s.kind = ScheduleKind::Nth;
      s.count = count(j[kind], p);
    } else if (kind == "every") {
      s.kind = ScheduleKind::EveryKth;
      s.count = count(j[kind], p);
    } else {
      s.kind = ScheduleKind::Probability;
      const json& v = j[kind];
      if (!v.is_number() || !(v.get<double>() >= 0 && v.get<double>() <= 1)) {
        fail(p, "must be a number from 0 to 1");
      }
      s.probability = v.get<double>();
      if (auto it = j.find("seed"); it != j.end()) {
        if (!it->is_number_unsigned()) {
          fail(path + ".seed", "must be an integer from 0");
        }
        s.seed = it->get<uint64_t>();
      }
    }
    return s;
  }

  store::FaultAction action(const json& j, const std::string& path) {
    using store::FaultActionKind;
    expect_object(j, path);
    store::FaultAction a;
    std::string kind = one_of(j, path, {"status", "delay", "connection"});
    std::string p = path + "." + kind;
    if (kind == "delay") {
      only_keys(j, path, {"delay"});
      a.kind = FaultActionKind::Delay;
      a.delay = duration(j[kind], p);
    } else if (kind == "connection") {
      only_keys(j, path, {"connection"});
      std::string v = j[kind].is_string() ? j[kind].get<std::string>() : "";
      if (v == "close") {
        a.kind = FaultActionKind::Close;
      } else if (v == "reset") {
        a.kind = FaultActionKind::Reset;
      } else if (v == "truncate") {
        a.kind = FaultActionKind::Truncate;
      } else {
        fail(p, "must be \"close\", \"reset\" or \"truncate\"");
      }
    } else {
      only_keys(j, path, {"status", "code", "message", "retryAfter"});
      a.kind = FaultActionKind::Status;
      const json& st = j[kind];
      if (!st.is_number_integer() || st.get<int64_t>() < 400 ||
          st.get<int64_t>() > 599) {
        fail(p, "must be an HTTP status from 400 to 599");
      }
      a.status = st.get<int>();
      if (auto it = j.find("code"); it != j.end()) {
        a.code = string(*it, path + ".code");
      }
      if (auto it = j.find("message"); it != j.end()) {
        a.message = string(*it, path + ".message");
      }
      if (auto it = j.find("retryAfter"); it != j.end()) {
        a.retry_after = retry_after(*it, path + ".retryAfter");
      }
    }
    return a;
  }

  // D15: whole or fractional seconds, written as given (shortest form that
  // reads back the same number), or an HTTP date.
  std::string retry_after(const json& j, const std::string& path) {
    const std::string what =
        "must be seconds from 0 to 86400 (such as 7 or 2.5) or an HTTP date "
        "such as \"Thu, 01 Jan 2026 00:07:00 GMT\"";
    if (j.is_number_unsigned()) {
      if (j.get<uint64_t>() > kMaxRetryAfter) fail(path, what);
      return std::to_string(j.get<uint64_t>());
    }
    if (j.is_number_float()) {
      double d = j.get<double>();
      if (!(d >= 0 && d <= kMaxRetryAfter)) fail(path, what);
      char buf[64];
      auto [end, ec] =
          std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
      if (ec != std::errc()) fail(path, what);
      return std::string(buf, end);
    }
    if (j.is_string() && is_http_date(j.get<std::string>())) {
      return j.get<std::string>();
    }
    fail(path, what);
  }

  std::optional<store::LatencySpec> latency_spec(const json& j,
                                                 const std::string& path) {
    if (j.is_null()) return std::nullopt;
    expect_object(j, path);
    store::LatencySpec spec;
    if (j.contains("fixed")) {
      only_keys(j, path, {"fixed"});
      spec.min = spec.max = duration(j["fixed"], path + ".fixed");
      return spec;
    }
    only_keys(j, path, {"fixed", "min", "max", "seed"});
    if (!j.contains("min") || !j.contains("max")) {
      fail(path, "needs 'fixed', or 'min' and 'max' (and 'seed')");
    }
    spec.min = duration(j["min"], path + ".min");
    spec.max = duration(j["max"], path + ".max");
    if (spec.max < spec.min) fail(path + ".max", "must not be below 'min'");
    if (auto it = j.find("seed"); it != j.end()) {
      if (!it->is_number_unsigned()) {
        fail(path + ".seed", "must be an integer from 0");
      }
      spec.seed = it->get<uint64_t>();
    }
    return spec;
  }

  LatencyUpdates latency(const json& j, const std::string& path) {
    expect_object(j, path);
    only_keys(j, path, {"global", "operations"});
    LatencyUpdates out;
    if (auto it = j.find("global"); it != j.end()) {
      out.emplace_back("", latency_spec(*it, path + ".global"));
    }
    if (auto it = j.find("operations"); it != j.end()) {
      std::string ops = path + ".operations";
      expect_object(*it, ops);
      std::set<std::string> seen;
      for (const auto& [key, value] : it->items()) {
        std::string name = operation(key, ops + "." + key);
        if (!seen.insert(name).second) {
          fail(ops + "." + key, "names " + name + " twice");
        }
        out.emplace_back(name, latency_spec(value, ops + "." + key));
      }
    }
    return out;
  }

  std::vector<store::FaultRule> rules(const json& j, const std::string& path) {
    if (!j.is_array()) fail(path, "must be an array");
    std::vector<store::FaultRule> out;
    std::set<std::string> ids;
    for (size_t i = 0; i < j.size(); ++i) {
      std::string p = path + "[" + std::to_string(i) + "]";
      out.push_back(rule(j[i], p));
      if (!out.back().id.empty() && !ids.insert(out.back().id).second) {
        fail(p + ".id", "duplicate rule id");
      }
    }
    return out;
  }
};

}  // namespace

store::FaultRule parse_fault_rule(const json& j, std::string_view source,
                                  const std::string& path) {
  return Parser(source).rule(j, path);
}

std::vector<store::FaultRule> parse_fault_rules(const json& body,
                                                std::string_view source) {
  Parser p(source);
  if (body.is_object() && body.contains("rules")) {
    p.only_keys(body, "$", {"rules"});
    return p.rules(body["rules"], "$.rules");
  }
  return {p.rule(body, "$")};
}

LatencyUpdates parse_latency_document(const json& doc, std::string_view source,
                                      const std::string& path) {
  return Parser(source).latency(doc, path);
}

store::FaultSetup parse_faults_document(std::string_view text,
                                        std::string_view source) {
  json doc = formats::parse_document<FaultsError>(text, source);
  Parser p(source);
  p.expect_object(doc, "$");
  p.only_keys(doc, "$", {"rules", "latency"});
  store::FaultSetup setup;
  if (auto it = doc.find("rules"); it != doc.end()) {
    setup.rules = p.rules(*it, "$.rules");
  }
  if (auto it = doc.find("latency"); it != doc.end()) {
    for (auto& [op, spec] : p.latency(*it, "$.latency")) {
      if (spec) setup.latency.emplace_back(op, *spec);
    }
  }
  return setup;
}

store::FaultSetup load_faults_file(const std::string& path) {
  auto text = formats::read_file(path);
  if (!text) throw FaultsError(path + ": cannot be read");
  return parse_faults_document(*text, path);
}

void restore_faults_state(const json& j, std::string_view source,
                          const std::string& path, store::FaultEngine& f) {
  Parser p(source);
  p.expect_object(j, path);
  p.only_keys(j, path, {"nextId", "rules", "latency"});
  auto count_of = [&](const json& v, const std::string& at) {
    if (!v.is_number_unsigned()) p.fail(at, "must be an integer from 0");
    return v.get<uint64_t>();
  };
  uint64_t next_id = 1;
  if (auto it = j.find("nextId"); it != j.end()) {
    next_id = count_of(*it, path + ".nextId");
  }
  std::vector<store::FaultRule> rules;
  if (auto it = j.find("rules"); it != j.end()) {
    const std::string rp = path + ".rules";
    if (!it->is_array()) p.fail(rp, "must be an array");
    std::set<std::string> ids;
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string at = rp + "[" + std::to_string(i) + "]";
      json given = (*it)[i];
      p.expect_object(given, at);
      // The reported state, then the rule as it was given.
      json report = json::object();
      for (const char* k :
           {"matched", "fired", "exhausted", "retryAfterCheck"}) {
        if (auto r = given.find(k); r != given.end()) {
          report[k] = *r;
          given.erase(k);
        }
      }
      store::FaultRule rule = p.rule(given, at);
      if (rule.id.empty()) p.fail(at + ".id", "is required");
      if (!ids.insert(rule.id).second) p.fail(at + ".id", "duplicate rule id");
      if (report.contains("matched")) {
        rule.matched = count_of(report["matched"], at + ".matched");
      }
      if (report.contains("fired")) {
        rule.fired = count_of(report["fired"], at + ".fired");
      }
      if (report.contains("exhausted")) {
        if (!report["exhausted"].is_boolean()) {
          p.fail(at + ".exhausted", "must be true or false");
        }
        rule.exhausted = report["exhausted"].get<bool>();
      }
      if (report.contains("retryAfterCheck")) {
        const json& c = report["retryAfterCheck"];
        const std::string cp = at + ".retryAfterCheck";
        p.expect_object(c, cp);
        p.only_keys(c, cp, {"waited", "tooEarly"});
        if (c.contains("waited")) {
          rule.retry_waited = count_of(c["waited"], cp + ".waited");
        }
        if (c.contains("tooEarly")) {
          rule.retry_too_early = count_of(c["tooEarly"], cp + ".tooEarly");
        }
      }
      rules.push_back(std::move(rule));
    }
  }
  LatencyUpdates latency;
  json draws = json::object();
  if (auto it = j.find("latency"); it != j.end()) {
    const std::string lp = path + ".latency";
    json doc = *it;
    p.expect_object(doc, lp);
    if (auto d = doc.find("draws"); d != doc.end()) {
      draws = *d;
      doc.erase("draws");
      p.expect_object(draws, lp + ".draws");
      for (const auto& [k, v] : draws.items()) count_of(v, lp + ".draws." + k);
    }
    latency = p.latency(doc, lp);
  }
  f.clear();
  for (store::FaultRule& r : rules) f.restore(std::move(r));
  f.set_next_id(next_id);
  for (const auto& [op, spec] : latency) {
    if (!spec) continue;
    uint64_t n = 0;
    for (const auto& [k, v] : draws.items()) {
      if (core::iequals(k, op)) n = v.get<uint64_t>();
    }
    f.restore_latency(op, *spec, n);
  }
}

}  // namespace gpm::graph
