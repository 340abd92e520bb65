// cli.cpp: scx-ctl's argv parser and usage text (see cli.hpp), both driven by command_table.
#include "cli.hpp"

#include <sys/un.h>

#include <cstdlib>

#include <fmt/format.h>

namespace scxctl {
namespace {

scxx::Result<double> positive_number(const std::string& opt, const std::string& text) {
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(v > 0) || v > 1e6)
        return scxx::fail(EINVAL, fmt::format("{} '{}': not a number of seconds above 0 and at most 1000000 (e.g. {} 2)",
                                              opt, text, opt));
    return v;
}

scxx::Result<void> usage_error(const std::string& message) { return scxx::fail(EINVAL, message); }

// The value name `opt` is declared with ("PATH" for --socket), wherever it is declared.
std::string_view value_name(const std::string& opt) {
    if (const OptionDecl* o = find_option(global_options(), opt)) return o->value;
    for (const auto& c : commands())
        if (const OptionDecl* o = find_option(c.options, opt)) return o->value;
    return "VALUE";
}

// Takes the value of an option that needs one: "--opt=V" or "--opt V".
scxx::Result<std::string> option_value(const std::vector<std::string>& args, size_t& i, const std::string& opt) {
    const std::string& a = args[i];
    if (a.size() > opt.size() && a[opt.size()] == '=') return a.substr(opt.size() + 1);
    if (i + 1 >= args.size())
        return scxx::fail(EINVAL, fmt::format("{} needs a value (e.g. {} {})", opt, opt, value_name(opt)));
    return args[++i];
}

// --json and --help (declared global options) are accepted before and after the command.
bool take_anywhere_flag(Command& c, const std::string& a) {
    const OptionDecl* o = find_option(global_options(), a);
    if (o && o->name == "--json") return c.json = true;
    if (o && o->name == "--help") return c.help = true;
    return false;
}

// The value of a seconds option ("--watch 2", "--timeout=5").
scxx::Result<double> seconds_option(const std::vector<std::string>& args, size_t& i, const std::string& opt) {
    auto v = option_value(args, i, opt);
    if (!v) return scxx::fail(std::move(v.error()));
    return positive_number(opt, *v);
}

// Arguments after the command: its declared options, open --OPT options where it takes them, and
// positionals.
scxx::Result<void> parse_command_args(Command& c, const CommandDecl& decl, const std::vector<std::string>& args,
                                      size_t i) {
    std::vector<std::string> positional;
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        const OptionDecl* o = find_option(decl.options, a);
        if (take_anywhere_flag(c, a)) {
            continue;
        } else if (o && o->name == "--watch") {
            auto n = seconds_option(args, i, "--watch");
            if (!n) return scxx::fail(std::move(n.error()));
            c.watch_s = *n;
        } else if (o && o->name == "--count") {
            auto v = option_value(args, i, "--count");
            if (!v) return scxx::fail(std::move(v.error()));
            char* end = nullptr;
            const unsigned long n = std::strtoul(v->c_str(), &end, 10);
            if (v->empty() || *end != '\0' || n == 0 || n > 1000000)
                return usage_error("--count: give a number of samples, 1..1000000");
            c.count = static_cast<unsigned>(n);
        } else if (o && o->name == "--no-newline") {
            c.no_newline = true;
        } else if (o && o->name == "--mode") {
            auto v = option_value(args, i, "--mode");
            if (!v) return scxx::fail(std::move(v.error()));
            c.mode = *v;
        } else if (o) {
            return usage_error(fmt::format("{}: option {} is declared but not handled (a bug in cli.cpp)", c.name,
                                           o->name));
        } else if (!decl.open_options.empty() && a.size() > 2 && a.compare(0, 2, "--") == 0) {
            // --OPT=VALUE, --OPT VALUE (when the next word is no option), or --OPT alone (true)
            const size_t eq = a.find('=');
            const std::string opt = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
            if (opt.empty())
                return usage_error(fmt::format("{}: '{}' names no option (use --OPT=VALUE)", c.name, a));
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
    const size_t want = positional_count(decl);
    if (!c.help && positional.size() != want) {
        const std::string form = want == 0 ? fmt::format("scx-ctl {} with no arguments", c.name)
                                           : "scx-ctl " + synopsis(decl, decl.hidden);
        return usage_error(fmt::format("{}: expected {} (got {} argument{})", c.name, form, positional.size(),
                                       positional.size() == 1 ? "" : "s"));
    }
    if (c.help) return {};
    if (c.name == "set") c.key = positional[0], c.value = positional[1];
    else if (c.name == "switch" || c.name == "mode") c.key = positional[0];
    else if (c.name == "raw") c.raw = positional[0];
    return {};
}

// One "  LEFT   help" line of the usage, the help at column 31 (on the next line when LEFT is long).
void usage_line(std::string& out, size_t indent, const std::string& left, std::string_view help) {
    constexpr size_t kHelpColumn = 31;
    std::string line = std::string(indent, ' ') + left;
    if (line.size() + 1 > kHelpColumn) line += "\n", line.append(kHelpColumn, ' ');
    else line.append(kHelpColumn - line.size(), ' ');
    out += line;
    out += help;
    out += '\n';
}

std::string option_left(const OptionDecl& o) {
    return (o.alias.empty() ? "" : std::string(o.alias) + ", ") + option_synopsis(o);
}

}  // namespace

std::string usage() {
    std::string out = "usage: scx-ctl";
    for (const auto& o : global_options())
        if (!o.hidden) out += " [" + option_synopsis(o) + "]";
    out += fmt::format(" COMMAND [ARGS]\n\nTalks to a running scx-run over its control socket (default {}).\n\ncommands:\n",
                       kDefaultSocket);
    for (const auto& c : commands()) {
        if (c.hidden) continue;
        usage_line(out, 2, synopsis(c), c.help);
        for (const auto& o : c.options)
            if (!o.hidden) usage_line(out, 6, option_left(o), o.help);
        if (!c.open_options.empty()) usage_line(out, 6, std::string(c.open_options) + " ...", c.open_help);
    }
    out += "\noptions:\n";
    for (const auto& o : global_options())
        if (!o.hidden) usage_line(out, 2, option_left(o), o.help);
    out += "\nexit status: 0 ok, 1 the server answered with an error, 2 usage error, 3 cannot connect\n";
    return out;
}

scxx::Result<Command> parse_command_line(const std::vector<std::string>& args) {
    Command c;
    size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (take_anywhere_flag(c, a)) {
            continue;
        } else if (const OptionDecl* o = find_option(global_options(), a); o && o->name == "--socket") {
            auto v = option_value(args, i, "--socket");
            if (!v) return scxx::fail(std::move(v.error()));
            if (v->empty()) return scxx::fail(EINVAL, "--socket: empty path (e.g. --socket /run/scxx/control.sock)");
            if (v->size() >= sizeof(sockaddr_un::sun_path))
                return scxx::fail(EINVAL, fmt::format("--socket: the path is {} bytes; a unix socket path is 1..{} (use "
                                                      "a shorter path)",
                                                      v->size(), sizeof(sockaddr_un::sun_path) - 1));
            c.socket = *v;
        } else if (o && o->name == "--timeout") {
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
    const CommandDecl* decl = find_command(c.name);
    if (!decl) return scxx::fail(EINVAL, fmt::format("unknown command '{}' (commands: {})", c.name, command_names()));
    if (auto r = parse_command_args(c, *decl, args, i + 1); !r) return scxx::fail(std::move(r.error()));
    return c;
}

}  // namespace scxctl
