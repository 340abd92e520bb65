// tools/observer/corun.cpp: scx-corun, the user-space half of the pair-invariant observer. It owns
// the command line, the CPU pairing (--pairs / --stride, validated against nr_cpu_ids), the cgroup2
// root id handed to the BPF side, the run (attach the sched_switch tracepoint, wait for the duration
// or SIGINT/SIGTERM, detach) and the report:
//
//   corun: switches=S idle=I root=R nr_cpu_ids=N root_cgroup_id=ID elapsed=T.TTs
//   corun: checks=N violations=M pairs=[0,2]:a [1,3]:b
//   violation: cpu 0 cgroup /a (pid 12) vs cpu 2 cgroup /b (pid 34) at +1.234567s
//                                           (the newest up to 5, oldest first; time since attach)
//
// Exit status: 0 after a run (violations are data, not errors), 2 for bad arguments (one line on
// stderr), 1 when the observer cannot run (not root, no cgroup2, load/attach failure).
// It does not use sched_ext: the tracepoint works under any scheduler (see corun.bpf.c).
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>
#include <bpf/libbpf.h>
#include <fmt/format.h>

#include "scxx/bpf_maps.hpp"
#include "scxx/log.hpp"
#include "scxx/result.hpp"
#include "scxx/observer.hpp"
#include "scxx/skeleton.hpp"
#include "scxx/topology.hpp"

#include "corun_intf.h"
#include "corun.skel.h"

namespace {

namespace po = boost::program_options;
using scxx::Result;

constexpr int kExitUsage = 2;
constexpr int kExitRuntime = 1;
constexpr unsigned long kCgroup2Magic = 0x63677270;  // CGROUP2_SUPER_MAGIC
constexpr size_t kMaxSamples = 5;
constexpr size_t kMaxCgroupDirs = 1 << 16;           // cap on the id -> path walk

struct UsageError {
    std::string message;
};

struct Pair {
    unsigned a, b;
};

// "0:2,1:3" -> pairs; every CPU < nr_cpus, a != b, each CPU in at most one pair.
Result<std::vector<Pair>> parse_pairs(const std::string& text, unsigned nr_cpus) {
    std::vector<Pair> pairs;
    std::vector<bool> used(nr_cpus, false);
    size_t pos = 0;
    if (text.empty()) return scxx::fail(EINVAL, "--pairs: empty list (expected A:B[,C:D...])");
    while (pos <= text.size()) {
        size_t comma = text.find(',', pos);
        std::string tok = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        auto colon = tok.find(':');
        auto number = [&](const std::string& s, unsigned& out) {
            if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) return false;
            out = static_cast<unsigned>(std::stoul(s));
            return true;
        };
        unsigned a = 0, b = 0;
        if (colon == std::string::npos || !number(tok.substr(0, colon), a) || !number(tok.substr(colon + 1), b))
            return scxx::fail(EINVAL, fmt::format("--pairs: bad pair \"{}\" (expected A:B with CPU numbers)", tok));
        if (a >= nr_cpus || b >= nr_cpus)
            return scxx::fail(EINVAL, fmt::format("--pairs: pair \"{}\": CPU {} out of range (nr_cpu_ids is {})", tok,
                                                  a >= nr_cpus ? a : b, nr_cpus));
        if (a == b) return scxx::fail(EINVAL, fmt::format("--pairs: pair \"{}\" pairs a CPU with itself", tok));
        for (unsigned c : {a, b})
            if (used[c]) return scxx::fail(EINVAL, fmt::format("--pairs: CPU {} is in more than one pair", c));
        used[a] = used[b] = true;
        pairs.push_back({a, b});
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return pairs;
}

Result<std::vector<Pair>> stride_pairs(long stride, unsigned nr_cpus) {
    if (stride < 1 || 2 * static_cast<unsigned long>(stride) > nr_cpus)
        return scxx::fail(EINVAL, fmt::format("--stride {}: need 1 <= N and 2N <= nr_cpu_ids ({})", stride, nr_cpus));
    std::vector<Pair> pairs;
    for (unsigned i = 0; i < static_cast<unsigned>(stride); i++) pairs.push_back({i, i + static_cast<unsigned>(stride)});
    return pairs;
}

// The cgroup2 root's id (its inode number is the root cgroup's kernfs id).
Result<uint64_t> cgroup_root_id(const std::filesystem::path& root) {
    struct statfs fs {};
    if (statfs(root.c_str(), &fs) != 0) return scxx::fail(errno, "cgroup root " + root.string());
    if (static_cast<unsigned long>(fs.f_type) != kCgroup2Magic)
        return scxx::fail(EINVAL, "cgroup root " + root.string() + " is not a cgroup2 mount");
    struct stat st {};
    if (stat(root.c_str(), &st) != 0) return scxx::fail(errno, "cgroup root " + root.string());
    return static_cast<uint64_t>(st.st_ino);
}

// cgroup id -> path relative to the root ("/a/b"), by walking the cgroup2 tree (bounded).
std::map<uint64_t, std::string> cgroup_paths(const std::filesystem::path& root, uint64_t root_id) {
    std::map<uint64_t, std::string> paths{{root_id, "/"}};
    std::error_code ec;
    namespace fs = std::filesystem;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
    for (size_t n = 0; !ec && it != end && n < kMaxCgroupDirs; it.increment(ec), n++) {
        if (!it->is_directory(ec) || it->is_symlink(ec)) continue;
        struct stat st {};
        if (stat(it->path().c_str(), &st) == 0)
            paths[static_cast<uint64_t>(st.st_ino)] = "/" + fs::relative(it->path(), root, ec).string();
    }
    return paths;
}

struct Options {
    std::vector<Pair> pairs;
    std::optional<double> duration;
    std::filesystem::path cgroup_root = "/sys/fs/cgroup";
    bool verbose = false;
};

const char* kUsage =
    "usage: scx-corun (--pairs A:B[,C:D...] | --stride N) [--duration SECS] [--cgroup-root DIR] [-v]\n"
    "Counts the instants when the two CPUs of a pair run tasks of two different non-root cgroups\n"
    "(checked on every sched_switch against the partner CPU's current task). Works under any\n"
    "scheduler; prints a summary when the duration ends or on SIGINT/SIGTERM. Exit 0 after a run.\n";

// Throws UsageError. `nr_cpus` validates the pairs.
Options parse_options(int argc, char** argv, unsigned nr_cpus) {
    po::options_description desc("options");
    desc.add_options()
        ("help,h", "this help")
        ("pairs", po::value<std::string>()->value_name("A:B,..."), "CPU pairs, e.g. 0:2,1:3")
        ("stride", po::value<long>()->value_name("N"), "pairs i and i+N for i < N (needs 2N <= nr_cpu_ids)")
        ("duration", po::value<double>()->value_name("SECS"), "observe this long (default: until SIGINT/SIGTERM)")
        ("cgroup-root", po::value<std::string>()->value_name("DIR")->default_value("/sys/fs/cgroup"),
         "the cgroup2 mount")
        ("verbose,v", "libbpf messages on stderr");
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
        po::notify(vm);
    } catch (const std::exception& e) {
        throw UsageError{e.what()};
    }
    if (vm.count("help")) {
        std::cout << kUsage << desc;
        std::exit(0);
    }
    Options o;
    o.verbose = vm.count("verbose") > 0;
    if (vm.count("pairs") && vm.count("stride")) throw UsageError{"give --pairs or --stride, not both"};
    Result<std::vector<Pair>> pairs = scxx::fail(EINVAL, "no CPU pairs: give --pairs A:B[,C:D...] or --stride N");
    if (vm.count("pairs")) pairs = parse_pairs(vm["pairs"].as<std::string>(), nr_cpus);
    if (vm.count("stride")) pairs = stride_pairs(vm["stride"].as<long>(), nr_cpus);
    if (!pairs) throw UsageError{pairs.error().message()};
    o.pairs = std::move(*pairs);
    if (vm.count("duration")) {
        double d = vm["duration"].as<double>();
        if (!(d > 0) || !std::isfinite(d) || d > 1e7) throw UsageError{fmt::format("--duration {}: must be > 0 seconds", d)};
        o.duration = d;
    }
    o.cgroup_root = vm["cgroup-root"].as<std::string>();
    return o;
}

std::string cgroup_name(const std::map<uint64_t, std::string>& paths, uint64_t id) {
    auto it = paths.find(id);
    return it != paths.end() ? it->second : fmt::format("id {}", id);
}

int run(const Options& o, unsigned nr_cpus, const sigset_t& sigs) {
    auto root_id = cgroup_root_id(o.cgroup_root);
    if (!root_id) {
        std::fprintf(stderr, "scx-corun: error: %s\n", root_id.error().what().c_str());
        return kExitRuntime;
    }

    auto opened = scxx::Opened<corun_bpf>::open("corun");
    if (!opened) {
        std::fprintf(stderr, "scx-corun: error: %s\n", opened.error().what().c_str());
        return kExitRuntime;
    }
    corun_bpf* skel = opened->skel();
    skel->rodata->root_cgid = *root_id;
    if (auto r = scxx::size_maps({{skel->maps.cpus, nr_cpus}}); !r) {
        std::fprintf(stderr, "scx-corun: error: %s\n", r.error().what().c_str());
        return kExitRuntime;
    }
    auto loaded = std::move(*opened).load();
    if (!loaded) {
        std::fprintf(stderr, "scx-corun: error: %s\n", loaded.error().what().c_str());
        return kExitRuntime;
    }
    skel = loaded->skel();
    // Partners go in after load, before attach: an array map has no initial value of its own, and
    // its zero-filled entries would read as "partner CPU 0", so every entry is written.
    std::vector<corun_cpu> cpus(nr_cpus, corun_cpu{-1, 0, 0, 0, 0, 0, 0});
    for (const auto& p : o.pairs) {
        cpus[p.a].partner = static_cast<__s32>(p.b);
        cpus[p.b].partner = static_cast<__s32>(p.a);
    }
    if (auto r = scxx::write_array(skel->maps.cpus, cpus); !r) {
        std::fprintf(stderr, "scx-corun: error: %s\n", r.error().what().c_str());
        return kExitRuntime;
    }
    // A tracing program, not struct_ops: its link is destroyed before the skeleton.
    auto link = scxx::attach_program(skel->progs.corun_switch);
    if (!link) {
        std::fprintf(stderr, "scx-corun: error: %s\n", link.error().what().c_str());
        return kExitRuntime;
    }
    auto start = std::chrono::steady_clock::now();
    timespec mono{};
    clock_gettime(CLOCK_MONOTONIC, &mono);  // bpf_ktime_get_ns() is CLOCK_MONOTONIC
    uint64_t start_ns = static_cast<uint64_t>(mono.tv_sec) * 1000000000ull + static_cast<uint64_t>(mono.tv_nsec);
    scxx::wait_for_signal_or_timeout(sigs, o.duration);
    link->reset();  // no more writers: the counters below are final
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::vector<corun_cpu> out(nr_cpus, corun_cpu{});
    uint64_t switches = 0, idle = 0, root = 0, checks = 0, violations = 0;
    for (__u32 c = 0; c < nr_cpus; c++) {
        if (int err = bpf_map__lookup_elem(skel->maps.cpus, &c, sizeof(c), &out[c], sizeof(corun_cpu), 0); err) {
            std::fprintf(stderr, "scx-corun: error: read counters of CPU %u: %s\n", c, std::strerror(-err));
            return kExitRuntime;
        }
        switches += out[c].switches;
        idle += out[c].idle;
        root += out[c].root;
        checks += out[c].checks;
        violations += out[c].violations;
    }
    std::string pairs;
    for (const auto& p : o.pairs)
        pairs += fmt::format("{}[{},{}]:{}", pairs.empty() ? "" : " ", p.a, p.b,
                             out[p.a].violations + out[p.b].violations);
    std::printf("corun: switches=%llu idle=%llu root=%llu nr_cpu_ids=%u root_cgroup_id=%llu elapsed=%.2fs\n",
                static_cast<unsigned long long>(switches), static_cast<unsigned long long>(idle),
                static_cast<unsigned long long>(root), nr_cpus, static_cast<unsigned long long>(*root_id), elapsed);
    std::printf("corun: checks=%llu violations=%llu pairs=%s\n", static_cast<unsigned long long>(checks),
                static_cast<unsigned long long>(violations), pairs.c_str());

    // Samples: the newest few of the ring, printed oldest first.
    uint64_t seq = skel->bss->recent_seq;
    size_t n = static_cast<size_t>(std::min<uint64_t>(seq, CORUN_NR_RECENT));
    std::vector<corun_violation> recent(skel->bss->recent, skel->bss->recent + CORUN_NR_RECENT);
    recent.resize(std::min(recent.size(), n));
    std::sort(recent.begin(), recent.end(), [](const auto& x, const auto& y) { return x.ts_ns < y.ts_ns; });
    if (recent.size() > kMaxSamples) recent.erase(recent.begin(), recent.end() - kMaxSamples);
    if (!recent.empty()) {
        auto paths = cgroup_paths(o.cgroup_root, *root_id);
        for (const auto& v : recent)
            std::printf("violation: cpu %d cgroup %s (pid %d) vs cpu %d cgroup %s (pid %d) at +%.6fs\n", v.cpu,
                        cgroup_name(paths, v.cgid).c_str(), v.pid, v.partner,
                        cgroup_name(paths, v.partner_cgid).c_str(), v.partner_pid,
                        v.ts_ns >= start_ns ? static_cast<double>(v.ts_ns - start_ns) / 1e9 : 0.0);
    }
    std::fflush(stdout);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const sigset_t sigs = scxx::start_observer("scx-corun");  // SIGINT/SIGTERM end the window
    auto topo = scxx::Topology::read("/");
    if (!topo) {
        std::fprintf(stderr, "scx-corun: error: %s\n", topo.error().what().c_str());
        return kExitRuntime;
    }
    Options o;
    try {
        o = parse_options(argc, argv, topo->nr_cpu_ids());
    } catch (const UsageError& e) {
        std::fprintf(stderr, "scx-corun: error: %s (see --help)\n", e.message.c_str());
        return kExitUsage;
    }
    scxx::set_log_level(o.verbose ? scxx::LogLevel::debug : scxx::LogLevel::warn);
    return run(o, topo->nr_cpu_ids(), sigs);
}
