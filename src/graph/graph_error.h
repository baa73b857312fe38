// The Graph error catalogue: one GraphError type and a named factory per
// wire error this mock sends (spec R6.1, R6.7, D1, D8, D9, D12, D13, D18,
// D19),
// and the envelope they are written in.
// Depends on core (time formats) and nlohmann_json. Thread-safe: pure.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"

namespace gpm::graph {

// An expected failure of a request, answered in the Graph error envelope.
// `message` is written for the caller and never carries internal text.
class GraphError : public std::runtime_error {
 public:
  using Fields = std::vector<std::pair<std::string, std::string>>;

  GraphError(int status, std::string code, std::string message,
             Fields headers = {}, Fields inner_error = {});

  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }
  // Extra response headers (Allow, WWW-Authenticate, ...).
  const Fields& headers() const { return headers_; }
  // Extra string members of innerError beside date and the request ids
  // (the throttling body of R6.7).
  const Fields& inner_error() const { return inner_error_; }
  // What to do about it, for a mock user (empty: none). Sent as the
  // mock-only response header `x-mock-hint`; the body stays as Graph
  // writes it.
  const std::string& hint() const { return hint_; }
  GraphError with_hint(std::string hint) const {
    GraphError e = *this;
    e.hint_ = std::move(hint);
    return e;
  }

 private:
  int status_;
  std::string code_;
  std::string message_;
  Fields headers_;
  Fields inner_error_;
  std::string hint_;
};

// The mock-only response header that carries GraphError::hint().
inline constexpr const char* kHintHeader = "x-mock-hint";

namespace errors {

// D1: 400 BadRequest naming the field and what is accepted.
GraphError bad_request(std::string message);
// D8 / R3.4.3: clearPresence of a session that does not exist.
GraphError session_not_found(std::string_view session_id);
// D9: a user the store does not know.
GraphError user_not_found(std::string_view id);
// D13: an unknown segment under a version root.
GraphError unknown_segment(std::string_view segment);
// D13: a path outside every root.
GraphError unknown_path();
// D13: a method a documented path does not take; `allow` lists those it does.
GraphError method_not_allowed(std::string allow);
// D18.
GraphError unsupported_media_type(std::string message);
// D19.
GraphError payload_too_large(size_t limit_bytes);
GraphError uri_too_long();
// D12.
GraphError token_empty();
GraphError token_invalid();
GraphError me_requires_delegated();
// /me when no user is "me" (no --me, no fixture `me`, no token oid): the
// Graph body of D12 with a hint naming --me.
GraphError me_not_configured();
// D21, D24: 401 InvalidAuthenticationToken with its own message.
GraphError token_rejected(std::string message);
// R5.5, D6: 403 Forbidden, the message naming what is missing.
GraphError forbidden(std::string message);
// R6.7, D15: 429 TooManyRequests with `Retry-After` in whole seconds and
// innerError code/message/status as Graph writes them.
GraphError too_many_requests(std::chrono::seconds retry_after);
// Anything unexpected: a fixed message, never what() of the cause.
GraphError internal();
// A status a fault rule injects: its code and message as configured, else
// Graph's for that status (429, 503 and 504 as Graph words them).
GraphError injected_fault(int status, std::string code, std::string message,
                          GraphError::Fields headers);
// D24: a tenant past --max-tenants is not created: 503.
GraphError too_many_tenants(size_t max_tenants);
// D24: a strict-auth token whose `tid` is not the tenant of the path.
GraphError token_tenant_mismatch();
// R6.12: a $batch item whose dependsOn failed: 424 FailedDependency.
GraphError failed_dependency();
// The control plane's --control-token, missing or wrong: 401 Unauthorized
// naming the header that carries it.
GraphError control_token_required(std::string_view header);
// The control plane: no fault rule with this id in the tenant (404).
GraphError fault_rule_not_found(std::string_view id);
// The control plane: 409 Conflict for fault rule ids already in use and
// for users that exist already; `list` names them, comma-separated.
GraphError fault_rule_ids_taken(std::string_view list);
GraphError users_exist(std::string_view list);

// Hints (x-mock-hint) the router attaches where the facts live there.
// 401: which --auth mode is active and how to get past it.
std::string token_hint(std::string_view auth_mode);
// 404 UnknownPath under /_mock.
std::string unknown_control_path_hint();
// 400 for a body that is not JSON: where the parser stopped.
std::string invalid_json_hint(size_t byte_offset, size_t body_size);

}  // namespace errors

// `allow` (an Allow header value such as "GET, PUT") with HEAD added after
// GET when GET is listed and HEAD is not: every GET route answers HEAD.
std::string allow_with_head(std::string_view allow);

// The Graph code for an HTTP status when nothing more specific is known
// (used for errors the HTTP library raises itself).
std::string default_code_for_status(int status);
std::string default_message_for_status(int status);

// {"error":{"code","message","innerError":{"date","request-id",
// "client-request-id"}}} (R6.1), innerError followed by `inner_error`'s
// members. Never throws on odd bytes: invalid UTF-8 is replaced.
std::string error_body(std::string_view code, std::string_view message,
                       core::TimePoint now, std::string_view request_id,
                       std::string_view client_request_id,
                       const GraphError::Fields& inner_error = {});

}  // namespace gpm::graph
