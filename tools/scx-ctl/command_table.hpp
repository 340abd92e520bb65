// command_table.hpp: scx-ctl's commands and options declared once: name, arguments and help. The
// parser (cli.cpp) accepts what is declared here, --help is written from it, and tools/man builds
// scx-ctl(8)'s command and option lists from it (scxx-man links command_table.cpp, so this file and
// its .cpp use the standard library only). Hidden entries (raw, --count, --no-newline) are for tests:
// parsed, never shown.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace scxctl {

inline constexpr const char* kDefaultSocket = "/run/scxx/control.sock";

struct OptionDecl {
    std::string_view name = {};   // "--watch"
    std::string_view value = {};  // the value's name ("N"); empty for a flag
    std::string_view help = {};   // one line
    bool hidden = false;          // accepted, left out of --help and the man page
    std::string_view alias = {};  // a short form ("-h")
};

struct CommandDecl {
    std::string_view name = {};                // "stats"
    std::string_view args = {};                // positional arguments, space-separated ("KEY VALUE")
    std::span<const OptionDecl> options = {};  // the command's own options
    std::string_view open_options = {};        // accepts any --OPT too: its form ("--OPT=VALUE"); empty: no
    std::string_view open_help = {};           // one line on the open options
    std::string_view help = {};                // one line, for --help
    std::string_view description = {};         // a sentence or two, for the man page
    bool hidden = false;                       // accepted, left out of --help and the man page
};

// The options before the command (--json and --help are also accepted after it).
std::span<const OptionDecl> global_options();
std::span<const CommandDecl> commands();

// nullptr when not declared.
const CommandDecl* find_command(std::string_view name);
// The declared option `arg` names: "--opt" or "--opt=V" for an option with a value, the name or
// alias exactly for a flag. nullptr when none.
const OptionDecl* find_option(std::span<const OptionDecl> options, std::string_view arg);

// How many positional arguments a command takes (the words of `args`).
size_t positional_count(const CommandDecl& c);
// "NAME ARGS [--opt V] ... [--OPT=VALUE ...]" in plain text; hidden options only when asked.
std::string synopsis(const CommandDecl& c, bool with_hidden = false);
// "--opt V" in plain text.
std::string option_synopsis(const OptionDecl& o);
// The visible commands' names, comma-separated.
std::string command_names();

}  // namespace scxctl
