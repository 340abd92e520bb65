// main.cpp: scx-run, the runner CLI. Parses its own options (general_options.cpp), hands every
// option it does not know to the chosen scheduler's options description, builds the validated
// config (defaults <- --mode <- --config <- command line), checks the paths it will write
// (path_checks.cpp), runs the pre-load probes and then the run loop, telling systemd its state
// (sd_notify.cpp). Errors are one line on stderr ("scx-run: error: ..."): exit status 2 for usage
// errors (bad options, mode, config, paths, environment), 1 for runtime failures.
#include <csignal>
#include <bpf/libbpf.h>

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "scxx/kernel_btf.hpp"
#include "scxx/log.hpp"
#include "scxx/modes.hpp"
#include "scxx/options.hpp"
#include "scxx/probes.hpp"
#include "scxx/registry.hpp"
#include "scxx/runner.hpp"

#include "general_options.hpp"
#include "path_checks.hpp"
#include "po_errors.hpp"
#include "run_options.hpp"
#include "scheduler_options.hpp"
#include "sd_notify.hpp"

#ifndef SCXX_VERSION
#define SCXX_VERSION "0.1.0"
#endif

namespace po = boost::program_options;

namespace {

// No prefix guessing: "--max" must not silently become --max-restarts when a scheduler has --max.
constexpr int kStyle = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;

// An error ending the program: the one-line message and the exit status.
struct Failure {
    int status;
    std::string message;
};

int report(const Failure& f) {
    std::cerr << "scx-run: error: " << f.message << '\n';
    return f.status;
}

void install_log_sink() {
    scxx::set_log_sink([](scxx::LogLevel level, std::string_view text) {
        switch (level) {
        case scxx::LogLevel::error: std::cerr << "scx-run: error: " << text << '\n'; break;
        case scxx::LogLevel::warn: std::cerr << "scx-run: warning: " << text << '\n'; break;
        default: std::cerr << text << '\n'; break;
        }
    });
}

// For --help (test-only knobs hidden) and for parsing (every declared option accepted).
po::options_description scheduler_options(const scxx::SchedulerEntry& e, bool with_test_only) {
    return scx_run::scheduler_description(fmt::format("{} options (also keys of a --config JSON file)", e.name),
                                          e.options, with_test_only);
}

void print_help(const po::options_description& general, const scxx::SchedulerEntry* entry) {
    std::cout << "usage: scx-run --sched NAME [scx-run options] [scheduler options]\n"
                 "       scx-run --list | --version | [--sched NAME] --help\n\n"
                 "Loads a sched_ext BPF scheduler, prints its stats and exit report, and detaches on\n"
                 "SIGINT/SIGTERM or after --duration.\n\n"
              << general;
    if (entry) {
        std::cout << '\n' << scheduler_options(*entry, false);
    } else {
        const auto& reg = scxx::Registry::instance();
        std::cout << "\nschedulers: " << (reg.list().empty() ? std::string("(none)") : reg.names())
                  << " (scx-run --sched NAME --help shows a scheduler's options)\n";
    }
}

void print_list() {
    auto entries = scxx::Registry::instance().list();
    if (entries.empty()) {
        std::cout << "no schedulers registered\n";
        return;
    }
    size_t width = 0;
    for (const auto* e : entries) width = std::max(width, e->name.size());
    for (const auto* e : entries) std::cout << fmt::format("{:<{}}  {}\n", e->name, width, e->description);
}

// --list-modes: every mode of the scheduler with its options as JSON, one a line.
int print_modes(const scxx::SchedulerEntry& entry, const std::filesystem::path& dir) {
    auto modes = scxx::read_modes_file(scxx::modes_file(dir, entry.name));
    if (!modes) return report({kExitUsage, modes.error().what()});
    size_t width = 0;
    for (const auto& m : *modes) width = std::max(width, m.name.size());
    for (const auto& m : *modes) std::cout << fmt::format("{:<{}}  {}\n", m.name, width, m.json);
    return 0;
}

// Counts -v occurrences and removes them (a repeated option cannot be stored).
unsigned take_verbosity(po::parsed_options& parsed) {
    unsigned n = 0;
    auto& opts = parsed.options;
    for (auto it = opts.begin(); it != opts.end();) {
        if (!it->unregistered && it->string_key == "verbose") {
            ++n;
            it = opts.erase(it);
        } else {
            ++it;
        }
    }
    return n;
}

scxx::LogLevel level_for(unsigned verbosity) {
    if (verbosity >= 2) return scxx::LogLevel::debug;
    if (verbosity == 1) return scxx::LogLevel::info;
    return scxx::LogLevel::warn;
}

// Parses the options scx-run did not recognise against the scheduler's own description.
std::optional<Failure> parse_scheduler_options(const scxx::SchedulerEntry& entry, const po::parsed_options& parsed,
                                               po::variables_map& svm) {
    std::vector<std::string> rest = po::collect_unrecognized(parsed.options, po::include_positional);
    try {
        // parsed_options keeps a pointer to the description: it must outlive store().
        const po::options_description sdesc = scheduler_options(entry, true);
        po::parsed_options sparsed = po::command_line_parser(rest).options(sdesc).style(kStyle).run();
        // Without a positional description program_options silently drops bare words: reject them.
        for (const auto& o : sparsed.options)
            if (o.string_key.empty())
                return Failure{kExitUsage,
                               fmt::format("unexpected argument '{}' (scheduler options take the form --name=value)",
                                           o.original_tokens.empty() ? std::string() : o.original_tokens.front())};
        po::store(sparsed, svm);
        po::notify(svm);
    } catch (const po::unknown_option& e) {
        std::string opt = e.get_option_name();
        opt = opt.substr(0, opt.find('='));  // "--foo=3" -> "--foo"
        return Failure{kExitUsage, fmt::format("unknown option {} for scheduler {} (see scx-run --sched {} --help)", opt,
                                               entry.name, entry.name)};
    } catch (const po::error& e) {
        return Failure{kExitUsage, scx_run::describe_po_error(e, scheduler_options(entry, true),
                                                     fmt::format("scx-run --sched {} --help", entry.name))};
    }
    return std::nullopt;
}

// The --modes-dir a mode is read from: a path, and a directory when it exists.
std::optional<Failure> check_modes_dir(const std::filesystem::path& dir) {
    if (dir.empty())
        return Failure{kExitUsage, fmt::format("--modes-dir: empty path (give the directory of the NAME.json modes "
                                               "files; default {})",
                                               scx_run::kDefaultModesDir)};
    std::error_code ec;
    if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec))
        return Failure{kExitUsage, fmt::format("--modes-dir {}: not a directory (give the directory of the NAME.json "
                                               "modes files)",
                                               dir.string())};
    return std::nullopt;
}

std::optional<Failure> run_probes() {
    if (auto r = scxx::probe_sched_ext(); !r) return Failure{kExitRuntime, r.error().what()};
    if (auto r = scxx::probe_privileges(); !r) return Failure{kExitRuntime, r.error().what()};
    if (auto r = scxx::probe_btf(); !r) return Failure{kExitRuntime, r.error().what()};
    if (auto r = scxx::probe_no_scheduler_attached(); !r) return Failure{kExitRuntime, r.error().what()};
    return std::nullopt;
}

int run(int argc, char** argv) {
    const po::options_description general = scx_run::general_options();
    po::parsed_options parsed(&general);
    po::variables_map vm;
    unsigned verbosity = 0;
    try {
        parsed = po::command_line_parser(argc, argv).options(general).style(kStyle).allow_unregistered().run();
        verbosity = take_verbosity(parsed);
        po::store(parsed, vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return report({kExitUsage, scx_run::describe_po_error(e, general, "scx-run --help")});
    }
    scxx::set_log_level(level_for(verbosity));

    const auto& registry = scxx::Registry::instance();
    const scxx::SchedulerEntry* entry = nullptr;
    if (vm.count("sched")) {
        const auto& name = vm["sched"].as<std::string>();
        if (name.empty())
            return report({kExitUsage, fmt::format("--sched: empty scheduler name (give one of: {})",
                                                   registry.list().empty() ? std::string("none") : registry.names())});
        entry = registry.find(name);
        if (!entry)
            return report({kExitUsage, fmt::format("unknown scheduler '{}' (available: {})", name,
                                                   registry.list().empty() ? std::string("none") : registry.names())});
    }

    if (vm.count("help")) {
        print_help(general, entry);
        return 0;
    }
    if (vm.count("version")) {
        std::cout << "scx-run " << SCXX_VERSION << " (libbpf " << libbpf_version_string() << ")\n"
                  << "modes directory: " << scx_run::kDefaultModesDir << "\n";
        return 0;
    }
    if (vm.count("list")) {
        print_list();
        return 0;
    }
    if (!entry)
        return report({kExitUsage, fmt::format("no scheduler given: use --sched NAME (available: {}) or --list",
                                               registry.list().empty() ? std::string("none") : registry.names())});

    const std::filesystem::path modes_dir = vm["modes-dir"].as<std::string>();
    const bool mode_given = vm.count("mode") && !vm["mode"].as<std::string>().empty();
    if (vm.count("list-modes") || mode_given)
        if (auto f = check_modes_dir(modes_dir)) return report(*f);
    if (vm.count("list-modes")) return print_modes(*entry, modes_dir);

    scxx::RunOptions run_opts;
    if (auto r = scx_run::read_run_options(vm, run_opts); !r) return report({kExitUsage, r.error().what()});

    po::variables_map svm;
    if (auto f = parse_scheduler_options(*entry, parsed, svm)) return report(*f);

    std::vector<scxx::JsonLayer> layers;
    if (mode_given) {  // --mode "" = none (an empty SCXX_MODE)
        run_opts.mode = vm["mode"].as<std::string>();
        auto layer = scxx::mode_layer(modes_dir, entry->name, run_opts.mode);
        if (!layer) return report({kExitUsage, layer.error().what()});
        layers.push_back(std::move(*layer));
    }
    std::optional<std::filesystem::path> config_file;
    if (vm.count("config")) {
        config_file = vm["config"].as<std::string>();
        if (config_file->empty()) return report({kExitUsage, "--config: empty path (give a JSON file)"});
    }
    const auto cli = scx_run::given_options(entry->options, svm);
    auto config = scxx::build_config(entry->options, layers, config_file, cli);
    if (!config) return report({kExitUsage, config.error().what()});
    if (entry->check)
        if (auto r = entry->check(*config); !r) return report({kExitUsage, r.error().what()});
    // Configs for the control socket's switch and mode requests. The scheduler scx-run started with
    // keeps its --config file and command-line options under a new mode (defaults <- mode <- --config
    // <- command line <- the request's options); any other scheduler starts from its defaults.
    run_opts.make_config = [modes_dir, started = entry->name, config_file, cli](
                               const scxx::SchedulerEntry& e, const std::string& mode,
                               const std::string& options_json) -> scxx::Result<scxx::Config> {
        if (e.name != started) return scxx::mode_config(e, modes_dir, mode, options_json);
        std::vector<scxx::JsonLayer> base_layers;
        if (!mode.empty()) {
            auto layer = scxx::mode_layer(modes_dir, e.name, mode);
            if (!layer) return scxx::fail(std::move(layer.error()));
            base_layers.push_back(std::move(*layer));
        }
        auto base = scxx::build_config(e.options, base_layers, config_file, cli);
        if (!base) return scxx::fail(std::move(base.error()));
        std::vector<scxx::JsonLayer> layers{{scxx::config_to_json(e.options, *base), "the options scx-run started with"}};
        if (!options_json.empty()) layers.push_back({options_json, "options"});
        auto config = scxx::build_config(e.options, layers, std::nullopt, {});
        if (!config) return scxx::fail(std::move(config.error()));
        if (e.check)
            if (auto r = e.check(*config); !r) return scxx::fail(std::move(r.error()));
        return config;
    };
    run_opts.on_state = scx_run::ServiceNotifier{};

    // The paths it will write; a live socket is only an error for a run (--check loads nothing), and
    // only when no scheduler is attached: then the runner's "already attached: NAME" says more.
    const bool check_only = vm.count("check") > 0;
    const auto state = scxx::read_sched_ext_state(run_opts.sysfs_root);
    const bool attached = state && *state != "disabled";
    if (auto r = scx_run::check_run_paths(run_opts, !check_only && !attached); !r)
        return report({kExitUsage, r.error().what()});
    if (auto r = scx_run::check_notify_socket(); !r) return report({kExitUsage, r.error().what()});
    if (check_only) {
        std::cout << scxx::config_to_json(entry->options, *config) << "\n";
        return 0;
    }
    if (auto f = run_probes()) return report(*f);

    auto btf = scxx::KernelBtf::load();
    if (!btf) return report({kExitRuntime, btf.error().what()});
    run_opts.btf = &*btf;
    auto status = scxx::run_scheduler(*entry, *config, run_opts, std::cout);
    if (!status) return report({kExitRuntime, status.error().what()});
    return *status;
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);  // `scx-run ... | head`: keep running, detach cleanly later
    install_log_sink();
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        return report({kExitRuntime, e.what()});
    }
}
