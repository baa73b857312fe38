#include "http/server.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <thread>
#include <string_view>
#include <unordered_set>
#include <vector>
#include <httplib.h>

#include "graph/graph_error.h"
#include "http/content_encoding.h"
#include "http/tls.h"

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
  // Set while the server stops: responses then say Connection: close.
  const std::atomic<bool>* stopping = nullptr;
  // The request line and headers of one request may take kMaxHeadBytes
  // (httplib 0.11.4 bounds each line, not their number): counted by the
  // stream while `in_head`, which the first routing hook clears.
  bool in_head = false;
  size_t head_left = 0;
  bool head_too_large = false;
};
constexpr size_t kMaxHeadBytes = 64 * 1024;
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

std::string address_text(const sockaddr_storage& addr, int& port) {
  char buf[INET6_ADDRSTRLEN] = {};
  port = -1;
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
    port = ntohs(a->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
    port = ntohs(a->sin6_port);
  }
  return buf;
}

// A buffered stream over one accepted socket, plain or TLS, for httplib's
// request parser (which reads one byte at a time while it parses the
// request line and headers). Plain sockets are blocking and are tried
// first without waiting (MSG_DONTWAIT), so a ready socket costs one system
// call; TLS sockets are non-blocking and wait on WANT_READ/WANT_WRITE.
// Every wait is bounded by the read or write timeout.
class ConnStream final : public httplib::Stream {
 public:
  ConnStream(int fd, SSL* ssl, int read_timeout_ms, int write_timeout_ms)
      : fd_(fd),
        ssl_(ssl),
        read_timeout_ms_(read_timeout_ms),
        write_timeout_ms_(write_timeout_ms) {}

  // Bytes already read from the socket but not yet parsed (ours, or
  // OpenSSL's decrypted or partly read record).
  bool has_buffered() const {
    return pos_ < len_ || (ssl_ != nullptr && SSL_has_pending(ssl_) == 1);
  }

  bool is_readable() const override {
    return has_buffered() || wait_fd(fd_, POLLIN, read_timeout_ms_) > 0;
  }
  bool is_writable() const override {
    return wait_fd(fd_, POLLOUT, write_timeout_ms_) > 0;
  }
  ssize_t read(char* ptr, size_t size) override {
    ConnectionState* st = tl_connection;
    if (st != nullptr && st->in_head) {
      if (st->head_left == 0) {
        st->head_too_large = true;
        st->close_after = true;
        return -1;
      }
      size = std::min(size, st->head_left);
      ssize_t n = read_buffered(ptr, size);
      if (n > 0) st->head_left -= static_cast<size_t>(n);
      return n;
    }
    return read_buffered(ptr, size);
  }
  ssize_t read_buffered(char* ptr, size_t size) {
    if (pos_ == len_) {
      if (size >= sizeof buf_) return read_some(ptr, size);
      ssize_t n = read_some(buf_, sizeof buf_);
      if (n <= 0) return n;
      pos_ = 0;
      len_ = static_cast<size_t>(n);
    }
    size_t n = std::min(size, len_ - pos_);
    std::memcpy(ptr, buf_ + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  // Small writes are gathered and sent together by flush() (httplib
  // writes the head and the body of a response separately): one send and
  // one TCP segment (one TLS record) per answer instead of two.
  ssize_t write(const char* ptr, size_t size) override {
    // An injected close or reset: the answer is never sent.
    if (tl_connection != nullptr && tl_connection->suppress_writes) return -1;
    if (size == 0) return 0;
    // httplib 0.11.4 adds "Accept-Ranges: bytes" to HEAD answers after the
    // mock's hooks ran; the mock serves no ranges (and Graph sends no such
    // header), so that line is cut from the head, which arrives in one write.
    std::string_view chunk(ptr, size);
    if (chunk.rfind("HTTP/1.", 0) == 0) {
      constexpr std::string_view kLine = "\r\nAccept-Ranges: bytes\r\n";
      size_t at = chunk.find(kLine);
      if (at != std::string_view::npos && at < chunk.find("\r\n\r\n")) {
        std::string head(chunk.substr(0, at + 2));
        head.append(chunk.substr(at + kLine.size()));
        if (write(head.data(), head.size()) < 0) return -1;
        return static_cast<ssize_t>(size);
      }
    }
    if (out_.size() + size <= kGatherBytes) {
      out_.append(ptr, size);
      return static_cast<ssize_t>(size);
    }
    if (!flush()) return -1;
    return write_now(ptr, size);
  }

  // Sends what write() gathered. Called after each request, before any
  // read (a 100 Continue must reach the client before its body is read)
  // and before a close. False if the peer is gone.
  bool flush() {
    size_t done = 0;
    bool ok = true;
    while (done < out_.size()) {
      ssize_t n = write_now(out_.data() + done, out_.size() - done);
      if (n <= 0) {
        ok = false;
        break;
      }
      done += static_cast<size_t>(n);
    }
    out_.clear();
    return ok;
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    if (!peer_known_) {
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        peer_ip_ = address_text(addr, peer_port_);
      }
      peer_known_ = true;
    }
    ip = peer_ip_;
    port = peer_port_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    if (!local_known_) {
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        local_ip_ = address_text(addr, local_port_);
      }
      local_known_ = true;
    }
    ip = local_ip_;
    port = local_port_;
  }
  socket_t socket() const override { return fd_; }

  // One step of the TLS handshake: 1 done, 0 waiting for the client to
  // send more, -1 failed (a plain-HTTP client, a bad hello, a write
  // timeout).
  int handshake_step() {
    for (;;) {
      ERR_clear_error();
      int r = SSL_accept(ssl_);
      if (r == 1) return 1;
      int err = SSL_get_error(ssl_, r);
      if (err == SSL_ERROR_WANT_READ) return 0;
      if (err != SSL_ERROR_WANT_WRITE ||
          wait_fd(fd_, POLLOUT, write_timeout_ms_) <= 0) {
        return -1;
      }
    }
  }

 private:
  // Waits as OpenSSL asks; false on a timeout or a fatal error.
  bool wait_ssl(int err) const {
    if (err == SSL_ERROR_WANT_READ) {
      return wait_fd(fd_, POLLIN, read_timeout_ms_) > 0;
    }
    if (err == SSL_ERROR_WANT_WRITE) {
      return wait_fd(fd_, POLLOUT, write_timeout_ms_) > 0;
    }
    return false;
  }

  static constexpr size_t kGatherBytes = 16 * 1024;

  ssize_t write_now(const char* ptr, size_t size) {
    return ssl_ != nullptr ? ssl_write(ptr, size) : plain_write(ptr, size);
  }

  ssize_t read_some(char* ptr, size_t size) {
    if (!out_.empty() && !flush()) return -1;
    if (ssl_ != nullptr) {
      int want = static_cast<int>(std::min<size_t>(size, 1 << 30));
      for (;;) {
        ERR_clear_error();
        int n = SSL_read(ssl_, ptr, want);
        if (n > 0) return n;
        int err = SSL_get_error(ssl_, n);
        if (err == SSL_ERROR_ZERO_RETURN) return 0;
        if (!wait_ssl(err)) return -1;
      }
    }
    ssize_t n;
    do {
      n = ::recv(fd_, ptr, size, MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return n;
    if (wait_fd(fd_, POLLIN, read_timeout_ms_) <= 0) return -1;
    do {
      n = ::recv(fd_, ptr, size, 0);
    } while (n < 0 && errno == EINTR);
    return n;
  }

  ssize_t plain_write(const char* ptr, size_t size) {
    for (;;) {
      ssize_t n = ::send(fd_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      if (wait_fd(fd_, POLLOUT, write_timeout_ms_) <= 0) return -1;
    }
  }

  ssize_t ssl_write(const char* ptr, size_t size) {
    int want = static_cast<int>(std::min<size_t>(size, 1 << 30));
    for (;;) {
      ERR_clear_error();
      int n = SSL_write(ssl_, ptr, want);
      if (n > 0) return n;
      if (!wait_ssl(SSL_get_error(ssl_, n))) return -1;
    }
  }

  int fd_;
  SSL* ssl_;
  int read_timeout_ms_;
  int write_timeout_ms_;
  char buf_[4096];
  size_t pos_ = 0, len_ = 0;
  std::string out_;  // gathered by write(), sent by flush()
  // httplib asks for both addresses on every request: asked once.
  mutable bool peer_known_ = false, local_known_ = false;
  mutable std::string peer_ip_, local_ip_;
  mutable int peer_port_ = -1, local_port_ = -1;
};

// One accepted connection and everything that lives as long as it does.
struct Connection {
  Connection(int fd_in, SSL* ssl_in, int read_timeout_ms, int write_timeout_ms,
             size_t max_requests)
      : fd(fd_in),
        ssl(ssl_in),
        stream(fd_in, ssl_in, read_timeout_ms, write_timeout_ms),
        requests_left(max_requests) {}
  ~Connection() {
    if (ssl != nullptr) SSL_free(ssl);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int fd;
  SSL* ssl;  // nullptr on plain HTTP
  ConnStream stream;
  ConnectionState state;
  size_t requests_left;
  bool handshaken = false;
  // Set by the idle set when it hands the connection back readable.
  bool ready = false;
  // While parked (IdleSet): its place in park order and its deadline.
  bool parked = false;
  bool in_epoll = false;
  std::list<Connection*>::iterator idle_pos;
  std::chrono::steady_clock::time_point idle_until;
};

// Idle keep-alive connections parked off the worker threads: one thread
// waits on all of them with epoll, hands a connection back to the pool
// when it turns readable, and closes it when it has been idle for the
// keep-alive timeout. Its state (buffered stream, SSL*, ConnectionState)
// stays in the Connection meanwhile. Connections are parked in deadline
// order (the timeout is the same for all), so the oldest is at the front.
class IdleSet {
 public:
  using Handler = std::function<void(Connection*)>;

  IdleSet(int timeout_ms, Handler on_readable, Handler on_expired)
      : timeout_(std::chrono::milliseconds(timeout_ms)),
        on_readable_(std::move(on_readable)),
        on_expired_(std::move(on_expired)) {}
  ~IdleSet() {
    if (thread_.joinable()) stop_and_close_all();
    if (epfd_ >= 0) ::close(epfd_);
    if (evfd_ >= 0) ::close(evfd_);
  }

  bool start() {
    epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
    evfd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (epfd_ < 0 || evfd_ < 0) return false;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;  // the wake-up eventfd
    if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, evfd_, &ev) != 0) return false;
    thread_ = std::thread([this] { loop(); });
    return true;
  }

  // Takes `c` until it is readable or expires. False once stopping (the
  // caller then closes it). After true the caller must not touch `c`.
  bool park(Connection* c) {
    bool was_empty;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return false;
      was_empty = parked_.empty();
      c->idle_until = std::chrono::steady_clock::now() + timeout_;
      c->idle_pos = parked_.insert(parked_.end(), c);
      c->parked = true;
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
      ev.data.ptr = c;
      int op = c->in_epoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
      if (::epoll_ctl(epfd_, op, c->fd, &ev) != 0) {
        parked_.erase(c->idle_pos);
        c->parked = false;
        return false;
      }
      c->in_epoll = true;
    }
    // The loop sleeps without a deadline while nothing is parked.
    if (was_empty) wake();
    return true;
  }

  // Ends the loop and closes every parked connection.
  void stop_and_close_all() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    wake();
    if (thread_.joinable()) thread_.join();
    std::list<Connection*> left;
    {
      std::lock_guard<std::mutex> lock(mu_);
      left.swap(parked_);
    }
    for (Connection* c : left) {
      c->parked = false;
      on_expired_(c);
    }
  }

 private:
  void wake() {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(evfd_, &one, sizeof one);
  }

  void loop() {
    constexpr int kBatch = 256;
    epoll_event events[kBatch];
    std::vector<Connection*> readable, expired;
    for (;;) {
      int timeout_ms = -1;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) return;
        if (!parked_.empty()) {
          auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
              parked_.front()->idle_until - std::chrono::steady_clock::now());
          timeout_ms = static_cast<int>(std::max<long long>(left.count() + 1, 0));
        }
      }
      int n = ::epoll_wait(epfd_, events, kBatch, timeout_ms);
      if (n < 0 && errno != EINTR) return;
      readable.clear();
      expired.clear();
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (int i = 0; i < n; ++i) {
          auto* c = static_cast<Connection*>(events[i].data.ptr);
          if (c == nullptr) {
            uint64_t count;
            [[maybe_unused]] ssize_t r = ::read(evfd_, &count, sizeof count);
            continue;
          }
          if (!c->parked) continue;
          parked_.erase(c->idle_pos);
          c->parked = false;
          c->ready = true;
          readable.push_back(c);
        }
        auto now = std::chrono::steady_clock::now();
        while (!parked_.empty() && parked_.front()->idle_until <= now) {
          Connection* c = parked_.front();
          parked_.pop_front();
          c->parked = false;
          expired.push_back(c);
        }
      }
      for (Connection* c : readable) on_readable_(c);
      for (Connection* c : expired) on_expired_(c);
    }
  }

  const std::chrono::steady_clock::duration timeout_;
  Handler on_readable_;
  Handler on_expired_;
  int epfd_ = -1;
  int evfd_ = -1;
  std::thread thread_;
  std::mutex mu_;
  std::list<Connection*> parked_;  // GUARDED_BY(mu_), in deadline order
  bool stopping_ = false;          // GUARDED_BY(mu_)
};

}  // namespace

// httplib::Server for its request parser, routing hooks and response
// writer; the connections around it are the ConnectionEngine's.
class MockHttpServer final : public httplib::Server {
 public:
  // One request on `strm`: parse, route, answer.
  bool serve_one(httplib::Stream& strm, bool close_connection,
                 bool& connection_closed) {
    // httplib has already parsed a Range header before our handlers run;
    // Graph ignores Range on these JSON resources, so drop it.
    static const std::function<void(httplib::Request&)> setup =
        [](httplib::Request& req) { req.ranges.clear(); };
    return process_request(strm, close_connection, connection_closed, setup);
  }
  size_t keep_alive_max_count() const { return keep_alive_max_count_; }
  // A whole HTTP/1.1 answer (status line, headers, Graph error body, and
  // Connection: close) for a request httplib gave up on without one.
  std::function<std::string(int status)> raw_error;
  int read_timeout_ms() const {
    return static_cast<int>(read_timeout_sec_ * 1000 + read_timeout_usec_ / 1000);
  }
  int write_timeout_ms() const {
    return static_cast<int>(write_timeout_sec_ * 1000 +
                            write_timeout_usec_ / 1000);
  }
};

// Our accept loop, worker pool and per-connection loop around httplib's
// request handling. Listeners are plain or TLS; everything after the TLS
// handshake is the same code for both.
class ConnectionEngine {
 public:
  ConnectionEngine(MockHttpServer& http, int threads, int keep_alive_timeout_ms,
                   size_t max_connections)
      : http_(http),
        threads_(threads),
        max_connections_(max_connections),
        idle_(keep_alive_timeout_ms,
              [this](Connection* c) { enqueue(c); },
              [this](Connection* c) { finish(c); }),
        // Made here, not in run(): stop() may come (from a signal thread)
        // before run() starts.
        wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

  ~ConnectionEngine() {
    for (const Listener& l : listeners_) ::close(l.fd);
    if (wake_fd_ >= 0) ::close(wake_fd_);
  }

  int add_listener(const std::string& host, int port, const TlsContext* tls,
                   std::string& error) {
    int fd = bind_socket(host, port);
    int bound = -1;
    if (fd >= 0) {
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        address_text(addr, bound);
      }
    }
    if (bound <= 0) {
      if (fd >= 0) ::close(fd);
      error = "cannot listen on " + host + ":" + std::to_string(port) +
              " (address in use, not local, or not permitted)";
      return -1;
    }
    listeners_.push_back({fd, tls});
    return bound;
  }

  bool run() {
    if (wake_fd_ < 0 || listeners_.empty() || !idle_.start()) return false;
    raise_open_file_limit();
    running_ = true;
    {
      // Two workers to start with; more are started as work waits for one,
      // up to --threads (starting all 64 at once took ~1.4 ms of start-up).
      std::lock_guard<std::mutex> lock(mu_);
      for (int i = 0; i < std::min(threads_, kInitialWorkers); ++i) {
        workers_.emplace_back([this] { worker_main(); });
      }
    }
    accept_loop();
    for (const Listener& l : listeners_) ::close(l.fd);
    listeners_.clear();
    idle_.stop_and_close_all();
    drain();
    running_ = false;
    return true;
  }

  void stop() {
    stopping_ = true;
    if (wake_fd_ >= 0) {
      uint64_t one = 1;
      [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
    }
  }

  bool is_running() const { return running_; }
  bool left_requests_running() const { return left_running_; }

 private:
  struct Listener {
    int fd;
    const TlsContext* tls;
  };

  // Each connection is a descriptor: let --max-connections be reached
  // before the soft limit (often 1024) refuses accept().
  void raise_open_file_limit() const {
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
    rlim_t want = static_cast<rlim_t>(max_connections_) + 256;
    if (lim.rlim_cur >= want) return;
    lim.rlim_cur = lim.rlim_max == RLIM_INFINITY ? want : std::min(want, lim.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }

  static int bind_socket(const std::string& host, int port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* found = nullptr;
    std::string service = std::to_string(port);
    if (::getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0) {
      return -1;
    }
    int fd = -1;
    for (addrinfo* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
      fd = ::socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
                    ai->ai_protocol);
      if (fd < 0) continue;
      // Only SO_REUSEADDR: SO_REUSEPORT would let a second mock bind the
      // same port and take half of its traffic.
      int yes = 1;
      ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
      // A large backlog: bursts of connects must not wait for SYN
      // retransmits (httplib's own listen uses 5).
      if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
          ::listen(fd, 1024) != 0) {
        ::close(fd);
        fd = -1;
      }
    }
    ::freeaddrinfo(found);
    return fd;
  }

  void accept_loop() {
    std::vector<pollfd> fds;
    for (const Listener& l : listeners_) fds.push_back({l.fd, POLLIN, 0});
    fds.push_back({wake_fd_, POLLIN, 0});
    int timeout_ms = -1;
    while (!stopping_) {
      int r = ::poll(fds.data(), fds.size(), timeout_ms);
      timeout_ms = -1;
      if (r < 0 && errno != EINTR) break;
      if (stopping_) break;
      for (size_t i = 0; i < listeners_.size(); ++i) {
        if ((fds[i].revents & POLLIN) != 0 && !accept_from(listeners_[i])) {
          // Out of descriptors or memory: try again shortly rather than
          // spin on a listener that stays readable.
          timeout_ms = 50;
        }
      }
    }
  }

  // Accepts what is pending on `l`; false when accept() ran out of
  // resources.
  bool accept_from(const Listener& l) {
    for (int i = 0; i < 64; ++i) {
      int flags = SOCK_CLOEXEC | (l.tls != nullptr ? SOCK_NONBLOCK : 0);
      int fd = ::accept4(l.fd, nullptr, nullptr, flags);
      if (fd < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
            errno == ENOMEM) {
          return false;
        }
        continue;  // ECONNABORTED, EINTR, EPROTO...: the next one
      }
      if (open_count_.load(std::memory_order_relaxed) >= max_connections_) {
        // --max-connections: refused at once, so that the connections
        // already open keep their service.
        ::close(fd);
        continue;
      }
      int yes = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      SSL* ssl = nullptr;
      if (l.tls != nullptr && (ssl = l.tls->new_ssl(fd)) == nullptr) {
        ::close(fd);
        continue;
      }
      auto* c = new Connection(fd, ssl, http_.read_timeout_ms(),
                               http_.write_timeout_ms(),
                               http_.keep_alive_max_count());
      c->state.stopping = &stopping_;
      {
        std::lock_guard<std::mutex> lock(mu_);
        open_.insert(c);
        open_count_.store(open_.size(), std::memory_order_relaxed);
      }
      enqueue(c);
    }
    return true;
  }

  // Hands `c` to a worker.
  void enqueue(Connection* c) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(c);
      queued_.store(queue_.size(), std::memory_order_relaxed);
      if (!pool_exit_ && queue_.size() > idle_workers_ &&
          workers_.size() < static_cast<size_t>(threads_)) {
        workers_.emplace_back([this] { worker_main(); });
      }
    }
    work_cv_.notify_one();
  }

  void worker_main() {
    for (;;) {
      Connection* c;
      {
        std::unique_lock<std::mutex> lock(mu_);
        ++idle_workers_;
        work_cv_.wait(lock, [this] { return pool_exit_ || !queue_.empty(); });
        --idle_workers_;
        if (queue_.empty()) return;
        c = queue_.front();
        queue_.pop_front();
        queued_.store(queue_.size(), std::memory_order_relaxed);
      }
      serve(c);
    }
  }

  // Serves requests on `c` until it closes (then closes it) or goes idle
  // (then parks it in the idle set, which hands it back when readable).
  void serve(Connection* c) {
    for (;;) {
      if (c->ssl != nullptr && !c->handshaken) {
        // A client speaking plain HTTP to this port, or one whose
        // handshake fails, just loses its connection.
        int step = c->stream.handshake_step();
        if (step < 0) break;
        if (step > 0) {
          c->handshaken = true;
          continue;
        }
        c->ready = false;
        int w = brief_wait(*c);
        if (w > 0) continue;
        if (w == 0 && park(c)) return;
        break;
      }
      if (!c->ready && !c->stream.has_buffered()) {
        int w = brief_wait(*c);
        if (w == 0 && park(c)) return;
        if (w <= 0) break;
      }
      c->ready = false;
      bool last = stopping_ || c->requests_left <= 1;
      bool connection_closed = false;
      tl_connection = &c->state;
      c->state.in_head = true;
      c->state.head_left = kMaxHeadBytes;
      bool ret = http_.serve_one(c->stream, last, connection_closed);
      c->state.in_head = false;
      tl_connection = nullptr;
      if (!ret && c->state.head_too_large) {
        // A request line past the bound: httplib gives up without an
        // answer, so the 414 is written here.
        refuse_request_line(c->stream);
      }
      ret = c->stream.flush() && ret;
      if (!ret || last || connection_closed || c->state.close_after ||
          c->state.suppress_writes) {
        break;
      }
      --c->requests_left;
    }
    finish(c);
  }

  // After a response (or a handshake step) on an idle connection: waits a
  // little for the client's next bytes, which on a busy connection come
  // soon, so it keeps its worker and skips the idle set. The wait is in
  // short slices and ends as soon as a connection is queued for a worker,
  // so holding costs a waiting client at most one slice. 1: readable;
  // 0: still idle (park it); -1: close it (stopping with nothing sent, or
  // an error).
  int brief_wait(const Connection& c) const {
    if (stopping_) return wait_fd(c.fd, POLLIN, 0) > 0 ? 1 : -1;
    // Measured with wrk on 32 connections of a loaded 2-core machine: a
    // 2 ms hold parked 3% of requests, 20 ms 0.1%.
    constexpr int kHoldMs = 20;
    constexpr int kSliceMs = 2;
    for (int waited = 0;; waited += kSliceMs) {
      bool contended = queued_.load(std::memory_order_relaxed) > 0;
      int r = wait_fd(c.fd, POLLIN, contended ? 0 : kSliceMs);
      if (r != 0) return r > 0 ? 1 : -1;
      if (contended || stopping_ || waited + kSliceMs >= kHoldMs) return 0;
    }
  }

  bool park(Connection* c) { return !stopping_ && idle_.park(c); }

  void refuse_request_line(ConnStream& stream) {
    if (!http_.raw_error) return;
    std::string text = http_.raw_error(414);
    stream.write(text.data(), text.size());
  }

  void finish(Connection* c) {
    const int fd = c->fd;
    const ConnectionState state = c->state;
    // TLS: a close_notify first, except for a reset (which is abrupt by
    // design); the socket is non-blocking, so this never waits.
    if (c->ssl != nullptr && c->handshaken && !state.reset) {
      ERR_clear_error();
      SSL_shutdown(c->ssl);
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_.erase(c);
      open_count_.store(open_.size(), std::memory_order_relaxed);
      if (open_.empty()) drained_cv_.notify_all();
    }
    delete c;
    if (state.reset) {
      // An injected reset: SO_LINGER 0 makes close() send RST.
      linger l{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      ::close(fd);
    } else if (state.close_after && !state.suppress_writes) {
      linger_close(fd);
    } else {
      ::shutdown(fd, SHUT_RDWR);
      ::close(fd);
    }
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
      if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        break;
      }
      total += static_cast<size_t>(n);
    }
    ::close(sock);
  }

  // Graceful stop: the listeners are closed; requests in flight get up to
  // kDrainTime to finish, then their sockets are shut down (which ends any
  // read or write) and their threads get kAbandonTime more before they are
  // left behind.
  void drain() {
    constexpr auto kDrainTime = std::chrono::seconds(5);
    constexpr auto kAbandonTime = std::chrono::seconds(1);
    std::unique_lock<std::mutex> lock(mu_);
    if (!drained_cv_.wait_for(lock, kDrainTime,
                              [this] { return open_.empty(); })) {
      // fds in open_ are still open: finish() removes before it closes.
      for (Connection* c : open_) ::shutdown(c->fd, SHUT_RDWR);
      drained_cv_.wait_for(lock, kAbandonTime, [this] { return open_.empty(); });
    }
    pool_exit_ = true;
    left_running_ = !open_.empty();
    std::vector<std::thread> workers = std::move(workers_);
    workers_.clear();
    lock.unlock();
    work_cv_.notify_all();
    for (std::thread& t : workers) {
      if (left_running_) {
        t.detach();
      } else {
        t.join();
      }
    }
  }

  static constexpr int kInitialWorkers = 2;

  MockHttpServer& http_;
  const int threads_;
  const size_t max_connections_;
  IdleSet idle_;
  const int wake_fd_;
  std::vector<Listener> listeners_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> running_{false};
  bool left_running_ = false;

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable drained_cv_;
  std::deque<Connection*> queue_;          // GUARDED_BY(mu_)
  std::unordered_set<Connection*> open_;   // GUARDED_BY(mu_)
  bool pool_exit_ = false;                 // GUARDED_BY(mu_)
  // Mirrors of queue_.size() and open_.size() read without the lock.
  std::atomic<size_t> queued_{0};
  std::atomic<size_t> open_count_{0};
  std::vector<std::thread> workers_;       // GUARDED_BY(mu_)
  size_t idle_workers_ = 0;                // GUARDED_BY(mu_): waiting for work
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
  // A server that is stopping ends each connection after its answer.
  bool stopping = tl_connection != nullptr &&
                  tl_connection->stopping != nullptr &&
                  tl_connection->stopping->load();
  if (out.close_connection || stopping) {
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
      impl_(std::make_unique<MockHttpServer>()) {
  auto& svr = *impl_;
  svr.set_keep_alive_max_count(1000000);
  svr.set_read_timeout(5, 0);
  svr.set_write_timeout(5, 0);
  svr.set_payload_max_length(service.config.max_body_bytes);
  svr.raw_error = [this](int status) {
    std::string text;
    try {
      HttpResponse out = transport_error_response(
          status,
          service_.tenants->find_or_create(store::TenantRegistry::kDefault)
              ->clock()
              .now(),
          "");
      text = "HTTP/1.1 " + std::to_string(out.status) + " " +
             (out.status == 414 ? "URI Too Long" : "Bad Request") + "\r\n";
      for (const auto& [k, v] : out.headers) text += k + ": " + v + "\r\n";
      text += "Content-Length: " + std::to_string(out.body.size()) +
              "\r\nConnection: close\r\n\r\n" + out.body;
    } catch (...) {
      text.clear();
    }
    return text;
  };
  engine_ = std::make_unique<ConnectionEngine>(
      svr, service.config.threads, service.config.keep_alive_timeout_sec * 1000,
      service.config.max_connections);

  // Requests without a body in this API: answered before httplib would look
  // for one.
  svr.set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (tl_connection != nullptr) tl_connection->in_head = false;
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
    BodyCoding coding =
        classify_content_encoding(req.get_header_value("Content-Encoding"));
    bool encoded = coding == BodyCoding::Unsupported;
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
               (encoded ||
                !is_readable_body_media_type(r.header("Content-Type")))) {
      // D18: a body that will be refused is not read (httplib would inflate
      // a compressed one, or parse a multipart one, first).
      r.body_unread = true;
      out = router_.handle(r);
      out.close_connection = true;
    } else if (chunked || length.value_or(0) > 0) {
      // D18: without Content-Length or chunking the body is empty, so
      // only an announced body is read; D19: bounded while it arrives.
      // httplib would inflate gzip itself without noticing a truncated
      // stream: it reads the raw bytes once the header is gone.
      if (coding == BodyCoding::Gzip) {
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
      if (too_large) {
        auto e = graph::errors::payload_too_large(limit);
        out = router_.handle(r, &e);
        out.close_connection = true;
      } else if (!ok) {
        auto e = graph::errors::bad_request("The request body is malformed.");
        out = router_.handle(r, &e);
        out.close_connection = true;
      } else if (auto refusal = coding == BodyCoding::Gzip
                                    ? decode_gzip_body(r, limit)
                                    : std::nullopt) {
        out = router_.handle(r, &*refusal);
      } else {
        out = router_.handle(r);
      }
    } else {
      // No body: a gzip coding of nothing is nothing (the header goes).
      if (coding == BodyCoding::Gzip) decode_gzip_body(r, limit);
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
      // Headers past kMaxHeadBytes: httplib saw a failed read.
      if (tl_connection != nullptr && tl_connection->head_too_large) {
        res.status = 431;
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

int Server::bind(const std::string& host, int port, std::string& error,
                 const TlsContext* tls) {
  return engine_->add_listener(host, port, tls, error);
}

bool Server::run() { return engine_->run(); }
void Server::stop() { engine_->stop(); }
bool Server::is_running() const { return engine_->is_running(); }
bool Server::left_requests_running() const {
  return engine_->left_requests_running();
}

}  // namespace gpm::http
