// bpf_maps.cpp: per-CPU array sums, map sizing before load and entry writes after it.
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

Result<void> size_maps(std::initializer_list<MapSize> sizes) {
    for (const auto& s : sizes)
        if (int err = bpf_map__set_max_entries(s.map, s.entries); err)
            return fail(err, "size map " + std::string(bpf_map__name(s.map)) + " to " + std::to_string(s.entries) +
                                 " entries");
    return {};
}

Result<void> write_map_elem(bpf_map* map, uint32_t key, const void* value, size_t size) {
    if (int err = bpf_map__update_elem(map, &key, sizeof(key), value, size, BPF_ANY); err)
        return fail(err, "write " + std::string(bpf_map__name(map)) + "[" + std::to_string(key) + "]");
    return {};
}

}  // namespace scxx
