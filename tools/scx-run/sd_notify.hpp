// tools/scx-run/sd_notify.hpp: systemd's readiness protocol for a Type=notify service, spoken
// directly (Debian ships no static libsystemd and scx-run is linked statically): one datagram of
// "KEY=VALUE" lines to the unix socket named by $NOTIFY_SOCKET ('@' = the abstract namespace).
// Without $NOTIFY_SOCKET nothing is sent. Errors are returned, never fatal.
#pragma once

#include <string>
#include <string_view>

#include "scxx/result.hpp"

namespace scx_run {

// Sends `message` (e.g. "READY=1\nSTATUS=lavd enabled") as one datagram to `address`: an absolute
// path, or '@' followed by an abstract socket name.
scxx::Result<void> notify_socket_send(std::string_view address, std::string_view message);

// $NOTIFY_SOCKET, when set, is an address notify_socket_send can use (checked before anything is
// loaded: a Type=notify service whose READY=1 cannot be sent would only time out).
scxx::Result<void> check_notify_socket();

// notify_socket_send to $NOTIFY_SOCKET; true when sent, false when $NOTIFY_SOCKET is unset or empty.
scxx::Result<bool> sd_notify(std::string_view message);

// RunOptions::on_state for systemd: the first "attached" sends READY=1 and STATUS=<sched> enabled,
// later ones (restart, switch) STATUS=<sched> enabled; "stopping" sends STOPPING=1. A failed send
// is logged as a warning (once) and the run goes on.
class ServiceNotifier {
public:
    void operator()(std::string_view state, std::string_view sched);

private:
    bool ready_sent_ = false;
    bool warned_ = false;
};

}  // namespace scx_run
