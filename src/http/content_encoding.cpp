#include "http/content_encoding.h"

#include <zlib.h>

#include <array>
#include <climits>

#include "core/ascii.h"

namespace gpm::http {

BodyCoding classify_content_encoding(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) {
    v.remove_prefix(1);
  }
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) {
    v.remove_suffix(1);
  }
  if (v.empty() || core::iequals(v, "identity")) return BodyCoding::Identity;
  if (core::iequals(v, "gzip") || core::iequals(v, "x-gzip")) {
    return BodyCoding::Gzip;
  }
  return BodyCoding::Unsupported;
}

namespace {

// Owns a z_stream set up for gzip only (no zlib or raw deflate).
class GzipStream {
 public:
  GzipStream() { ok_ = inflateInit2(&z_, 16 + MAX_WBITS) == Z_OK; }
  ~GzipStream() {
    if (ok_) inflateEnd(&z_);
  }
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;
  bool ok() const { return ok_; }
  z_stream& z() { return z_; }

 private:
  z_stream z_{};
  bool ok_ = false;
};

}  // namespace

InflateResult inflate_gzip(std::string_view compressed, size_t limit_bytes) {
  using Outcome = InflateResult::Outcome;
  InflateResult out;
  if (compressed.empty()) return out;
  GzipStream stream;
  if (!stream.ok()) {
    out.outcome = Outcome::Corrupt;
    return out;
  }
  z_stream& z = stream.z();
  // zlib takes a non-const pointer but does not write through next_in.
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  std::array<char, 16 * 1024> block;
  size_t left = compressed.size();
  auto refill = [&] {
    if (z.avail_in == 0 && left > 0) {
      uInt n = left > UINT_MAX ? UINT_MAX : static_cast<uInt>(left);
      z.avail_in = n;
      left -= n;
    }
  };
  refill();
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(block.data());
    z.avail_out = static_cast<uInt>(block.size());
    int rc = inflate(&z, Z_NO_FLUSH);
    size_t produced = block.size() - z.avail_out;
    if (produced > limit_bytes - out.body.size()) {
      out.body.clear();
      out.outcome = Outcome::TooLarge;
      return out;
    }
    out.body.append(block.data(), produced);
    if (rc == Z_STREAM_END) {
      refill();
      if (z.avail_in == 0) return out;  // the whole input was consumed
      // Another member follows (RFC 1952 2.2).
      if (inflateReset(&z) != Z_OK) break;
      continue;
    }
    if (rc == Z_OK) {
      refill();
      continue;
    }
    // Z_BUF_ERROR: no progress possible, i.e. the input ended mid-stream;
    // Z_DATA_ERROR, Z_NEED_DICT, Z_MEM_ERROR: damaged or unusable.
    break;
  }
  out.body.clear();
  out.outcome = Outcome::Corrupt;
  return out;
}

std::optional<graph::GraphError> decode_gzip_body(HttpRequest& r,
                                                  size_t limit_bytes) {
  InflateResult inflated = inflate_gzip(r.body, limit_bytes);
  r.body.clear();
  switch (inflated.outcome) {
    case InflateResult::Outcome::Ok:
      r.body = std::move(inflated.body);
      r.headers.erase("Content-Encoding");
      return std::nullopt;
    case InflateResult::Outcome::TooLarge:
      return graph::errors::payload_too_large(limit_bytes);
    case InflateResult::Outcome::Corrupt:
      break;
  }
  return graph::errors::bad_request(
      "The request body is not a valid gzip stream (Content-Encoding: "
      "gzip): it is damaged or truncated.");
}

}  // namespace gpm::http
