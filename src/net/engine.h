// The connection engine: listeners, the accept loop, a worker pool that
// grows on demand, and the per-connection loop that hands each exchange to
// an ExchangeHandler, holds a connection briefly for its next bytes and
// parks it in the idle set when none come. Plain and TLS connections are
// the same code after the handshake (two Stream classes).
// Knows no protocol above the stream: the handler parses and answers. Std,
// POSIX and OpenSSL (through Stream and TlsContext) only.
// Outbound connections (notification delivery, a proxy) are meant to reuse
// the same parts: the streams take any connected socket (a TlsStream with
// an SSL set to the connect side handshakes alike), and Connection, the
// idle set and the pool assume no listener. What is server-shaped is only
// where connections come from (add_listener/accept) and that the peer
// speaks first.
// Thread-safe: run() blocks; stop() may be called from any thread (also a
// signal thread, before run() starts).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "net/connection.h"
#include "net/idle_set.h"

namespace gpm::net {

class TlsContext;

// Serves the exchanges of a connection, one call per exchange.
class ExchangeHandler {
 public:
  virtual ~ExchangeHandler() = default;
  // Serves one exchange on `c`, whose stream has input ready or buffered.
  // `last`: the engine ends the connection after it (stopping, or the
  // exchange count reached), so the answer should say so. Returns false
  // when the connection cannot carry another exchange (the peer closed or
  // asked to close, an I/O error); to end it for its own reasons the
  // handler calls c.close_after() or c.abort(). What the handler wrote is
  // flushed after it returns.
  virtual bool serve(Connection& c, bool last) = 0;
};

struct EngineOptions {
  int threads = 8;                   // most worker threads (two at first)
  int keep_alive_timeout_ms = 5000;  // an idle connection's life
  size_t max_connections = 1024;     // more are closed at accept
  int read_timeout_ms = 5000;        // one wait for input, per call
  int write_timeout_ms = 5000;       // one wait for room to write
  size_t max_exchanges = 1000000;    // per connection
};

class ConnectionEngine {
 public:
  ConnectionEngine(ExchangeHandler& handler, const EngineOptions& options);
  ~ConnectionEngine();
  ConnectionEngine(const ConnectionEngine&) = delete;
  ConnectionEngine& operator=(const ConnectionEngine&) = delete;

  // Adds a listener on host:port (0: any free port), TLS when `tls` is
  // given (it must outlive the engine). Before run(). Returns the bound
  // port, or -1 with `error` set.
  int add_listener(const std::string& host, int port, const TlsContext* tls,
                   std::string& error);
  // Serves until stop(), then drains the exchanges in flight (bounded) and
  // returns. False when it cannot start (no listener, no epoll).
  bool run();
  void stop();
  bool is_running() const { return running_; }
  // After run(): an exchange was still running when the drain bound
  // passed; its thread was left behind.
  bool left_requests_running() const { return left_running_; }

 private:
  struct Listener {
    int fd;
    const TlsContext* tls;
  };

  void raise_open_file_limit() const;
  void accept_loop();
  bool accept_from(const Listener& l);
  void enqueue(Connection* c);
  void worker_main();
  void serve(Connection* c);
  int brief_wait(Connection& c) const;
  bool park(Connection* c) { return !stopping_ && idle_.park(c); }
  void finish(Connection* c);
  void drain();

  static constexpr int kInitialWorkers = 2;

  ExchangeHandler& handler_;
  const EngineOptions options_;
  IdleSet idle_;
  const int wake_fd_;
  std::vector<Listener> listeners_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> running_{false};
  bool left_running_ = false;

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable drained_cv_;
  std::deque<Connection*> queue_;         // GUARDED_BY(mu_)
  std::unordered_set<Connection*> open_;  // GUARDED_BY(mu_)
  bool pool_exit_ = false;                // GUARDED_BY(mu_)
  // Mirrors of queue_.size() and open_.size() read without the lock.
  std::atomic<size_t> queued_{0};
  std::atomic<size_t> open_count_{0};
  std::vector<std::thread> workers_;  // GUARDED_BY(mu_)
  size_t idle_workers_ = 0;           // GUARDED_BY(mu_): waiting for work
};

}  // namespace gpm::net
