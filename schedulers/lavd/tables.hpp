// schedulers/lavd/tables.hpp: the contents of lavd's topology maps (cpu_ctxs, cpdom_ctxs,
// cpdom_cpus, cpdom_nbrs, pref_order), computed from a DomainPlan. Pure, so the layout the BPF side
// relies on (offsets, neighbour levels, both orders) is unit tested on the host; lavd.cpp only
// copies these vectors into the maps after load.
#pragma once

#include <cstdint>
#include <vector>

#include "cpdom.hpp"

extern "C" {
#include <linux/types.h>
#include "intf.h"
}

namespace lavd {

struct Tables {
    std::vector<lavd_cpu_ctx> cpus;       // nr_cpu_ids entries (offline: cpdom_id LAVD_NONE)
    std::vector<lavd_cpdom_ctx> cpdoms;   // one per domain
    std::vector<uint32_t> cpdom_cpus;     // CPU ids grouped by domain (cpu_off / nr_cpus)
    std::vector<uint32_t> cpdom_nbrs;     // neighbour ids per domain, level 0 first (nbr_off / nr_nbrs)
    std::vector<uint32_t> pref_order;     // 2 * nr_cpu_ids: performance order at 0, powersave at nr_cpu_ids
    uint64_t total_capacity = 0;          // of the online CPUs
    uint32_t nr_cpus_onln = 0;
};

Tables build_tables(const DomainPlan& plan);

}  // namespace lavd
