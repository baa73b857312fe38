// Unit tests for src/config: parse_args with every flag (docs/options.md),
// both `--flag value` and `--flag=value`, the GPM_* environment variables
// through a fake lookup, flags winning over variables, and the exit requests
// for --help, --version (0) and bad options (2).
#include "app/config.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "core/iso_time.h"

namespace {

using gpm::AuthMode;
using gpm::ClockMode;
using gpm::Config;
using gpm::ExitRequest;

// The fake environment parse_args reads through fake_env (EnvLookup is a
// plain function pointer, so the table is a namespace-scope variable that
// each case sets through EnvScope).
using Env = std::map<std::string, std::string>;
Env g_env;

std::optional<std::string> fake_env(const char* name) {
  auto it = g_env.find(name);
  if (it == g_env.end()) return std::nullopt;
  return it->second;
}

// Sets the fake environment for one case and clears it at scope exit.
class EnvScope {
 public:
  explicit EnvScope(Env vars) { g_env = std::move(vars); }
  ~EnvScope() { g_env.clear(); }
  EnvScope(const EnvScope&) = delete;
  EnvScope& operator=(const EnvScope&) = delete;
};

std::variant<Config, ExitRequest> run(const std::vector<std::string>& args) {
  return gpm::parse_args(args, fake_env);
}

// The Config parse_args returns; a failed check on an ExitRequest.
Config config_of(const std::vector<std::string>& args) {
  auto r = run(args);
  if (auto* exit = std::get_if<ExitRequest>(&r)) {
    FAIL_CHECK("unexpected exit " << exit->code << ": " << exit->text);
    return Config{};
  }
  return std::get<Config>(r);
}

// The ExitRequest parse_args returns; a failed check on a Config.
ExitRequest exit_of(const std::vector<std::string>& args) {
  auto r = run(args);
  if (auto* exit = std::get_if<ExitRequest>(&r)) return *exit;
  FAIL_CHECK("parse_args returned a Config");
  return ExitRequest{-1, ""};
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

gpm::core::TimePoint instant(std::string_view iso) {
  return gpm::core::to_time_point_utc(
      gpm::core::parse_iso_datetime(iso).value());
}

// Checks every field against the documented defaults (docs/options.md).
void check_defaults(const Config& c) {
  CHECK(c.host == "127.0.0.1");
  CHECK(c.port == 8080);
  CHECK(c.fixtures.empty());
  CHECK(c.clock == ClockMode::System);
  CHECK_FALSE(c.clock_start.has_value());
  CHECK(c.auth == AuthMode::Permissive);
  CHECK(c.threads == 64);
  CHECK(c.keep_alive_timeout_sec == 5);
  CHECK_FALSE(c.auto_create_users);
  CHECK(c.me.empty());
  CHECK(c.max_body_bytes == 1048576);
  CHECK_FALSE(c.beta_extra_pairs);
  CHECK(c.zoneinfo_dir == "/usr/share/zoneinfo");
  CHECK(c.max_tenants == 1000);
  CHECK(c.journal_size == 10000);
  CHECK(c.throttling == gpm::ThrottlingMode::Off);
  CHECK(c.throttle_limit == 1500);
  CHECK(c.throttle_window == std::chrono::seconds(30));
  CHECK(c.log_format == gpm::LogFormat::Text);
  CHECK_FALSE(c.quiet);
  CHECK(c.ready_file.empty());
  CHECK(c.state_file.empty());
  CHECK(c.faults.empty());
}

const std::vector<std::string> kAllFlags = {
    "--host",
    "0.0.0.0",
    "--port",
    "0",
    "--fixtures",
    "fixtures/default.json",
    "--clock",
    "manual",
    "--clock-start",
    "2026-01-01T00:00:00Z",
    "--auth",
    "off",
    "--threads",
    "8",
    "--keep-alive-timeout",
    "30",
    "--auto-create-users",
    "--me",
    "fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
    "--max-body-bytes",
    "2048",
    "--beta-extra-pairs",
    "--zoneinfo-dir",
    "/tmp/zoneinfo",
    "--max-tenants",
    "3",
    "--journal-size",
    "0",
    "--throttling",
    "graph",
    "--throttle-limit",
    "2",
    "--throttle-window",
    "PT1M30S",
    "--log-format",
    "json",
    "--quiet",
    "--ready-file",
    "/tmp/ready",
    "--state-file",
    "/tmp/state.json",
    "--faults",
    "/tmp/faults.json",
};

void check_all_flags(const Config& c) {
  CHECK(c.host == "0.0.0.0");
  CHECK(c.port == 0);
  CHECK(c.fixtures == "fixtures/default.json");
  CHECK(c.clock == ClockMode::Manual);
  CHECK(c.clock_start == instant("2026-01-01T00:00:00Z"));
  CHECK(c.auth == AuthMode::Off);
  CHECK(c.threads == 8);
  CHECK(c.keep_alive_timeout_sec == 30);
  CHECK(c.auto_create_users);
  CHECK(c.me == "fa8bf3dc-eca7-46b7-bad1-db199b62afc3");
  CHECK(c.max_body_bytes == 2048);
  CHECK(c.beta_extra_pairs);
  CHECK(c.zoneinfo_dir == "/tmp/zoneinfo");
  CHECK(c.max_tenants == 3);
  CHECK(c.journal_size == 0);
  CHECK(c.throttling == gpm::ThrottlingMode::Graph);
  CHECK(c.throttle_limit == 2);
  CHECK(c.throttle_window == std::chrono::seconds(90));
  CHECK(c.log_format == gpm::LogFormat::Json);
  CHECK(c.quiet);
  CHECK(c.ready_file == "/tmp/ready");
  CHECK(c.state_file == "/tmp/state.json");
  CHECK(c.faults == "/tmp/faults.json");
}

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("README no flags and no variables give the documented defaults") {
    EnvScope env(Env{});
    check_defaults(config_of({}));
  }

  TEST_CASE("README every flag sets its field (--flag value)") {
    EnvScope env(Env{});
    check_all_flags(config_of(kAllFlags));
  }

  TEST_CASE("README every flag also takes the --flag=value form") {
    EnvScope env(Env{});
    check_all_flags(config_of({
        "--host=0.0.0.0",
        "--port=0",
        "--fixtures=fixtures/default.json",
        "--clock=manual",
        "--clock-start=2026-01-01T00:00:00Z",
        "--auth=off",
        "--threads=8",
        "--keep-alive-timeout=30",
        "--auto-create-users=true",
        "--me=fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
        "--max-body-bytes=2048",
        "--beta-extra-pairs=true",
        "--zoneinfo-dir=/tmp/zoneinfo",
        "--max-tenants=3",
        "--journal-size=0",
        "--throttling=graph",
        "--throttle-limit=2",
        "--throttle-window=PT1M30S",
        "--log-format=json",
        "--quiet=true",
        "--ready-file=/tmp/ready",
        "--state-file=/tmp/state.json",
        "--faults=/tmp/faults.json",
    }));
  }

  TEST_CASE("README every option is read from its GPM_* variable") {
    EnvScope env(Env{
        {"GPM_HOST", "0.0.0.0"},
        {"GPM_PORT", "0"},
        {"GPM_FIXTURES", "fixtures/default.json"},
        {"GPM_CLOCK", "manual"},
        {"GPM_CLOCK_START", "2026-01-01T00:00:00Z"},
        {"GPM_AUTH", "off"},
        {"GPM_THREADS", "8"},
        {"GPM_KEEP_ALIVE_TIMEOUT", "30"},
        {"GPM_AUTO_CREATE_USERS", "true"},
        {"GPM_ME", "fa8bf3dc-eca7-46b7-bad1-db199b62afc3"},
        {"GPM_MAX_BODY_BYTES", "2048"},
        {"GPM_BETA_EXTRA_PAIRS", "true"},
        {"GPM_ZONEINFO_DIR", "/tmp/zoneinfo"},
        {"GPM_MAX_TENANTS", "3"},
        {"GPM_JOURNAL_SIZE", "0"},
        {"GPM_THROTTLING", "graph"},
        {"GPM_THROTTLE_LIMIT", "2"},
        {"GPM_THROTTLE_WINDOW", "PT1M30S"},
        {"GPM_LOG_FORMAT", "json"},
        {"GPM_QUIET", "true"},
        {"GPM_READY_FILE", "/tmp/ready"},
        {"GPM_STATE_FILE", "/tmp/state.json"},
        {"GPM_FAULTS", "/tmp/faults.json"},
    });
    check_all_flags(config_of({}));
  }

  TEST_CASE("README a flag wins over its variable") {
    EnvScope env(Env{
        {"GPM_HOST", "10.0.0.1"},
        {"GPM_PORT", "9000"},
        {"GPM_FIXTURES", "env.json"},
        {"GPM_CLOCK", "system"},
        {"GPM_CLOCK_START", "2030-01-01T00:00:00Z"},
        {"GPM_AUTH", "permissive"},
        {"GPM_THREADS", "2"},
        {"GPM_KEEP_ALIVE_TIMEOUT", "1"},
        {"GPM_AUTO_CREATE_USERS", "false"},
        {"GPM_ME", "someone-else"},
        {"GPM_MAX_BODY_BYTES", "99"},
        {"GPM_BETA_EXTRA_PAIRS", "false"},
        {"GPM_ZONEINFO_DIR", "/env/zoneinfo"},
        {"GPM_MAX_TENANTS", "50"},
        {"GPM_JOURNAL_SIZE", "7"},
        {"GPM_THROTTLING", "off"},
        {"GPM_THROTTLE_LIMIT", "9"},
        {"GPM_THROTTLE_WINDOW", "PT5S"},
        {"GPM_LOG_FORMAT", "text"},
        {"GPM_QUIET", "false"},
        {"GPM_READY_FILE", "/env/ready"},
        {"GPM_STATE_FILE", "/env/state.json"},
        {"GPM_FAULTS", "/env/faults.json"},
    });
    check_all_flags(config_of(kAllFlags));
  }

  TEST_CASE(
      "README a boolean flag can switch off what its variable switched "
      "on") {
    EnvScope env(
        Env{{"GPM_AUTO_CREATE_USERS", "true"}, {"GPM_BETA_EXTRA_PAIRS", "1"}});
    Config on = config_of({});
    CHECK(on.auto_create_users);
    CHECK(on.beta_extra_pairs);
    Config off =
        config_of({"--auto-create-users=false", "--beta-extra-pairs=0"});
    CHECK_FALSE(off.auto_create_users);
    CHECK_FALSE(off.beta_extra_pairs);
  }

  TEST_CASE(
      "README boolean variables accept true/false spellings; empty is "
      "false") {
    for (const char* yes : {"true", "1", "yes", "on"}) {
      CAPTURE(yes);
      EnvScope env(Env{{"GPM_AUTO_CREATE_USERS", yes}});
      CHECK(config_of({}).auto_create_users);
    }
    for (const char* no : {"false", "0", "no", "off", ""}) {
      CAPTURE(no);
      EnvScope env(Env{{"GPM_AUTO_CREATE_USERS", no}});
      CHECK_FALSE(config_of({}).auto_create_users);
    }
  }

  TEST_CASE("README a boolean flag does not swallow the next argument") {
    EnvScope env(Env{});
    Config c = config_of({"--auto-create-users", "--port", "1234",
                          "--beta-extra-pairs", "--auth", "off"});
    CHECK(c.auto_create_users);
    CHECK(c.beta_extra_pairs);
    CHECK(c.port == 1234);
    CHECK(c.auth == AuthMode::Off);
  }

  TEST_CASE("the last of a repeated flag wins; a value may contain '='") {
    EnvScope env(Env{});
    Config c = config_of({"--port", "1", "--port=2", "--fixtures=a=b.json"});
    CHECK(c.port == 2);
    CHECK(c.fixtures == "a=b.json");
  }

  TEST_CASE("D20 --clock-start applies an offset and keeps fractions") {
    EnvScope env(Env{});
    CHECK(config_of({"--clock", "manual", "--clock-start",
                     "2026-01-01T01:00:00+01:00"})
              .clock_start == instant("2026-01-01T00:00:00Z"));
    CHECK(
        config_of({"--clock=manual", "--clock-start=2026-01-01T00:00:00.250Z"})
            .clock_start == instant("2026-01-01T00:00:00.250Z"));
  }

  TEST_CASE(
      "R6.6 README --throttle-limit and --throttle-window take their "
      "bounds; the window keeps fractions") {
    EnvScope env(Env{});
    CHECK(config_of({"--throttle-limit", "1"}).throttle_limit == 1);
    CHECK(config_of({"--throttle-limit", "1000000"}).throttle_limit == 1000000);
    CHECK(config_of({"--throttle-window", "PT1S"}).throttle_window ==
          std::chrono::seconds(1));
    CHECK(config_of({"--throttle-window", "P1D"}).throttle_window ==
          std::chrono::hours(24));
    CHECK(config_of({"--throttle-window", "PT2.5S"}).throttle_window ==
          std::chrono::milliseconds(2500));
    CHECK(config_of({"--throttling", "off"}).throttling ==
          gpm::ThrottlingMode::Off);
  }

  TEST_CASE("README --port takes 0 and 65535 as bounds") {
    EnvScope env(Env{});
    CHECK(config_of({"--port", "0"}).port == 0);
    CHECK(config_of({"--port", "65535"}).port == 65535);
  }

  TEST_CASE("README bad values exit 2 with a message naming the flag") {
    EnvScope env(Env{});
    const std::vector<std::pair<std::vector<std::string>, std::string>> rows = {
        {{"--port", "70000"}, "--port"},
        {{"--port", "-1"}, "--port"},
        {{"--port", "abc"}, "--port"},
        {{"--port", "80x"}, "--port"},
        {{"--port", ""}, "--port"},
        {{"--port=99999999999999999999999"}, "--port"},
        {{"--clock", "sundial"}, "--clock"},
        {{"--clock", "Manual"}, "--clock"},
        {{"--clock-start", "yesterday"}, "--clock-start"},
        {{"--clock-start", "2026-02-30T00:00:00Z"}, "--clock-start"},
        {{"--auth", "strictest"}, "--auth"},
        {{"--threads", "0"}, "--threads"},
        {{"--threads", "4097"}, "--threads"},
        {{"--keep-alive-timeout", "0"}, "--keep-alive-timeout"},
        {{"--keep-alive-timeout", "3601"}, "--keep-alive-timeout"},
        {{"--max-body-bytes", "0"}, "--max-body-bytes"},
        {{"--max-body-bytes", "1073741825"}, "--max-body-bytes"},
        {{"--auto-create-users=maybe"}, "--auto-create-users"},
        {{"--beta-extra-pairs=2"}, "--beta-extra-pairs"},
        {{"--max-tenants", "0"}, "--max-tenants"},
        {{"--max-tenants", "1000001"}, "--max-tenants"},
        {{"--journal-size", "-1"}, "--journal-size"},
        {{"--journal-size", "10000001"}, "--journal-size"},
        {{"--throttling", "on"}, "--throttling"},
        {{"--throttling", "Graph"}, "--throttling"},
        {{"--throttle-limit", "0"}, "--throttle-limit"},
        {{"--throttle-limit", "1000001"}, "--throttle-limit"},
        {{"--throttle-limit", "1.5"}, "--throttle-limit"},
        {{"--throttle-window", "30"}, "--throttle-window"},
        {{"--throttle-window", "0:00:30"}, "--throttle-window"},
        {{"--throttle-window", "PT0S"}, "--throttle-window"},
        {{"--throttle-window", "PT0.5S"}, "--throttle-window"},
        {{"--throttle-window", "P1DT1S"}, "--throttle-window"},
        {{"--log-format", "xml"}, "--log-format"},
        {{"--quiet=loud"}, "--quiet"},
        {{"--ready-file"}, "--ready-file"},
        {{"--host", ""}, "--host"},
        {{"--host="}, "--host"},
        {{"--port"}, "--port"},
        {{"--fixtures"}, "--fixtures"},
        {{"--no-such-flag"}, "--no-such-flag"},
        {{"--clock-start", "2026-01-01T00:00:00Z"}, "--clock-start"},
        {{"--clock", "system", "--clock-start=2026-01-01T00:00:00Z"},
         "--clock manual"},
        {{"--quiet=maybe"}, "--quiet"},
        {{"--tls=2"}, "--tls"},
        {{"--quiet=truee"}, "--quiet"},
        {{"--Port", "1"}, "--Port"},
    };
    for (const auto& [args, flag] : rows) {
      CAPTURE(args.front());
      CAPTURE(args.size() > 1 ? args[1] : std::string("(no value)"));
      ExitRequest e = exit_of(args);
      CHECK(e.code == 2);
      CHECK(contains(e.text, flag));
      CHECK(contains(e.text, "--help"));
    }
  }

  TEST_CASE("README a positional argument exits 2 naming it") {
    EnvScope env(Env{});
    ExitRequest e = exit_of({"--port", "1", "serve"});
    CHECK(e.code == 2);
    CHECK(contains(e.text, "'serve'"));
    e = exit_of({"-p"});
    CHECK(e.code == 2);
    CHECK(contains(e.text, "'-p'"));
  }

  TEST_CASE("README a bad variable exits 2 naming its option") {
    for (auto [var, value, flag] :
         {std::tuple{"GPM_PORT", "abc", "--port"},
          std::tuple{"GPM_CLOCK", "sundial", "--clock"},
          std::tuple{"GPM_AUTH", "nope", "--auth"},
          std::tuple{"GPM_THREADS", "0", "--threads"},
          std::tuple{"GPM_AUTO_CREATE_USERS", "maybe", "--auto-create-users"},
          std::tuple{"GPM_CLOCK_START", "soon", "--clock-start"},
          std::tuple{"GPM_THROTTLING", "on", "--throttling"},
          std::tuple{"GPM_THROTTLE_LIMIT", "0", "--throttle-limit"},
          std::tuple{"GPM_THROTTLE_WINDOW", "30s", "--throttle-window"}}) {
      CAPTURE(var);
      EnvScope env(Env{{var, value}});
      ExitRequest e = exit_of({});
      CHECK(e.code == 2);
      CHECK(contains(e.text, flag));
    }
  }

  TEST_CASE(
      "README a flag wins even over an invalid variable; a bad "
      "variable is named in the message") {
    {
      EnvScope env(Env{{"GPM_PORT", "abc"}});
      CHECK(config_of({"--port", "9000"}).port == 9000);
      ExitRequest e = exit_of({});
      CHECK(e.code == 2);
      CHECK(contains(e.text, "GPM_PORT"));
    }
    EnvScope env(Env{});
    for (const char* bad : {" 80", "+80", "80 ", ""}) {
      CAPTURE(bad);
      CHECK(exit_of({"--port", bad}).code == 2);
    }
  }

  TEST_CASE(
      "README --help and -h exit 0 with the usage text listing every "
      "option and its variable") {
    EnvScope env(Env{});
    for (const char* flag : {"--help", "-h"}) {
      CAPTURE(flag);
      ExitRequest e = exit_of({flag});
      CHECK(e.code == 0);
      CHECK(e.text == gpm::usage_text());
    }
    const std::string usage = gpm::usage_text();
    for (const char* option : {"--host",
                               "--port",
                               "--fixtures",
                               "--clock ",
                               "--clock-start",
                               "--auth",
                               "--threads",
                               "--keep-alive-timeout",
                               "--auto-create-users",
                               "--me",
                               "--max-body-bytes",
                               "--beta-extra-pairs",
                               "--zoneinfo-dir",
                               "--max-tenants",
                               "--journal-size",
                               "--log-format",
                               "--quiet",
                               "--ready-file",
                               "--state-file",
                               "--help",
                               "--version",
                               "--throttling",
                               "--throttle-limit",
                               "--throttle-window",
                               "GPM_THROTTLING",
                               "GPM_THROTTLE_LIMIT",
                               "GPM_THROTTLE_WINDOW",
                               "GPM_MAX_TENANTS",
                               "GPM_JOURNAL_SIZE",
                               "GPM_LOG_FORMAT",
                               "GPM_QUIET",
                               "GPM_READY_FILE",
                               "GPM_STATE_FILE",
                               "GPM_HOST",
                               "GPM_PORT",
                               "GPM_FIXTURES",
                               "GPM_CLOCK",
                               "GPM_CLOCK_START",
                               "GPM_AUTH",
                               "GPM_THREADS",
                               "GPM_KEEP_ALIVE_TIMEOUT",
                               "GPM_AUTO_CREATE_USERS",
                               "GPM_ME",
                               "GPM_MAX_BODY_BYTES",
                               "GPM_BETA_EXTRA_PAIRS",
                               "GPM_ZONEINFO_DIR",
                               "--faults",
                               "GPM_FAULTS"}) {
      CAPTURE(option);
      CHECK(contains(usage, option));
    }
  }

  TEST_CASE(
      "README --check URL is a mode of its own: alone on the command "
      "line, in both forms; beside other options it exits 2") {
    EnvScope env(Env{});
    CHECK(gpm::check_url({"--check", "http://127.0.0.1:8080"}) ==
          std::optional<std::string>("http://127.0.0.1:8080"));
    CHECK(gpm::check_url({"--check=http://h:1/base"}) ==
          std::optional<std::string>("http://h:1/base"));
    CHECK_FALSE(gpm::check_url({}).has_value());
    CHECK_FALSE(gpm::check_url({"--port", "1"}).has_value());
    CHECK_FALSE(gpm::check_url({"--check"}).has_value());
    CHECK_FALSE(
        gpm::check_url({"--check", "http://h:1", "--port", "1"}).has_value());
    ExitRequest mixed = exit_of({"--port", "1", "--check", "http://h:1"});
    CHECK(mixed.code == 2);
    CHECK(contains(mixed.text, "--check URL takes no other options"));
    CHECK(exit_of({"--check"}).code == 2);
    CHECK(contains(gpm::usage_text(), "--check URL"));
  }

  TEST_CASE("README --version exits 0 with the project version") {
    EnvScope env(Env{});
    ExitRequest e = exit_of({"--version"});
    CHECK(e.code == 0);
    CHECK(e.text == std::string("graph-presence-mock ") + GPM_VERSION + "\n");
  }

  TEST_CASE(
      "README --help wins over bad option values before or after it; "
      "an unknown option before it still exits 2") {
    EnvScope env(Env{});
    CHECK(exit_of({"--help", "--port", "abc"}).code == 0);
    CHECK(exit_of({"--port", "abc", "--help"}).code == 0);
    CHECK(exit_of({"--no-such", "--help"}).code == 2);
  }

  TEST_CASE(
      "README boolean flags and variables take true/false, 1/0, "
      "yes/no, on/off in any case, and nothing else") {
    for (const char* yes : {"TRUE", "True", "YES", "Yes", "ON", "On", "tRuE"}) {
      CAPTURE(yes);
      {
        EnvScope env(Env{{"GPM_QUIET", yes}});
        CHECK(config_of({}).quiet);
      }
      EnvScope env(Env{});
      CHECK(config_of({std::string("--strict-session-id=") + yes})
                .strict_session_id);
    }
    for (const char* no : {"FALSE", "False", "NO", "No", "OFF", "Off"}) {
      CAPTURE(no);
      EnvScope env(Env{{"GPM_TLS", no}});
      CHECK_FALSE(config_of({}).tls);
    }
    for (const char* bad : {"maybe", "2", "y", "n", "enabled", "t", " true"}) {
      CAPTURE(bad);
      EnvScope env(Env{{"GPM_ACCEPT_UNSIGNED_TOKENS", bad}});
      ExitRequest e = exit_of({});
      CHECK(e.code == 2);
      CHECK(contains(e.text, "GPM_ACCEPT_UNSIGNED_TOKENS"));
      CHECK(contains(e.text, "--accept-unsigned-tokens"));
      CHECK(contains(e.text, "yes/no"));
    }
  }

  TEST_CASE("D20 --clock-start without --clock manual exits 2 naming both") {
    {
      EnvScope env(Env{});
      ExitRequest e = exit_of({"--clock-start", "2026-01-01T00:00:00Z"});
      CHECK(e.code == 2);
      CHECK(contains(e.text, "--clock-start needs --clock manual"));
      CHECK(config_of(
                {"--clock-start", "2026-01-01T00:00:00Z", "--clock", "manual"})
                .clock_start == instant("2026-01-01T00:00:00Z"));
    }
    {
      // Through the variables alike: a start with the system clock is
      // refused, the manual clock from its variable makes it work.
      EnvScope env(Env{{"GPM_CLOCK_START", "2026-01-01T00:00:00Z"}});
      CHECK(exit_of({}).code == 2);
      CHECK(config_of({"--clock", "manual"}).clock_start ==
            instant("2026-01-01T00:00:00Z"));
    }
  }

  TEST_CASE("README an unknown flag exits 2 suggesting the nearest flag") {
    EnvScope env(Env{});
    for (auto [given, suggested] :
         {std::pair{"--thread", "--threads"}, std::pair{"--Port", "--port"},
          std::pair{"--fixture", "--fixtures"},
          std::pair{"--clockstart", "--clock-start"},
          std::pair{"--hepl", "--help"},
          std::pair{"--max-conections=5", "--max-connections"},
          std::pair{"--tls-certout", "--tls-cert-out"}}) {
      CAPTURE(given);
      ExitRequest e = exit_of({given});
      CHECK(e.code == 2);
      CHECK(contains(e.text, std::string("; did you mean ") + suggested + "?"));
    }
    ExitRequest e = exit_of({"--thread", "4"});
    CHECK(contains(e.text, "unknown flag --thread; did you mean --threads?"));
    // Nothing near: no guess.
    for (const char* far : {"--no-such-flag", "--verbose", "--x"}) {
      CAPTURE(far);
      e = exit_of({far});
      CHECK(e.code == 2);
      CHECK(contains(e.text, std::string("unknown flag ") + far));
      CHECK_FALSE(contains(e.text, "did you mean"));
    }
  }

  TEST_CASE("nearest_flag picks the fewest edits within the slip bound") {
    const std::vector<std::string> flags = {"port", "host", "threads",
                                            "throttling"};
    CHECK(gpm::nearest_flag("prot", flags) == "port");
    CHECK(gpm::nearest_flag("hosts", flags) == "host");
    CHECK(gpm::nearest_flag("throtling", flags) == "throttling");
    CHECK(gpm::nearest_flag("THREADS", flags) == "threads");
    CHECK_FALSE(gpm::nearest_flag("fixtures", flags).has_value());
    CHECK_FALSE(gpm::nearest_flag("", flags).has_value());
    CHECK_FALSE(gpm::nearest_flag("port", {}).has_value());
  }

  TEST_CASE(
      "D17 --zoneinfo-dir without zone files is a problem naming the "
      "flag; a directory with one TZif file is not") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() /
                         ("gpm-zoneinfo-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "Europe");
    auto missing = gpm::zoneinfo_dir_problem((dir / "absent").string());
    REQUIRE(missing.has_value());
    CHECK(contains(*missing, "--zoneinfo-dir"));
    CHECK(contains(*missing, "not a directory"));
    auto empty = gpm::zoneinfo_dir_problem(dir.string());
    REQUIRE(empty.has_value());
    CHECK(contains(*empty, "--zoneinfo-dir " + dir.string()));
    CHECK(contains(*empty, "no time-zone"));
    std::ofstream(dir / "README") << "not a zone file";
    CHECK(gpm::zoneinfo_dir_problem(dir.string()).has_value());
    std::ofstream(dir / "Europe" / "Paris", std::ios::binary) << "TZif2rest";
    CHECK_FALSE(gpm::zoneinfo_dir_problem(dir.string()).has_value());
    // A regular file is not a directory.
    CHECK(gpm::zoneinfo_dir_problem((dir / "README").string()).has_value());
    fs::remove_all(dir);
  }

  TEST_CASE("process_env reads the real environment") {
    // PATH is set wherever tests run; the other name is nowhere.
    CHECK(gpm::process_env("PATH").has_value());
    CHECK_FALSE(gpm::process_env("GPM_NO_SUCH_VARIABLE_FOR_TESTS").has_value());
  }
}

TEST_SUITE("config: security defaults") {
  TEST_CASE(
      "Security --control-token and GPM_CONTROL_TOKEN set the token; none by "
      "default; empty is refused") {
    {
      EnvScope env(Env{});
      CHECK(config_of({}).control_token.empty());
      CHECK(config_of({"--control-token", "s3cret"}).control_token == "s3cret");
      CHECK(config_of({"--control-token=a=b"}).control_token == "a=b");
      ExitRequest e = exit_of({"--control-token", ""});
      CHECK(e.code == 2);
      CHECK(contains(e.text, "--control-token"));
    }
    {
      EnvScope env(Env{{"GPM_CONTROL_TOKEN", "from-env"}});
      CHECK(config_of({}).control_token == "from-env");
      CHECK(config_of({"--control-token", "flag"}).control_token == "flag");
    }
    CHECK(contains(gpm::usage_text(), "--control-token TOKEN"));
    CHECK(contains(gpm::usage_text(), "GPM_CONTROL_TOKEN"));
  }

  TEST_CASE(
      "Security only loopback hosts count as loopback (the rest get a warning "
      "at start)") {
    for (const char* host :
         {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LocalHost",
          "::ffff:127.0.0.1", "0:0:0:0:0:0:0:1"}) {
      CAPTURE(host);
      CHECK(gpm::is_loopback_host(host));
    }
    for (const char* host :
         {"0.0.0.0", "::", "[::]", "10.0.0.1", "192.168.1.2", "128.0.0.1",
          "::ffff:10.0.0.1", "example.com", "", "127.0.0.1.nip.io"}) {
      CAPTURE(host);
      CHECK_FALSE(gpm::is_loopback_host(host));
    }
  }
}
