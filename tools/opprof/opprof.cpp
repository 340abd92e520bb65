// tools/opprof/opprof.cpp: scx-opprof, the user-space half of the per-call timer (opprof.bpf.c).
// It owns the command line, finding the target (a struct_ops program of the attached scheduler,
// by name), pointing the fentry/fexit pair at it, the observation window, and the report:
//
//   opprof: prog=lavd_dispatch id=42 calls=N p50_ns=A p99_ns=B p999_ns=C max_ns=D elapsed=T.TTs
//
// Once both programs are attached it says so on stderr ("scx-opprof: attached prog=NAME id=N"), so
// a script can start its load then. p50/p99/p999 are the lower bounds of their histogram buckets
// (at most 20% below the true value); max is exact. Every figure includes the trampoline's own cost
// (see opprof.bpf.c). The callback must run to its end on one CPU without sleeping (dispatch,
// enqueue, select_cpu, running, stopping, tick, ...): the start time is kept per CPU, so sleepable
// ones (init, exit, init_task, cgroup_*) would be mistimed. The program is found by name among all
// loaded struct_ops programs (the newest match), so nothing else may load one of that name meanwhile.
// Exit status: 0 after a run (also with calls=0), 2 for bad arguments, 1 when it cannot run (no such
// program loaded, not root, load/attach failure). One line on stderr for each error.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fmt/format.h>

#include "scxx/log.hpp"
#include "scxx/result.hpp"
#include "scxx/observer.hpp"
#include "scxx/skeleton.hpp"

#include "opprof_intf.h"
#include "opprof_percentile.hpp"
#include "opprof.skel.h"

namespace {

namespace po = boost::program_options;
using scxx::Result;

constexpr int kExitUsage = 2;
constexpr int kExitRuntime = 1;
constexpr size_t kNameLen = 15;  // BPF_OBJ_NAME_LEN - 1: the kernel keeps this much of a name

struct UsageError {
    std::string message;
};

struct Options {
    std::string prog;
    std::optional<double> duration;
};

Options parse_options(int argc, char** argv) {
    po::options_description desc("options");
    desc.add_options()
        ("help,h", "this help")
        ("prog", po::value<std::string>()->value_name("NAME"),
         "the struct_ops program to time, e.g. lavd_dispatch (required)")
        ("duration", po::value<double>()->value_name("SECS"), "observe this long (default: until SIGINT/SIGTERM)");
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError{e.what()};
    }
    if (vm.count("help")) {
        std::printf("usage: scx-opprof --prog NAME [--duration SECS]\n"
                    "Times every call of one BPF program of the attached sched_ext scheduler: a callback\n"
                    "that runs to its end on one CPU (dispatch, enqueue, select_cpu, running, tick, ...).\n");
        std::ostringstream text;
        text << desc;
        std::printf("%s", text.str().c_str());
        std::exit(0);
    }
    Options o;
    if (!vm.count("prog")) throw UsageError{"--prog NAME is required (a struct_ops program, e.g. lavd_dispatch)"};
    o.prog = vm["prog"].as<std::string>();
    if (o.prog.empty()) throw UsageError{"--prog: empty name"};
    if (vm.count("duration")) {
        const double d = vm["duration"].as<double>();
        if (!(d > 0) || !std::isfinite(d) || d > 1e7)
            throw UsageError{fmt::format("--duration {}: must be more than 0 and at most 1e7 seconds", d)};
        o.duration = d;
    }
    return o;
}

// The newest loaded struct_ops program whose (kernel-truncated) name matches: its fd and id.
struct Target {
    int fd = -1;
    __u32 id = 0;
};

Result<Target> find_struct_ops_prog(const std::string& name) {
    const std::string want = name.substr(0, kNameLen);
    Target best;
    __u32 id = 0;
    for (;;) {
        if (bpf_prog_get_next_id(id, &id)) {
            if (errno == ENOENT) break;
            return scxx::fail(errno, "list the loaded BPF programs (scx-opprof needs root: CAP_BPF and CAP_SYS_ADMIN)");
        }
        const int fd = bpf_prog_get_fd_by_id(id);
        if (fd < 0) continue;  // gone meanwhile
        bpf_prog_info info{};
        __u32 len = sizeof(info);
        if (bpf_prog_get_info_by_fd(fd, &info, &len) || info.type != BPF_PROG_TYPE_STRUCT_OPS ||
            want != info.name) {
            close(fd);
            continue;
        }
        if (best.fd >= 0) close(best.fd);
        best = {fd, id};
    }
    if (best.fd < 0)
        return scxx::fail(ENOENT, fmt::format("no struct_ops program named {} is loaded: attach the scheduler first "
                                              "(scx-run --sched NAME) and name one of its callbacks, e.g. "
                                              "lavd_dispatch", name));
    return best;
}

// The per-CPU values (one per possible CPU) of entry `key` of a u64 per-CPU array.
Result<std::vector<unsigned long long>> read_percpu(bpf_map* map, __u32 key, int nr_cpus) {
    std::vector<unsigned long long> values(static_cast<size_t>(nr_cpus));
    if (int err = bpf_map__lookup_elem(map, &key, sizeof(key), values.data(), values.size() * sizeof(values[0]), 0))
        return scxx::fail(-err, fmt::format("read {}[{}]", bpf_map__name(map), key));
    return values;
}

int run(const Options& o, const sigset_t& sigs) {
    auto target = find_struct_ops_prog(o.prog);
    if (!target) {
        std::fprintf(stderr, "scx-opprof: error: %s\n", target.error().what().c_str());
        return kExitRuntime;
    }
    const int nr_cpus = libbpf_num_possible_cpus();
    auto opened = scxx::Opened<opprof_bpf>::open("opprof");
    if (nr_cpus <= 0 || !opened) {
        std::fprintf(stderr, "scx-opprof: error: %s\n",
                     opened ? "cannot count the possible CPUs" : opened.error().what().c_str());
        close(target->fd);
        return kExitRuntime;
    }
    opprof_bpf* skel = opened->skel();
    for (bpf_program* prog : {skel->progs.opprof_enter, skel->progs.opprof_exit}) {
        if (int err = bpf_program__set_attach_target(prog, target->fd, o.prog.c_str())) {
            std::fprintf(stderr, "scx-opprof: error: point %s at %s: %s\n", bpf_program__name(prog), o.prog.c_str(),
                         std::strerror(-err));
            close(target->fd);
            return kExitRuntime;
        }
    }
    auto loaded = std::move(*opened).load();
    close(target->fd);  // the loaded programs hold their target
    if (!loaded) {
        std::fprintf(stderr, "scx-opprof: error: %s\n", loaded.error().what().c_str());
        return kExitRuntime;
    }
    skel = loaded->skel();
    auto enter = scxx::attach_program(skel->progs.opprof_enter);
    auto exit_link = enter ? scxx::attach_program(skel->progs.opprof_exit) : Result<scxx::Link>{};
    if (!enter || !exit_link) {
        std::fprintf(stderr, "scx-opprof: error: %s\n", (!enter ? enter : exit_link).error().what().c_str());
        return kExitRuntime;
    }
    std::fprintf(stderr, "scx-opprof: attached prog=%s id=%u\n", o.prog.c_str(), target->id);
    const auto start = std::chrono::steady_clock::now();
    scxx::wait_for_signal_or_timeout(sigs, o.duration);
    exit_link->reset();  // no more writers: the counts below are final
    enter->reset();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::vector<unsigned long long> hist(OPPROF_NR_BUCKETS, 0);
    unsigned long long calls = 0, longest = 0;
    for (__u32 i = 0; i < OPPROF_NR_BUCKETS; i++) {
        auto v = read_percpu(skel->maps.call_hist, i, nr_cpus);
        if (!v) {
            std::fprintf(stderr, "scx-opprof: error: %s\n", v.error().what().c_str());
            return kExitRuntime;
        }
        for (auto c : *v) hist[i] += c;
        calls += hist[i];
    }
    auto maxes = read_percpu(skel->maps.call_max, 0, nr_cpus);
    if (!maxes) {
        std::fprintf(stderr, "scx-opprof: error: %s\n", maxes.error().what().c_str());
        return kExitRuntime;
    }
    for (auto m : *maxes) longest = std::max(longest, m);
    std::printf("opprof: prog=%s id=%u calls=%llu p50_ns=%llu p99_ns=%llu p999_ns=%llu max_ns=%llu elapsed=%.2fs\n",
                o.prog.c_str(), target->id, calls, opprof::percentile(hist, calls, 0.50), opprof::percentile(hist, calls, 0.99),
                opprof::percentile(hist, calls, 0.999), longest, elapsed);
    std::fflush(stdout);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const sigset_t sigs = scxx::start_observer("scx-opprof");  // SIGINT/SIGTERM end the window
    scxx::set_log_level(scxx::LogLevel::warn);
    Options o;
    try {
        o = parse_options(argc, argv);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "scx-opprof: error: %s (see --help)\n", e.message.c_str());
        return kExitUsage;
    }
    return run(o, sigs);
}
