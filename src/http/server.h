// The cpp-httplib adapter: binds, accepts, reads each request into an
// HttpRequest, hands it to the Router, and writes the HttpResponse back.
// httplib parses and writes HTTP; the connections are ours: our own accept
// loop, worker pool and per-connection loop (plain TCP or TLS through
// OpenSSL), so that a handler can close or reset its connection, stop() is
// prompt, and HTTPS behaves exactly like HTTP. Also owns the settings
// ARCHITECTURE §10 measured for Debian's cpp-httplib 0.11.4: tcp_nodelay,
// a sized worker pool, a high keep-alive count, SO_REUSEADDR only, a large
// listen backlog, bounded bodies, and POSTs without a body answered at
// once (D18).
// Thread-safe: run() blocks; stop() may be called from another thread.
#pragma once

#include <memory>
#include <string>

#include "http/router.h"
#include "app/service.h"

namespace gpm::http {

class MockHttpServer;
class ConnectionEngine;
class TlsContext;

class Server {
 public:
  explicit Server(Service& service);
  ~Server();

  // Adds a listener on host:port (0: any free port): plain HTTP, or HTTPS
  // when `tls` is given (it must outlive the server). May be called once per
  // listener before run(). Returns the bound port, or -1 with `error` set
  // (e.g. the port is taken).
  int bind(const std::string& host, int port, std::string& error,
           const TlsContext* tls = nullptr);
  // Serves until stop(), then finishes the requests in flight (bounded) and
  // returns. REQUIRES: bind() succeeded at least once.
  bool run();
  // Stops accepting; run() then drains and returns. Callable from any thread.
  void stop();
  bool is_running() const;
  // After run(): true when a request was still running when the drain bound
  // passed (e.g. a long injected delay); its thread was left behind, so the
  // caller must end the process without destroying the service.
  bool left_requests_running() const;

 private:
  Service& service_;
  Router router_;
  std::unique_ptr<MockHttpServer> impl_;
  std::unique_ptr<ConnectionEngine> engine_;
};

}  // namespace gpm::http
