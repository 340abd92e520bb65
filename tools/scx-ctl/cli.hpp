// cli.hpp: scx-ctl's command line: global options, the command and its arguments, parsed by hand
// into a Command; what is accepted and --help come from the declarations in command_table.hpp; usage
// errors are one line naming the problem and the fix.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "command_table.hpp"
#include "scxx/result.hpp"

namespace scxctl {

struct Command {
    std::string socket = kDefaultSocket;
    std::optional<double> timeout_s;  // --timeout; unset: the command's default
    bool json = false;
    bool help = false;
    std::string name;                 // status, stats, meta, set, switch, mode, events, metrics, raw
    double watch_s = 0;               // stats --watch N (0: once)
    unsigned count = 0;               // stats --count K: stop after K samples (0: never; for tests)
    std::string key, value;           // set KEY VALUE; mode NAME (key); switch SCHED (key)
    std::optional<std::string> mode;  // switch --mode M
    // switch --OPT=VALUE / --OPT VALUE (a string) or --OPT alone (true)
    std::vector<std::pair<std::string, std::variant<std::string, bool>>> options;
    std::string raw;                  // raw LINE
    bool no_newline = false;          // raw --no-newline
};

// The usage text for --help, written from the declarations (hidden ones left out).
std::string usage();

// argv without argv[0]. The error message is the whole one-line usage complaint.
scxx::Result<Command> parse_command_line(const std::vector<std::string>& args);

}  // namespace scxctl
