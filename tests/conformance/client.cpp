#include "client.h"

#include <fcntl.h>
#include <httplib.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <memory>
#include <random>
#include <sstream>

namespace conformance {

using nlohmann::json;
using namespace std::chrono_literals;

Options& options() {
  static Options opts;
  return opts;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool CaseInsensitiveLess::operator()(const std::string& a,
                                     const std::string& b) const {
  return lower(a) < lower(b);
}

namespace {

std::optional<json> parse_json(const std::string& body) {
  if (body.empty()) return std::nullopt;
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

std::string describe_common(int status, const std::string& error,
                            const Headers& headers, const std::string& body) {
  std::ostringstream out;
  out << "status " << status;
  if (!error.empty()) out << " (" << error << ")";
  auto ct = headers.find("Content-Type");
  if (ct != headers.end()) out << ", Content-Type '" << ct->second << "'";
  out << ", body[" << body.size() << "] '"
      << body.substr(0, std::min<std::size_t>(body.size(), 300)) << "'";
  return out.str();
}

struct Endpoint {
  std::string scheme;
  std::string host;
  int port = 0;
};

Endpoint endpoint() {
  Endpoint ep;
  std::string url = options().base_url;
  auto scheme_end = url.find("://");
  ep.scheme =
      scheme_end == std::string::npos ? "http" : url.substr(0, scheme_end);
  std::string rest =
      scheme_end == std::string::npos ? url : url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('/'));
  auto colon = rest.rfind(':');
  if (colon != std::string::npos) {
    ep.host = rest.substr(0, colon);
    ep.port = std::atoi(rest.c_str() + colon + 1);
  } else {
    ep.host = rest;
    ep.port = ep.scheme == "https" ? 443 : 80;
  }
  return ep;
}

httplib::Client& thread_client() {
  thread_local std::unique_ptr<httplib::Client> client;
  thread_local std::string client_url;
  if (!client || client_url != options().base_url) {
    std::string url = options().base_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    client = std::make_unique<httplib::Client>(url);
    client->set_tcp_nodelay(true);
    client->set_keep_alive(true);
    client->set_connection_timeout(5, 0);
    client->set_read_timeout(5, 0);
    client->set_write_timeout(5, 0);
    client->set_url_encode(false);
    client->set_decompress(false);
    if (!options().ca_cert.empty()) client->set_ca_cert_path(options().ca_cert);
    client->enable_server_certificate_verification(true);
    client_url = options().base_url;
  }
  return *client;
}

std::string error_name(httplib::Error e) { return httplib::to_string(e); }

}  // namespace

bool Reply::has_header(const std::string& name) const {
  return headers.find(name) != headers.end();
}

std::string Reply::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

std::string Reply::describe() const {
  return describe_common(status, error, headers, body);
}

std::string RawReply::describe() const {
  return describe_common(status, error, headers, body);
}

Reply request(const std::string& method, const std::string& path,
              const std::optional<std::string>& body, const Headers& headers,
              Auth auth) {
  httplib::Request req;
  req.method = method;
  req.path = path;
  for (const auto& [name, value] : headers) req.headers.emplace(name, value);
  if (auth == Auth::Bearer && headers.find("Authorization") == headers.end()) {
    req.headers.emplace("Authorization", "Bearer " + options().token);
  }
  if (body) {
    req.body = *body;
    if (headers.find("Content-Type") == headers.end()) {
      req.headers.emplace("Content-Type", "application/json");
    }
    // httplib announces a zero-length body only for POST/PUT/PATCH; say it
    // for every method that carries one.
    if (body->empty() && headers.find("Content-Length") == headers.end()) {
      req.headers.emplace("Content-Length", "0");
    }
  }

  httplib::Response res;
  httplib::Error err = httplib::Error::Success;
  Reply reply;
  if (!thread_client().send(req, res, err)) {
    reply.error = "transport: " + error_name(err);
    return reply;
  }
  reply.status = res.status;
  for (const auto& [name, value] : res.headers)
    reply.headers.emplace(name, value);
  reply.body = res.body;
  reply.json = parse_json(reply.body);
  return reply;
}

// ---- Graph paths ----------------------------------------------------------

std::string to_string(PathForm form) {
  switch (form) {
    case PathForm::Users:
      return "users";
    case PathForm::Me:
      return "me";
    case PathForm::Communications:
      return "communications";
  }
  return "?";
}

std::string presence_path(std::string_view version, PathForm form,
                          const std::string& user) {
  std::string root = "/" + std::string(version);
  switch (form) {
    case PathForm::Users:
      return root + "/users/" + user + "/presence";
    case PathForm::Me:
      return root + "/me/presence";
    case PathForm::Communications:
      return root + "/communications/presences/" + user;
  }
  return root;
}

Reply get_presence(std::string_view version, PathForm form,
                   const std::string& user, const Headers& headers) {
  return request("GET", presence_path(version, form, user), std::nullopt,
                 headers);
}

Reply set_presence(std::string_view version, PathForm form,
                   const std::string& user, const std::string& session_id,
                   const std::string& availability, const std::string& activity,
                   const std::optional<std::string>& expiration_duration,
                   const Headers& headers) {
  json body = {{"sessionId", session_id},
               {"availability", availability},
               {"activity", activity}};
  if (expiration_duration) body["expirationDuration"] = *expiration_duration;
  return request("POST", presence_path(version, form, user) + "/setPresence",
                 body.dump(), headers);
}

Reply clear_presence(std::string_view version, PathForm form,
                     const std::string& user, const std::string& session_id,
                     const Headers& headers) {
  json body = {{"sessionId", session_id}};
  return request("POST", presence_path(version, form, user) + "/clearPresence",
                 body.dump(), headers);
}

Reply set_preferred(std::string_view version, PathForm form,
                    const std::string& user, const std::string& availability,
                    const std::string& activity,
                    const std::optional<std::string>& expiration_duration) {
  json body = {{"availability", availability}, {"activity", activity}};
  if (expiration_duration) body["expirationDuration"] = *expiration_duration;
  return request(
      "POST", presence_path(version, form, user) + "/setUserPreferredPresence",
      body.dump());
}

Reply clear_preferred(std::string_view version, PathForm form,
                      const std::string& user) {
  return request(
      "POST",
      presence_path(version, form, user) + "/clearUserPreferredPresence", "{}");
}

Reply set_status_message(std::string_view version, PathForm form,
                         const std::string& user, const json& status_message,
                         const Headers& headers) {
  json body = {{"statusMessage", status_message}};
  return request("POST",
                 presence_path(version, form, user) + "/setStatusMessage",
                 body.dump(), headers);
}

Reply get_presences_by_user_id(std::string_view version, const json& body) {
  return request(
      "POST",
      "/" + std::string(version) + "/communications/getPresencesByUserId",
      body.dump());
}

json presence_state(const std::string& user, const Headers& headers) {
  Reply r = get_presence("v1.0", PathForm::Users, user, headers);
  if (r.status != 200 || !r.json || !r.json->is_object()) return nullptr;
  json state = *r.json;
  state.erase("@odata.context");
  return state;
}

std::pair<std::string, std::string> availability_activity(
    const std::string& user, const Headers& headers) {
  json state = presence_state(user, headers);
  if (!state.is_object() || !state.contains("availability") ||
      !state.contains("activity") || !state["availability"].is_string() ||
      !state["activity"].is_string()) {
    return {"", ""};
  }
  return {state["availability"].get<std::string>(),
          state["activity"].get<std::string>()};
}

// ---- Control plane --------------------------------------------------------

Reply reset() { return request("POST", "/_mock/reset", "{}"); }

Reply advance_clock(const std::string& iso_duration) {
  return request("POST", "/_mock/clock",
                 json{{"advance", iso_duration}}.dump());
}

Reply set_clock(const std::string& instant) {
  return request("POST", "/_mock/clock", json{{"now", instant}}.dump());
}

std::optional<TimePoint> clock_now() {
  Reply r = request("GET", "/_mock/clock");
  if (r.status != 200 || !r.json || !r.json->is_object() ||
      !r.json->contains("now") || !(*r.json)["now"].is_string()) {
    return std::nullopt;
  }
  return parse_instant((*r.json)["now"].get<std::string>());
}

std::string format_local(TimePoint t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<seconds> hms{floor<seconds>(t - day)};
  char buf[32];
  std::snprintf(
      buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d",
      static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
      static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
      static_cast<int>(hms.minutes().count()),
      static_cast<int>(hms.seconds().count()));
  return buf;
}

std::optional<TimePoint> parse_instant(std::string_view text) {
  using namespace std::chrono;
  auto number = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    if (pos + len > text.size()) return std::nullopt;
    int value = 0;
    auto [ptr, ec] =
        std::from_chars(text.data() + pos, text.data() + pos + len, value);
    if (ec != std::errc() || ptr != text.data() + pos + len)
      return std::nullopt;
    return value;
  };
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  auto y = number(0, 4), mo = number(5, 2), d = number(8, 2), h = number(11, 2),
       mi = number(14, 2), s = number(17, 2);
  if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
  year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)},
                     day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  milliseconds frac{0};
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int scale = 100;
    while (pos < text.size() &&
           std::isdigit(static_cast<unsigned char>(text[pos]))) {
      frac += milliseconds{(text[pos] - '0') * scale};
      scale /= 10;
      ++pos;
    }
  }
  return TimePoint{sys_days{ymd}} + hours{*h} + minutes{*mi} + seconds{*s} +
         frac;
}

// ---- Tenants and the control plane ------------------------------------

std::string in_tenant(std::string_view tenant, std::string_view path) {
  if (tenant.empty()) return std::string(path);
  return "/tenants/" + std::string(tenant) + std::string(path);
}

std::string unique_tenant(std::string_view stem) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<unsigned> hex(0, 15);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(stem);
  out += '-';
  for (int i = 0; i < 12; ++i) out += kHex[hex(rng)];
  return out;
}

Reply control(const std::string& method, const std::string& path,
              const std::optional<json>& body) {
  std::optional<std::string> text;
  if (body) text = body->dump();
  return request(method, path, text, {}, Auth::None);
}

std::string format_instant(TimePoint t) {
  using namespace std::chrono;
  auto ms = (t - floor<seconds>(t)).count();
  char buf[8];
  std::snprintf(buf, sizeof buf, ".%03dZ", static_cast<int>(ms));
  return format_local(t) + buf;
}

std::optional<TimePoint> tenant_now(std::string_view tenant) {
  Reply r = control("GET", in_tenant(tenant, "/_mock/clock"));
  if (r.status != 200 || !r.json || !r.json->is_object() ||
      !r.json->contains("now") || !(*r.json)["now"].is_string()) {
    return std::nullopt;
  }
  return parse_instant((*r.json)["now"].get<std::string>());
}

Reply get_presence_in(std::string_view tenant, const std::string& user,
                      const Headers& headers) {
  return request(
      "GET", in_tenant(tenant, presence_path("v1.0", PathForm::Users, user)),
      std::nullopt, headers);
}

Reply set_presence_in(std::string_view tenant, const std::string& user,
                      const std::string& session_id,
                      const std::string& availability,
                      const std::string& activity,
                      const std::optional<std::string>& expiration_duration,
                      const Headers& headers) {
  json body = {{"sessionId", session_id},
               {"availability", availability},
               {"activity", activity}};
  if (expiration_duration) body["expirationDuration"] = *expiration_duration;
  return request(
      "POST",
      in_tenant(tenant,
                presence_path("v1.0", PathForm::Users, user) + "/setPresence"),
      body.dump(), headers);
}

Reply clear_presence_in(std::string_view tenant, const std::string& user,
                        const std::string& session_id, const Headers& headers) {
  json body = {{"sessionId", session_id}};
  return request(
      "POST",
      in_tenant(tenant, presence_path("v1.0", PathForm::Users, user) +
                            "/clearPresence"),
      body.dump(), headers);
}

// ---- Raw TCP ----------------------------------------------------------------

std::string host_header() {
  Endpoint ep = endpoint();
  return "Host: " + ep.host + ":" + std::to_string(ep.port) + "\r\n";
}

namespace {

// The client context of every raw TLS connection: peer verified against
// --ca-cert (or the system store); a peer that ends without close_notify
// reads as an ordinary end of stream, as on plain TCP.
SSL_CTX* raw_tls_context() {
  static SSL_CTX* ctx = [] {
    SSL_CTX* c = SSL_CTX_new(TLS_client_method());
    if (c == nullptr) return c;
    SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_options(c, SSL_OP_IGNORE_UNEXPECTED_EOF);
    if (options().ca_cert.empty()) {
      SSL_CTX_set_default_verify_paths(c);
    } else {
      SSL_CTX_load_verify_locations(c, options().ca_cert.c_str(), nullptr);
    }
    return c;
  }();
  return ctx;
}

}  // namespace

RawConnection::RawConnection() {
  Endpoint ep = endpoint();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string port = std::to_string(ep.port);
  if (getaddrinfo(ep.host.c_str(), port.c_str(), &hints, &found) != 0 ||
      found == nullptr) {
    error_ = "cannot resolve " + ep.host;
    return;
  }
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) continue;
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    // No Nagle delay: a TLS Finished followed by a request would otherwise
    // wait ~40 ms for the server's delayed ACK.
    int yes = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
      fd_ = fd;
      break;
    }
    ::close(fd);
  }
  freeaddrinfo(found);
  if (fd_ < 0) error_ = "cannot connect to " + ep.host + ":" + port;
  if (fd_ >= 0 && ep.scheme == "https") {
    SSL_CTX* ctx = raw_tls_context();
    SSL* ssl = ctx != nullptr ? SSL_new(ctx) : nullptr;
    bool ok = ssl != nullptr && SSL_set_fd(ssl, fd_) == 1;
    if (ok) {
      // The name or address in the URL must be in the certificate.
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
      std::string host = ep.host;
      if (host.size() > 2 && host.front() == '[')
        host = host.substr(1, host.size() - 2);
      if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) {
        SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 host.data());
        X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
      }
      ERR_clear_error();
      ok = SSL_connect(ssl) == 1;
    }
    if (!ok) {
      error_ = "TLS handshake with " + ep.host + ":" + port + " failed";
      if (ssl != nullptr) SSL_free(ssl);
      ::close(fd_);
      fd_ = -1;
    } else {
      ssl_ = ssl;
    }
  }
  started_ = std::chrono::steady_clock::now();
}

RawConnection::~RawConnection() {
  if (ssl_ != nullptr) SSL_free(static_cast<SSL*>(ssl_));
  if (fd_ >= 0) ::close(fd_);
}

long RawConnection::receive(char* buf, std::size_t size) {
  if (ssl_ == nullptr) {
    ssize_t n = ::recv(fd_, buf, size, 0);
    if (n < 0) error_ = "recv failed (connection reset?)";
    return n;
  }
  SSL* ssl = static_cast<SSL*>(ssl_);
  ERR_clear_error();
  errno = 0;
  int n = SSL_read(ssl, buf, static_cast<int>(size));
  if (n > 0) return n;
  int err = SSL_get_error(ssl, n);
  if (err == SSL_ERROR_ZERO_RETURN) return 0;
  if (err == SSL_ERROR_SYSCALL && errno == 0) return 0;
  error_ = err == SSL_ERROR_SYSCALL ? "recv failed (connection reset?)"
                                    : "recv failed (TLS error)";
  return -1;
}

bool RawConnection::send_all(std::string_view bytes) {
  if (fd_ < 0) return false;
  while (!bytes.empty()) {
    ssize_t n;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      n = SSL_write(
          static_cast<SSL*>(ssl_), bytes.data(),
          static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 20)));
    } else {
      n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    }
    if (n <= 0) {
      error_ = "send failed";
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void RawConnection::finish_sending() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

bool RawConnection::readable(std::chrono::milliseconds wait) {
  if (fd_ < 0) return false;
  if (!buffered_.empty()) return true;
  if (ssl_ == nullptr) {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(wait.count())) > 0;
  }
  // Over TLS a readable socket may carry only handshake records (session
  // tickets): peek without blocking until application data or the end.
  SSL* ssl = static_cast<SSL*>(ssl_);
  const auto until = std::chrono::steady_clock::now() + wait;
  for (;;) {
    if (SSL_pending(ssl) > 0) return true;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::max<long>(left.count(), 0))) <= 0) {
      return false;
    }
    int flags = ::fcntl(fd_, F_GETFL);
    ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
    char byte;
    ERR_clear_error();
    int n = SSL_peek(ssl, &byte, 1);
    int err = n > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl, n);
    ::fcntl(fd_, F_SETFL, flags);
    if (err != SSL_ERROR_WANT_READ) return true;  // data, end or error
    if (left.count() <= 0) return false;
  }
}

RawReply RawConnection::read_reply(std::chrono::milliseconds timeout) {
  RawReply reply;
  if (fd_ < 0) {
    reply.error = error_;
    return reply;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool eof = false;
  // Reads more bytes into buffered_; false on timeout, error or EOF.
  auto fill = [&]() -> bool {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      reply.error = "timed out";
      return false;
    }
    pollfd p{fd_, POLLIN, 0};
    bool pending = ssl_ != nullptr && SSL_pending(static_cast<SSL*>(ssl_)) > 0;
    if (!pending && ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      reply.error = "timed out";
      return false;
    }
    char chunk[65536];
    long n = receive(chunk, sizeof chunk);
    if (n <= 0) {
      eof = true;
      if (n < 0) reply.error = error_;
      return false;
    }
    buffered_.append(chunk, static_cast<std::size_t>(n));
    return true;
  };

  std::size_t head_end;
  while ((head_end = buffered_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) {
      if (reply.error.empty()) reply.error = "connection closed before headers";
      return reply;
    }
  }
  std::string head = buffered_.substr(0, head_end);
  buffered_.erase(0, head_end + 4);

  std::istringstream lines(head);
  std::string line;
  std::getline(lines, line);
  if (line.rfind("HTTP/1.", 0) != 0 || line.size() < 12) {
    reply.error = "bad status line: " + line;
    return reply;
  }
  reply.status = std::atoi(line.c_str() + 9);
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    auto first = value.find_first_not_of(" \t");
    value = first == std::string::npos ? "" : value.substr(first);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
      value.pop_back();
    }
    reply.headers.emplace(line.substr(0, colon), value);
  }

  auto te = reply.headers.find("Transfer-Encoding");
  auto cl = reply.headers.find("Content-Length");
  if (te != reply.headers.end() && lower(te->second) == "chunked") {
    for (;;) {
      std::size_t eol;
      while ((eol = buffered_.find("\r\n")) == std::string::npos) {
        if (!fill()) return reply;
      }
      std::size_t size = std::stoul(buffered_.substr(0, eol), nullptr, 16);
      buffered_.erase(0, eol + 2);
      while (buffered_.size() < size + 2) {
        if (!fill()) return reply;
      }
      reply.body += buffered_.substr(0, size);
      buffered_.erase(0, size + 2);
      if (size == 0) break;
    }
  } else if (cl != reply.headers.end()) {
    std::size_t size = std::stoul(cl->second);
    while (buffered_.size() < size) {
      if (!fill()) {
        reply.error = "body shorter than Content-Length";
        return reply;
      }
    }
    reply.body = buffered_.substr(0, size);
    buffered_.erase(0, size);
  } else if (reply.status >= 200 && reply.status != 204 &&
             reply.status != 304) {
    while (!eof && fill()) {
    }
    reply.error.clear();
    reply.body = std::move(buffered_);
    buffered_.clear();
  }
  reply.json = parse_json(reply.body);
  reply.elapsed = std::chrono::steady_clock::now() - started_;
  return reply;
}

RawReply raw_exchange(std::string_view bytes,
                      std::chrono::milliseconds timeout) {
  RawConnection conn;
  if (!conn.connected()) {
    RawReply r;
    r.error = conn.error();
    return r;
  }
  // A failed send may still leave a reply to read (the server answered early).
  conn.send_all(bytes);
  return conn.read_reply(timeout);
}

// ---- Tokens and ids ---------------------------------------------------------

std::string base64url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  auto byte = [&](std::size_t k) {
    return static_cast<unsigned>(static_cast<unsigned char>(bytes[k]));
  };
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (bytes.size() - i == 1) {
    unsigned v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (bytes.size() - i == 2) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::string unsigned_jwt(const json& payload) {
  const json header = {{"alg", "none"}, {"typ", "JWT"}};
  return base64url(header.dump()) + "." + base64url(payload.dump()) + ".";
}

std::string app_jwt(const std::string& app_id) {
  return unsigned_jwt(
      {{"roles", json::array({"Presence.ReadWrite.All"})}, {"appid", app_id}});
}

std::string delegated_jwt(const std::string& user, const std::string& app_id) {
  return unsigned_jwt({{"scp", "Presence.Read.All Presence.ReadWrite"},
                       {"oid", user},
                       {"appid", app_id}});
}

Headers bearer(const std::string& token) {
  return Headers{{"Authorization", "Bearer " + token}};
}

std::string random_guid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<unsigned> hex(0, 15);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    out += kHex[hex(rng)];
  }
  out[14] = '4';
  return out;
}

bool is_guid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace conformance
