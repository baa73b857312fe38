// --state-file: every tenant's state saved as fixture documents on clean
// shutdown and restored at start ({"tenants": {"<id>": document}}).
// Depends on graph (fixtures, state JSON) and store. Not thread-safe with
// respect to concurrent requests: call before serving or after stopping.
#pragma once

#include <string>

#include "app/service.h"

namespace gpm::http {

// Restores the tenants in `path` if the file exists. Throws
// graph::FixtureError naming the file and JSON path on a bad document.
void restore_state_file(Service& s, const std::string& path);

// Writes every tenant to `path` atomically (temporary file, fsync, rename).
// Returns false with `error` set on failure.
bool save_state_file(Service& s, const std::string& path, std::string& error);

// Writes `text` to `path` atomically (temporary file, fsync, rename).
bool write_file_atomically(const std::string& path, const std::string& text,
                           std::string& error);

}  // namespace gpm::http
