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

Result<uint64_t> count_keys(const bpf_map* map) {
    const int fd = bpf_map__fd(map);
    std::vector<char> key(bpf_map__key_size(map)), next(bpf_map__key_size(map));
    uint64_t n = 0;
    const void* prev = nullptr;
    while (bpf_map_get_next_key(fd, prev, next.data()) == 0) {
        ++n;
        key.swap(next);
        prev = key.data();
    }
    if (errno != ENOENT) return fail(errno, fmt::format("walk the keys of map {}", bpf_map__name(map)));
    return n;
}

// Looks `key_fd` up in a local-storage map: true when the object carries an entry.
Result<bool> has_entry(const bpf_map* map, int key_fd, std::vector<char>& value) {
    if (bpf_map_lookup_elem(bpf_map__fd(map), &key_fd, value.data()) == 0) return true;
    if (errno == ENOENT) return false;
    return fail(errno, fmt::format("look up an entry of map {}", bpf_map__name(map)));
}

struct Probed {
    uint64_t entries = 0;
    uint64_t objects = 0;
};

// Every live thread: /proc/<pid>/task/<tid>. Threads that exit while we look are skipped.
Result<Probed> probe_threads(const bpf_map* map, const std::string& proc) {
    std::vector<char> value(bpf_map__value_size(map));
    Probed p;
    std::error_code ec;
    for (const auto& pid : fs::directory_iterator(proc, ec)) {
        const std::string name = pid.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::error_code tec;
        for (const auto& task : fs::directory_iterator(pid.path() / "task", tec)) {
            const std::string tname = task.path().filename();
            if (tname.empty() || tname.find_first_not_of("0123456789") != std::string::npos) continue;
            const long tid = std::stol(tname);
            Fd pidfd{static_cast<int>(syscall(SYS_pidfd_open, tid, kPidfdThread))};
            if (pidfd.fd < 0) {
                if (errno == ESRCH) continue;  // gone meanwhile
                return fail(errno, fmt::format("pidfd_open({}) for map {}", tid, bpf_map__name(map)));
            }
            auto has = has_entry(map, pidfd.fd, value);
            if (!has) {
                if (has.error().errnum() == ESRCH) continue;
                return fail(std::move(has.error()));
            }
            ++p.objects;
            if (*has) ++p.entries;
        }
    }
    if (ec) return fail(ec.value(), "list " + proc);
    return p;
}

// Every cgroup directory under the cgroup2 root, the root included.
Result<Probed> probe_cgroups(const bpf_map* map, const std::string& root) {
    std::vector<char> value(bpf_map__value_size(map));
    Probed p;
    auto probe = [&](const fs::path& dir) -> Result<void> {
        Fd fd{open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
        if (fd.fd < 0) return errno == ENOENT ? Result<void>{} : fail(errno, "open cgroup " + dir.string());
        auto has = has_entry(map, fd.fd, value);
        if (!has) return fail(std::move(has.error()));
        ++p.objects;
        if (*has) ++p.entries;
        return {};
    };
    if (auto r = probe(root); !r) return fail(std::move(r.error()));
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_directory(ec) || it->is_symlink(ec)) continue;
        if (auto r = probe(it->path()); !r) return fail(std::move(r.error()));
    }
    if (ec && ec.value() != ENOENT) return fail(ec.value(), "walk cgroups under " + root);
    return p;
}

}  // namespace

Result<MapCensus> take_map_census(const bpf_object* obj, const CensusRoots& roots) {
    MapCensus census;
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
        case BPF_MAP_TYPE_TASK_STORAGE: {
            auto p = probe_threads(map, roots.proc);
            if (!p) return fail(std::move(p.error()));
            c.entries = p->entries;
            c.how = "live threads";
            census.threads = p->objects;
            break;
        }
        case BPF_MAP_TYPE_CGRP_STORAGE: {
            auto p = probe_cgroups(map, roots.cgroup);
            if (!p) return fail(std::move(p.error()));
            c.entries = p->entries;
            c.how = "live cgroups";
            census.cgroups = p->objects;
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
    return census;
}

}  // namespace scxx
