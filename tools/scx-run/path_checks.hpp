// tools/scx-run/path_checks.hpp: the files scx-run will write (the control socket, --metrics-file,
// the verifier log) looked at before anything is loaded, so that a path that cannot work is a usage
// error up front instead of a failure after the scheduler attached. Nothing is created or removed.
#pragma once

#include "scxx/result.hpp"
#include "scxx/runner.hpp"

namespace scx_run {

// The socket path as scxx::check_control_socket_path sees it (`check_live`: another runner answering
// on it is an error too); the --metrics-file's directory exists, is a directory and is writable, and
// the file is no directory; the verifier log is no directory.
scxx::Result<void> check_run_paths(const scxx::RunOptions& run, bool check_live);

}  // namespace scx_run
