// commands.hpp: each scx-ctl command: the requests it sends and what it prints.
#pragma once

#include <iosfwd>

#include "cli.hpp"
#include "protocol.hpp"

namespace scxctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitServerError = 1;  // an error response, or no usable response
inline constexpr int kExitUsage = 2;
inline constexpr int kExitConnect = 3;

// Runs `c` over `session`, printing results on `out` and errors on `err`; returns the exit status.
int run_command(const Command& c, Session& session, std::ostream& out, std::ostream& err);

}  // namespace scxctl
