// tools/scx-run/general_options.cpp: scx-run's own options (general_options.hpp): names, value
// names, defaults and help, in the order --help and scx-run(8) show them. Values are kept as text:
// run_options.cpp parses and checks them.
#include "general_options.hpp"

#include <string>

namespace scx_run {

boost::program_options::options_description general_options() {
    namespace po = boost::program_options;
    po::options_description desc("scx-run options");
    desc.add_options()
        ("sched", po::value<std::string>()->value_name("NAME"), "scheduler to run (see --list)")
        ("list", "list the registered schedulers")
        ("mode", po::value<std::string>()->value_name("NAME"),
         "apply the scheduler's mode NAME (auto, gaming, powersave, lowlatency, server; see --list-modes) over its "
         "defaults; --config and the command line override it")
        ("modes-dir", po::value<std::string>()->default_value(kDefaultModesDir)->value_name("DIR"),
         "where the modes files are (DIR/NAME.json for scheduler NAME)")
        ("list-modes", "with --sched NAME: list NAME's modes and their options, then exit")
        ("config", po::value<std::string>()->value_name("FILE"),
         "JSON object overriding the scheduler's defaults and mode (the command line overrides all)")
        ("stats", po::value<std::string>()->default_value("0")->value_name("SECS"), "print stats every SECS seconds (0 = off)")
        ("stats-format", po::value<std::string>()->default_value("text")->value_name("text|json"),
         "stats as a text line or one JSON object per line")
        ("timeout-ms", po::value<std::string>()->default_value("0")->value_name("N"),
         "watchdog timeout for runnable tasks, 0..30000 ms (0 = kernel default, 30 s)")
        ("duration", po::value<std::string>()->default_value("0")->value_name("SECS"),
         "detach after SECS seconds (0 = run until SIGINT/SIGTERM)")
        ("max-restarts", po::value<std::string>()->default_value("3")->value_name("N"),
         "restarts allowed when an exit code asks for one; restarts after CPU hotplug are not counted")
        ("partial", "schedule only tasks whose policy is SCHED_EXT (SCX_OPS_SWITCH_PARTIAL); every other task "
                    "stays on the kernel's default scheduler")
        ("socket", po::value<std::string>()->default_value(kDefaultSocket)->value_name("PATH"),
         "serve the control socket (scx-ctl) at PATH; 'none' = no socket")
        ("metrics-file", po::value<std::string>()->value_name("PATH"),
         "rewrite PATH atomically with the OpenMetrics text of the stats every interval (node_exporter's textfile "
         "collector)")
        ("verifier-log", po::value<std::string>()->default_value(kDefaultVerifierLog)->value_name("PATH"),
         "where the verifier log goes when the kernel rejects a program")
        ("verbose,v", "more output; repeat for more (-v info, -vv debug, also libbpf)")
        ("check", "validate the options, mode, --config file and the paths to write, print the resulting config "
                  "as JSON, exit (loads nothing)")
        ("version", "print the version and the default modes directory, then exit")
        ("help,h", "show this help; with --sched NAME also NAME's options");
    return desc;
}

}  // namespace scx_run
