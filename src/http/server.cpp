#include "http/server.h"

#include <httplib.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "graph/graph_error.h"
#include "http/body_admission.h"
#include "net/connection.h"
#include "net/engine.h"
#include "net/stream.h"

namespace gpm::http {
namespace {

// The request line and headers of one request may take kMaxHeadBytes
// (httplib 0.11.4 bounds each line, not their number).
constexpr size_t kMaxHeadBytes = 64 * 1024;
// One wait for input or for room to write, per call (httplib's default).
constexpr int kIoTimeoutMs = 5000;
// Exchanges per keep-alive connection: high, since httplib's default of 5
// makes clients reconnect (measured on 0.11.4). httplib also writes it into
// each answer's Keep-Alive header.
constexpr size_t kMaxExchanges = 1000000;

// httplib's hooks are given the request and nothing else, so the request
// carries a link to the connection it arrived on: Request::response_handler
// is a client-side field the server never reads, and std::function::target
// gives the link back typed (nullptr for anything else). Set by the setup
// step of HttplibAdapter::serve before any hook runs; absent only for a
// request whose head did not parse.
struct ConnectionLink {
  net::Connection* connection;
  bool operator()(const httplib::Response&) const { return true; }
};

net::Connection* connection_of(const httplib::Request& req) {
  const auto* link = req.response_handler.target<ConnectionLink>();
  return link != nullptr ? link->connection : nullptr;
}

// httplib's view of a net::Stream for one exchange. While the head is read
// it counts its bytes: past kMaxHeadBytes reads fail and so do httplib's
// own writes, and the adapter answers 414 (still in the request line) or
// 431 (in the headers) itself.
class HttplibStream final : public httplib::Stream {
 public:
  explicit HttplibStream(net::Stream& s) : s_(s) {}

  bool is_readable() const override {
    return s_.has_buffered() || s_.wait_readable();
  }
  bool is_writable() const override { return s_.wait_writable(); }
  ssize_t read(char* ptr, size_t size) override {
    if (!in_head_) return s_.read(ptr, size);
    if (head_left_ == 0) {
      head_overflow_ = true;
      return -1;
    }
    ssize_t n = s_.read(ptr, std::min(size, head_left_));
    if (n > 0) head_left_ -= static_cast<size_t>(n);
    return n;
  }
  ssize_t write(const char* ptr, size_t size) override {
    if (head_overflow_) {
      // httplib answers (400) only once the request line has been read.
      past_request_line_ = true;
      return -1;
    }
    if (head_method_) return write_head_answer(ptr, size);
    return s_.write(ptr, size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    s_.peer_address(ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    s_.local_address(ip, port);
  }
  socket_t socket() const override { return s_.fd(); }

  // The head is parsed: stop counting; note a HEAD request.
  void end_head(const std::string& method) {
    in_head_ = false;
    head_method_ = method == "HEAD";
  }
  bool head_overflow() const { return head_overflow_; }
  int head_overflow_status() const { return past_request_line_ ? 431 : 414; }

 private:
  // httplib 0.11.4 adds "Accept-Ranges: bytes" to HEAD answers (only)
  // after the mock's hooks ran; the mock serves no ranges (and Graph sends
  // no such header), so that line is cut from the head, which arrives in
  // one write.
  ssize_t write_head_answer(const char* ptr, size_t size) {
    std::string_view chunk(ptr, size);
    if (chunk.rfind("HTTP/1.", 0) == 0) {
      constexpr std::string_view kLine = "\r\nAccept-Ranges: bytes\r\n";
      size_t at = chunk.find(kLine);
      if (at != std::string_view::npos && at < chunk.find("\r\n\r\n")) {
        std::string head(chunk.substr(0, at + 2));
        head.append(chunk.substr(at + kLine.size()));
        if (s_.write(head.data(), head.size()) < 0) return -1;
        return static_cast<ssize_t>(size);
      }
    }
    return s_.write(ptr, size);
  }

  net::Stream& s_;
  bool in_head_ = true;
  bool head_method_ = false;
  size_t head_left_ = kMaxHeadBytes;
  bool past_request_line_ = false;
  bool head_overflow_ = false;
};

HttpRequest to_request(const httplib::Request& req) {
  HttpRequest r;
  r.method = req.method;
  r.target = req.target;
  for (const auto& [k, v] : req.headers) {
    // httplib adds these pseudo headers itself.
    if (k == "REMOTE_ADDR" || k == "REMOTE_PORT" || k == "LOCAL_ADDR" ||
        k == "LOCAL_PORT") {
      continue;
    }
    r.headers.emplace(k, v);
  }
  return r;
}

// Writes `out` into httplib's response, and what it asks of the
// connection into `conn` (nullptr: a request whose head did not parse).
void answer_into(const HttpResponse& out, httplib::Response& res,
                 net::Connection* conn) {
  res.status = out.status;
  std::string content_type;
  for (const auto& [k, v] : out.headers) {
    if (iequals(k, "Content-Type")) {
      content_type = v;
    } else {
      res.set_header(k.c_str(), v);
    }
  }
  switch (out.connection_fault) {
    case ConnectionFault::None:
      break;
    case ConnectionFault::Close:
    case ConnectionFault::Reset:
      if (conn != nullptr) {
        conn->abort(out.connection_fault == ConnectionFault::Reset);
      }
      return;
    case ConnectionFault::Truncate: {
      // Announce the whole body, send half of it, then fail: the client
      // sees a short body and a closed connection.
      auto body = std::make_shared<std::string>(out.body);
      res.set_content_provider(
          body->size(),
          content_type.empty() ? "text/plain" : content_type.c_str(),
          [body](size_t offset, size_t, httplib::DataSink& sink) {
            size_t half = body->size() / 2;
            if (offset < half) sink.write(body->data() + offset, half - offset);
            return false;
          });
      if (conn != nullptr) conn->close_after();
      return;
    }
  }
  if (!out.body.empty()) res.set_content(out.body, content_type.c_str());
  // A server that is stopping ends each connection after its answer.
  if (out.close_connection || (conn != nullptr && conn->engine_stopping())) {
    if (conn != nullptr) conn->close_after();
    res.set_header("Connection", "close");
  }
}

}  // namespace

// httplib::Server for its request parser, routing hooks and response
// writer; the connections around it are the net::ConnectionEngine's, which
// hands each exchange to serve().
class HttplibAdapter final : public httplib::Server,
                             public net::ExchangeHandler {
 public:
  HttplibAdapter(Service& service, const Router& router);

  bool serve(net::Connection& conn, bool last) override {
    HttplibStream stream(conn.stream());
    // httplib has already parsed a Range header before our handlers run;
    // Graph ignores Range on these JSON resources, so drop it.
    const std::function<void(httplib::Request&)> setup =
        [&stream, &conn](httplib::Request& req) {
          stream.end_head(req.method);
          req.ranges.clear();
          req.response_handler = ConnectionLink{&conn};
        };
    bool connection_closed = false;
    bool ok = process_request(stream, last, connection_closed, setup);
    if (stream.head_overflow()) {
      // httplib gave up without an answer (or one we dropped).
      std::string text = raw_refusal(stream.head_overflow_status());
      conn.stream().write(text.data(), text.size());
      conn.close_after();
      return false;
    }
    return ok && !connection_closed;
  }

 private:
  // The one path from a transport refusal of a request whose head was
  // read to its answer: a Graph error answered, and journaled, as that
  // request (tenant, headers, journal, access log). The caller decides
  // whether the connection survives.
  HttpResponse refuse(const HttpRequest& r, const graph::GraphError& e) const {
    return router_.handle(r, &e);
  }
  HttpResponse refuse(const HttpRequest& r, TransportRefusal why) const {
    return refuse(r, refusal_error(why, service_.config.max_body_bytes));
  }
  // A whole HTTP/1.1 answer (status line, headers, Graph error body and
  // Connection: close) for a head httplib could not read: no request to
  // journal, so none is.
  std::string raw_refusal(int status) const;
  // A request without a body in this API: answered before httplib would
  // look for one.
  void answer_bodiless(const httplib::Request& req, httplib::Response& res);
  void answer_with_body(const httplib::Request& req, httplib::Response& res,
                        const httplib::ContentReader& reader);
  core::TimePoint default_tenant_now() const {
    return service_.tenants->find_or_create(store::TenantRegistry::kDefault)
        ->clock()
        .now();
  }

  Service& service_;
  const Router& router_;
};

HttplibAdapter::HttplibAdapter(Service& service, const Router& router)
    : service_(service), router_(router) {
  // The engine applies these; httplib's copies only show in the Keep-Alive
  // header it writes.
  set_keep_alive_max_count(kMaxExchanges);
  set_read_timeout(kIoTimeoutMs / 1000, 0);
  set_write_timeout(kIoTimeoutMs / 1000, 0);
  set_payload_max_length(service.config.max_body_bytes);

  set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) {
        const std::string& m = req.method;
        if (m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE") {
          return HandlerResponse::Unhandled;
        }
        answer_bodiless(req, res);
        return HandlerResponse::Handled;
      });
  auto with_body = [this](const httplib::Request& req, httplib::Response& res,
                          const httplib::ContentReader& reader) {
    answer_with_body(req, res, reader);
  };
  Post(".*", with_body);
  Put(".*", with_body);
  Patch(".*", with_body);
  Delete(".*", with_body);

  // httplib 0.11.4 gives every empty response "Content-Length: 0" before
  // this hook runs; RFC 9110 8.6 forbids it on a 204 (the location actions,
  // R3.8.3). Cannot throw.
  set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 204) res.headers.erase("Content-Length");
  });

  // Statuses httplib sets itself (bad request line, URI too long, ...) get
  // the Graph envelope. Nothing here may throw: 0.11 does not catch it.
  set_error_handler(HandlerWithResponse([this](const httplib::Request& req,
                                               httplib::Response& res) {
    try {
      if (!res.body.empty() || res.has_header("request-id")) {
        return HandlerResponse::Unhandled;
      }
      HttpResponse out =
          transport_error_response(res.status, default_tenant_now(),
                                   req.get_header_value("client-request-id"));
      answer_into(out, res, connection_of(req));
      return HandlerResponse::Handled;
    } catch (...) {
      return HandlerResponse::Unhandled;
    }
  }));
  set_exception_handler([this](const httplib::Request& req,
                               httplib::Response& res, std::exception_ptr) {
    try {
      answer_into(router_.reject(to_request(req), graph::errors::internal()),
                  res, connection_of(req));
    } catch (...) {
      res.status = 500;
    }
  });
}

std::string HttplibAdapter::raw_refusal(int status) const {
  std::string text;
  try {
    HttpResponse out =
        transport_error_response(status, default_tenant_now(), "");
    const char* reason = out.status == 414   ? "URI Too Long"
                         : out.status == 431 ? "Request Header Fields Too Large"
                                             : "Bad Request";
    text = "HTTP/1.1 " + std::to_string(out.status) + " " + reason + "\r\n";
    for (const auto& [k, v] : out.headers) text += k + ": " + v + "\r\n";
    text += "Content-Length: " + std::to_string(out.body.size()) +
            "\r\nConnection: close\r\n\r\n" + out.body;
  } catch (...) {
    text.clear();
  }
  return text;
}

void HttplibAdapter::answer_bodiless(const httplib::Request& req,
                                     httplib::Response& res) {
  HttpRequest r = to_request(req);
  HttpResponse out = router_.handle(r);
  // A body announced on such a request is never read: close after.
  if (plan_body(r.method, announced_body(r), service_.config.max_body_bytes) ==
      BodyPlan::IgnoreAndClose) {
    out.close_connection = true;
  }
  answer_into(out, res, connection_of(req));
}

void HttplibAdapter::answer_with_body(const httplib::Request& req,
                                      httplib::Response& res,
                                      const httplib::ContentReader& reader) {
  HttpRequest r = to_request(req);
  const size_t limit = service_.config.max_body_bytes;
  const BodyAnnouncement body = announced_body(r);
  HttpResponse out;
  switch (plan_body(r.method, body, limit)) {
    case BodyPlan::None:
      // No body: a gzip coding of nothing is nothing (the header goes).
      if (body.coding == BodyCoding::Gzip) decode_gzip_body(r, limit);
      out = router_.handle(r);
      break;
    case BodyPlan::IgnoreAndClose:
      out = router_.handle(r);
      out.close_connection = true;
      break;
    case BodyPlan::RefuseBadLength:
      out = refuse(r, TransportRefusal::BadContentLength);
      out.close_connection = true;
      break;
    case BodyPlan::RefuseTooLarge: {
      out = refuse(r, TransportRefusal::BodyTooLarge);
      // httplib reads and drops a body over payload_max_length, then
      // reports failure: the connection then stays usable (D19).
      bool drained = body.content_length.value_or(0) <= kDrainBytes &&
                     !reader([](const char*, size_t) { return true; });
      if (!drained) out.close_connection = true;
      break;
    }
    case BodyPlan::LeaveUnread:
      r.body_unread = true;
      out = router_.handle(r);
      out.close_connection = true;
      break;
    case BodyPlan::Read: {
      // httplib would inflate gzip itself without noticing a truncated
      // stream: it reads the raw bytes once the header is gone.
      if (body.coding == BodyCoding::Gzip) {
        const_cast<httplib::Request&>(req).headers.erase("Content-Encoding");
      }
      bool too_large = false;
      bool ok = reader([&](const char* data, size_t n) {
        if (r.body.size() + n > limit) {
          too_large = true;
          return false;
        }
        r.body.append(data, n);
        return true;
      });
      if (too_large || !ok) {
        out = refuse(r, too_large ? TransportRefusal::BodyTooLarge
                                  : TransportRefusal::BodyMalformed);
        out.close_connection = true;
      } else if (auto refusal = body.coding == BodyCoding::Gzip
                                    ? decode_gzip_body(r, limit)
                                    : std::nullopt) {
        // Read whole, so the connection stays usable.
        out = refuse(r, *refusal);
      } else {
        out = router_.handle(r);
      }
      break;
    }
  }
  answer_into(out, res, connection_of(req));
}

Server::Server(Service& service)
    : service_(service),
      router_(service),
      adapter_(std::make_unique<HttplibAdapter>(service, router_)) {
  net::EngineOptions options;
  options.threads = service.config.threads;
  options.keep_alive_timeout_ms = service.config.keep_alive_timeout_sec * 1000;
  options.max_connections = service.config.max_connections;
  options.read_timeout_ms = kIoTimeoutMs;
  options.write_timeout_ms = kIoTimeoutMs;
  options.max_exchanges = kMaxExchanges;
  engine_ = std::make_unique<net::ConnectionEngine>(*adapter_, options);
}

Server::~Server() = default;

int Server::bind(const std::string& host, int port, std::string& error,
                 const net::TlsContext* tls) {
  return engine_->add_listener(host, port, tls, error);
}

bool Server::run() { return engine_->run(); }
void Server::stop() { engine_->stop(); }
bool Server::is_running() const { return engine_->is_running(); }
bool Server::left_requests_running() const {
  return engine_->left_requests_running();
}

}  // namespace gpm::http
