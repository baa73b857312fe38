// The cpp-httplib adapter: binds, accepts, reads each request into an
// HttpRequest, hands it to the Router, and writes the HttpResponse back.
// Also owns the settings ARCHITECTURE §10 measured for Debian's cpp-httplib
// 0.11.4: tcp_nodelay, a sized thread pool, a high keep-alive count,
// SO_REUSEADDR only, a larger listen backlog, bounded bodies, and POSTs
// without a body answered at once (D18).
// Thread-safe: run() blocks; stop() may be called from another thread.
#pragma once

#include <memory>
#include <string>

#include "http/router.h"
#include "http/service.h"

namespace gpm::http {

class MockHttpServer;

class Server {
 public:
  explicit Server(Service& service);
  ~Server();

  // Binds host:port (0: any free port). Returns the bound port, or -1 with
  // `error` set (e.g. the port is taken).
  int bind(const std::string& host, int port, std::string& error);
  // Serves until stop(). REQUIRES: bind() succeeded.
  bool run();
  void stop();
  bool is_running() const;

 private:
  Service& service_;
  Router router_;
  std::unique_ptr<MockHttpServer> impl_;
};

}  // namespace gpm::http
