// scxx/observer.hpp: an observer tool's run (scx-corun, scx-opprof): its messages on stderr
// under its name, SIGINT/SIGTERM blocked at start, and the observation window: until a duration has
// passed or one of those signals arrives, whichever comes first.
#pragma once

#include <signal.h>

#include <optional>
#include <string>

namespace scxx {

// Blocks SIGINT and SIGTERM (to be taken by wait_for_signal_or_timeout) and routes the library's
// log to stderr as "<tool>: <message>". Returns the blocked set.
sigset_t start_observer(std::string tool);

// Returns after `seconds` (never when empty) or when a signal of `sigs` (blocked by the caller)
// arrives. Interrupted waits (EINTR) are resumed.
void wait_for_signal_or_timeout(const sigset_t& sigs, std::optional<double> seconds);

}  // namespace scxx
