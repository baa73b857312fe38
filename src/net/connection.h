// One connection of the engine as its exchange handler sees it: the stream,
// and the ways to end the connection (after the current answer, or at once
// without it). The engine keeps its own bookkeeping (idle-set place,
// deadlines, exchanges left) in the same object.
// Std only (and the stream). Thread-safety: a connection is served by one
// thread at a time; the engine hands it from thread to thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <list>
#include <memory>

#include "net/stream.h"

namespace gpm::net {

// How a connection ends, in rising precedence.
enum class Ending {
  KeepOpen,  // serve the next exchange
  Close,     // after this exchange: what the peer still sends is read and
             // dropped first (a lingering close), so it gets the answer
  Abort,     // nothing more is written; a plain close
  Reset,     // nothing more is written; an RST (SO_LINGER 0)
};

class Connection {
 public:
  Connection(std::unique_ptr<Stream> stream, size_t max_exchanges,
             const std::atomic<bool>& engine_stopping)
      : stream_(std::move(stream)),
        exchanges_left_(max_exchanges),
        engine_stopping_(engine_stopping) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Stream& stream() { return *stream_; }
  // True once the engine is stopping: the current answer should be the
  // connection's last.
  bool engine_stopping() const { return engine_stopping_.load(); }
  Ending ending() const { return ending_; }
  // Ends the connection after the current exchange (Ending::Close).
  void close_after() { end(Ending::Close); }
  // Ends the connection without writing anything more: an injected
  // connection fault (Ending::Abort, or Ending::Reset when `reset`).
  void abort(bool reset) {
    stream_->refuse_writes();
    end(reset ? Ending::Reset : Ending::Abort);
  }

 private:
  friend class ConnectionEngine;
  friend class IdleSet;

  void end(Ending e) {
    if (e > ending_) ending_ = e;
  }

  std::unique_ptr<Stream> stream_;
  Ending ending_ = Ending::KeepOpen;
  size_t exchanges_left_;
  const std::atomic<bool>& engine_stopping_;
  // Set by the idle set when it hands the connection back readable.
  bool ready_ = false;
  // While parked (IdleSet): its place in park order and its deadline.
  bool parked_ = false;
  bool in_epoll_ = false;
  std::list<Connection*>::iterator idle_pos_;
  std::chrono::steady_clock::time_point idle_until_;
};

}  // namespace gpm::net
