// topology.cpp: Topology::read() — CPUs, cores, LLCs, packages, NUMA nodes and capacities from a
// sysfs tree (see topology.hpp for the rules). Plain open/read is used for the many tiny files so
// an 8192-CPU tree reads in well under a second; identical cpulists are parsed once.
#include "scxx/topology.hpp"
#include "scxx/text.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <map>
#include <optional>
#include <unordered_map>

namespace scxx {

namespace {

using text::trim;

// Where a path is opened from: `path` is always the full path (for messages); with a directory fd,
// path.substr(rel) is opened relative to it, which saves the kernel walking the whole path again
// for each of the ~10 files of every CPU.
struct At {
    int fd = AT_FDCWD;
    size_t rel = 0;
};

// Whole file; Error carries errno (ENOENT for a missing file) and names the path.
Result<std::string> read_file(const std::string& path, At at = {}) {
    int fd = ::openat(at.fd, path.c_str() + at.rel, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(errno, "read " + path);
    std::string out;
    char buf[4096];
    while (true) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::close(fd);
            return fail(err, "read " + path);
        }
        out.append(buf, static_cast<size_t>(n));
        // A short read is the end of a regular/sysfs file: skip the extra read() returning 0.
        if (static_cast<size_t>(n) < sizeof buf) break;
    }
    ::close(fd);
    return out;
}

// nullopt when the file does not exist; other failures are errors.
Result<std::optional<std::string>> read_optional(const std::string& path, At at = {}) {
    auto r = read_file(path, at);
    if (r) return std::optional<std::string>(std::move(*r));
    if (r.error().errnum() == ENOENT) return std::optional<std::string>();
    return fail(std::move(r.error()));
}

bool is_dir(const std::string& path, At at = {}) {
    struct stat st;
    return ::fstatat(at.fd, path.c_str() + at.rel, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

Result<long> parse_long(const std::string& path, std::string_view text) {
    std::string_view t = trim(text);
    long v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || ec != std::errc() || p != t.data() + t.size())
        return fail(EINVAL, path + ": expected an integer, got \"" + std::string(t) + "\"");
    return v;
}

Result<long> read_long(const std::string& path, At at = {}) {
    auto text = read_file(path, at);
    if (!text) return fail(std::move(text.error()));
    return parse_long(path, *text);
}

Result<std::optional<long>> read_optional_long(const std::string& path, At at = {}) {
    auto text = read_optional(path, at);
    if (!text) return fail(std::move(text.error()));
    if (!*text) return std::optional<long>();
    auto v = parse_long(path, **text);
    if (!v) return fail(std::move(v.error()));
    return std::optional<long>(*v);
}

Result<Cpumask> parse_cpulist_file(const std::string& path, std::string_view text, unsigned nr) {
    auto m = Cpumask::parse_list(text, nr);
    if (!m) return fail(std::move(m.error().context(path)));
    return m;
}

Result<Cpumask> read_cpulist(const std::string& path, unsigned nr) {
    auto text = read_file(path);
    if (!text) return fail(std::move(text.error()));
    return parse_cpulist_file(path, *text, nr);
}

std::string plural(size_t n, const char* word) {
    std::string s = std::to_string(n) + " " + word;
    if (n != 1) s += 's';
    return s;
}

}  // namespace

class TopologyReader {
public:
    explicit TopologyReader(const std::filesystem::path& root)
        : cpu_dir_((root / "sys/devices/system/cpu").string()), node_dir_((root / "sys/devices/system/node").string()) {}

    Result<Topology> run() {
        if (auto r = read_cpus(); !r) return fail(std::move(r.error()));
        for (unsigned cpu : t_.online_)
            if (auto r = read_cpu(cpu); !r) return fail(std::move(r.error()));
        assign_capacities();
        if (auto r = read_nodes(); !r) return fail(std::move(r.error()));
        build_groups();
        return std::move(t_);
    }

private:
    struct Scratch {  // per online CPU, until the groups are built
        std::string core_key;  // package + canonical sibling list
        std::string llc_key;   // canonical shared_cpu_list of the LLC
        int llc_level = 0;
        std::optional<long> capacity;
    };

    Result<void> read_cpus() {
        const std::string possible_path = cpu_dir_ + "/possible";
        auto possible_text = read_file(possible_path);
        if (!possible_text) return fail(std::move(possible_text.error()));
        auto span = Cpumask::list_span(*possible_text);
        if (!span) return fail(std::move(span.error().context(possible_path)));
        if (*span == 0) return fail(EINVAL, possible_path + ": no possible CPUs");
        nr_ = *span;
        auto possible = parse_cpulist_file(possible_path, *possible_text, nr_);
        if (!possible) return fail(std::move(possible.error()));
        const std::string online_path = cpu_dir_ + "/online";
        auto online = read_cpulist(online_path, nr_);
        if (!online) return fail(std::move(online.error()));
        if (!online->subset_of(*possible))
            return fail(EINVAL, online_path + ": online CPUs " + online->minus(*possible).to_list() +
                                    " are not possible (" + possible_path + " is " + possible->to_list() + ")");
        t_.nr_cpu_ids_ = nr_;
        t_.possible_ = std::move(*possible);
        t_.online_ = std::move(*online);
        t_.cpus_.resize(nr_);
        scratch_.resize(nr_);
        llc_hint_.assign(nr_, -1);
        core_hint_.assign(nr_, -1);
        for (unsigned i = 0; i < nr_; ++i) {
            t_.cpus_[i].id = i;
            t_.cpus_[i].online = t_.online_.test(i);
        }
        return {};
    }

    // Canonical text of a cpulist (so "0,1" and "0-1" match), parsing each distinct text once.
    Result<std::string> canonical(const std::string& path, std::string_view text) {
        std::string key(trim(text));
        if (auto it = canon_.find(key); it != canon_.end()) return it->second;
        auto m = parse_cpulist_file(path, key, nr_);
        if (!m) return fail(std::move(m.error()));
        return canon_.emplace(std::move(key), m->to_list()).first->second;
    }

    // Marks the online CPUs of `list` (a canonical cpulist) that have no hint yet with `hint`.
    Result<void> mark(std::vector<int>& hints, const std::string& list, int hint, const std::string& path) {
        auto cpus = Cpumask::parse_list(list, nr_);
        if (!cpus) return fail(std::move(cpus.error().context(path)));
        for (unsigned other : *cpus & t_.online_)
            if (hints[other] < 0) hints[other] = hint;
        return {};
    }

    Result<void> read_cpu(unsigned cpu) {
        CpuInfo& info = t_.cpus_[cpu];
        Scratch& sc = scratch_[cpu];
        const std::string dir = cpu_dir_ + "/cpu" + std::to_string(cpu);
        At at;
        struct Closer {
            int fd = -1;
            ~Closer() {
                if (fd >= 0) ::close(fd);
            }
        } closer;
        // Only CPUs that are the first of their core (or LLC) read topology/ (cache/): the rest
        // were listed by that first CPU, so half the files are skipped on SMT2, most of cache/.
        if (core_hint_[cpu] < 0 || llc_hint_[cpu] < 0) {
            closer.fd = ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
            if (closer.fd < 0) return fail(errno, "open " + dir);
            at = At{closer.fd, dir.size() + 1};
        }

        if (core_hint_[cpu] >= 0) {
            // A thread sibling of a lower-numbered CPU: same package, core_id and sibling list.
            const CpuInfo& first = t_.cpus_[static_cast<size_t>(core_hint_[cpu])];
            info.package = first.package;
            info.core_id = first.core_id;
            sc.core_key = scratch_[static_cast<size_t>(core_hint_[cpu])].core_key;
        } else {
            const std::string topo = dir + "/topology/";
            auto package = read_long(topo + "physical_package_id", at);
            if (!package) return fail(std::move(package.error()));
            auto core_id = read_long(topo + "core_id", at);
            if (!core_id) return fail(std::move(core_id.error()));
            info.package = static_cast<int>(std::max(0L, *package));
            info.core_id = static_cast<int>(*core_id);

            std::string sib_path = topo + "thread_siblings_list";
            auto siblings = read_optional(sib_path, at);
            if (!siblings) return fail(std::move(siblings.error()));
            if (!*siblings) {
                auto alt = read_optional(topo + "core_cpus_list", at);
                if (!alt) return fail(std::move(alt.error()));
                if (!*alt) return fail(ENOENT, "read " + sib_path);
                sib_path = topo + "core_cpus_list";
                siblings = std::move(alt);
            }
            auto sib_key = canonical(sib_path, **siblings);
            if (!sib_key) return fail(std::move(sib_key.error()));
            sc.core_key = std::to_string(info.package) + "/" + *sib_key;
            if (auto r = mark(core_hint_, *sib_key, static_cast<int>(cpu), sib_path); !r) return r;
        }

        if (llc_hint_[cpu] >= 0) {
            // Listed in the LLC of a lower-numbered CPU: same cache, no need to read ours.
            const auto& [key, level] = llc_seen_[static_cast<size_t>(llc_hint_[cpu])];
            sc.llc_key = key;
            sc.llc_level = level;
        } else if (auto r = read_llc(dir, at, sc); !r) {
            return fail(std::move(r.error()));
        }

        auto cap = read_optional_long(dir + "/cpu_capacity", at);
        if (!cap) return fail(std::move(cap.error()));
        sc.capacity = *cap;
        auto freq = read_optional_long(dir + "/cpufreq/cpuinfo_max_freq", at);
        if (!freq) return fail(std::move(freq.error()));
        if (*freq && **freq > 0) info.max_freq_khz = static_cast<unsigned long>(**freq);
        return {};
    }

    // The highest-level Unified/Data cache of the CPU; no cache info: the package is the LLC.
    Result<void> read_llc(const std::string& dir, At at, Scratch& sc) {
        int best_level = 0;
        std::string best_index;
        for (unsigned k = 0;; ++k) {
            const std::string index = dir + "/cache/index" + std::to_string(k);
            auto level = read_optional_long(index + "/level", at);
            if (!level) return fail(std::move(level.error()));
            if (!*level) {
                if (is_dir(index, at)) return fail(ENOENT, "read " + index + "/level");
                break;
            }
            auto type = read_file(index + "/type", at);
            if (!type) return fail(std::move(type.error()));
            std::string_view ty = trim(*type);
            if ((ty == "Unified" || ty == "Data") && **level > best_level) {
                best_level = static_cast<int>(**level);
                best_index = index;
            }
        }
        if (best_index.empty()) {
            sc.llc_key = "package " + sc.core_key.substr(0, sc.core_key.find('/'));
            sc.llc_level = 0;
            return {};
        }
        const std::string shared_path = best_index + "/shared_cpu_list";
        auto shared = read_file(shared_path, at);
        if (!shared) return fail(std::move(shared.error()));
        auto key = canonical(shared_path, *shared);
        if (!key) return fail(std::move(key.error()));
        sc.llc_key = *key;
        sc.llc_level = best_level;
        // Let the other CPUs of this cache skip their cache directories.
        llc_seen_.emplace_back(*key, best_level);
        return mark(llc_hint_, *key, static_cast<int>(llc_seen_.size() - 1), shared_path);
    }

    void assign_capacities() {
        unsigned long max_freq = 0;
        for (unsigned cpu : t_.online_) max_freq = std::max(max_freq, t_.cpus_[cpu].max_freq_khz);
        unsigned max_cap = 0;
        for (unsigned cpu : t_.online_) {
            CpuInfo& info = t_.cpus_[cpu];
            const Scratch& sc = scratch_[cpu];
            if (sc.capacity)
                // The kernel's scale tops out at 1024 (SCHED_CAPACITY_SCALE); a larger value is a
                // broken sysfs and must not make the others look little (found by tests/fuzz).
                info.capacity = static_cast<unsigned>(std::clamp(*sc.capacity, 0L, 1024L));
            else if (info.max_freq_khz > 0)
                info.capacity = static_cast<unsigned>((info.max_freq_khz * 1024 + max_freq / 2) / max_freq);
            else
                info.capacity = 1024;
            max_cap = std::max(max_cap, info.capacity);
        }
        for (unsigned cpu : t_.online_) {
            CpuInfo& info = t_.cpus_[cpu];
            // Little: below 80% of the fastest online CPU.
            info.type = uint64_t{info.capacity} * 5 < uint64_t{max_cap} * 4 ? CoreType::little : CoreType::big;
        }
    }

    Result<void> read_nodes() {
        if (!is_dir(node_dir_)) {
            Node n;
            n.id = 0;
            n.cpus = t_.online_;
            n.distance = {10};
            t_.nodes_.push_back(std::move(n));
            for (unsigned cpu : t_.online_) t_.cpus_[cpu].node = 0;
            return {};
        }
        std::string list_path = node_dir_ + "/online";
        auto list = read_optional(list_path);
        if (!list) return fail(std::move(list.error()));
        if (!*list) {
            list_path = node_dir_ + "/possible";
            auto possible = read_file(list_path);
            if (!possible) return fail(std::move(possible.error()));
            *list = std::move(*possible);
        }
        auto span = Cpumask::list_span(**list);
        if (!span) return fail(std::move(span.error().context(list_path)));
        auto ids = Cpumask::parse_list(**list, *span);
        if (!ids) return fail(std::move(ids.error().context(list_path)));
        if (ids->empty()) return fail(EINVAL, list_path + ": no NUMA nodes");
        const size_t nr_nodes = ids->weight();
        for (unsigned id : *ids) {
            const std::string dir = node_dir_ + "/node" + std::to_string(id);
            Node n;
            n.id = id;
            auto cpus = read_cpulist(dir + "/cpulist", nr_);
            if (!cpus) return fail(std::move(cpus.error()));
            n.cpus = *cpus & t_.online_;
            const std::string dist_path = dir + "/distance";
            auto dist = read_file(dist_path);
            if (!dist) return fail(std::move(dist.error()));
            std::string_view rest = trim(*dist);
            while (!rest.empty()) {
                size_t end = rest.find_first_of(" \t\n");
                auto v = parse_long(dist_path, rest.substr(0, end));
                if (!v || *v < 0) return fail(EINVAL, dist_path + ": bad distance list \"" + std::string(trim(*dist)) + "\"");
                n.distance.push_back(static_cast<unsigned>(*v));
                rest = trim(end == std::string_view::npos ? std::string_view() : rest.substr(end));
            }
            if (n.distance.size() != nr_nodes)
                return fail(EINVAL, dist_path + ": " + std::to_string(n.distance.size()) + " distances for " +
                                        std::to_string(nr_nodes) + " nodes (" + list_path + ")");
            for (unsigned cpu : n.cpus) t_.cpus_[cpu].node = static_cast<int>(id);
            t_.nodes_.push_back(std::move(n));
        }
        return {};
    }

    void build_groups() {
        std::map<int, size_t> pkg_index;
        for (unsigned cpu : t_.online_) pkg_index.emplace(t_.cpus_[cpu].package, 0);
        for (auto& [id, idx] : pkg_index) {
            idx = t_.packages_.size();
            Package p;
            p.id = static_cast<unsigned>(id);
            p.cpus = Cpumask(nr_);
            t_.packages_.push_back(std::move(p));
        }
        std::unordered_map<std::string, int> core_index, llc_index;
        for (unsigned cpu : t_.online_) {
            CpuInfo& info = t_.cpus_[cpu];
            const Scratch& sc = scratch_[cpu];
            (void)t_.packages_[pkg_index[info.package]].cpus.set(cpu);

            auto [lit, lnew] = llc_index.emplace(sc.llc_key, static_cast<int>(t_.llcs_.size()));
            if (lnew) {
                Llc l;
                l.id = static_cast<unsigned>(t_.llcs_.size());
                l.level = sc.llc_level;
                l.node = info.node;
                l.cpus = Cpumask(nr_);
                t_.llcs_.push_back(std::move(l));
            }
            Llc& llc = t_.llcs_[static_cast<size_t>(lit->second)];
            (void)llc.cpus.set(cpu);
            if (llc.node != info.node) llc.node = -1;
            info.llc = lit->second;

            auto [cit, cnew] = core_index.emplace(sc.core_key, static_cast<int>(t_.cores_.size()));
            if (cnew) {
                Core c;
                c.id = static_cast<unsigned>(t_.cores_.size());
                c.package = info.package;
                c.llc = info.llc;
                c.cpus = Cpumask(nr_);
                t_.cores_.push_back(std::move(c));
            }
            (void)t_.cores_[static_cast<size_t>(cit->second)].cpus.set(cpu);
            info.core = cit->second;
        }
    }

    std::string cpu_dir_, node_dir_;
    unsigned nr_ = 0;
    Topology t_;
    std::vector<Scratch> scratch_;
    std::unordered_map<std::string, std::string> canon_;
    std::vector<std::pair<std::string, int>> llc_seen_;  // LLC key and level, per LLC read
    std::vector<int> llc_hint_;                          // per CPU: index into llc_seen_ or -1
    std::vector<int> core_hint_;                         // per CPU: first CPU of its core or -1
};

Result<Topology> Topology::read(const std::filesystem::path& root) { return TopologyReader(root).run(); }

bool Topology::smt() const {
    return std::any_of(cores_.begin(), cores_.end(), [](const Core& c) { return c.cpus.weight() > 1; });
}

Cpumask Topology::big_cpus() const {
    Cpumask m(nr_cpu_ids_);
    for (unsigned cpu : online_)
        if (cpus_[cpu].type == CoreType::big) (void)m.set(cpu);
    return m;
}

Cpumask Topology::little_cpus() const {
    Cpumask m(nr_cpu_ids_);
    for (unsigned cpu : online_)
        if (cpus_[cpu].type == CoreType::little) (void)m.set(cpu);
    return m;
}

bool Topology::heterogeneous() const { return !big_cpus().empty() && !little_cpus().empty(); }

int Topology::node_index(int node_id) const {
    for (size_t i = 0; i < nodes_.size(); ++i)
        if (static_cast<int>(nodes_[i].id) == node_id) return static_cast<int>(i);
    return -1;
}

std::string Topology::summary() const {
    std::string s = plural(possible_.weight(), "CPU") + " (" + std::to_string(online_.weight()) + " online), " +
                    plural(nodes_.size(), "node") + ", " + plural(packages_.size(), "package") + ", " +
                    plural(llcs_.size(), "LLC");
    if (!llcs_.empty() && std::all_of(llcs_.begin(), llcs_.end(), [&](const Llc& l) { return l.level == llcs_[0].level; }) &&
        llcs_[0].level != 3)
        s += llcs_[0].level == 0 ? std::string(" (per package)") : " (L" + std::to_string(llcs_[0].level) + ")";
    s += ", " + plural(cores_.size(), "core");
    if (smt()) s += ", SMT";
    if (heterogeneous())
        s += ", " + std::to_string(big_cpus().weight()) + " big + " + std::to_string(little_cpus().weight()) + " little";
    return s;
}

}  // namespace scxx
