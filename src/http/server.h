// The HTTP server: the cpp-httplib adapter over the net::ConnectionEngine.
// httplib parses each request and writes each answer; the adapter turns a
// parsed request into an HttpRequest for the Router, applies the body
// admission policy (D18, D19, http/body_admission.h), and carries what an
// answer asks of its connection (close after, an injected close, reset or
// truncation) to net::Connection. The engine owns sockets, TLS, threads
// and idle connections and knows nothing of HTTP (src/net). Also owns the
// settings measured for Debian's cpp-httplib 0.11.4:
// bounded bodies and heads, and POSTs without a body answered at once.
// Thread-safe: run() blocks; stop() may be called from another thread.
#pragma once

#include <memory>
#include <string>

#include "app/service.h"
#include "http/router.h"

namespace gpm::net {
class ConnectionEngine;
class TlsContext;
}  // namespace gpm::net

namespace gpm::http {

class HttplibAdapter;

class Server {
 public:
  explicit Server(Service& service);
  ~Server();

  // Adds a listener on host:port (0: any free port): plain HTTP, or HTTPS
  // when `tls` is given (it must outlive the server). May be called once per
  // listener before run(). Returns the bound port, or -1 with `error` set
  // (e.g. the port is taken).
  int bind(const std::string& host, int port, std::string& error,
           const net::TlsContext* tls = nullptr);
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
  std::unique_ptr<HttplibAdapter> adapter_;
  std::unique_ptr<net::ConnectionEngine> engine_;
};

}  // namespace gpm::http
