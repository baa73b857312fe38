// Unit tests for src/net, which knows no HTTP: a plain stream over a
// socketpair (reads buffered, small writes leaving in one send, refused
// writes), and the connection engine serving a line protocol of its own on
// loopback (each exchange handed to the handler, close_after and a reset
// reaching the peer, stop() ending run()).
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <string>
#include <thread>

#include "net/engine.h"
#include "net/socket.h"
#include "net/stream.h"

namespace {

using gpm::net::Connection;
using gpm::net::ConnectionEngine;
using gpm::net::EngineOptions;
using gpm::net::ExchangeHandler;
using gpm::net::PlainStream;

struct SocketPair {
  SocketPair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fd) == 0); }
  ~SocketPair() {
    ::close(fd[0]);
    ::close(fd[1]);
  }
  int fd[2];
};

bool readable_now(int fd) { return gpm::net::wait_fd(fd, POLLIN, 0) > 0; }

std::string recv_some(int fd) {
  char buf[256];
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// Answers each line "x" with "x!"; "bye" closes after the answer, "rst"
// resets the connection without one.
class LineHandler final : public ExchangeHandler {
 public:
  bool serve(Connection& c, bool) override {
    ++exchanges;
    std::string line;
    char ch;
    while (c.stream().read(&ch, 1) == 1) {
      if (ch == '\n') break;
      line += ch;
    }
    if (line.empty()) return false;
    if (line == "rst") {
      c.abort(true);
      return true;
    }
    std::string answer = line + "!\n";
    c.stream().write(answer.data(), answer.size());
    if (line == "bye") c.close_after();
    return true;
  }
  std::atomic<int> exchanges{0};
};

int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

// Reads until `n` bytes or the end (a bounded wait per read).
std::string read_until_end_or(int fd, size_t n) {
  std::string out;
  char buf[256];
  while (out.size() < n && gpm::net::wait_fd(fd, POLLIN, 5000) > 0) {
    ssize_t r = ::recv(fd, buf, sizeof buf, 0);
    if (r <= 0) break;
    out.append(buf, static_cast<size_t>(r));
  }
  return out;
}

}  // namespace

TEST_SUITE("net") {
  TEST_CASE("small writes are gathered and leave in one send on flush") {
    SocketPair p;
    PlainStream s(p.fd[0], 1000, 1000);
    CHECK(s.write("HTTP/1.1 200 OK\r\n\r\n", 19) == 19);
    CHECK(s.write("{}", 2) == 2);
    CHECK_FALSE(readable_now(p.fd[1]));
    REQUIRE(s.flush());
    CHECK(recv_some(p.fd[1]) == "HTTP/1.1 200 OK\r\n\r\n{}");
  }

  TEST_CASE("a read sends what was gathered first, then buffers the input") {
    SocketPair p;
    PlainStream s(p.fd[0], 1000, 1000);
    s.write("100 Continue", 12);
    REQUIRE(::send(p.fd[1], "abcdef", 6, 0) == 6);
    char c = 0;
    CHECK(s.read(&c, 1) == 1);
    CHECK(c == 'a');
    CHECK(recv_some(p.fd[1]) == "100 Continue");
    CHECK(s.has_buffered());
    char rest[8] = {};
    CHECK(s.read(rest, sizeof rest) == 5);
    CHECK(std::string(rest, 5) == "bcdef");
    CHECK_FALSE(s.has_buffered());
  }

  TEST_CASE("a read with nothing to read fails after the read timeout") {
    SocketPair p;
    PlainStream s(p.fd[0], 10, 10);
    char c;
    CHECK(s.read(&c, 1) < 0);
  }

  TEST_CASE("refused writes fail and drop what was gathered") {
    SocketPair p;
    PlainStream s(p.fd[0], 1000, 1000);
    s.write("partial", 7);
    s.refuse_writes();
    CHECK(s.write("more", 4) < 0);
    CHECK(s.flush());
    CHECK_FALSE(readable_now(p.fd[1]));
  }

  TEST_CASE(
      "the engine hands each exchange to its handler; close_after "
      "ends the connection after the answer, abort(reset) with RST") {
    LineHandler handler;
    EngineOptions options;
    options.threads = 2;
    options.read_timeout_ms = 2000;
    options.write_timeout_ms = 2000;
    ConnectionEngine engine(handler, options);
    std::string error;
    int port = engine.add_listener("127.0.0.1", 0, nullptr, error);
    REQUIRE(port > 0);
    std::thread runner([&] { CHECK(engine.run()); });

    int a = connect_loopback(port);
    REQUIRE(::send(a, "one\ntwo\n", 8, 0) == 8);
    CHECK(read_until_end_or(a, 10) == "one!\ntwo!\n");
    REQUIRE(::send(a, "bye\n", 4, 0) == 4);
    CHECK(read_until_end_or(a, 100) == "bye!\n");  // then the end
    ::close(a);

    int b = connect_loopback(port);
    REQUIRE(::send(b, "rst\n", 4, 0) == 4);
    char buf[16];
    REQUIRE(gpm::net::wait_fd(b, POLLIN, 5000) > 0);
    ssize_t n = ::recv(b, buf, sizeof buf, 0);
    CHECK(n < 0);
    CHECK(errno == ECONNRESET);
    ::close(b);

    engine.stop();
    runner.join();
    CHECK(handler.exchanges.load() == 4);
    CHECK_FALSE(engine.is_running());
    CHECK_FALSE(engine.left_requests_running());
  }
}
