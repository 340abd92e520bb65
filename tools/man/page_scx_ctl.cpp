// tools/man/page_scx_ctl.cpp: scx-ctl(8), the control-socket client's commands, options and exit
// status (docs/control-protocol.md is the protocol it speaks). Its text lives here as one table per
// section until scx-ctl's own declarations can feed it.
#include <string>
#include <vector>

#include <fmt/format.h>

#include "pages.hpp"
#include "roff.hpp"

namespace scxx_man {
namespace {

struct Entry {
    std::string tag;   // roff
    std::string body;  // plain text
};

std::vector<Entry> commands() {
    return {
        {bold("status"), "the running scheduler, its mode, every option's value, its state, uptime, restarts and "
                         "switches, the kernel and the runner's version and pid"},
        {fmt::format("{} [{} {}] [{}]", bold("stats"), bold("--watch"), italic("N"), bold("--json")),
         "the scheduler's current stats; with --watch, again every N seconds until interrupted"},
        {bold("meta"), "the stats' fields: name, type (counter, gauge, text, cpus), unit, help and section"},
        {fmt::format("{} {} {}", bold("set"), italic("KEY"), italic("VALUE")),
         "change an option the scheduler declares live, without re-attaching; other options need switch"},
        {fmt::format("{} {} [{} {}] [{}]", bold("switch"), italic("SCHED"), bold("--mode"), italic("M"),
                     option("--OPT=VALUE", "...")),
         "detach the running scheduler and attach SCHED with mode M and the options given; when SCHED is "
         "rejected, the previous scheduler comes back with its options"},
        {fmt::format("{} {}", bold("mode"), italic("NAME")),
         "apply the running scheduler's mode NAME: live when every option that changes is live, otherwise by "
         "re-attaching"},
        {bold("events"), "the kernel's sched_ext event counters (/sys/kernel/sched_ext/root/events)"},
        {bold("metrics"), "the stats as OpenMetrics text (what --metrics-file writes)"},
    };
}

std::vector<Entry> options() {
    return {
        {option("--socket", "PATH"), "the control socket (default /run/scxx/control.sock)"},
        {option("--timeout", "SECS"), "how long to wait for the runner's answer"},
        {bold("--json"), "print the response's result as JSON instead of text"},
    };
}

std::vector<Entry> exit_status() {
    return {
        {bold("0"), "the request succeeded"},
        {bold("1"), "the runner answered with an error (its code and one-line message are printed)"},
        {bold("2"), "a usage error: unknown command, missing or bad argument"},
        {bold("3"), "cannot connect: no runner is serving the socket, or permission denied"},
    };
}

void add(Page& page, const std::vector<Entry>& entries) {
    for (const auto& e : entries) page.tp(e.tag, text(e.body));
}

}  // namespace

std::string scx_ctl_page(const std::string& version) {
    Page page("SCX-CTL", 8, version, "System Administration");
    page.sh("NAME").raw("scx-ctl \\- control a running scx-run\n");
    page.sh("SYNOPSIS").raw(fmt::format("{} [{}] [{}] [{}] {} [{}]\n", bold("scx-ctl"), option("--socket", "PATH"),
                                        option("--timeout", "SECS"), bold("--json"), italic("COMMAND"),
                                        italic("ARGS")));
    page.sh("DESCRIPTION")
        .pp(text("scx-ctl sends one request to the control socket of a running scx-run(8) and prints the answer. "
                 "The socket is root's (mode 0600); requests from other users are refused. The protocol is one "
                 "JSON object a line (docs/control-protocol.md in the source tree)."));
    page.sh("COMMANDS");
    add(page, commands());
    page.sh("OPTIONS");
    add(page, options());
    page.sh("EXIT STATUS");
    add(page, exit_status());
    page.sh("EXAMPLES").example({"scx-ctl status", "scx-ctl stats --watch 1", "scx-ctl set slice-us 3000",
                                 "scx-ctl switch nest --mode powersave", "scx-ctl mode gaming"});
    page.sh("SEE ALSO").raw("scx\\-run(8), scxx(5)\n");
    return page.str();
}

}  // namespace scxx_man
