// command_table.cpp: scx-ctl's command and option declarations (see command_table.hpp).
#include "command_table.hpp"


namespace scxctl {
namespace {

constexpr OptionDecl kGlobal[] = {
    {.name = "--socket", .value = "PATH",
     .help = "the control socket (default /run/scxx/control.sock)"},
    {.name = "--timeout", .value = "SECS", .help = "how long to wait for a response (default 10, switch and mode 120)"},
    {.name = "--json", .help = "print the response's result object as JSON (also after the command)"},
    {.name = "--help", .help = "print this usage and exit (also after the command)", .alias = "-h"},
};

constexpr OptionDecl kStats[] = {
    {.name = "--watch", .value = "N", .help = "again every N seconds, with counter rates, until interrupted"},
    {.name = "--count", .value = "K", .help = "stop after K samples (for tests)", .hidden = true},
};

constexpr OptionDecl kSwitch[] = {
    {.name = "--mode", .value = "M", .help = "apply the new scheduler's mode M"},
};

constexpr OptionDecl kRaw[] = {
    {.name = "--no-newline", .help = "send LINE without a newline, then shut the write side down", .hidden = true},
};

constexpr CommandDecl kCommands[] = {
    {.name = "status",
     .help = "the scheduler, mode, state, uptime, options",
     .description = "the running scheduler, its mode, every option's value, its state, uptime, restarts and "
                    "switches, the kernel and the runner's version and pid"},
    {.name = "stats",
     .options = kStats,
     .help = "the scheduler's stats",
     .description = "the scheduler's current stats, a table of at most 100 columns"},
    {.name = "meta",
     .help = "each stat's type, unit and help",
     .description = "the stats' fields: name, type (counter, gauge, text, cpus), unit, help and section"},
    {.name = "set",
     .args = "KEY VALUE",
     .help = "change a live option",
     .description = "change an option the scheduler declares live, without re-attaching; other options need switch"},
    {.name = "switch",
     .args = "SCHED",
     .options = kSwitch,
     .open_options = "--OPT=VALUE",
     .open_help = "an option of SCHED's, as on scx-run (--OPT alone: true)",
     .help = "attach another scheduler (options as on scx-run)",
     .description = "detach the running scheduler and attach SCHED with mode M and the options given; when SCHED "
                    "is rejected, the previous scheduler comes back with its options"},
    {.name = "mode",
     .args = "NAME",
     .help = "apply one of the scheduler's modes",
     .description = "apply the running scheduler's mode NAME: live when every option that changes is live, "
                    "otherwise by re-attaching"},
    {.name = "events",
     .help = "the kernel's sched_ext event counters",
     .description = "the kernel's sched_ext event counters (/sys/kernel/sched_ext/root/events)"},
    {.name = "maps",
     .help = "entries in each BPF map of the scheduler (leak checks)",
     .description = "how many entries each BPF map of the running scheduler holds: hash keys, task/cgroup "
                    "storage of live threads/cgroups, array sizes"},
    {.name = "metrics",
     .help = "the stats as OpenMetrics text",
     .description = "the stats as OpenMetrics text (what scx-run --metrics-file writes)"},
    {.name = "raw",
     .args = "LINE",
     .options = kRaw,
     .help = "send LINE as it is and print the response line",
     .description = "send LINE verbatim and print the response line as received (tests of malformed requests)",
     .hidden = true},
};

static_assert(kGlobal[0].name == "--socket" && kGlobal[0].help.find(kDefaultSocket) != std::string_view::npos,
              "--socket's help names the default socket");

}  // namespace

std::span<const OptionDecl> global_options() { return kGlobal; }
std::span<const CommandDecl> commands() { return kCommands; }

const CommandDecl* find_command(std::string_view name) {
    for (const auto& c : kCommands)
        if (c.name == name) return &c;
    return nullptr;
}

const OptionDecl* find_option(std::span<const OptionDecl> options, std::string_view arg) {
    for (const auto& o : options) {
        if (arg == o.name || (!o.alias.empty() && arg == o.alias)) return &o;
        if (!o.value.empty() && arg.size() > o.name.size() && arg.substr(0, o.name.size()) == o.name &&
            arg[o.name.size()] == '=')
            return &o;
    }
    return nullptr;
}

size_t positional_count(const CommandDecl& c) {
    size_t n = 0;
    bool in_word = false;
    for (char ch : c.args) {
        if (ch != ' ' && !in_word) ++n;
        in_word = ch != ' ';
    }
    return n;
}

std::string option_synopsis(const OptionDecl& o) {
    std::string out(o.name);
    if (!o.value.empty()) (out += ' ') += o.value;
    return out;
}

std::string synopsis(const CommandDecl& c, bool with_hidden) {
    std::string out(c.name);
    if (!c.args.empty()) (out += ' ') += c.args;
    for (const auto& o : c.options)
        if (with_hidden || !o.hidden) out += " [" + option_synopsis(o) + "]";
    if (!c.open_options.empty()) out += " [" + std::string(c.open_options) + " ...]";
    return out;
}

std::string command_names() {
    std::string out;
    for (const auto& c : kCommands) {
        if (c.hidden) continue;
        if (!out.empty()) out += ", ";
        out += c.name;
    }
    return out;
}

}  // namespace scxctl
