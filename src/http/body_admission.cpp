#include "http/body_admission.h"

#include "core/ascii.h"

namespace gpm::http {
namespace {

std::optional<long long> parse_content_length(const HttpRequest& request) {
  if (!request.has_header("Content-Length")) return std::nullopt;
  std::string v = request.header("Content-Length");
  if (v.empty() || v.size() > 18) return -1;
  long long n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

bool takes_body(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" ||
         method == "DELETE";
}

}  // namespace

BodyAnnouncement announced_body(const HttpRequest& request) {
  BodyAnnouncement b;
  b.content_length = parse_content_length(request);
  b.chunked = core::to_lower_ascii(request.header("Transfer-Encoding"))
                  .find("chunked") != std::string::npos;
  b.coding = classify_content_encoding(request.header("Content-Encoding"));
  b.content_type = request.header("Content-Type");
  return b;
}

BodyPlan plan_body(std::string_view method, const BodyAnnouncement& body,
                   size_t limit) {
  if (!takes_body(method)) {
    return body.announced() ? BodyPlan::IgnoreAndClose : BodyPlan::None;
  }
  const auto& length = body.content_length;
  if (length && *length < 0) return BodyPlan::RefuseBadLength;
  if (length && static_cast<unsigned long long>(*length) > limit) {
    return BodyPlan::RefuseTooLarge;
  }
  if (!body.announced()) return BodyPlan::None;
  if (body.coding == BodyCoding::Unsupported ||
      !is_readable_body_media_type(body.content_type)) {
    return BodyPlan::LeaveUnread;
  }
  return BodyPlan::Read;
}

graph::GraphError refusal_error(TransportRefusal why, size_t limit) {
  switch (why) {
    case TransportRefusal::BadContentLength:
      return graph::errors::bad_request(
          "The Content-Length header is invalid.");
    case TransportRefusal::BodyTooLarge:
      return graph::errors::payload_too_large(limit);
    case TransportRefusal::BodyMalformed:
      break;
  }
  return graph::errors::bad_request("The request body is malformed.");
}

}  // namespace gpm::http
