// scxx/bpf_maps.hpp: typed reads of BPF maps that every scheduler needs for its stats.
#pragma once

#include <cstdint>
#include <vector>

#include <bpf/libbpf.h>

#include "scxx/result.hpp"

namespace scxx {

// For a BPF_MAP_TYPE_PERCPU_ARRAY of u64 with `count` entries: each entry summed over all CPUs.
Result<std::vector<uint64_t>> sum_percpu_u64(const bpf_map* map, uint32_t count);

}  // namespace scxx
