// Request bodies sent with a Content-Encoding (D18): which codings the mock
// accepts, and a bounded gzip decoder. Pure functions over bytes (zlib);
// no httplib. Thread-safe.
// (The one transport step, decode_gzip_body, speaks in HttpRequest and
// GraphError.)
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "graph/graph_error.h"
#include "http/request.h"

namespace gpm::http {

enum class BodyCoding { Identity, Gzip, Unsupported };

// Absent, empty or `identity`: Identity; `gzip` or its alias `x-gzip`
// (RFC 9110 8.4.1.3), any case, surrounding blanks ignored: Gzip; anything
// else (`br`, `deflate`, a list of codings, ...): Unsupported.
BodyCoding classify_content_encoding(std::string_view header_value);

struct InflateResult {
  enum class Outcome {
    Ok,        // `body` holds the decompressed bytes
    TooLarge,  // the decompressed bytes pass the limit; `body` is empty
    Corrupt,   // not gzip, damaged, truncated or with bytes after the end
  };
  Outcome outcome = Outcome::Ok;
  std::string body;
};

// Decompresses a gzip stream (RFC 1952; several members in a row are one
// stream). The limit is checked while inflating: at most `limit_bytes` + one
// output block are ever produced, so a stream that would inflate to
// gigabytes costs a few kilobytes of work past the limit. An empty input is
// an empty body. Never throws but std::bad_alloc.
InflateResult inflate_gzip(std::string_view compressed, size_t limit_bytes);

// The transport's step for a body read raw under `Content-Encoding: gzip`:
// replaces `r.body` by its decompressed bytes and drops the header (the
// router then sees an identity body), or leaves the body empty and returns
// the refusal: 413 RequestEntityTooLarge past `limit_bytes` (D19), 400
// BadRequest for a corrupt stream.
std::optional<graph::GraphError> decode_gzip_body(HttpRequest& r,
                                                  size_t limit_bytes);

}  // namespace gpm::http
