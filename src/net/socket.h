// Small POSIX socket helpers shared by the streams and the connection
// engine: bounded waits, address text, a listening socket, a polite close.
// Std and POSIX only. Thread-safe: no state.
#pragma once

#include <sys/socket.h>

#include <string>

namespace gpm::net {

// poll() for `events` on `fd` for up to `timeout_ms` (-1: no bound); >0
// ready, 0 timeout, <0 error. Retries on EINTR.
int wait_fd(int fd, short events, int timeout_ms);

// The numeric address of `addr` (IPv4 or IPv6) and its port; "" and -1
// for another family.
std::string address_text(const sockaddr_storage& addr, int& port);

// A non-blocking listening socket on host:port (0: any free port) with
// SO_REUSEADDR only (SO_REUSEPORT would let a second process bind the same
// port and take half of its traffic) and a large backlog (bursts of
// connects must not wait for SYN retransmits). Returns the descriptor and
// sets `bound_port`, or -1.
int listen_on(const std::string& host, int port, int& bound_port);

// Closing a socket with unread input sends a reset, and a peer still
// sending then loses what was already written to it. So: stop writing,
// read and drop what still arrives (bounded in bytes and time), then close.
void linger_close(int fd);

// An abrupt end: SO_LINGER 0 makes close() send RST.
void reset_close(int fd);

// TCP_NODELAY: an answer goes out as soon as it is written (on
// cpp-httplib 0.11.4 Nagle plus delayed ACK cost ~40 ms per exchange).
void set_no_delay(int fd);

}  // namespace gpm::net
