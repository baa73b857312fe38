// The body admission policy (D18, D19): from what a request's headers
// announce about its body, whether the transport reads it, leaves it unread
// (it would be refused anyway), or refuses the request; and the one Graph
// error each transport refusal becomes. Pure: no I/O, no httplib, so the
// whole policy is unit-tested as a table (tests/unit/body_admission_test).
// Depends on graph (errors) and http/request. Thread-safe: no state.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "graph/graph_error.h"
#include "http/content_encoding.h"
#include "http/request.h"

namespace gpm::http {

// What a request's headers say about its body.
struct BodyAnnouncement {
  // Content-Length as a number; nullopt when absent; -1 when malformed
  // (not all digits, empty, or over 18 digits).
  std::optional<long long> content_length;
  bool chunked = false;                      // Transfer-Encoding names chunked
  BodyCoding coding = BodyCoding::Identity;  // of Content-Encoding
  std::string content_type;

  // A body is announced: chunked, or a Content-Length above 0. Without
  // either the body is empty (RFC 9112; D18).
  bool announced() const { return chunked || content_length.value_or(0) != 0; }
};

BodyAnnouncement announced_body(const HttpRequest& request);

// What the transport does with a request's body.
enum class BodyPlan {
  // Nothing announced: dispatch at once with an empty body.
  None,
  // A method without a body in this API announced one anyway: dispatch
  // without reading it, then close the connection.
  IgnoreAndClose,
  // Read it (bounded by the limit while it arrives, D19), then dispatch;
  // a gzip body is read as sent, then inflated (bounded by the limit too).
  Read,
  // D18: it would be refused (not JSON or a form, or in a coding other
  // than gzip): dispatch with body_unread (routes that take a body answer
  // 415) and close, so such a body is never inflated or parsed.
  LeaveUnread,
  // Refused: Content-Length is malformed (400); close.
  RefuseBadLength,
  // Refused, D19: Content-Length over the limit (413). Up to kDrainBytes
  // the body is read and dropped so the connection stays usable; past it
  // the connection is closed with the body unread.
  RefuseTooLarge,
};

// Bodies of refused requests up to this size are read and dropped rather
// than the connection closed (D19).
inline constexpr long long kDrainBytes = 16 * 1024 * 1024;

// REQUIRES: `limit` is the largest body accepted, in bytes.
BodyPlan plan_body(std::string_view method, const BodyAnnouncement& body,
                   size_t limit);

// Why the transport refused a request whose head it read.
enum class TransportRefusal {
  BadContentLength,  // 400
  BodyTooLarge,      // 413 (D19)
  BodyMalformed,     // 400: a chunked body that does not parse, or cut short
};

// The one Graph error each refusal is answered with.
graph::GraphError refusal_error(TransportRefusal why, size_t limit);

}  // namespace gpm::http
