// The conformance suite's HTTP helper layer: one keep-alive httplib::Client
// per thread against the base URL from the command line, Graph-shaped call
// helpers (presence paths, actions, the /_mock control plane), a raw POSIX
// socket exchange for requests httplib cannot express, and an unsigned JWT
// builder. It knows nothing of doctest: callers assert on what it returns.
// Thread-safety: options() is written once by main() before any test runs;
// every other function is safe to call from several threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace conformance {

// What the command line chose (see main.cpp for the flags and defaults).
struct Options {
  std::string base_url;                     // server root, no version
  std::string token = "conformance-token";  // sent as "Bearer <token>"
  std::string user = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
  std::string other_user = "66825e03-7ef5-42da-9069-724602c31f6b";
  std::string app = "22553876-f5ab-4529-bffb-cfe50aa89f87";
  std::string target = "mock";      // "mock" or "graph"
  std::string auth = "permissive";  // "permissive" or "strict" (main.cpp)
  // PEM file of the CA (or self-signed certificate) that an https://
  // base URL is verified against; empty: the system's trust store.
  std::string ca_cert;
};

Options& options();

// Header map with case-insensitive names, as HTTP wants them.
struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};
using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;

// One HTTP exchange as seen by the client. status 0 = transport failure
// (then `error` says why).
struct Reply {
  int status = 0;
  std::string error;
  Headers headers;
  std::string body;
  std::optional<nlohmann::json> json;  // set when body parses as JSON

  bool has_header(const std::string& name) const;
  // First value of `name`, or "" when absent.
  std::string header(const std::string& name) const;
  // One line for doctest INFO(): status, content type, first 300 body bytes.
  std::string describe() const;
};

enum class Auth { Bearer, None };

// Sends one request through this thread's keep-alive client. A body without
// an explicit Content-Type header is sent as application/json. Unless
// auth == None or `headers` already name Authorization, the request carries
// "Authorization: Bearer <options().token>". `path` is sent verbatim.
Reply request(const std::string& method, const std::string& path,
              const std::optional<std::string>& body = std::nullopt,
              const Headers& headers = {}, Auth auth = Auth::Bearer);

// ---- Graph paths --------------------------------------------------------

inline constexpr std::string_view kVersions[] = {"v1.0", "beta"};

enum class PathForm { Users, Me, Communications };
inline constexpr PathForm kPathForms[] = {PathForm::Users, PathForm::Me,
                                          PathForm::Communications};
std::string to_string(PathForm form);

// "/v1.0/users/{user}/presence" and its siblings. Under PathForm::Me the
// user is whoever the token names (the fixtures' me for an opaque token).
std::string presence_path(std::string_view version, PathForm form,
                          const std::string& user);

// ---- Presence operations (each returns the raw reply) ---------------------

Reply get_presence(std::string_view version, PathForm form,
                   const std::string& user, const Headers& headers = {});
Reply set_presence(
    std::string_view version, PathForm form, const std::string& user,
    const std::string& session_id, const std::string& availability,
    const std::string& activity,
    const std::optional<std::string>& expiration_duration = std::nullopt,
    const Headers& headers = {});
Reply clear_presence(std::string_view version, PathForm form,
                     const std::string& user, const std::string& session_id,
                     const Headers& headers = {});
Reply set_preferred(
    std::string_view version, PathForm form, const std::string& user,
    const std::string& availability, const std::string& activity,
    const std::optional<std::string>& expiration_duration = std::nullopt);
Reply clear_preferred(std::string_view version, PathForm form,
                      const std::string& user);
Reply set_status_message(std::string_view version, PathForm form,
                         const std::string& user,
                         const nlohmann::json& status_message,
                         const Headers& headers = {});
Reply get_presences_by_user_id(std::string_view version,
                               const nlohmann::json& body);

// The presence body as the user-id form in v1.0 sees it, with
// @odata.context removed, or null on any failure. Shorthand for comparisons.
nlohmann::json presence_state(const std::string& user,
                              const Headers& headers = {});
// {availability, activity} of that body, or {"", ""} on failure.
std::pair<std::string, std::string> availability_activity(
    const std::string& user, const Headers& headers = {});

// ---- Control plane (mock only) ------------------------------------------

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

Reply reset();
Reply advance_clock(const std::string& iso_duration);
Reply set_clock(const std::string& instant);
// The mock's current instant from GET /_mock/clock; nullopt on failure.
std::optional<TimePoint> clock_now();

// "2026-01-01T00:00:00" (no zone, whole seconds, UTC fields).
std::string format_local(TimePoint t);
// Parses "YYYY-MM-DDTHH:MM:SS[.fff...][Z]" as UTC.
std::optional<TimePoint> parse_instant(std::string_view text);

// ---- Tenants and the control plane (mock only) ---------------------------

// "/tenants/<tenant><path>"; just `path` when `tenant` is empty (default).
std::string in_tenant(std::string_view tenant, std::string_view path);
// A fresh tenant id for one case: "<stem>-<12 lower-case hex digits>".
std::string unique_tenant(std::string_view stem);
// A control-plane request: no Authorization header; `body` (if any) is sent
// as application/json. `path` is sent verbatim (prefix it with in_tenant).
Reply control(const std::string& method, const std::string& path,
              const std::optional<nlohmann::json>& body = std::nullopt);
// "2026-01-01T00:07:00.000Z": the control plane's instant format.
std::string format_instant(TimePoint t);
// The tenant's instant from GET {tenant}/_mock/clock; nullopt on failure.
std::optional<TimePoint> tenant_now(std::string_view tenant);
// Presence calls in a tenant (v1.0, the users/{id} form, the default
// token unless `headers` name Authorization).
Reply get_presence_in(std::string_view tenant, const std::string& user,
                      const Headers& headers = {});
Reply set_presence_in(
    std::string_view tenant, const std::string& user,
    const std::string& session_id, const std::string& availability,
    const std::string& activity,
    const std::optional<std::string>& expiration_duration = std::nullopt,
    const Headers& headers = {});
Reply clear_presence_in(std::string_view tenant, const std::string& user,
                        const std::string& session_id,
                        const Headers& headers = {});

// ---- Raw TCP exchanges ----------------------------------------------------

struct RawReply {
  int status = 0;  // 0 = no parsable reply
  std::string error;
  Headers headers;
  std::string body;
  std::optional<nlohmann::json> json;
  std::chrono::steady_clock::duration elapsed{};  // send start to reply end
  std::string describe() const;
};

// A TCP connection to the host and port of options().base_url; over TLS
// (verified against options().ca_cert) when the base URL is https://.
class RawConnection {
 public:
  RawConnection();
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }
  // Writes all bytes; false when the peer has gone (never raises SIGPIPE).
  bool send_all(std::string_view bytes);
  // Half-closes the connection: the server reads end of input.
  void finish_sending();
  // True when the server has sent something (or closed) within `wait`.
  bool readable(std::chrono::milliseconds wait);
  // Reads one HTTP/1.1 response (Content-Length, chunked or close-delimited
  // body); gives up after `timeout` in total.
  RawReply read_reply(std::chrono::milliseconds timeout);

 private:
  // Reads up to `size` bytes: >0 read, 0 orderly end, -1 error (`error_`
  // then says why; a reset says "reset").
  long receive(char* buf, std::size_t size);

  int fd_ = -1;
  void* ssl_ = nullptr;  // SSL* over https://
  std::string error_;
  std::string buffered_;
  std::chrono::steady_clock::time_point started_;
};

// Connects, sends `bytes`, reads one reply.
RawReply raw_exchange(
    std::string_view bytes,
    std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

// "Host: 127.0.0.1:PORT" for hand-written requests.
std::string host_header();

// ---- Tokens and ids -------------------------------------------------------

std::string base64url(std::string_view bytes);
// header.payload. with {"alg":"none","typ":"JWT"} and an empty signature.
std::string unsigned_jwt(const nlohmann::json& payload);
// An application token (roles, appid; no scp).
std::string app_jwt(const std::string& app_id);
// A delegated token (scp, oid) for `user`.
std::string delegated_jwt(const std::string& user, const std::string& app_id);
Headers bearer(const std::string& token);

std::string random_guid();
bool is_guid(std::string_view s);
std::string lower(std::string_view s);

}  // namespace conformance
