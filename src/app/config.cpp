#include "app/config.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include "core/ascii.h"
#include "core/iso_time.h"

namespace gpm {
namespace {

struct BadOption : std::runtime_error {
  using std::runtime_error::runtime_error;
};

long parse_int(const std::string& name, const std::string& v, long lo,
               long hi) {
  size_t used = 0;
  long n = 0;
  bool plain = !v.empty() && (std::isdigit(static_cast<unsigned char>(v[0])) ||
                              (v[0] == '-' && v.size() > 1));
  try {
    n = std::stol(v, &used, 10);
  } catch (const std::exception&) {
    used = 0;
  }
  if (!plain || used == 0 || used != v.size() || n < lo || n > hi) {
    throw BadOption("invalid value '" + v + "' for " + name +
                    ": expected an integer from " + std::to_string(lo) +
                    " to " + std::to_string(hi));
  }
  return n;
}

// true/false, 1/0, yes/no, on/off in any case; empty is false (a variable
// set to nothing, as CI templates often leave it). Anything else is refused
// rather than read as false.
bool parse_bool(const std::string& name, const std::string& v) {
  const std::string l = core::to_lower_ascii(v);
  if (l == "1" || l == "true" || l == "yes" || l == "on") return true;
  if (l == "0" || l == "false" || l == "no" || l == "off" || l.empty()) {
    return false;
  }
  throw BadOption("invalid value '" + v + "' for " + name +
                  ": expected true/false, 1/0, yes/no or on/off");
}

// Levenshtein distance, for the "did you mean" of an unknown flag.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

struct Option {
  const char* flag;  // without the leading "--"
  const char* env;
  bool takes_value;
  std::function<void(Config&, const std::string&)> apply;
};

std::vector<Option> options() {
  return {
      {"host", "GPM_HOST", true,
       [](Config& c, const std::string& v) {
         if (v.empty()) throw BadOption("--host must not be empty");
         c.host = v;
       }},
      {"port", "GPM_PORT", true,
       [](Config& c, const std::string& v) {
         c.port = static_cast<int>(parse_int("--port", v, 0, 65535));
       }},
      {"fixtures", "GPM_FIXTURES", true,
       [](Config& c, const std::string& v) { c.fixtures = v; }},
      {"clock", "GPM_CLOCK", true,
       [](Config& c, const std::string& v) {
         if (v == "system") {
           c.clock = ClockMode::System;
         } else if (v == "manual") {
           c.clock = ClockMode::Manual;
         } else {
           throw BadOption("invalid value '" + v +
                           "' for --clock: expected system or manual");
         }
       }},
      {"clock-start", "GPM_CLOCK_START", true,
       [](Config& c, const std::string& v) {
         auto p = core::parse_iso_datetime(v);
         if (!p) {
           throw BadOption("invalid value '" + v +
                           "' for --clock-start: expected an ISO 8601 "
                           "instant such as 2026-01-01T00:00:00Z");
         }
         c.clock_start = core::to_time_point_utc(*p);
       }},
      {"auth", "GPM_AUTH", true,
       [](Config& c, const std::string& v) {
         if (v == "permissive") {
           c.auth = AuthMode::Permissive;
         } else if (v == "off") {
           c.auth = AuthMode::Off;
         } else if (v == "strict") {
           c.auth = AuthMode::Strict;
         } else {
           throw BadOption("invalid value '" + v +
                           "' for --auth: expected permissive, strict or off");
         }
       }},
      {"threads", "GPM_THREADS", true,
       [](Config& c, const std::string& v) {
         c.threads = static_cast<int>(parse_int("--threads", v, 1, 4096));
       }},
      {"max-connections", "GPM_MAX_CONNECTIONS", true,
       [](Config& c, const std::string& v) {
         c.max_connections =
             static_cast<size_t>(parse_int("--max-connections", v, 1, 1000000));
       }},
      {"keep-alive-timeout", "GPM_KEEP_ALIVE_TIMEOUT", true,
       [](Config& c, const std::string& v) {
         c.keep_alive_timeout_sec =
             static_cast<int>(parse_int("--keep-alive-timeout", v, 1, 3600));
       }},
      {"auto-create-users", "GPM_AUTO_CREATE_USERS", false,
       [](Config& c, const std::string& v) {
         c.auto_create_users = parse_bool("--auto-create-users", v);
       }},
      {"me", "GPM_ME", true, [](Config& c, const std::string& v) { c.me = v; }},
      {"max-body-bytes", "GPM_MAX_BODY_BYTES", true,
       [](Config& c, const std::string& v) {
         c.max_body_bytes =
             static_cast<size_t>(parse_int("--max-body-bytes", v, 1, 1L << 30));
       }},
      {"beta-extra-pairs", "GPM_BETA_EXTRA_PAIRS", false,
       [](Config& c, const std::string& v) {
         c.beta_extra_pairs = parse_bool("--beta-extra-pairs", v);
       }},
      {"zoneinfo-dir", "GPM_ZONEINFO_DIR", true,
       [](Config& c, const std::string& v) { c.zoneinfo_dir = v; }},
      {"max-tenants", "GPM_MAX_TENANTS", true,
       [](Config& c, const std::string& v) {
         c.max_tenants =
             static_cast<size_t>(parse_int("--max-tenants", v, 1, 1000000));
       }},
      {"journal-size", "GPM_JOURNAL_SIZE", true,
       [](Config& c, const std::string& v) {
         c.journal_size =
             static_cast<size_t>(parse_int("--journal-size", v, 0, 10000000));
       }},
      {"throttling", "GPM_THROTTLING", true,
       [](Config& c, const std::string& v) {
         if (v == "off") {
           c.throttling = ThrottlingMode::Off;
         } else if (v == "graph") {
           c.throttling = ThrottlingMode::Graph;
         } else {
           throw BadOption("invalid value '" + v +
                           "' for --throttling: expected off or graph");
         }
       }},
      {"throttle-limit", "GPM_THROTTLE_LIMIT", true,
       [](Config& c, const std::string& v) {
         c.throttle_limit = static_cast<size_t>(
             parse_int("--throttle-limit", v, 1, kMaxThrottleLimit));
       }},
      {"throttle-window", "GPM_THROTTLE_WINDOW", true,
       [](Config& c, const std::string& v) {
         auto d = core::parse_iso_duration(v);
         if (!d || *d < kMinThrottleWindow || *d > kMaxThrottleWindow) {
           throw BadOption("invalid value '" + v +
                           "' for --throttle-window: expected an ISO 8601 "
                           "duration from PT1S to P1D such as PT30S");
         }
         c.throttle_window = *d;
       }},
      {"log-format", "GPM_LOG_FORMAT", true,
       [](Config& c, const std::string& v) {
         if (v == "text") {
           c.log_format = LogFormat::Text;
         } else if (v == "json") {
           c.log_format = LogFormat::Json;
         } else {
           throw BadOption("invalid value '" + v +
                           "' for --log-format: expected text or json");
         }
       }},
      {"quiet", "GPM_QUIET", false,
       [](Config& c, const std::string& v) {
         c.quiet = parse_bool("--quiet", v);
       }},
      {"ready-file", "GPM_READY_FILE", true,
       [](Config& c, const std::string& v) { c.ready_file = v; }},
      {"state-file", "GPM_STATE_FILE", true,
       [](Config& c, const std::string& v) { c.state_file = v; }},
      {"faults", "GPM_FAULTS", true,
       [](Config& c, const std::string& v) { c.faults = v; }},
      {"accept-unsigned-tokens", "GPM_ACCEPT_UNSIGNED_TOKENS", false,
       [](Config& c, const std::string& v) {
         c.accept_unsigned_tokens = parse_bool("--accept-unsigned-tokens", v);
       }},
      {"strict-session-id", "GPM_STRICT_SESSION_ID", false,
       [](Config& c, const std::string& v) {
         c.strict_session_id = parse_bool("--strict-session-id", v);
       }},
      {"signing-key", "GPM_SIGNING_KEY", true,
       [](Config& c, const std::string& v) {
         if (v.empty()) throw BadOption("--signing-key must not be empty");
         c.signing_key = v;
       }},
      {"tls", "GPM_TLS", false,
       [](Config& c, const std::string& v) { c.tls = parse_bool("--tls", v); }},
      {"https-port", "GPM_HTTPS_PORT", true,
       [](Config& c, const std::string& v) {
         c.https_port =
             static_cast<int>(parse_int("--https-port", v, 0, 65535));
       }},
      {"tls-cert", "GPM_TLS_CERT", true,
       [](Config& c, const std::string& v) { c.tls_cert = v; }},
      {"tls-key", "GPM_TLS_KEY", true,
       [](Config& c, const std::string& v) { c.tls_key = v; }},
      {"tls-cert-out", "GPM_TLS_CERT_OUT", true,
       [](Config& c, const std::string& v) { c.tls_cert_out = v; }},
      {"control-token", "GPM_CONTROL_TOKEN", true,
       [](Config& c, const std::string& v) {
         if (v.empty()) throw BadOption("--control-token must not be empty");
         c.control_token = v;
       }},
  };
}

}  // namespace

std::optional<std::string> nearest_flag(const std::string& name,
                                        const std::vector<std::string>& flags) {
  // Close enough to be a slip: one edit in a name of up to three letters,
  // else two, or a third of a long name's letters; the first of equally
  // near flags wins.
  const std::string lower = core::to_lower_ascii(name);
  const size_t allowed =
      lower.size() <= 3 ? 1 : std::max<size_t>(2, lower.size() / 3);
  std::optional<std::string> best;
  size_t best_distance = allowed + 1;
  for (const std::string& f : flags) {
    size_t d = edit_distance(lower, f);
    if (d < best_distance) {
      best = f;
      best_distance = d;
    }
  }
  return best;
}

std::optional<std::string> zoneinfo_dir_problem(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return "--zoneinfo-dir " + dir + ": not a directory";
  }
  // Any TZif file will do; the first is usually found among the first few
  // entries, so a full tree is not walked.
  fs::recursive_directory_iterator it(
      dir, fs::directory_options::skip_permission_denied, ec);
  for (size_t seen = 0;
       !ec && it != fs::recursive_directory_iterator() && seen < 100000;
       it.increment(ec), ++seen) {
    if (!it->is_regular_file(ec)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    char magic[4] = {};
    if (in.read(magic, 4) && std::string_view(magic, 4) == "TZif") {
      return std::nullopt;
    }
  }
  return "--zoneinfo-dir " + dir +
         ": no time-zone (TZif) files in it; install tzdata or point it at "
         "a zoneinfo directory";
}

std::optional<std::string> process_env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

std::string usage_text() {
  return R"(Usage: graph-presence-mock [options]

An offline, stateful emulator of the Microsoft Graph presence API.

Options (each also read from the environment variable shown; flags win;
booleans take true/false, 1/0, yes/no, on/off in any case):
  --host HOST               interface to bind (GPM_HOST) [127.0.0.1]
  --port N                  TCP port, 0 = any free port (GPM_PORT) [8080]
  --fixtures PATH           fixture document to load and reset to (GPM_FIXTURES)
                            [none: no users]
  --clock system|manual     real time, or a frozen clock moved through
                            /_mock/clock (GPM_CLOCK) [system]
  --clock-start INSTANT     start of the manual clock (needs --clock manual),
                            e.g. 2026-01-01T00:00:00Z (GPM_CLOCK_START) [now]
  --auth permissive|strict|off
                            permissive: any non-empty bearer token;
                            strict: a valid Graph JWT with the permissions
                            of R5.1-R5.5 (docs/auth.md); off: no
                            token needed (GPM_AUTH) [permissive]
  --accept-unsigned-tokens  strict auth also accepts unsigned (alg: none)
                            JWTs (GPM_ACCEPT_UNSIGNED_TOKENS=true) [off]
  --strict-session-id       a sessionId other than the token's appid/azp
                            is 400, in any auth mode (GPM_STRICT_SESSION_ID=
                            true) [off]
  --signing-key PATH        RSA private key (PEM) that signs and verifies
                            tokens (GPM_SIGNING_KEY) [a new RSA-2048 key,
                            made on first use]
  --threads N               worker threads = requests handled at once; idle
                            keep-alive connections hold none (GPM_THREADS) [64]
  --max-connections N       most open connections, idle ones included; more
                            are closed at once (GPM_MAX_CONNECTIONS) [10000]
  --keep-alive-timeout SEC  idle keep-alive connection lifetime
                            (GPM_KEEP_ALIVE_TIMEOUT) [5]
  --auto-create-users       create unknown GUID users on first touch instead
                            of 404 (GPM_AUTO_CREATE_USERS=true) [off]
  --me USER                 who /me is when the token has no oid: a fixture
                            user, or any GUID with --auto-create-users
                            (GPM_ME) [the fixtures' "me"]
  --max-body-bytes N        largest request body; more is 413
                            (GPM_MAX_BODY_BYTES) [1048576]
  --beta-extra-pairs        also accept Busy/Busy, DoNotDisturb/DoNotDisturb,
                            BeRightBack/BeRightBack, Offline/OffWork in
                            setPresence (GPM_BETA_EXTRA_PAIRS=true) [off]
  --zoneinfo-dir DIR        IANA time-zone files (GPM_ZONEINFO_DIR)
                            [/usr/share/zoneinfo]
  --max-tenants N           most tenants at once, default included; more is
                            503 (GPM_MAX_TENANTS) [1000]
  --journal-size N          Graph requests kept per tenant in the journal;
                            0 = off (GPM_JOURNAL_SIZE) [10000]
  --throttling off|graph    graph: 429 past the limit per window, per app and
                            tenant (GPM_THROTTLING) [off]
  --throttle-limit N        requests per window under graph throttling
                            (GPM_THROTTLE_LIMIT) [1500]
  --throttle-window DUR     the window, ISO 8601 PT1S..P1D
                            (GPM_THROTTLE_WINDOW) [PT30S]
  --log-format text|json    access-log lines on stderr (GPM_LOG_FORMAT) [text]
  --quiet                   no access log (GPM_QUIET=true)
  --ready-file PATH         once listening, write the URL to PATH atomically
                            (GPM_READY_FILE)
  --state-file PATH         restore tenants from PATH at start, save them there
                            on SIGINT/SIGTERM (GPM_STATE_FILE)
  --faults PATH             fault rules and latency every tenant starts with
                            and resets to (GPM_FAULTS) [none]
  --tls                     the main port serves HTTPS (GPM_TLS=true) [off]
  --https-port N            also serve HTTPS on port N beside HTTP, 0 = any
                            free port (GPM_HTTPS_PORT) [none]
  --tls-cert PATH           PEM certificate (chain) to serve (GPM_TLS_CERT)
                            [generated at start for localhost, 127.0.0.1, ::1]
  --tls-key PATH            PEM private key of --tls-cert (GPM_TLS_KEY)
  --tls-cert-out PATH       write the certificate in use to PATH (PEM,
                            atomically) for clients to trust
                            (GPM_TLS_CERT_OUT)
  --control-token TOKEN     /_mock/ requests (but GET /_mock/health) need the
                            header X-Mock-Control-Token: TOKEN, else 401
                            (GPM_CONTROL_TOKEN) [none: open]
  --check URL               do not serve: exit 0 when URL/_mock/health answers
                            200 within 2 s, else 1 (a container health check;
                            alone on the command line)
  --help                    print this text and exit
  --version                 print the version and exit
)";
}

std::optional<std::string> check_url(const std::vector<std::string>& args) {
  if (args.size() == 2 && args[0] == "--check") return args[1];
  if (args.size() == 1 && args[0].rfind("--check=", 0) == 0) {
    return args[0].substr(8);
  }
  return std::nullopt;
}

std::variant<Config, ExitRequest> parse_args(
    const std::vector<std::string>& args, EnvLookup env) {
  Config c;
  const auto opts = options();
  try {
    // Flags first, so that a flag wins over its variable even when the
    // variable holds something invalid.
    std::vector<std::pair<const Option*, std::string>> given;
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& a = args[i];
      if (a == "--help" || a == "-h") return ExitRequest{0, usage_text()};
      if (a == "--version") {
        return ExitRequest{
            0, std::string("graph-presence-mock ") + GPM_VERSION + "\n"};
      }
      if (a == "--check" || a.rfind("--check=", 0) == 0) {
        throw BadOption("--check URL takes no other options");
      }
      if (a.rfind("--", 0) != 0) {
        throw BadOption("unexpected argument '" + a + "'");
      }
      std::string name = a.substr(2);
      std::optional<std::string> value;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      const Option* found = nullptr;
      for (const Option& o : opts) {
        if (name == o.flag) found = &o;
      }
      if (found == nullptr) {
        std::vector<std::string> flags = {"help", "version"};
        for (const Option& o : opts) flags.emplace_back(o.flag);
        std::string message = "unknown flag --" + name;
        if (auto near = nearest_flag(name, flags)) {
          message += "; did you mean --" + *near + "?";
        }
        throw BadOption(message);
      }
      if (found->takes_value && !value) {
        if (i + 1 >= args.size()) {
          throw BadOption("option '--" + name + "' needs a value");
        }
        value = args[++i];
      }
      given.emplace_back(found, value.value_or("true"));
    }
    for (const Option& o : opts) {
      bool flagged = false;
      for (const auto& [g, v] : given) flagged = flagged || g == &o;
      if (flagged) continue;
      if (auto v = env(o.env)) {
        try {
          o.apply(c, *v);
        } catch (const BadOption& e) {
          throw BadOption(std::string("environment variable ") + o.env + ": " +
                          e.what());
        }
      }
    }
    for (const auto& [o, v] : given) o->apply(c, v);
    if (c.clock_start && c.clock != ClockMode::Manual) {
      throw BadOption(
          "--clock-start needs --clock manual (the system clock "
          "always reads the real time)");
    }
    const bool serves_tls = c.tls || c.https_port.has_value();
    if (c.tls_cert.empty() != c.tls_key.empty()) {
      throw BadOption("--tls-cert and --tls-key go together");
    }
    if (!serves_tls && (!c.tls_cert.empty() || !c.tls_cert_out.empty())) {
      throw BadOption(
          std::string(c.tls_cert.empty() ? "--tls-cert-out" : "--tls-cert") +
          " needs --tls or --https-port");
    }
    if (c.tls && c.https_port) {
      throw BadOption(
          "--https-port adds HTTPS beside HTTP; with --tls the "
          "main port already serves HTTPS");
    }
  } catch (const BadOption& e) {
    return ExitRequest{2, std::string("graph-presence-mock: ") + e.what() +
                              "\nTry 'graph-presence-mock --help'.\n"};
  }
  return c;
}

bool is_loopback_host(const std::string& host) {
  std::string h = host;
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  }
  if (core::to_lower_ascii(h) == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, h.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, h.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

}  // namespace gpm
