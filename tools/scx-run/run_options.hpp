// tools/scx-run/run_options.hpp: scx-run's own option values (general_options.cpp) turned into
// scxx::RunOptions, each value parsed and range-checked here so that every bad one gets the same kind
// of one-line error: the option, the value given, what it must be.
#pragma once

#include <boost/program_options.hpp>

#include "scxx/result.hpp"
#include "scxx/runner.hpp"

namespace scx_run {

// --stats, --stats-format, --timeout-ms, --duration, --max-restarts, --verifier-log, --partial,
// --socket, --metrics-file from `vm` into `run`. Only the values' form is checked: the paths are
// looked at by check_run_paths (path_checks.hpp).
scxx::Result<void> read_run_options(const boost::program_options::variables_map& vm, scxx::RunOptions& run);

}  // namespace scx_run
