#include "http/server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <memory>
#include <httplib.h>

#include "graph/graph_error.h"

namespace gpm::http {
namespace {

// The connection the current worker thread serves, so a handler can ask for
// it to be closed after its response (a request body left unread).
struct ConnectionState {
  bool close_after = false;
  // Issue 5 connection faults: write nothing more on this connection, and
  // end it with a reset (SO_LINGER 0) rather than a close.
  bool suppress_writes = false;
  bool reset = false;
};
thread_local ConnectionState* tl_connection = nullptr;

// poll() for `events` on `fd` for up to `timeout_ms`; >0 ready, 0 timeout.
int wait_fd(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  int r;
  do {
    r = ::poll(&p, 1, timeout_ms);
  } while (r < 0 && errno == EINTR);
  return r;
}

// A buffered socket stream for httplib's request parser, which reads one
// byte at a time while it parses the request line and headers.
class SocketStream final : public httplib::Stream {
 public:
  SocketStream(int fd, int read_timeout_ms, int write_timeout_ms)
      : fd_(fd),
        read_timeout_ms_(read_timeout_ms),
        write_timeout_ms_(write_timeout_ms) {}

  bool has_buffered() const { return pos_ < len_; }

  bool is_readable() const override {
    return has_buffered() || wait_fd(fd_, POLLIN, read_timeout_ms_) > 0;
  }
  bool is_writable() const override {
    return wait_fd(fd_, POLLOUT, write_timeout_ms_) > 0;
  }
  ssize_t read(char* ptr, size_t size) override {
    if (!has_buffered()) {
      if (!is_readable()) return -1;
      if (size >= sizeof buf_) return recv_some(ptr, size);
      ssize_t n = recv_some(buf_, sizeof buf_);
      if (n <= 0) return n;
      pos_ = 0;
      len_ = static_cast<size_t>(n);
    }
    size_t n = std::min(size, len_ - pos_);
    std::memcpy(ptr, buf_ + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    // An injected close or reset: the answer is never sent.
    if (tl_connection != nullptr && tl_connection->suppress_writes) return -1;
    if (!is_writable()) return -1;
    ssize_t n;
    do {
      n = ::send(fd_, ptr, size, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    address_of(::getpeername, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    address_of(::getsockname, ip, port);
  }
  socket_t socket() const override { return fd_; }

 private:
  ssize_t recv_some(char* ptr, size_t size) {
    ssize_t n;
    do {
      n = ::recv(fd_, ptr, size, 0);
    } while (n < 0 && errno == EINTR);
    return n;
  }
  template <typename Fn>
  void address_of(Fn fn, std::string& ip, int& port) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    ip.clear();
    port = -1;
    if (fn(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return;
    char buf[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET) {
      auto* a = reinterpret_cast<sockaddr_in*>(&addr);
      ::inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
      port = ntohs(a->sin_port);
    } else if (addr.ss_family == AF_INET6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
      ::inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
      port = ntohs(a->sin6_port);
    }
    ip = buf;
  }

  int fd_;
  int read_timeout_ms_;
  int write_timeout_ms_;
  char buf_[4096];
  size_t pos_ = 0, len_ = 0;
};

}  // namespace

// httplib::Server with its own per-connection loop: the library's loop is
// private in 0.11.4, and ours needs to close a connection on request and to
// stop waiting for idle clients promptly on stop().
class MockHttpServer final : public httplib::Server {
 public:
  explicit MockHttpServer(int keep_alive_timeout_sec)
      : keep_alive_timeout_ms_(keep_alive_timeout_sec * 1000) {}

  // httplib listens with a backlog of 5; bursts of connects then wait for
  // SYN retransmits. Linux lets listen() be called again to raise it.
  void raise_backlog(int backlog) {
    socket_t s = svr_sock_;
    if (s != INVALID_SOCKET) ::listen(s, backlog);
  }

 private:
  // Waits for the next request on an idle keep-alive connection, in slices
  // so that stop() is noticed within one slice.
  bool wait_for_request(int fd, const SocketStream& strm) const {
    if (strm.has_buffered()) return true;
    constexpr int kSliceMs = 100;
    for (int waited = 0; waited < keep_alive_timeout_ms_; waited += kSliceMs) {
      if (svr_sock_ == INVALID_SOCKET) return false;
      int r = wait_fd(fd, POLLIN, kSliceMs);
      if (r != 0) return r > 0;
    }
    return false;
  }

  bool process_and_close_socket(socket_t sock) override {
    ConnectionState state;
    tl_connection = &state;
    SocketStream strm(sock, static_cast<int>(read_timeout_sec_ * 1000),
                      static_cast<int>(write_timeout_sec_ * 1000));
    size_t count = keep_alive_max_count_;
    bool ret = false;
    // httplib has already parsed a Range header before our handlers run;
    // Graph ignores Range on these JSON resources, so drop it.
    const std::function<void(httplib::Request&)> setup =
        [](httplib::Request& req) { req.ranges.clear(); };
    while (svr_sock_ != INVALID_SOCKET && count > 0 &&
           wait_for_request(sock, strm)) {
      bool connection_closed = false;
      ret = process_request(strm, count == 1, connection_closed, setup);
      if (!ret || connection_closed || state.close_after ||
          state.suppress_writes) {
        break;
      }
      --count;
    }
    tl_connection = nullptr;
    if (state.reset) {
      // An injected reset: SO_LINGER 0 makes close() send RST.
      linger l{1, 0};
      ::setsockopt(sock, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      ::close(sock);
    } else if (state.suppress_writes) {
      ::shutdown(sock, SHUT_RDWR);
      ::close(sock);
    } else if (state.close_after) {
      linger_close(sock);
    } else {
      ::shutdown(sock, SHUT_RDWR);
      ::close(sock);
    }
    return ret;
  }

  // Closing a socket with unread input sends a reset, and a client still
  // sending its body then loses the answer already written. So: stop
  // writing, read and drop what still arrives (bounded in bytes and time),
  // then close.
  static void linger_close(int sock) {
    constexpr size_t kMaxBytes = 64 * 1024 * 1024;
    constexpr auto kMaxTime = std::chrono::seconds(2);
    ::shutdown(sock, SHUT_WR);
    auto until = std::chrono::steady_clock::now() + kMaxTime;
    char buf[16384];
    size_t total = 0;
    while (total < kMaxBytes && std::chrono::steady_clock::now() < until) {
      if (wait_fd(sock, POLLIN, 100) <= 0) continue;
      ssize_t n = ::recv(sock, buf, sizeof buf, 0);
      if (n <= 0) break;
      total += static_cast<size_t>(n);
    }
    ::close(sock);
  }

  int keep_alive_timeout_ms_;
};

namespace {

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

void write_response(const HttpResponse& out, httplib::Response& res) {
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
      if (tl_connection != nullptr) {
        tl_connection->suppress_writes = true;
        tl_connection->reset = out.connection_fault == ConnectionFault::Reset;
      }
      return;
    case ConnectionFault::Truncate: {
      // Announce the whole body, send half of it, then fail: the client
      // sees a short body and a closed connection.
      auto body = std::make_shared<std::string>(out.body);
      res.set_content_provider(
          body->size(), content_type.empty() ? "text/plain" : content_type.c_str(),
          [body](size_t offset, size_t, httplib::DataSink& sink) {
            size_t half = body->size() / 2;
            if (offset < half) sink.write(body->data() + offset, half - offset);
            return false;
          });
      if (tl_connection != nullptr) tl_connection->close_after = true;
      return;
    }
  }
  if (!out.body.empty()) res.set_content(out.body, content_type.c_str());
  if (out.close_connection) {
    if (tl_connection != nullptr) tl_connection->close_after = true;
    res.set_header("Connection", "close");
  }
}

bool is_chunked(const httplib::Request& req) {
  return core::to_lower_ascii(req.get_header_value("Transfer-Encoding"))
             .find("chunked") != std::string::npos;
}

// Content-Length as a number; nullopt if absent; -1 if malformed.
std::optional<long long> content_length(const httplib::Request& req) {
  if (!req.has_header("Content-Length")) return std::nullopt;
  std::string v = req.get_header_value("Content-Length");
  if (v.empty() || v.size() > 18) return -1;
  long long n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

Server::Server(Service& service)
    : service_(service),
      router_(service),
      impl_(std::make_unique<MockHttpServer>(
          service.config.keep_alive_timeout_sec)) {
  auto& svr = *impl_;
  const size_t threads = static_cast<size_t>(service.config.threads);
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  svr.set_tcp_nodelay(true);
  svr.set_keep_alive_max_count(1000000);
  svr.set_read_timeout(5, 0);
  svr.set_write_timeout(5, 0);
  svr.set_payload_max_length(service.config.max_body_bytes);
  // Only SO_REUSEADDR: the library's default SO_REUSEPORT lets a second mock
  // bind the same port and take half of its traffic.
  svr.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });

  // Requests without a body in this API: answered before httplib would look
  // for one.
  svr.set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) {
        const std::string& m = req.method;
        if (m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE") {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        HttpResponse out = router_.handle(to_request(req));
        // A body announced on such a request is never read: close after.
        if (is_chunked(req) || content_length(req).value_or(0) != 0) {
          out.close_connection = true;
        }
        write_response(out, res);
        return httplib::Server::HandlerResponse::Handled;
      });

  auto with_body = [this](const httplib::Request& req, httplib::Response& res,
                          const httplib::ContentReader& reader) {
    HttpRequest r = to_request(req);
    const size_t limit = service_.config.max_body_bytes;
    auto length = content_length(req);
    bool chunked = is_chunked(req);
    std::string encoding = req.get_header_value("Content-Encoding");
    bool encoded = !encoding.empty() && !iequals(encoding, "identity");
    HttpResponse out;
    if (length && *length < 0) {
      auto e = graph::errors::bad_request("The Content-Length header is invalid.");
      out = router_.handle(r, &e);
      out.close_connection = true;
    } else if (length && static_cast<unsigned long long>(*length) > limit) {
      auto e = graph::errors::payload_too_large(limit);
      out = router_.handle(r, &e);
      // D19: a body of up to kDrainBytes is read and dropped (httplib skips
      // what passes payload_max_length), so the connection stays usable;
      // a larger one is refused unread and the connection closed.
      constexpr long long kDrainBytes = 16 * 1024 * 1024;
      if (*length > kDrainBytes ||
          reader([](const char*, size_t) { return true; })) {
        out.close_connection = true;
      }
    } else if ((chunked || length.value_or(0) > 0) &&
               (encoded || !is_json_media_type(r.header("Content-Type")))) {
      // D18: a body that will be refused is not read (httplib would inflate
      // a compressed one, or parse a multipart one, first).
      r.body_unread = true;
      out = router_.handle(r);
      out.close_connection = true;
    } else if (chunked || length.value_or(0) > 0) {
      // D18: without Content-Length or chunking the body is empty, so
      // only an announced body is read; D19: bounded while it arrives.
      bool too_large = false;
      bool ok = reader([&](const char* data, size_t n) {
        if (r.body.size() + n > limit) {
          too_large = true;
          return false;
        }
        r.body.append(data, n);
        return true;
      });
      if (too_large) {
        auto e = graph::errors::payload_too_large(limit);
        out = router_.handle(r, &e);
        out.close_connection = true;
      } else if (!ok) {
        auto e = graph::errors::bad_request("The request body is malformed.");
        out = router_.handle(r, &e);
        out.close_connection = true;
      } else {
        out = router_.handle(r);
      }
    } else {
      out = router_.handle(r);
    }
    write_response(out, res);
  };
  svr.Post(".*", with_body);
  svr.Put(".*", with_body);
  svr.Patch(".*", with_body);
  svr.Delete(".*", with_body);

  // httplib 0.11.4 gives every empty response "Content-Length: 0" before
  // this hook runs; RFC 9110 8.6 forbids it on a 204 (the location actions,
  // R3.8.3). Cannot throw.
  svr.set_post_routing_handler(
      [](const httplib::Request&, httplib::Response& res) {
        if (res.status == 204) res.headers.erase("Content-Length");
      });

  // Statuses httplib sets itself (bad request line, URI too long, ...) get
  // the Graph envelope. Nothing here may throw: 0.11 does not catch it.
  svr.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
    try {
      if (!res.body.empty() || res.has_header("request-id")) {
        return httplib::Server::HandlerResponse::Unhandled;
      }
      HttpResponse out = transport_error_response(
          res.status,
          service_.tenants->find_or_create(store::TenantRegistry::kDefault)
              ->clock()
              .now(),
          req.get_header_value("client-request-id"));
      write_response(out, res);
      return httplib::Server::HandlerResponse::Handled;
    } catch (...) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
  }));
  svr.set_exception_handler([this](const httplib::Request& req,
                                   httplib::Response& res,
                                   std::exception_ptr) {
    try {
      write_response(router_.reject(to_request(req), graph::errors::internal()),
                     res);
    } catch (...) {
      res.status = 500;
    }
  });
}

Server::~Server() = default;

int Server::bind(const std::string& host, int port, std::string& error) {
  int bound = -1;
  if (port == 0) {
    bound = impl_->bind_to_any_port(host);
  } else if (impl_->bind_to_port(host, port)) {
    bound = port;
  }
  if (bound <= 0) {
    error = "cannot listen on " + host + ":" + std::to_string(port) +
            " (address in use, not local, or not permitted)";
    return -1;
  }
  impl_->raise_backlog(1024);
  return bound;
}

bool Server::run() { return impl_->listen_after_bind(); }
void Server::stop() { impl_->stop(); }
bool Server::is_running() const { return impl_->is_running(); }

}  // namespace gpm::http
