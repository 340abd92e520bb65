// bpf_maps.cpp: per-CPU array sums.
#include "scxx/bpf_maps.hpp"

#include <string>

namespace scxx {

Result<std::vector<uint64_t>> sum_percpu_u64(const bpf_map* map, uint32_t count) {
    int ncpus = libbpf_num_possible_cpus();
    if (ncpus <= 0) return fail(-ncpus, "count possible CPUs");
    std::vector<uint64_t> per_cpu(static_cast<size_t>(ncpus));
    std::vector<uint64_t> sums(count);
    for (uint32_t key = 0; key < count; key++) {
        int err = bpf_map__lookup_elem(map, &key, sizeof(key), per_cpu.data(), per_cpu.size() * sizeof(uint64_t), 0);
        if (err) return fail(err, std::string("read ") + bpf_map__name(map) + "[" + std::to_string(key) + "]");
        for (uint64_t v : per_cpu) sums[key] += v;
    }
    return sums;
}

}  // namespace scxx
