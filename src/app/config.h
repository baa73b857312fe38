// Every server option in one struct, with its default, and the parser that
// fills it from the command line and the environment (flags win over
// GPM_* variables). Depends on core (time parsing). Thread-safe: pure.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/time.h"

namespace gpm {

enum class ClockMode { System, Manual };
enum class AuthMode { Permissive, Off, Strict };
enum class LogFormat { Text, Json, Off };
enum class ThrottlingMode { Off, Graph };

struct Config {
  // Interface to bind. 127.0.0.1 keeps the mock off the network.
  std::string host = "127.0.0.1";
  // TCP port; 0 picks a free one (printed on start).
  int port = 8080;
  // Fixture document loaded at start and restored by reset; empty: no users.
  std::string fixtures;
  // D20: `system` reads real time; `manual` freezes it until /_mock/clock.
  ClockMode clock = ClockMode::System;
  // Start instant of the manual clock; default: the real time of start.
  std::optional<core::TimePoint> clock_start;
  // `permissive`: any non-empty bearer token; `off`: no token needed;
  // `strict`: a valid Graph JWT with the permissions of R5.1-R5.5.
  AuthMode auth = AuthMode::Permissive;
  // Worker threads: requests handled at once. An idle keep-alive
  // connection holds none (it is parked within 20 ms, sooner when another
  // connection waits for a worker).
  int threads = 64;
  // Most connections open at once (busy and idle); more are closed at once.
  size_t max_connections = 10000;
  // Seconds an idle keep-alive connection is kept.
  int keep_alive_timeout_sec = 5;
  // D9: unknown GUID users are created on first touch instead of 404.
  bool auto_create_users = false;
  // D25: who /me is when the token carries no `oid` (overrides fixtures).
  std::string me;
  // D19: largest request body in bytes; more is 413.
  size_t max_body_bytes = 1024 * 1024;
  // D11: also accept the four extra beta setPresence pairs.
  bool beta_extra_pairs = false;
  // Where IANA time-zone files are read from (status message expiry, D17).
  std::string zoneinfo_dir = "/usr/share/zoneinfo";
  // D24: most tenants at once, the default one included; more is 503.
  size_t max_tenants = 1000;
  // Journal entries kept per tenant; 0 turns the journal off.
  size_t journal_size = 10000;
  // R6.6-R6.8: `graph` refuses requests past `throttle_limit` per
  // `throttle_window` per application and tenant with 429; `off` never does.
  ThrottlingMode throttling = ThrottlingMode::Off;
  // Requests per window and application under `graph` (R6.6: 1,500).
  size_t throttle_limit = 1500;
  // The fixed window of `graph` throttling, on the tenant's clock (R6.6: 30 s).
  core::Duration throttle_window = std::chrono::seconds(30);
  // Access log on stderr: `text` or `json` lines.
  LogFormat log_format = LogFormat::Text;
  // No access log at all.
  bool quiet = false;
  // Once listening, the bound URL is written here (atomically).
  std::string ready_file;
  // Tenants restored from here at start and saved here on clean shutdown.
  std::string state_file;
  // Fault rules and latency (docs/faults.md) every tenant starts
  // with and resets to; empty: none.
  std::string faults;
  // Strict auth also accepts unsigned (`alg: none`) JWTs.
  bool accept_unsigned_tokens = false;
  // D2: a sessionId other than the JWT's appid/azp is 400 (any auth mode).
  bool strict_session_id = false;
  // PEM RSA private key that signs and verifies tokens; empty: a fresh
  // RSA-2048 key made on first use.
  std::string signing_key;
  // The main port serves HTTPS instead of HTTP.
  bool tls = false;
  // Also serve HTTPS on this port beside the main one (0: any free port).
  std::optional<int> https_port;
  // PEM certificate (chain) and key to serve; both empty: a certificate for
  // localhost, 127.0.0.1 and ::1 is generated at start.
  std::string tls_cert;
  std::string tls_key;
  // Where the certificate in use is written (PEM, atomically) for clients
  // to trust.
  std::string tls_cert_out;
  // When set, every /_mock/ request but GET /_mock/health must carry it in
  // the X-Mock-Control-Token header (else 401); empty: the control plane is
  // open.
  std::string control_token;
};

// Bounds of the throttling settings, on the command line and through
// PUT /_mock/throttling alike.
inline constexpr long kMaxThrottleLimit = 1000000;
inline constexpr core::Duration kMinThrottleWindow = std::chrono::seconds(1);
inline constexpr core::Duration kMaxThrottleWindow = std::chrono::hours(24);

// What parse_args decided instead of a Config: print `text` to stdout (exit
// code 0: --help, --version) or stderr (exit code 2: a bad option).
struct ExitRequest {
  int code;
  std::string text;
};

// `env` returns the value of an environment variable or nullopt.
using EnvLookup = std::optional<std::string> (*)(const char* name);
std::optional<std::string> process_env(const char* name);

std::variant<Config, ExitRequest> parse_args(
    const std::vector<std::string>& args, EnvLookup env = process_env);

std::string usage_text();

// The URL of `--check URL` (or `--check=URL`) when that is the whole
// command line: the binary then asks URL/_mock/health instead of serving
// (a container HEALTHCHECK that needs no other tool). Else nullopt;
// parse_args refuses --check beside other options.
std::optional<std::string> check_url(const std::vector<std::string>& args);

// The flag of `flags` (without "--") nearest to `name` by edit distance, if
// one is near enough to be a slip ("thread" -> "threads"); else nullopt.
std::optional<std::string> nearest_flag(const std::string& name,
                                        const std::vector<std::string>& flags);

// Why `dir` cannot serve as --zoneinfo-dir (not a directory, or no TZif
// file in it), as a message naming the flag; nullopt when it can. Reads the
// file system: called at start, not by parse_args.
std::optional<std::string> zoneinfo_dir_problem(const std::string& dir);

// True when `host` can only be reached from this machine: 127.0.0.0/8,
// ::1 (also as ::ffff:127.x.x.x) or "localhost". Anything else (0.0.0.0,
// another address, another name) gets a warning at start.
bool is_loopback_host(const std::string& host);

}  // namespace gpm
