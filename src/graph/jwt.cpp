#include "graph/jwt.h"

#include <nlohmann/json.hpp>

namespace gpm::graph {

std::optional<std::string> base64url_decode(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-' || c == '+') return 62;
    if (c == '_' || c == '/') return 63;
    return -1;
  };
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    int v = value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

TokenClaims decode_token(std::string_view token) {
  TokenClaims c;
  auto first = token.find('.');
  if (first == std::string_view::npos) return c;
  auto second = token.find('.', first + 1);
  if (second == std::string_view::npos ||
      token.find('.', second + 1) != std::string_view::npos) {
    return c;
  }
  auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
  if (!payload) return c;
  auto j = nlohmann::json::parse(*payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return c;
  c.is_jwt = true;
  auto str = [&](const char* key) -> std::optional<std::string> {
    auto it = j.find(key);
    if (it != j.end() && it->is_string()) return it->get<std::string>();
    return std::nullopt;
  };
  c.oid = str("oid");
  c.tid = str("tid");
  c.appid = str("appid");
  if (!c.appid) c.appid = str("azp");
  auto scp = j.find("scp");
  c.has_scp =
      scp != j.end() && scp->is_string() && !scp->get<std::string>().empty();
  auto roles = j.find("roles");
  c.has_roles = roles != j.end() && roles->is_array() && !roles->empty();
  if (c.has_scp) {
    const std::string& text = scp->get_ref<const std::string&>();
    size_t i = 0;
    while (i < text.size()) {
      size_t k = text.find(' ', i);
      if (k == std::string::npos) k = text.size();
      if (k > i) c.scopes.push_back(text.substr(i, k - i));
      i = k + 1;
    }
  }
  if (c.has_roles) {
    for (const auto& r : *roles) {
      if (r.is_string()) c.roles.push_back(r.get<std::string>());
    }
  }
  return c;
}

}  // namespace gpm::graph
