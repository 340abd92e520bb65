// main.cpp: scx-ctl, the control socket client of scx-run: parses the command line, connects, runs
// the command. Exit status: 0 ok, 1 error response, 2 usage error, 3 cannot connect.
#include <iostream>

#include <fmt/format.h>

#include "cli.hpp"
#include "commands.hpp"
#include "control_client.hpp"
#include "protocol.hpp"

int main(int argc, char** argv) {
    using namespace scxctl;
    auto cmd = parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
    if (!cmd) {
        std::cerr << "scx-ctl: error: " << cmd.error().message() << "\n";
        return kExitUsage;
    }
    if (cmd->help) {
        std::cout << usage();
        return kExitOk;
    }
    const bool slow = cmd->name == "switch" || cmd->name == "mode";
    const double timeout_s = cmd->timeout_s.value_or(slow ? 120.0 : 10.0);
    const auto timeout = std::chrono::milliseconds(static_cast<long>(timeout_s * 1000));
    auto client = ControlClient::connect(cmd->socket, timeout);
    if (!client) {
        const int e = client.error().errnum();
        const char* fix = (e == EACCES || e == EPERM) ? "run as root"
                          : e == ENOTSOCK ? "give the control socket's path: --socket PATH"
                                          : "is scx-run running? (scx-run --sched NAME, or systemctl start scxx)";
        std::cerr << fmt::format("scx-ctl: error: {}; {}\n", client.error().what(), fix);
        return kExitConnect;
    }
    Session session(std::move(*client), [path = cmd->socket, timeout] { return ControlClient::connect(path, timeout); });
    return run_command(*cmd, session, std::cout, std::cerr);
}
