// map_census.cpp: entry counts of a loaded scheduler's BPF maps (scxx/map_census.hpp). Hash maps are
// walked key by key; task storage is probed with a pidfd of every live thread, cgroup storage with
// an fd of every cgroup directory, since the kernel has no key walk for local storage.
#include "scxx/map_census.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <bpf/bpf.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fmt/format.h>

namespace scxx {
namespace {

namespace fs = std::filesystem;

constexpr unsigned kPidfdThread = O_EXCL;  // PIDFD_THREAD (6.9): a pidfd of one thread, not the group

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) close(fd);
    }
};

// Walks the keys; at most 2 * max_entries steps (a walk over a map that changes meanwhile may
// start over from the first key), so the count of a busy map is approximate but always ends.
Result<uint64_t> count_keys(const bpf_map* map) {
    const int fd = bpf_map__fd(map);
    std::vector<char> key(bpf_map__key_size(map)), next(bpf_map__key_size(map));
    const uint64_t limit = 2ull * bpf_map__max_entries(map);
    uint64_t n = 0;
    const void* prev = nullptr;
    while (n < limit && bpf_map_get_next_key(fd, prev, next.data()) == 0) {
        ++n;
        key.swap(next);
        prev = key.data();
    }
    if (n < limit && errno != ENOENT) return fail(errno, fmt::format("walk the keys of map {}", bpf_map__name(map)));
    return n;
}

// Local-storage maps of one kind (task or cgroup), probed together: one fd per object, every map
// looked up with it.
struct StorageProbe {
    std::vector<const bpf_map*> maps;
    std::vector<uint64_t> entries;  // per map
    uint64_t objects = 0;           // threads / cgroups probed

    // Looks the object behind key_fd up in every map. A lookup error other than "no entry" (ENOENT,
    // also what a task that died meanwhile gives) is an error naming the map.
    Result<void> probe(int key_fd) {
        ++objects;
        for (size_t i = 0; i < maps.size(); ++i) {
            std::vector<char> value(bpf_map__value_size(maps[i]));
            if (bpf_map_lookup_elem(bpf_map__fd(maps[i]), &key_fd, value.data()) == 0)
                ++entries[i];
            else if (errno != ENOENT)
                return fail(errno, fmt::format("look up an entry of map {}", bpf_map__name(maps[i])));
        }
        return {};
    }
};

bool is_number(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// Every live thread: /proc/<pid>/task/<tid>. Processes and threads that exit while we look are
// skipped (their directories vanish, or pidfd_open says ESRCH).
Result<void> probe_threads(StorageProbe& p, const std::string& proc) {
    std::error_code ec;
    fs::directory_iterator pids(proc, ec);
    if (ec) return fail(ec.value(), "list " + proc);
    for (; pids != fs::directory_iterator(); pids.increment(ec)) {
        if (ec) return fail(ec.value(), "list " + proc);
        if (!is_number(pids->path().filename())) continue;
        std::error_code tec;
        fs::directory_iterator tasks(pids->path() / "task", tec);
        for (; !tec && tasks != fs::directory_iterator(); tasks.increment(tec)) {
            const std::string tname = tasks->path().filename();
            if (!is_number(tname)) continue;
            Fd pidfd{static_cast<int>(syscall(SYS_pidfd_open, std::stol(tname), kPidfdThread))};
            if (pidfd.fd < 0) {
                if (errno == ESRCH) continue;
                return fail(errno, "pidfd_open(" + tname + ")");
            }
            if (auto r = p.probe(pidfd.fd); !r) return r;
        }
        // tec: the process went away meanwhile (ENOENT from its task directory): skip it.
    }
    return {};
}

// Every cgroup directory under the cgroup2 root, the root included. A cgroup removed meanwhile is
// skipped; the walk goes on past it.
Result<void> probe_cgroups(StorageProbe& p, const std::string& root) {
    auto probe = [&](const fs::path& dir) -> Result<void> {
        Fd fd{open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
        if (fd.fd < 0) return errno == ENOENT ? Result<void>{} : fail(errno, "open cgroup " + dir.string());
        return p.probe(fd.fd);
    };
    if (auto r = probe(root); !r) return r;
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    if (ec) return fail(ec.value(), "walk cgroups under " + root);
    while (it != fs::recursive_directory_iterator()) {
        std::error_code dec;
        if (it->is_directory(dec) && !it->is_symlink(dec))
            if (auto r = probe(it->path()); !r) return r;
        it.increment(ec);
        if (ec) {
            if (ec.value() != ENOENT) return fail(ec.value(), "walk cgroups under " + root);
            ec.clear();
            if (it != fs::recursive_directory_iterator()) it.pop();  // the vanished directory's level
        }
    }
    return {};
}

}  // namespace

Result<MapCensus> take_map_census(const bpf_object* obj, const CensusRoots& roots) {
    MapCensus census;
    StorageProbe tasks, cgroups;
    std::vector<std::pair<size_t, StorageProbe*>> probed;  // census.maps index -> its probe
    const bpf_map* map = nullptr;
    bpf_object__for_each_map(map, obj) {
        if (bpf_map__is_internal(map)) continue;
        const bpf_map_type type = bpf_map__type(map);
        if (type == BPF_MAP_TYPE_STRUCT_OPS) continue;
        MapCount c;
        c.name = bpf_map__name(map);
        const char* tname = libbpf_bpf_map_type_str(type);
        c.type = tname ? tname : fmt::format("type {}", static_cast<int>(type));
        c.max_entries = bpf_map__max_entries(map);
        switch (type) {
        case BPF_MAP_TYPE_HASH:
        case BPF_MAP_TYPE_LRU_HASH:
        case BPF_MAP_TYPE_PERCPU_HASH:
        case BPF_MAP_TYPE_LRU_PERCPU_HASH: {
            auto n = count_keys(map);
            if (!n) return fail(std::move(n.error()));
            c.entries = *n;
            c.how = "keys";
            break;
        }
        case BPF_MAP_TYPE_TASK_STORAGE:
        case BPF_MAP_TYPE_CGRP_STORAGE: {
            StorageProbe& p = type == BPF_MAP_TYPE_TASK_STORAGE ? tasks : cgroups;
            p.maps.push_back(map);
            p.entries.push_back(0);
            probed.emplace_back(census.maps.size(), &p);
            c.how = type == BPF_MAP_TYPE_TASK_STORAGE ? "live threads" : "live cgroups";
            break;
        }
        case BPF_MAP_TYPE_ARRAY:
        case BPF_MAP_TYPE_PERCPU_ARRAY:
            c.entries = c.max_entries;
            c.how = "fixed size";
            break;
        default: c.how = "not countable"; break;
        }
        census.maps.push_back(std::move(c));
    }
    if (!tasks.maps.empty())
        if (auto r = probe_threads(tasks, roots.proc); !r) return fail(std::move(r.error()));
    if (!cgroups.maps.empty())
        if (auto r = probe_cgroups(cgroups, roots.cgroup); !r) return fail(std::move(r.error()));
    census.threads = tasks.objects;
    census.cgroups = cgroups.objects;
    std::vector<size_t> next(2, 0);  // the next entries index of tasks, cgroups
    for (auto& [index, p] : probed) census.maps[index].entries = p->entries[next[p == &cgroups]++];
    return census;
}

}  // namespace scxx
