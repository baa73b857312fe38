// startup-probe: how long graph-presence-mock takes from spawn to its first
// answered GET presence. Spawns the binary with --port PORT and the given
// arguments, polls GET every millisecond until a 200, prints the elapsed
// milliseconds, stops the child with SIGTERM. Repeats --runs times and
// prints each figure and the median.
//
// Usage: startup-probe --bin PATH --port PORT --path /v1.0/users/ID/presence
//                      [--runs N] [--no-port-arg] [-- extra server args...]
// --no-port-arg: the server takes its port from its own configuration
// (nginx, for the reference figure); PORT is only where the probe polls.
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

struct Options {
  std::string bin;
  std::string path;
  int port = 0;
  int runs = 10;
  bool port_arg = true;
  std::vector<std::string> server_args;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "startup-probe: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--bin") {
      o.bin = next();
    } else if (a == "--port") {
      o.port = std::atoi(next().c_str());
    } else if (a == "--path") {
      o.path = next();
    } else if (a == "--runs") {
      o.runs = std::atoi(next().c_str());
    } else if (a == "--no-port-arg") {
      o.port_arg = false;
    } else if (a == "--") {
      for (++i; i < argc; ++i) o.server_args.push_back(argv[i]);
    } else {
      std::fprintf(stderr, "startup-probe: unknown argument %s\n", a.c_str());
      std::exit(2);
    }
  }
  if (o.bin.empty() || o.path.empty() || o.port <= 0 || o.runs <= 0) {
    std::fprintf(stderr,
                 "usage: startup-probe --bin PATH --port PORT --path PATH "
                 "[--runs N] [-- server args]\n");
    std::exit(2);
  }
  return o;
}

// One start: milliseconds from spawn to the first 200, or -1 after 10 s.
double measure(const Options& o) {
  std::vector<std::string> args = {o.bin};
  if (o.port_arg) {
    args.push_back("--port");
    args.push_back(std::to_string(o.port));
  }
  args.insert(args.end(), o.server_args.begin(), o.server_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  if (posix_spawn(&pid, o.bin.c_str(), &fa, nullptr, argv.data(), environ) !=
      0) {
    std::perror("posix_spawn");
    std::exit(1);
  }
  posix_spawn_file_actions_destroy(&fa);
  double ms = -1;
  auto deadline = start + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    httplib::Client c("127.0.0.1", o.port);
    c.set_tcp_nodelay(true);
    c.set_connection_timeout(0, 100000);
    auto r = c.Get(o.path, {{"Authorization", "Bearer startup-probe"}});
    if (r && r->status == 200) {
      ms = std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now() - start)
               .count();
      break;
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(1));  // the poll period
  }
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  std::vector<double> times;
  for (int i = 0; i < o.runs; ++i) {
    double ms = measure(o);
    if (ms < 0) {
      std::fprintf(stderr, "startup-probe: no answer within 10 s\n");
      return 1;
    }
    times.push_back(ms);
    std::printf("run %d: %.2f ms\n", i + 1, ms);
  }
  std::sort(times.begin(), times.end());
  double median =
      times.size() % 2
          ? times[times.size() / 2]
          : (times[times.size() / 2 - 1] + times[times.size() / 2]) / 2;
  std::printf("median: %.2f ms\n", median);
  return 0;
}
