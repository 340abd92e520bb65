// scxx/map_census.hpp: how many entries each BPF map of a loaded scheduler holds, so leaks show:
// keys of hash maps, and for task/cgroup local storage the live threads/cgroups that carry an entry
// (the kernel offers no key walk for those; user space looks them up by pidfd / cgroup fd).
// Arrays, queues and other fixed-size maps are listed with their size only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <bpf/libbpf.h>

#include "scxx/result.hpp"

namespace scxx {

struct MapCount {
    std::string name;
    std::string type;                // libbpf's name of the map type: "hash", "task_storage", ...
    uint32_t max_entries = 0;
    std::optional<uint64_t> entries; // none: the map type cannot be counted from user space
    std::string how;                 // "keys", "live threads", "live cgroups", "fixed size", "not countable"
};

struct MapCensus {
    std::vector<MapCount> maps;      // the object's maps, internal ones (.data, .bss, ...) left out
    uint64_t threads = 0;            // threads alive when the task storage was probed
    uint64_t cgroups = 0;            // cgroups under the cgroup2 root when the cgroup storage was probed
};

struct CensusRoots {
    std::string proc = "/proc";
    std::string cgroup = "/sys/fs/cgroup";
};

// Counts the maps of a loaded object. A map that cannot be read is an error naming it.
Result<MapCensus> take_map_census(const bpf_object* obj, const CensusRoots& roots = {});

}  // namespace scxx
