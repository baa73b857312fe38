// Idle keep-alive connections parked off the worker threads: one thread
// waits on all of them with epoll, hands a connection back when it turns
// readable, and ends it when it has been idle for the keep-alive timeout.
// Its state (buffered stream, TLS session) stays in the Connection
// meanwhile. Connections are parked in deadline order (the timeout is the
// same for all), so the oldest is at the front.
// Std, POSIX (epoll, eventfd) only. Thread-safe: park() from any thread;
// the handlers run on the idle set's own thread.
#pragma once

#include <chrono>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

#include "net/connection.h"

namespace gpm::net {

class IdleSet {
 public:
  using Handler = std::function<void(Connection*)>;

  IdleSet(int timeout_ms, Handler on_readable, Handler on_expired);
  ~IdleSet();
  IdleSet(const IdleSet&) = delete;
  IdleSet& operator=(const IdleSet&) = delete;

  bool start();
  // Takes `c` until it is readable or expires. False once stopping (the
  // caller then ends it). After true the caller must not touch `c`.
  bool park(Connection* c);
  // Ends the loop and hands every parked connection to on_expired.
  void stop_and_close_all();

 private:
  void wake();
  void loop();

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

}  // namespace gpm::net
