#include "app/state_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "formats/fixtures.h"
#include "graph/graph_json.h"
#include "formats/state_json.h"

namespace gpm::http {

bool write_file_atomically(const std::string& path, const std::string& text,
                           std::string& error) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = tmp + ": " + std::strerror(errno);
    return false;
  }
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = tmp + ": " + std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return false;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    error = tmp + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    error = path + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

void restore_state_file(Service& s, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return;  // nothing saved yet
  std::ostringstream ss;
  ss << in.rdbuf();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw graph::FixtureError(path + ": $: invalid JSON at byte " +
                              std::to_string(e.byte));
  } catch (const nlohmann::json::exception&) {
    // 1e999: out_of_range, not a parse_error.
    throw graph::FixtureError(path +
                              ": $: invalid JSON: a number is out of range");
  }
  if (!doc.is_object() || !doc.contains("tenants") ||
      !doc["tenants"].is_object()) {
    throw graph::FixtureError(path + ": $.tenants: must be an object");
  }
  for (const auto& [id, tenant_doc] : doc["tenants"].items()) {
    if (!store::is_valid_tenant_id(id)) {
      throw graph::FixtureError(path + ": $.tenants." + id +
                                ": not a valid tenant id");
    }
    auto t = s.tenants->find_or_create(store::to_lower_ascii(id));
    if (!t) {
      throw graph::FixtureError(path + ": $.tenants: more than --max-tenants");
    }
    auto snap = graph::parse_fixture_document(
        tenant_doc, path + " (tenant " + id + ")", t->clock().now(),
        *s.zones);
    t->store.replace_all(std::move(snap));
  }
}

bool save_state_file(Service& s, const std::string& path, std::string& error) {
  nlohmann::ordered_json doc;
  doc["tenants"] = nlohmann::ordered_json::object();
  for (const auto& t : s.tenants->all()) {
    core::TimePoint now = t->clock().now();
    nlohmann::ordered_json tenant_doc;
    if (auto me = t->store.me()) tenant_doc["me"] = *me;
    nlohmann::ordered_json users = nlohmann::ordered_json::array();
    t->store.read_all([&](const store::User& u) {
      users.push_back(graph::fixture_user_json(u, now));
    });
    tenant_doc["users"] = std::move(users);
    doc["tenants"][t->id] = std::move(tenant_doc);
  }
  return write_file_atomically(path, graph::dump(doc) + "\n", error);
}

}  // namespace gpm::http
