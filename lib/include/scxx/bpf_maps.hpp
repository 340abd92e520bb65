// scxx/bpf_maps.hpp: typed access to a scheduler's BPF maps: sizing its tables before load, writing
// entries after load, and the reads every scheduler needs for its stats.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include <bpf/libbpf.h>

#include "scxx/result.hpp"

namespace scxx {

// For a BPF_MAP_TYPE_PERCPU_ARRAY of u64 with `count` entries: each entry summed over all CPUs.
Result<std::vector<uint64_t>> sum_percpu_u64(const bpf_map* map, uint32_t count);

struct MapSize {
    bpf_map* map;
    uint32_t entries;
};
// Sets each map's max_entries (before load), e.g. CPU-indexed tables to nr_cpu_ids. The error names
// the map and the size.
Result<void> size_maps(std::initializer_list<MapSize> sizes);

// Writes one entry (after load); the error names map[key].
Result<void> write_map_elem(bpf_map* map, uint32_t key, const void* value, size_t size);
template <class T>
Result<void> write_elem(bpf_map* map, uint32_t key, const T& value) {
    return write_map_elem(map, key, &value, sizeof(value));
}
// values[i] into map[i] for every i.
template <class T>
Result<void> write_array(bpf_map* map, const std::vector<T>& values) {
    for (size_t i = 0; i < values.size(); ++i)
        if (auto r = write_elem(map, static_cast<uint32_t>(i), values[i]); !r) return r;
    return {};
}

}  // namespace scxx
