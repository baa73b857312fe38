#include "http/request.h"

#include <algorithm>

namespace gpm::http {
bool CaseInsensitiveLess::operator()(std::string_view a,
                                     std::string_view b) const {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  for (size_t i = 0; i < n; ++i) {
    char x = core::ascii_lower(a[i]), y = core::ascii_lower(b[i]);
    if (x != y)
      return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
  }
  return a.size() < b.size();
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  size_t n = std::max(a.size(), b.size());
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned>(x ^ y);
  }
  // Keep the compiler from ending the loop early on a difference.
  volatile unsigned sink = diff;
  return sink == 0;
}

namespace {
std::string_view media_type_of(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) {
    media.remove_suffix(1);
  }
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) {
    media.remove_prefix(1);
  }
  return media;
}
}  // namespace

bool is_json_media_type(std::string_view content_type) {
  return iequals(media_type_of(content_type), "application/json");
}

bool is_form_media_type(std::string_view content_type) {
  return iequals(media_type_of(content_type),
                 "application/x-www-form-urlencoded");
}

bool is_readable_body_media_type(std::string_view content_type) {
  return is_json_media_type(content_type) || is_form_media_type(content_type);
}

std::string HttpRequest::header(std::string_view name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

bool HttpRequest::has_header(std::string_view name) const {
  return headers.find(name) != headers.end();
}

void HttpResponse::set_header(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (iequals(k, name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return {};
}

}  // namespace gpm::http
