// presence-conformance: the client conformance suite. Speaks HTTP to any
// server that claims to be the Graph presence API (the mock, or real Graph
// with --target graph, which skips the TEST_SUITE("mock-only") cases).
//
//   presence-conformance --base-url URL [--token T] [--user ID]
//       [--other-user ID] [--app ID] [--target mock|graph]
//       [--auth permissive|strict] [--ca-cert PEM] [doctest options]
//
// Our options are consumed here; everything else goes to doctest.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "client.h"

namespace {

void usage(std::ostream& out) {
  out << "usage: presence-conformance --base-url URL [--token T] [--user ID]\n"
         "         [--other-user ID] [--app ID] [--target mock|graph]\n"
         "         [--ca-cert PEM]\n"
         "         [doctest options...]\n"
         "  --base-url    server root, e.g. http://127.0.0.1:41234 (required)\n"
         "  --token       bearer token (default conformance-token)\n"
         "  --user        the user /me names (default the fixtures' me)\n"
         "  --other-user  a second user (default 66825e03-...)\n"
         "  --app         the calling app id, used as sessionId\n"
         "  --target      mock (default) or graph: graph skips mock-only "
         "cases\n"
         "  --auth        permissive (default): every case but strict-auth;\n"
         "                strict: only the strict-auth cases, for a mock run\n"
         "                with --auth strict --strict-session-id --clock "
         "manual\n"
         "  --ca-cert     PEM CA certificate an https:// base URL is verified\n"
         "                against (default: the system's trust store)\n";
}

}  // namespace

int main(int argc, char** argv) {
  // httplib 0.11's client writes without MSG_NOSIGNAL; a server that closes
  // a connection (as after a 413) must fail a case, not kill the suite.
  std::signal(SIGPIPE, SIG_IGN);
  conformance::Options& opts = conformance::options();
  struct Flag {
    const char* name;
    std::string* value;
  };
  const Flag flags[] = {
      {"--base-url", &opts.base_url}, {"--token", &opts.token},
      {"--user", &opts.user},         {"--other-user", &opts.other_user},
      {"--app", &opts.app},           {"--target", &opts.target},
      {"--auth", &opts.auth},         {"--ca-cert", &opts.ca_cert}};

  std::vector<std::string> passed;  // argv for doctest
  passed.emplace_back(argc > 0 ? argv[0] : "presence-conformance");
  bool listing = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      usage(std::cout);
      passed.push_back(arg);
      listing = true;
      continue;
    }
    bool ours = false;
    for (const Flag& flag : flags) {
      std::string name = flag.name;
      if (arg == name) {
        if (i + 1 >= argc) {
          std::cerr << "presence-conformance: " << name << " needs a value\n";
          return 2;
        }
        *flag.value = argv[++i];
        ours = true;
      } else if (arg.rfind(name + "=", 0) == 0) {
        *flag.value = arg.substr(name.size() + 1);
        ours = true;
      }
      if (ours) break;
    }
    if (!ours) {
      if (arg.find("list-") != std::string::npos || arg == "-ltc" ||
          arg == "-lts" || arg == "-v" || arg == "--version") {
        listing = true;
      }
      passed.push_back(arg);
    }
  }
  if (opts.target != "mock" && opts.target != "graph") {
    std::cerr << "presence-conformance: --target must be mock or graph\n";
    return 2;
  }
  if (opts.base_url.empty() && !listing) {
    usage(std::cerr);
    return 2;
  }
  if (opts.auth != "permissive" && opts.auth != "strict") {
    std::cerr << "presence-conformance: --auth must be permissive or strict\n";
    return 2;
  }
  // The strict-auth cases need a mock in strict auth mode and every other
  // case one in permissive mode: one run takes one side.
  if (opts.auth == "strict") {
    passed.emplace_back("--test-suite=strict-auth");
  } else {
    bool merged = false;
    for (std::string& arg : passed) {
      for (const char* prefix : {"--test-suite-exclude=", "-tse="}) {
        if (arg.rfind(prefix, 0) == 0) {
          arg += ",strict-auth";
          merged = true;
        }
      }
    }
    if (!merged) passed.emplace_back("--test-suite-exclude=strict-auth");
  }
  if (opts.target == "graph") {
    bool merged = false;
    for (std::string& arg : passed) {
      for (const char* prefix : {"--test-suite-exclude=", "-tse="}) {
        if (arg.rfind(prefix, 0) == 0) {
          arg += ",mock-only";
          merged = true;
        }
      }
    }
    if (!merged) passed.emplace_back("--test-suite-exclude=mock-only");
  }

  std::vector<char*> doctest_argv;
  for (std::string& arg : passed) doctest_argv.push_back(arg.data());
  doctest::Context context;
  context.applyCommandLine(static_cast<int>(doctest_argv.size()),
                           doctest_argv.data());
  return context.run();
}
