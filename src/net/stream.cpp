#include "net/stream.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "net/socket.h"

namespace gpm::net {

bool Stream::wait_readable() const {
  return wait_fd(fd_, POLLIN, read_timeout_ms_) > 0;
}

bool Stream::wait_writable() const {
  return wait_fd(fd_, POLLOUT, write_timeout_ms_) > 0;
}

ssize_t Stream::refill_and_read(char* ptr, size_t size) {
  if (!out_.empty() && !flush()) return -1;
  if (size >= sizeof buf_) return read_some(ptr, size);
  ssize_t n = read_some(buf_, sizeof buf_);
  if (n <= 0) return n;
  pos_ = 0;
  len_ = static_cast<size_t>(n);
  size_t take = std::min(size, len_);
  std::memcpy(ptr, buf_, take);
  pos_ = take;
  return static_cast<ssize_t>(take);
}

ssize_t Stream::write(const char* ptr, size_t size) {
  if (writes_refused_) return -1;
  if (size == 0) return 0;
  if (out_.size() + size <= kGatherBytes) {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  if (!flush()) return -1;
  return write_some(ptr, size);
}

bool Stream::flush() {
  size_t done = 0;
  bool ok = true;
  while (done < out_.size()) {
    ssize_t n = write_some(out_.data() + done, out_.size() - done);
    if (n <= 0) {
      ok = false;
      break;
    }
    done += static_cast<size_t>(n);
  }
  out_.clear();
  return ok;
}

void Stream::peer_address(std::string& ip, int& port) const {
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

void Stream::local_address(std::string& ip, int& port) const {
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

ssize_t PlainStream::read_some(char* ptr, size_t size) {
  ssize_t n;
  do {
    n = ::recv(fd_, ptr, size, MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return n;
  if (!wait_readable()) return -1;
  do {
    n = ::recv(fd_, ptr, size, 0);
  } while (n < 0 && errno == EINTR);
  return n;
}

ssize_t PlainStream::write_some(const char* ptr, size_t size) {
  for (;;) {
    ssize_t n = ::send(fd_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    if (!wait_writable()) return -1;
  }
}

TlsStream::~TlsStream() { SSL_free(ssl_); }

int TlsStream::handshake_step() {
  for (;;) {
    ERR_clear_error();
    int r = SSL_do_handshake(ssl_);
    if (r == 1) {
      handshaken_ = true;
      return 1;
    }
    int err = SSL_get_error(ssl_, r);
    if (err == SSL_ERROR_WANT_READ) return 0;
    if (err != SSL_ERROR_WANT_WRITE || !wait_writable()) return -1;
  }
}

void TlsStream::close_notify() {
  if (!handshaken_) return;
  ERR_clear_error();
  SSL_shutdown(ssl_);
}

bool TlsStream::library_pending() const { return SSL_has_pending(ssl_) == 1; }

bool TlsStream::wait_for(int ssl_error) const {
  if (ssl_error == SSL_ERROR_WANT_READ) return wait_readable();
  if (ssl_error == SSL_ERROR_WANT_WRITE) return wait_writable();
  return false;
}

ssize_t TlsStream::read_some(char* ptr, size_t size) {
  int want = static_cast<int>(std::min<size_t>(size, 1 << 30));
  for (;;) {
    ERR_clear_error();
    int n = SSL_read(ssl_, ptr, want);
    if (n > 0) return n;
    int err = SSL_get_error(ssl_, n);
    if (err == SSL_ERROR_ZERO_RETURN) return 0;
    if (!wait_for(err)) return -1;
  }
}

ssize_t TlsStream::write_some(const char* ptr, size_t size) {
  int want = static_cast<int>(std::min<size_t>(size, 1 << 30));
  for (;;) {
    ERR_clear_error();
    int n = SSL_write(ssl_, ptr, want);
    if (n > 0) return n;
    if (!wait_for(SSL_get_error(ssl_, n))) return -1;
  }
}

}  // namespace gpm::net
