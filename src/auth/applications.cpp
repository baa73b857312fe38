#include "auth/applications.h"

#include "core/ascii.h"

namespace gpm::auth {

const Application* find_application(const std::vector<Application>& apps,
                                    std::string_view client_id) {
  for (const Application& a : apps) {
    if (core::iequals(a.client_id, client_id)) return &a;
  }
  return nullptr;
}

}  // namespace gpm::auth
