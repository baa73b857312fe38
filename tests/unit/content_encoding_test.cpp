// D18: which Content-Encodings a request body may have, and the bounded
// gzip decoder (src/http/content_encoding).
#include "http/content_encoding.h"

#include <doctest/doctest.h>
#include <zlib.h>

#include <string>

using gpm::http::BodyCoding;
using gpm::http::classify_content_encoding;
using gpm::http::inflate_gzip;
using Outcome = gpm::http::InflateResult::Outcome;

namespace {

// One gzip member of `text` (zlib's deflate with a gzip wrapper).
std::string gzip(const std::string& text) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
                       Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

}  // namespace

TEST_SUITE("content_encoding") {
  TEST_CASE("D18 identity, gzip and x-gzip are known codings; others are not") {
    CHECK(classify_content_encoding("") == BodyCoding::Identity);
    CHECK(classify_content_encoding("identity") == BodyCoding::Identity);
    CHECK(classify_content_encoding(" IDENTITY ") == BodyCoding::Identity);
    CHECK(classify_content_encoding("gzip") == BodyCoding::Gzip);
    CHECK(classify_content_encoding("GZip") == BodyCoding::Gzip);
    CHECK(classify_content_encoding("x-gzip") == BodyCoding::Gzip);
    CHECK(classify_content_encoding("\tgzip ") == BodyCoding::Gzip);
    for (const char* v : {"br", "deflate", "compress", "zstd", "gzip, br",
                          "gzip, identity", "gzip;q=1", "gzipx"}) {
      CAPTURE(v);
      CHECK(classify_content_encoding(v) == BodyCoding::Unsupported);
    }
  }

  TEST_CASE("D18 a gzip body inflates to the bytes that were compressed") {
    const std::string json = R"({"sessionId":"s","availability":"Away"})";
    auto r = inflate_gzip(gzip(json), 1024);
    CHECK(r.outcome == Outcome::Ok);
    CHECK(r.body == json);
  }

  TEST_CASE(
      "D18 a body of exactly the limit is accepted; one byte more is too "
      "large") {
    const std::string text(5000, 'a');
    auto exact = inflate_gzip(gzip(text), 5000);
    CHECK(exact.outcome == Outcome::Ok);
    CHECK(exact.body == text);
    auto over = inflate_gzip(gzip(text), 4999);
    CHECK(over.outcome == Outcome::TooLarge);
    CHECK(over.body.empty());
  }

  TEST_CASE("D18 a zip bomb stops at the limit, not at its inflated size") {
    // 64 MiB of zeros compress to ~64 KiB; with a 1 MiB limit the decoder
    // must stop after about 1 MiB of output.
    const std::string bomb = gzip(std::string(64u << 20, '\0'));
    CHECK(bomb.size() < (1u << 20));
    auto r = inflate_gzip(bomb, 1u << 20);
    CHECK(r.outcome == Outcome::TooLarge);
    CHECK(r.body.empty());
  }

  TEST_CASE("D18 several gzip members in a row are one body") {
    auto r = inflate_gzip(gzip("{\"a\":") + gzip("1}"), 100);
    CHECK(r.outcome == Outcome::Ok);
    CHECK(r.body == "{\"a\":1}");
  }

  TEST_CASE("D18 a truncated, damaged or non-gzip stream is corrupt") {
    const std::string good = gzip(std::string(2000, 'x') + "end");
    CHECK(inflate_gzip(good.substr(0, good.size() - 4), 1u << 20).outcome ==
          Outcome::Corrupt);  // trailer cut short
    CHECK(inflate_gzip(good.substr(0, good.size() / 2), 1u << 20).outcome ==
          Outcome::Corrupt);  // cut in the middle
    std::string flipped = good;
    flipped[flipped.size() - 6] ^= 0x55;  // CRC-32 no longer matches
    CHECK(inflate_gzip(flipped, 1u << 20).outcome == Outcome::Corrupt);
    CHECK(inflate_gzip(R"({"plain":"json"})", 1u << 20).outcome ==
          Outcome::Corrupt);
    CHECK(inflate_gzip(good + "garbage", 1u << 20).outcome == Outcome::Corrupt);
    CHECK(inflate_gzip(good.substr(0, 10), 1u << 20).outcome ==
          Outcome::Corrupt);  // header only
  }

  TEST_CASE("D18 an empty input is an empty body") {
    auto r = inflate_gzip("", 10);
    CHECK(r.outcome == Outcome::Ok);
    CHECK(r.body.empty());
  }
}
