// A byte stream over one connected socket, plain TCP or TLS: the two are
// two classes behind this one interface, and everything above a stream
// (parsing, answering, the connection engine) is the same code for both.
// Reads are buffered (a parser that reads one byte at a time costs one
// system call per buffer, not per byte) and are tried before waiting, so a
// ready socket costs one call; small writes are gathered until flush(), so
// an answer written in pieces leaves as one send (one TCP segment, one TLS
// record). Every wait is bounded by the read or write timeout.
// Nothing here knows HTTP or the mock: the same streams serve accepted and
// (later) outbound connections. Std, POSIX and OpenSSL only.
// Thread-safety: a stream belongs to one thread at a time.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstring>
#include <string>

struct ssl_st;

namespace gpm::net {

class Stream {
 public:
  virtual ~Stream() = default;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  int fd() const { return fd_; }
  int read_timeout_ms() const { return read_timeout_ms_; }
  int write_timeout_ms() const { return write_timeout_ms_; }

  // Bytes already read from the socket but not yet consumed (ours, or a
  // TLS record the library holds).
  bool has_buffered() const { return pos_ < len_ || library_pending(); }
  // Waits up to the read (write) timeout; true when ready.
  bool wait_readable() const;
  bool wait_writable() const;

  // Up to `size` bytes: >0 read, 0 the peer closed, <0 an error or a
  // timeout. Sends what write() gathered before it waits for input (an
  // interim answer such as 100 Continue must leave before the rest of a
  // request is read).
  ssize_t read(char* ptr, size_t size) {
    if (pos_ == len_) return refill_and_read(ptr, size);
    size_t n = size < len_ - pos_ ? size : len_ - pos_;
    std::memcpy(ptr, buf_ + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  // Takes `size` bytes for sending (gathered while small, see above);
  // <0 when the peer is gone or writes are refused.
  ssize_t write(const char* ptr, size_t size);
  // Sends what write() gathered. False if the peer is gone.
  bool flush();

  // From now on every write fails and nothing gathered is sent: for a
  // connection that must end without its answer.
  void refuse_writes() {
    writes_refused_ = true;
    out_.clear();
  }

  // The addresses of the two ends, asked of the kernel once per stream.
  void peer_address(std::string& ip, int& port) const;
  void local_address(std::string& ip, int& port) const;

  // One step of the session's handshake: 1 done (a plain stream has none),
  // 0 waiting for the peer's next bytes, -1 failed.
  virtual int handshake_step() { return 1; }
  virtual bool handshake_done() const { return true; }
  // Ends the session politely before the socket is closed (TLS
  // close_notify); never waits. Not called for an abrupt end (a reset).
  virtual void close_notify() {}

 protected:
  Stream(int fd, int read_timeout_ms, int write_timeout_ms)
      : fd_(fd),
        read_timeout_ms_(read_timeout_ms),
        write_timeout_ms_(write_timeout_ms) {}

  // Reads what the socket has, waiting up to the read timeout for some.
  virtual ssize_t read_some(char* ptr, size_t size) = 0;
  // Writes some of `ptr`, waiting up to the write timeout for room.
  virtual ssize_t write_some(const char* ptr, size_t size) = 0;
  virtual bool library_pending() const { return false; }

  const int fd_;
  const int read_timeout_ms_;
  const int write_timeout_ms_;

 private:
  ssize_t refill_and_read(char* ptr, size_t size);

  static constexpr size_t kGatherBytes = 16 * 1024;

  char buf_[4096];
  size_t pos_ = 0, len_ = 0;
  std::string out_;  // gathered by write(), sent by flush()
  bool writes_refused_ = false;
  mutable bool peer_known_ = false, local_known_ = false;
  mutable std::string peer_ip_, local_ip_;
  mutable int peer_port_ = -1, local_port_ = -1;
};

// A plain TCP stream over a blocking socket, tried without waiting first
// (MSG_DONTWAIT).
class PlainStream final : public Stream {
 public:
  PlainStream(int fd, int read_timeout_ms, int write_timeout_ms)
      : Stream(fd, read_timeout_ms, write_timeout_ms) {}

 protected:
  ssize_t read_some(char* ptr, size_t size) override;
  ssize_t write_some(const char* ptr, size_t size) override;
};

// A TLS stream over a non-blocking socket: waits as OpenSSL asks
// (WANT_READ / WANT_WRITE). Takes ownership of `ssl`, which must be set to
// its socket and to the accept or the connect side.
class TlsStream final : public Stream {
 public:
  TlsStream(int fd, ssl_st* ssl, int read_timeout_ms, int write_timeout_ms)
      : Stream(fd, read_timeout_ms, write_timeout_ms), ssl_(ssl) {}
  ~TlsStream() override;

  int handshake_step() override;
  bool handshake_done() const override { return handshaken_; }
  void close_notify() override;

 protected:
  ssize_t read_some(char* ptr, size_t size) override;
  ssize_t write_some(const char* ptr, size_t size) override;
  bool library_pending() const override;

 private:
  // Waits as OpenSSL asks; false on a timeout or a fatal error.
  bool wait_for(int ssl_error) const;

  ssl_st* ssl_;
  bool handshaken_ = false;
};

}  // namespace gpm::net
