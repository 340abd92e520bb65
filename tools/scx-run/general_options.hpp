// tools/scx-run/general_options.hpp: scx-run's own options (not a scheduler's) as one
// Boost.Program_options description, shared by scx-run and the man page generator (tools/man), so
// scx-run(8) cannot drift from --help.
#pragma once

#include <boost/program_options.hpp>

#ifndef SCXX_MODES_DIR
#define SCXX_MODES_DIR "/etc/scxx/modes"
#endif

namespace scx_run {

// Where --modes-dir points by default: <prefix>/<sysconfdir>/scxx/modes, set by meson.
inline constexpr const char* kDefaultModesDir = SCXX_MODES_DIR;
inline constexpr const char* kDefaultSocket = "/run/scxx/control.sock";
inline constexpr const char* kDefaultVerifierLog = "/tmp/scx-run-verifier.log";

boost::program_options::options_description general_options();

}  // namespace scx_run
