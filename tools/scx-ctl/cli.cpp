// cli.cpp: scx-ctl's argv parser (see cli.hpp).
#include "cli.hpp"

#include <cstdlib>

#include <fmt/format.h>

namespace scxctl {
namespace {

constexpr const char* kCommands[] = {"status", "stats", "meta", "set", "switch", "mode", "events", "metrics", "raw"};

scxx::Result<double> positive_number(const std::string& opt, const std::string& text) {
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(v > 0) || v > 1e6)
        return scxx::fail(EINVAL, fmt::format("{} '{}': not a positive number of seconds (e.g. {} 2)", opt, text, opt));
    return v;
}

scxx::Result<void> usage_error(const std::string& message) { return scxx::fail(EINVAL, message); }

// Takes the value of an option that needs one: "--opt=V" or "--opt V".
scxx::Result<std::string> option_value(const std::vector<std::string>& args, size_t& i, const std::string& opt) {
    const std::string& a = args[i];
    if (a.size() > opt.size() && a[opt.size()] == '=') return a.substr(opt.size() + 1);
    if (i + 1 >= args.size()) return scxx::fail(EINVAL, fmt::format("{} needs a value (e.g. {} VALUE)", opt, opt));
    return args[++i];
}

bool is_option(const std::string& a, const std::string& opt) {
    return a == opt || (a.size() > opt.size() && a.compare(0, opt.size(), opt) == 0 && a[opt.size()] == '=');
}

// --json and --help are accepted before and after the command.
bool take_anywhere_flag(Command& c, const std::string& a) {
    if (a == "--json") return c.json = true;
    if (a == "--help" || a == "-h") return c.help = true;
    return false;
}

// The value of a seconds option ("--watch 2", "--timeout=5").
scxx::Result<double> seconds_option(const std::vector<std::string>& args, size_t& i, const std::string& opt) {
    auto v = option_value(args, i, opt);
    if (!v) return scxx::fail(std::move(v.error()));
    return positive_number(opt, *v);
}

// Arguments after the command: its own options and positionals.
scxx::Result<void> parse_command_args(Command& c, const std::vector<std::string>& args, size_t i) {
    std::vector<std::string> positional;
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (take_anywhere_flag(c, a)) {
            continue;
        } else if (c.name == "stats" && is_option(a, "--watch")) {
            auto n = seconds_option(args, i, "--watch");
            if (!n) return scxx::fail(std::move(n.error()));
            c.watch_s = *n;
        } else if (c.name == "stats" && is_option(a, "--count")) {
            auto v = option_value(args, i, "--count");
            if (!v) return scxx::fail(std::move(v.error()));
            char* end = nullptr;
            const unsigned long n = std::strtoul(v->c_str(), &end, 10);
            if (v->empty() || *end != '\0' || n == 0 || n > 1000000)
                return usage_error("--count: give a number of samples, 1..1000000");
            c.count = static_cast<unsigned>(n);
        } else if (c.name == "raw" && a == "--no-newline") {
            c.no_newline = true;
        } else if (c.name == "switch" && is_option(a, "--mode")) {
            auto v = option_value(args, i, "--mode");
            if (!v) return scxx::fail(std::move(v.error()));
            c.mode = *v;
        } else if (c.name == "switch" && a.size() > 2 && a.compare(0, 2, "--") == 0) {
            // --OPT=VALUE, --OPT VALUE (when the next word is no option), or --OPT alone (true)
            const size_t eq = a.find('=');
            const std::string opt = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
            if (opt.empty()) return usage_error(fmt::format("switch: '{}' names no option (use --OPT=VALUE)", a));
            if (eq != std::string::npos) c.options.emplace_back(opt, a.substr(eq + 1));
            else if (i + 1 < args.size() && args[i + 1].compare(0, 2, "--") != 0 && !positional.empty())
                c.options.emplace_back(opt, args[++i]);
            else c.options.emplace_back(opt, true);
        } else if (c.name == "raw" && positional.empty()) {
            positional.push_back(a);  // the line may look like anything, options included
        } else if (a.size() > 1 && a[0] == '-') {
            return usage_error(fmt::format("{}: unknown option '{}' (see scx-ctl --help)", c.name, a));
        } else {
            positional.push_back(a);
        }
    }
    auto expect = [&](size_t n, const char* form) -> scxx::Result<void> {
        if (c.help || positional.size() == n) return {};
        return usage_error(fmt::format("{}: expected {} (got {} argument{})", c.name, form, positional.size(),
                                       positional.size() == 1 ? "" : "s"));
    };
    if (c.name == "set") {
        if (auto r = expect(2, "scx-ctl set KEY VALUE"); !r) return r;
        if (!c.help) c.key = positional[0], c.value = positional[1];
    } else if (c.name == "switch" || c.name == "mode") {
        if (auto r = expect(1, c.name == "switch" ? "scx-ctl switch SCHED [--mode M] [--OPT=VALUE ...]"
                                                   : "scx-ctl mode NAME");
            !r)
            return r;
        if (!c.help) c.key = positional[0];
    } else if (c.name == "raw") {
        if (auto r = expect(1, "scx-ctl raw [--no-newline] LINE"); !r) return r;
        if (!c.help) c.raw = positional[0];
    } else if (auto r = expect(0, ("scx-ctl " + c.name + " with no arguments").c_str()); !r) {
        return r;
    }
    return {};
}

}  // namespace

std::string usage() {
    return fmt::format(
        "usage: scx-ctl [--socket PATH] [--timeout SECS] [--json] COMMAND\n"
        "\n"
        "Talks to a running scx-run over its control socket (default {}).\n"
        "\n"
        "commands:\n"
        "  status                       the scheduler, mode, state, uptime, options\n"
        "  stats [--watch N] [--json]   the scheduler's stats (every N seconds with rates)\n"
        "  meta                         each stat's type, unit and help\n"
        "  set KEY VALUE                change a live option\n"
        "  switch SCHED [--mode M] [--OPT=VALUE ...]\n"
        "                               attach another scheduler (options as on scx-run)\n"
        "  mode NAME                    apply one of the scheduler's modes\n"
        "  events                       the kernel's sched_ext event counters\n"
        "  metrics                      the stats as OpenMetrics text\n"
        "\n"
        "options:\n"
        "  --socket PATH    the control socket\n"
        "  --timeout SECS   how long to wait for a response (default 10, switch and mode 120)\n"
        "  --json           print the response's result object as JSON\n"
        "\n"
        "exit status: 0 ok, 1 the server answered with an error, 2 usage error, 3 cannot connect\n",
        kDefaultSocket);
}

scxx::Result<Command> parse_command_line(const std::vector<std::string>& args) {
    Command c;
    size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (take_anywhere_flag(c, a)) {
            continue;
        } else if (is_option(a, "--socket")) {
            auto v = option_value(args, i, "--socket");
            if (!v) return scxx::fail(std::move(v.error()));
            if (v->empty()) return scxx::fail(EINVAL, "--socket: empty path (e.g. --socket /run/scxx/control.sock)");
            c.socket = *v;
        } else if (is_option(a, "--timeout")) {
            auto n = seconds_option(args, i, "--timeout");
            if (!n) return scxx::fail(std::move(n.error()));
            c.timeout_s = *n;
        } else if (a.size() > 1 && a[0] == '-') {
            return scxx::fail(EINVAL, fmt::format("unknown option '{}' (see scx-ctl --help)", a));
        } else {
            break;
        }
    }
    if (i == args.size()) {
        if (c.help) return c;
        return scxx::fail(EINVAL, "no command given (try scx-ctl status, or scx-ctl --help)");
    }
    c.name = args[i];
    bool known = false;
    for (const char* k : kCommands) known = known || c.name == k;
    if (!known)
        return scxx::fail(EINVAL, fmt::format("unknown command '{}' (commands: status, stats, meta, set, switch, mode, "
                                              "events, metrics)",
                                              c.name));
    if (auto r = parse_command_args(c, args, i + 1); !r) return scxx::fail(std::move(r.error()));
    return c;
}

}  // namespace scxctl
