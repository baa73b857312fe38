#include "graph/graph_error.h"

#include <nlohmann/json.hpp>

#include "core/iso_time.h"

namespace gpm::graph {

GraphError::GraphError(int status, std::string code, std::string message,
                       Fields headers, Fields inner_error)
    : std::runtime_error(code),
      status_(status),
      code_(std::move(code)),
      message_(std::move(message)),
      headers_(std::move(headers)),
      inner_error_(std::move(inner_error)) {}

namespace {
// The message of a 429, throttled or injected.
constexpr const char* kRetryLater = "Please retry again later.";
}  // namespace

namespace errors {

GraphError bad_request(std::string message) {
  return GraphError(400, "BadRequest", std::move(message));
}

GraphError session_not_found(std::string_view session_id) {
  return GraphError(404, "NotFound",
                    "No presence session exists for sessionId '" +
                        std::string(session_id) + "'.");
}

GraphError user_not_found(std::string_view id) {
  return GraphError(404, "ResourceNotFound",
                    "Resource '" + std::string(id) +
                        "' does not exist or one of its queried reference-"
                        "property objects are not present.")
      .with_hint(
          "The mock has no such user in this tenant: add it with "
          "POST /_mock/users (or in the --fixtures file), or start "
          "the mock with --auto-create-users to create users on "
          "first use.");
}

GraphError unknown_segment(std::string_view segment) {
  return GraphError(
      400, "BadRequest",
      "Resource not found for the segment '" + std::string(segment) + "'.");
}

GraphError unknown_path() {
  return GraphError(404, "UnknownPath",
                    "The path is not part of the Graph API this mock serves; "
                    "use /v1.0 or /beta.");
}

GraphError method_not_allowed(std::string allow) {
  allow = allow_with_head(allow);
  return GraphError(405, "MethodNotAllowed",
                    "The HTTP method is not allowed on this resource; "
                    "allowed: " +
                        allow + ".",
                    {{"Allow", allow}});
}

GraphError unsupported_media_type(std::string message) {
  return GraphError(415, "UnsupportedMediaType", std::move(message));
}

GraphError payload_too_large(size_t limit_bytes) {
  return GraphError(413, "RequestEntityTooLarge",
                    "The request body exceeds the limit of " +
                        std::to_string(limit_bytes) + " bytes.");
}

GraphError uri_too_long() {
  return GraphError(414, "RequestUriTooLong",
                    "The request URI is longer than the server accepts.");
}

GraphError token_empty() {
  return GraphError(401, "InvalidAuthenticationToken", "Access token is empty.",
                    {{"WWW-Authenticate", "Bearer"}});
}

GraphError token_invalid() {
  return GraphError(401, "InvalidAuthenticationToken",
                    "Access token validation failure.",
                    {{"WWW-Authenticate", "Bearer"}});
}

GraphError token_rejected(std::string message) {
  return GraphError(401, "InvalidAuthenticationToken", std::move(message),
                    {{"WWW-Authenticate", "Bearer"}});
}

GraphError forbidden(std::string message) {
  return GraphError(403, "Forbidden", std::move(message));
}

GraphError me_requires_delegated() {
  return bad_request(
      "/me request is only valid with delegated authentication "
      "flow.");
}

GraphError me_not_configured() {
  return me_requires_delegated().with_hint(
      "No user is 'me' here: start the mock with --me <user id> (or set "
      "\"me\" in the fixtures), or send a delegated token whose oid names "
      "a user.");
}

GraphError too_many_requests(std::chrono::seconds retry_after) {
  return GraphError(
      429, "TooManyRequests", kRetryLater,
      {{"Retry-After", std::to_string(retry_after.count())}},
      {{"code", "429"}, {"message", "Please retry after"}, {"status", "429"}});
}

GraphError internal() {
  return GraphError(500, "InternalServerError",
                    "An internal server error occurred.");
}

GraphError injected_fault(int status, std::string code, std::string message,
                          GraphError::Fields headers) {
  if (code.empty()) code = default_code_for_status(status);
  if (message.empty()) {
    switch (status) {
      case 429:
        message = kRetryLater;
        break;
      case 503:
        message = "The service is temporarily unavailable.";
        break;
      case 504:
        message = "The gateway timed out.";
        break;
      default:
        message = default_message_for_status(status);
    }
  }
  return GraphError(status, std::move(code), std::move(message),
                    std::move(headers));
}

GraphError too_many_tenants(size_t max_tenants) {
  return GraphError(503, "ServiceUnavailable",
                    "The mock holds its maximum of " +
                        std::to_string(max_tenants) +
                        " tenants (--max-tenants); reset or raise the limit.");
}

GraphError token_tenant_mismatch() {
  return token_rejected(
      "Access token validation failure. The token's tenant (tid) is not the "
      "tenant of the request path.");
}

GraphError failed_dependency() {
  return GraphError(424, "FailedDependency",
                    "The request depends on a request of the batch that "
                    "failed.");
}

GraphError control_token_required(std::string_view header) {
  return GraphError(401, "Unauthorized",
                    "The /_mock control plane needs the header " +
                        std::string(header) +
                        " with the mock's --control-token.");
}

GraphError fault_rule_not_found(std::string_view id) {
  return GraphError(404, "NotFound",
                    "No fault rule '" + std::string(id) + "' in this tenant.");
}

GraphError fault_rule_ids_taken(std::string_view list) {
  return GraphError(
      409, "Conflict",
      "Fault rule ids already in use: " + std::string(list) + ".");
}

GraphError users_exist(std::string_view list) {
  return GraphError(409, "Conflict",
                    "These users exist already (or repeat in the body); "
                    "nothing was created: " +
                        std::string(list) + ".");
}

std::string token_hint(std::string_view auth_mode) {
  std::string hint =
      "The mock runs with --auth " + std::string(auth_mode) + ": ";
  if (auth_mode == "strict") {
    hint +=
        "send a token this mock signed and that is valid now (get one "
        "from POST /_mock/token), or start the mock with --auth permissive "
        "or --auth off.";
  } else {
    hint +=
        "send 'Authorization: Bearer <token>' with any token (POST "
        "/_mock/token makes one with claims), or start the mock with "
        "--auth off.";
  }
  return hint;
}

std::string unknown_control_path_hint() {
  return "This is not a control endpoint of the mock; see GET /_mock/routes "
         "for the list.";
}

std::string invalid_json_hint(size_t byte_offset, size_t body_size) {
  return "The JSON parser stopped at byte " + std::to_string(byte_offset) +
         " of the " + std::to_string(body_size) + "-byte body.";
}

}  // namespace errors

std::string allow_with_head(std::string_view allow) {
  // Split on commas, trimming blanks.
  std::vector<std::string> methods;
  size_t i = 0;
  while (i <= allow.size()) {
    size_t j = allow.find(',', i);
    if (j == std::string_view::npos) j = allow.size();
    std::string_view m = allow.substr(i, j - i);
    while (!m.empty() && m.front() == ' ') m.remove_prefix(1);
    while (!m.empty() && m.back() == ' ') m.remove_suffix(1);
    if (!m.empty()) methods.emplace_back(m);
    i = j + 1;
  }
  bool get = false, head = false;
  for (const auto& m : methods) {
    get = get || m == "GET";
    head = head || m == "HEAD";
  }
  if (!get || head) return std::string(allow);
  std::string out;
  for (const auto& m : methods) {
    if (!out.empty()) out += ", ";
    out += m;
    if (m == "GET") out += ", HEAD";
  }
  return out;
}

std::string default_code_for_status(int status) {
  switch (status) {
    case 400:
      return "BadRequest";
    case 401:
      return "InvalidAuthenticationToken";
    case 403:
      return "Forbidden";
    case 404:
      return "UnknownPath";
    case 405:
      return "MethodNotAllowed";
    case 408:
      return "RequestTimeout";
    case 413:
      return "RequestEntityTooLarge";
    case 414:
      return "RequestUriTooLong";
    case 415:
      return "UnsupportedMediaType";
    case 431:
      return "RequestHeaderFieldsTooLarge";
    case 416:
      return "RequestedRangeNotSatisfiable";
    case 417:
      return "ExpectationFailed";
    case 429:
      return "TooManyRequests";
    case 501:
      return "NotImplemented";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "GatewayTimeout";
    default:
      return status >= 500 ? "InternalServerError" : "BadRequest";
  }
}

std::string default_message_for_status(int status) {
  switch (status) {
    case 400:
      return "The request is malformed.";
    case 404:
      return "The path is not part of the Graph API this mock serves.";
    case 413:
      return "The request body is too large.";
    case 414:
      return "The request URI is longer than the server accepts.";
    case 415:
      return "The request body's media type or encoding is not supported.";
    case 431:
      return "The request line and headers are larger than the server "
             "accepts.";
    case 416:
      return "Range requests are not supported.";
    case 417:
      return "The expectation given in the Expect header cannot be met.";
    default:
      return status >= 500 ? "An internal server error occurred."
                           : "The request cannot be served.";
  }
}

std::string error_body(std::string_view code, std::string_view message,
                       core::TimePoint now, std::string_view request_id,
                       std::string_view client_request_id,
                       const GraphError::Fields& inner_error) {
  nlohmann::ordered_json j;
  j["error"]["code"] = code;
  j["error"]["message"] = message;
  auto& inner = j["error"]["innerError"];
  inner["date"] = core::format_inner_error_date(now);
  inner["request-id"] = request_id;
  inner["client-request-id"] = client_request_id;
  for (const auto& [name, value] : inner_error) inner[name] = value;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace gpm::graph
