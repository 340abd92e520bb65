// tools/man/page_scx_ctl.cpp: scx-ctl(8), the control-socket client's commands, options and exit
// status (docs/control-protocol.md is the protocol it speaks). The synopsis and the command and
// option lists come from scx-ctl's declarations (tools/scx-ctl/command_table.hpp), the ones its
// parser and --help use, hidden entries left out; the description and exit status are written here.
#include <ostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command_table.hpp"
#include "pages.hpp"
#include "roff.hpp"

namespace scxx_man {
namespace {

struct Entry {
    std::string tag;   // roff
    std::string body;  // plain text
};

void add(Page& page, const std::vector<Entry>& entries) {
    for (const auto& e : entries) page.tp(e.tag, text(e.body));
}

// "--opt V" (bold, italic), with its short form first: "-h, --help".
std::string option_tag(const scxctl::OptionDecl& o) {
    return (o.alias.empty() ? "" : bold(o.alias) + ", ") + option(o.name, o.value);
}

// The command's synopsis as scxctl::synopsis() writes it, in roff: the name bold, the arguments
// italic, each visible option in brackets.
std::string command_tag(const scxctl::CommandDecl& c) {
    std::string out = bold(c.name);
    if (!c.args.empty()) out += " " + italic(c.args);
    for (const auto& o : c.options)
        if (!o.hidden) out += " [" + option(o.name, o.value) + "]";
    if (!c.open_options.empty()) out += " [" + option(c.open_options, "...") + "]";
    return out;
}

// Each visible command, its options indented under it.
void add_commands(Page& page) {
    for (const auto& c : scxctl::commands()) {
        if (c.hidden) continue;
        page.tp(command_tag(c), text(c.description));
        std::vector<Entry> options;
        for (const auto& o : c.options)
            if (!o.hidden) options.push_back({option_tag(o), std::string(o.help)});
        if (!c.open_options.empty()) options.push_back({option(c.open_options, "..."), std::string(c.open_help)});
        if (options.empty()) continue;
        page.raw(".RS\n");
        add(page, options);
        page.raw(".RE\n");
    }
}

std::vector<Entry> global_options() {
    std::vector<Entry> out;
    for (const auto& o : scxctl::global_options())
        if (!o.hidden) out.push_back({option_tag(o), std::string(o.help)});
    return out;
}

std::vector<Entry> exit_status() {
    return {
        {bold("0"), "the request succeeded"},
        {bold("1"), "the runner answered with an error (its code and one-line message are printed)"},
        {bold("2"), "a usage error: unknown command, missing or bad argument"},
        {bold("3"), "cannot connect: no runner is serving the socket, or permission denied"},
    };
}

}  // namespace

std::string scx_ctl_page(const std::string& version) {
    Page page("SCX-CTL", 8, version, "System Administration");
    page.sh("NAME").raw("scx-ctl \\- control a running scx-run\n");
    std::string synopsis = bold("scx-ctl");
    for (const auto& o : scxctl::global_options())
        if (!o.hidden) synopsis += " [" + option(o.name, o.value) + "]";
    page.sh("SYNOPSIS").raw(fmt::format("{} {} [{}]\n", synopsis, italic("COMMAND"), italic("ARGS")));
    page.sh("DESCRIPTION")
        .pp(text("scx-ctl sends one request to the control socket of a running scx-run(8) and prints the answer. "
                 "The socket is root's (mode 0600); requests from other users are refused. The protocol is one "
                 "JSON object a line (docs/control-protocol.md in the source tree)."));
    page.sh("COMMANDS");
    add_commands(page);
    page.sh("OPTIONS");
    add(page, global_options());
    page.sh("EXIT STATUS");
    add(page, exit_status());
    page.sh("EXAMPLES").example({"scx-ctl status", "scx-ctl stats --watch 1", "scx-ctl set slice-us 3000",
                                 "scx-ctl switch nest --mode powersave", "scx-ctl mode gaming"});
    page.sh("SEE ALSO").raw("scx\\-run(8), scxx(5)\n");
    return page.str();
}

void scx_ctl_declarations(std::ostream& out) {
    auto line = [&](bool hidden, std::string_view name, const std::string& shown) {
        out << (hidden ? "hidden\t" : "shown\t") << (hidden ? std::string(name) : shown) << '\n';
    };
    auto option_line = [&](const scxctl::OptionDecl& o, bool hidden) {
        line(hidden || o.hidden, o.name,
             (o.alias.empty() ? "" : std::string(o.alias) + ", ") + scxctl::option_synopsis(o));
    };
    for (const auto& o : scxctl::global_options()) option_line(o, false);
    for (const auto& c : scxctl::commands()) {
        line(c.hidden, c.name, scxctl::synopsis(c));
        for (const auto& o : c.options) option_line(o, c.hidden);
        if (!c.open_options.empty()) line(c.hidden, c.open_options, std::string(c.open_options) + " ...");
    }
}

}  // namespace scxx_man
