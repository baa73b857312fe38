// bare-httplib: the reference for scripts/bench — Debian's cpp-httplib with
// one GET route answering a static presence body, tcp_nodelay on and the
// same thread count and keep-alive settings as the mock. Its throughput is
// the library's ceiling on this machine.
//
// Usage: bare-httplib PORT [THREADS]
#include <httplib.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bare-httplib PORT [THREADS]\n");
    return 2;
  }
  int port = std::atoi(argv[1]);
  size_t threads = argc > 2 ? static_cast<size_t>(std::atoi(argv[2])) : 64;
  httplib::Server svr;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  svr.set_tcp_nodelay(true);
  svr.set_keep_alive_max_count(1000000);
  static const std::string body =
      R"({"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3","availability":"Offline","activity":"Offline"})";
  svr.Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(body, "application/json");
  });
  std::printf("listening on http://127.0.0.1:%d\n", port);
  std::fflush(stdout);
  return svr.listen("127.0.0.1", port) ? 0 : 1;
}
