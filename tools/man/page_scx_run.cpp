// tools/man/page_scx_run.cpp: scx-run(8), generated from the same declarations scx-run uses: its
// general options (general_options.cpp), every registered scheduler's OptionDecl list, and every
// scheduler's modes file. Nothing here repeats an option by hand.
#include <algorithm>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "general_options.hpp"
#include "pages.hpp"
#include "roff.hpp"
#include "scxx/modes.hpp"
#include "scxx/options.hpp"
#include "scxx/registry.hpp"

namespace scxx_man {
namespace {

namespace po = boost::program_options;

// "SECS (=0)" -> value name "SECS", default "0".
void split_parameter(const std::string& param, std::string& value_name, std::string& def) {
    const auto open = param.find(" (=");
    value_name = param.substr(0, open);
    def = open == std::string::npos ? "" : param.substr(open + 3, param.size() - open - 4);
}

void general_section(Page& page) {
    const po::options_description desc = scx_run::general_options();
    for (const auto& o : desc.options()) {
        std::string value_name, def;
        split_parameter(o->format_parameter(), value_name, def);
        std::string tag = option("--" + o->long_name(), value_name);
        const std::string shortname = o->canonical_display_name(po::command_line_style::allow_dash_for_short);
        if (shortname.size() == 2) tag = option(shortname, "") + ", " + tag;
        std::string body = text(o->description());
        if (!def.empty()) body += "\n(default: " + bold(def) + ")";
        page.tp(tag, body);
    }
}

// A mode's values as a command line: a flag as --name or --name=false, others as --name VALUE.
std::string mode_options(const scxx::SchedulerEntry& e, const scxx::Mode& m) {
    if (m.values.empty()) return "the declared defaults";
    std::string out;
    for (const auto& [key, value] : m.values) {
        const bool flag = std::any_of(e.options.begin(), e.options.end(), [&](const scxx::OptionDecl& d) {
            return d.name == key && d.type == scxx::OptionType::boolean;
        });
        std::string word;
        if (flag && value == "true")
            word = option("--" + key, "");
        else if (flag)
            word = option("--" + key + "=" + value, "");
        else
            word = option("--" + key, value);
        out += (out.empty() ? "" : " ") + word;
    }
    return out;
}

scxx::Result<void> scheduler_section(Page& page, const scxx::SchedulerEntry& e, const ModesFiles& files) {
    page.ss(e.name).pp(text(e.description) + (e.description.ends_with('.') ? "" : "."));
    for (const auto& d : e.options) {
        std::string body = text(scxx::option_help(d));
        if (d.test_only) body += "\nFor tests; not shown by " + bold("--help") + ".";
        page.tp(option("--" + d.name, scxx::option_value_name(d)), body);
    }
    const auto file = files.find(e.name);
    if (file == files.end()) return scxx::fail(fmt::format("no modes file given for scheduler {}", e.name));
    auto modes = scxx::read_modes_file(file->second);
    if (!modes) return scxx::fail(std::move(modes.error()));
    page.pp(fmt::format("Modes of {} ({}):", bold(e.name), bold("--mode")));
    for (const auto& m : *modes) page.tp(bold(m.name), mode_options(e, m));
    return {};
}

}  // namespace

scxx::Result<std::string> scx_run_page(const ModesFiles& modes, const std::string& version) {
    Page page("SCX-RUN", 8, version, "System Administration");
    page.sh("NAME").raw("scx-run \\- run a sched_ext BPF scheduler\n");
    page.sh("SYNOPSIS")
        .raw(fmt::format("{} {} [{}] [{}] [{}] [{}]\n.br\n", bold("scx-run"), option("--sched", "NAME"),
                         option("--mode", "MODE"), option("--config", "FILE"), italic("scx-run options"),
                         italic("scheduler options")))
        .raw(fmt::format("{} {} | {} | [{}] {}\n", bold("scx-run"), bold("--list"), bold("--version"),
                         option("--sched", "NAME"), bold("--help")));
    page.sh("DESCRIPTION")
        .pp(text("scx-run loads a sched_ext BPF scheduler into the running kernel, prints its stats and its exit "
                 "report, and detaches on SIGINT, SIGTERM or SIGHUP or after --duration. While it runs it serves "
                 "a control socket for scx-ctl(8) and, under systemd, reports readiness (Type=notify)."))
        .pp(text("A scheduler's configuration is built in layers, each overriding the one before: the declared "
                 "defaults, the mode (--mode), the --config file, the command line. Every value is type- and "
                 "range-checked, then the scheduler's cross-option checks run; --check prints the result as JSON "
                 "and loads nothing."));
    page.sh("OPTIONS");
    general_section(page);
    page.sh("SCHEDULERS")
        .pp(text("Options of each registered scheduler, given after --sched NAME (also the keys of a --config "
                 "file and of a modes file), and its modes."));
    for (const auto* e : scxx::Registry::instance().list())
        if (auto r = scheduler_section(page, *e, modes); !r) return scxx::fail(std::move(r.error()));
    page.sh("MODES")
        .pp(text("A mode is a named preset of scheduler options: auto (the defaults), gaming, powersave, "
                 "lowlatency, server. Each scheduler's modes are one JSON file, " ) + italic("DIR/NAME.json") +
            text(" (see scxx(5)), with DIR from --modes-dir (default ") + bold(scx_run::kDefaultModesDir) +
            text("). The --config file and the command line override a mode's values."));
    page.sh("EXIT STATUS")
        .tp(bold("0"), text("the scheduler was detached cleanly (signal, --duration), or --check, --list, --help "
                            "succeeded"))
        .tp(bold("1"), text("a runtime failure: sched_ext missing, no privileges, the verifier rejected the "
                            "scheduler, or the kernel ejected it"))
        .tp(bold("2"), text("a usage error: an unknown or bad option, mode or config file, a socket, metrics "
                            "file or verifier log path that cannot work, a malformed NOTIFY_SOCKET (one line on "
                            "stderr naming the problem and the fix; nothing is loaded)"));
    page.sh("ENVIRONMENT")
        .tp(bold("NOTIFY_SOCKET"), text("set by systemd for a Type=notify service: scx-run sends READY=1 once the "
                                        "scheduler is attached, STATUS= on every attach, STOPPING=1 before it "
                                        "detaches; a value that is no absolute path or @name is a usage "
                                        "error"));
    page.sh("FILES")
        .tp(bold(std::string(scx_run::kDefaultModesDir) + "/NAME.json"), text("the modes of scheduler NAME"))
        .tp(bold(scx_run::kDefaultSocket), text("the control socket (--socket)"))
        .tp(bold(scx_run::kDefaultVerifierLog), text("the verifier log of a rejected load (--verifier-log)"));
    page.sh("EXAMPLES").example({"scx-run --sched lavd --mode gaming --stats 1",
                                 "scx-run --sched nest --mode server --slice-us 30000 --check",
                                 "systemctl enable --now scxx"});
    page.sh("SEE ALSO").raw("scx\\-ctl(8), scxx(5), systemd.service(5)\n");
    return page.str();
}

}  // namespace scxx_man
