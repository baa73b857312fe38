// Unit tests for src/http/body_admission: the transport's body policy
// (D18: only an announced JSON or form body is read, a body that would be
// refused is left unread; D19: a body over the limit is refused, drained up
// to 16 MiB) and the Graph error each transport refusal becomes.
#include "http/body_admission.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

namespace {

using gpm::http::announced_body;
using gpm::http::BodyAnnouncement;
using gpm::http::BodyCoding;
using gpm::http::BodyPlan;
using gpm::http::HttpRequest;
using gpm::http::plan_body;
using gpm::http::refusal_error;
using gpm::http::TransportRefusal;

constexpr size_t kLimit = 1024 * 1024;

HttpRequest with_headers(
    std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/v1.0/me/presence/setPresence";
  for (auto& [k, v] : headers) r.headers.emplace(k, v);
  return r;
}

BodyAnnouncement json_of_length(long long n) {
  BodyAnnouncement b;
  b.content_length = n;
  b.content_type = "application/json";
  return b;
}

}  // namespace

TEST_SUITE("body admission") {
  TEST_CASE("D18 the announcement is read from the headers, in any case") {
    BodyAnnouncement b = announced_body(
        with_headers({{"content-length", "42"},
                      {"TRANSFER-ENCODING", "gzip, Chunked"},
                      {"Content-Encoding", "gzip"},
                      {"content-type", "application/json; charset=utf-8"}}));
    CHECK(b.content_length == 42);
    CHECK(b.chunked);
    CHECK(b.coding == BodyCoding::Gzip);
    CHECK(b.content_type == "application/json; charset=utf-8");

    BodyAnnouncement none = announced_body(with_headers({}));
    CHECK_FALSE(none.content_length.has_value());
    CHECK_FALSE(none.chunked);
    CHECK(none.coding == BodyCoding::Identity);
    CHECK(announced_body(with_headers({{"Content-Encoding", "br"}})).coding ==
          BodyCoding::Unsupported);
    CHECK_FALSE(none.announced());
  }

  TEST_CASE("D18 a malformed Content-Length reads as -1") {
    for (const char* v : {"", "-1", "12a", " 12", "1234567890123456789"}) {
      INFO(v);
      CHECK(announced_body(with_headers({{"Content-Length", v}}))
                .content_length == -1);
    }
    CHECK(
        announced_body(with_headers({{"Content-Length", "123456789012345678"}}))
            .content_length == 123456789012345678LL);
  }

  TEST_CASE("D18 a POST without Content-Length or chunking has no body") {
    BodyAnnouncement b;
    CHECK(plan_body("POST", b, kLimit) == BodyPlan::None);
    b.content_length = 0;
    b.content_type = "text/plain";  // an empty body of any type is fine
    CHECK(plan_body("POST", b, kLimit) == BodyPlan::None);
  }

  TEST_CASE("D18 an announced JSON or form body is read, sized or chunked") {
    CHECK(plan_body("POST", json_of_length(10), kLimit) == BodyPlan::Read);
    BodyAnnouncement chunked;
    chunked.chunked = true;
    chunked.content_type = "Application/JSON; charset=utf-8";
    CHECK(plan_body("PATCH", chunked, kLimit) == BodyPlan::Read);
    BodyAnnouncement form = json_of_length(5);
    form.content_type = "application/x-www-form-urlencoded";
    CHECK(plan_body("POST", form, kLimit) == BodyPlan::Read);
    BodyAnnouncement identity = json_of_length(5);
    identity.coding = BodyCoding::Identity;
    CHECK(plan_body("PUT", identity, kLimit) == BodyPlan::Read);
  }

  TEST_CASE("D18 a gzip JSON body is read (to be inflated after)") {
    BodyAnnouncement gzip = json_of_length(5);
    gzip.coding = BodyCoding::Gzip;
    CHECK(plan_body("POST", gzip, kLimit) == BodyPlan::Read);
    gzip.content_length.reset();
    gzip.chunked = true;
    CHECK(plan_body("POST", gzip, kLimit) == BodyPlan::Read);
    BodyAnnouncement empty;
    empty.coding = BodyCoding::Gzip;
    CHECK(plan_body("POST", empty, kLimit) == BodyPlan::None);
  }

  TEST_CASE(
      "D18 a body of another type, or in another coding, is left "
      "unread") {
    BodyAnnouncement text = json_of_length(5);
    text.content_type = "text/plain";
    CHECK(plan_body("POST", text, kLimit) == BodyPlan::LeaveUnread);
    BodyAnnouncement untyped = json_of_length(5);
    untyped.content_type.clear();
    CHECK(plan_body("POST", untyped, kLimit) == BodyPlan::LeaveUnread);
    BodyAnnouncement multipart;
    multipart.chunked = true;
    multipart.content_type = "multipart/form-data; boundary=x";
    CHECK(plan_body("DELETE", multipart, kLimit) == BodyPlan::LeaveUnread);
    BodyAnnouncement brotli = json_of_length(5);
    brotli.coding = BodyCoding::Unsupported;
    CHECK(plan_body("POST", brotli, kLimit) == BodyPlan::LeaveUnread);
    BodyAnnouncement gzip_text = json_of_length(5);
    gzip_text.coding = BodyCoding::Gzip;
    gzip_text.content_type = "text/plain";
    CHECK(plan_body("POST", gzip_text, kLimit) == BodyPlan::LeaveUnread);
  }

  TEST_CASE("D18 a malformed Content-Length is refused before anything else") {
    BodyAnnouncement b = json_of_length(-1);
    b.coding = BodyCoding::Unsupported;
    CHECK(plan_body("POST", b, kLimit) == BodyPlan::RefuseBadLength);
  }

  TEST_CASE(
      "D19 a Content-Length over the limit is refused, whatever the type") {
    CHECK(plan_body("POST", json_of_length(kLimit), kLimit) == BodyPlan::Read);
    CHECK(plan_body("POST", json_of_length(kLimit + 1), kLimit) ==
          BodyPlan::RefuseTooLarge);
    BodyAnnouncement text = json_of_length(kLimit + 1);
    text.content_type = "text/plain";
    CHECK(plan_body("POST", text, kLimit) == BodyPlan::RefuseTooLarge);
    CHECK(gpm::http::kDrainBytes == 16 * 1024 * 1024);
  }

  TEST_CASE(
      "a body announced on a method without one is ignored and the "
      "connection closed") {
    for (const char* m : {"GET", "HEAD", "OPTIONS"}) {
      INFO(m);
      CHECK(plan_body(m, BodyAnnouncement{}, kLimit) == BodyPlan::None);
      CHECK(plan_body(m, json_of_length(3), kLimit) ==
            BodyPlan::IgnoreAndClose);
      CHECK(plan_body(m, json_of_length(-1), kLimit) ==
            BodyPlan::IgnoreAndClose);
      BodyAnnouncement chunked;
      chunked.chunked = true;
      CHECK(plan_body(m, chunked, kLimit) == BodyPlan::IgnoreAndClose);
    }
  }

  TEST_CASE("each transport refusal is one Graph error") {
    auto bad_length = refusal_error(TransportRefusal::BadContentLength, kLimit);
    CHECK(bad_length.status() == 400);
    CHECK(bad_length.code() == "BadRequest");
    CHECK(bad_length.message().find("Content-Length") != std::string::npos);
    auto too_large = refusal_error(TransportRefusal::BodyTooLarge, kLimit);
    CHECK(too_large.status() == 413);
    CHECK(too_large.code() == "RequestEntityTooLarge");
    auto malformed = refusal_error(TransportRefusal::BodyMalformed, kLimit);
    CHECK(malformed.status() == 400);
    CHECK(malformed.code() == "BadRequest");
    CHECK(malformed.message() != bad_length.message());
  }
}
