// Transport-neutral HTTP request and response: what the router consumes and
// produces, so the same code serves sockets, $batch items and fuzz targets
// (docs/architecture.md). Std only. Thread-safe: plain values.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ascii.h"

namespace gpm::http {

struct CaseInsensitiveLess {
  bool operator()(std::string_view a, std::string_view b) const;
  using is_transparent = void;
};

// Header names compare ignoring ASCII case (RFC 9110 §5.1).
using HeaderMap = std::multimap<std::string, std::string, CaseInsensitiveLess>;

using core::iequals;

// True for `application/json` with any parameters, in any case (D18) --
// and for `application/x-www-form-urlencoded`, the one other body the mock
// reads (the OAuth token endpoint, http/identity.h). The transport reads a
// body only when this holds; Graph and control routes then accept JSON
// alone (is_json_media_type) and answer 415 for a form.
bool is_readable_body_media_type(std::string_view content_type);
// True for `application/json` with any parameters, in any case (D18).
bool is_json_media_type(std::string_view content_type);
// True for `application/x-www-form-urlencoded` with any parameters.
bool is_form_media_type(std::string_view content_type);

// a == b in a time that depends on the lengths only, not on where the
// first difference is (secrets such as --control-token).
bool constant_time_equals(std::string_view a, std::string_view b);

struct HttpRequest {
  std::string method;  // as sent, e.g. "POST"
  std::string target;  // raw request target: path and query, not decoded
  HeaderMap headers;
  std::string body;
  // True when the transport left an announced body unread because it could
  // not be accepted anyway (not JSON, or compressed): routes that take a
  // body then answer 415 (D18).
  bool body_unread = false;
  // An item of a $batch (which takes status faults only).
  bool batch_item = false;

  // The first value of header `name`, or "" if absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

// A fault the transport must cause instead of (or while) answering.
enum class ConnectionFault { None, Close, Reset, Truncate };

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // empty: no body and no Content-Type (see router)
  // Ask the transport to close the connection after this response (used
  // when a request body was left unread).
  bool close_connection = false;
  // Close or Reset: send nothing and drop the connection; Truncate: send
  // the headers and part of the body, then close.
  ConnectionFault connection_fault = ConnectionFault::None;

  void set_header(std::string name, std::string value);
  // The value of header `name`, or "" if absent.
  std::string header(std::string_view name) const;
};

}  // namespace gpm::http
